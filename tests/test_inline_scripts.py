"""Inline `<script type="module">` elements are bundled like module entries."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from helpers import manifest, open_page, snapshot, tags_of

from bundlewise.js.inline import needs_build

PAGE = """\
<!doctype html>
<html><head><title>inline</title><link rel="icon" href="data:,"></head>
<body>
<p id="from-file">waiting</p>
<p id="from-inline">waiting</p>
<script type="module" src="./src/main.js"></script>
<script type="module">
  import { shout } from './src/shared.js'
  import { greet } from 'tiny-greet'
  document.querySelector('#from-inline').textContent =
    shout(greet('inline')) + ' ' + import.meta.env.MODE
</script>
<script type="module">document.body.dataset.plain = 'ran'</script>
</body></html>
"""


@pytest.fixture
def inline_app(make_project: Any) -> Path:
    return make_project(  # type: ignore[no-any-return]
        {
            "pages/index.html": PAGE,
            "pages/src/main.js": "import { shout } from './shared.js'\n"
            "document.querySelector('#from-file').textContent = shout('file')\n",
            "pages/src/shared.js": "export const shout = (s) => s.toUpperCase() + '!'\n",
            "node_modules/tiny-greet/package.json": '{"name": "tiny-greet", "type": "module", '
            '"main": "index.js"}',
            "node_modules/tiny-greet/index.js": "export const greet = (n) => 'hello ' + n\n",
        }
    )


def scripts_of(html: str) -> list[str]:
    return [a["src"] or "" for name, a in tags_of(html) if name == "script" and a.get("src")]


def test_inline_module_becomes_an_entry_sharing_the_pages_chunk(
    run_cli: Any, inline_app: Path
) -> None:
    done = run_cli("build", inline_app, "--strict")
    assert done.returncode == 0, done.stderr
    dist = inline_app / "dist"
    html = (dist / "pages/index.html").read_text()
    main_src, inline_src = scripts_of(html)
    assert "import { shout }" not in html, "the code left the page"
    assert "document.body.dataset.plain = 'ran'" in html, "a script that imports nothing stays"
    main_code = (dist / main_src.lstrip("/")).read_text()
    inline_code = (dist / inline_src.lstrip("/")).read_text()
    shared = set(re.findall(r"chunk-[A-Z2-7]{8}\.js", main_code))
    assert shared and shared == set(re.findall(r"chunk-[A-Z2-7]{8}\.js", inline_code))
    assert "hello " in inline_code, "the bare import was bundled"
    assert "import.meta" not in inline_code
    assert any(
        e.get("isEntry") and e["file"] == inline_src.lstrip("/") for e in manifest(dist).values()
    )
    assert not [f for f in snapshot(inline_app) if "inline" in f and not f.startswith("dist/")], (
        "nothing was written into the app's sources"
    )


@pytest.mark.browser
@pytest.mark.parametrize("base", ["/", "./"])
def test_inline_module_runs_in_the_browser(
    browser: Any, run_cli: Any, serve: Any, inline_app: Path, base: str
) -> None:
    done = run_cli("build", inline_app, "--base", base, "--strict")
    assert done.returncode == 0, done.stderr
    page, problems = open_page(browser, serve(inline_app / "dist") + "/pages/index.html")
    page.wait_for_selector("#from-inline:has-text('HELLO INLINE! production')")
    assert page.text_content("#from-file") == "FILE!"
    assert page.evaluate("document.body.dataset.plain") == "ran"
    assert problems == []
    page.close()


def test_what_needs_a_build() -> None:
    assert needs_build("import x from 'pkg'")
    assert needs_build("import './side-effect.js'")
    assert needs_build('import * as ns from "./a.js"')
    assert needs_build("const m = await import('./lazy.js')")
    assert needs_build("console.log(import.meta.env.VITE_X)")
    assert not needs_build("console.log('important stuff')")
    assert not needs_build("const importance = 1; reimport()")
