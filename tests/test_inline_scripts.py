"""Inline `<script type="module">` elements: never silently broken."""

from __future__ import annotations

from typing import Any

from bundlewise.js.inline import needs_build


def test_inline_module_that_imports_is_a_warning_naming_page_and_line(
    run_cli: Any, make_project: Any
) -> None:
    app = make_project(
        {
            "index.html": "<!doctype html>\n<title>t</title>\n"
            '<script type="module">\n  import { hello } from "./lib.js"\n  hello()\n</script>\n'
            '<script type="module">console.log("standalone")</script>\n',
            "lib.js": "export const hello = () => console.log('hi')\n",
        }
    )
    done = run_cli("build", app)
    assert done.returncode == 0, done.stderr
    assert 'index.html:3:0: warning: inline <script type="module"> imports modules' in done.stderr
    assert "index.html:7" not in done.stderr, "a script that imports nothing works as written"
    assert run_cli("build", app, "--strict").returncode == 1


def test_what_needs_a_build() -> None:
    assert needs_build("import x from 'pkg'")
    assert needs_build("import './side-effect.js'")
    assert needs_build('import * as ns from "./a.js"')
    assert needs_build("const m = await import('./lazy.js')")
    assert needs_build("console.log(import.meta.env.VITE_X)")
    assert not needs_build("console.log('important stuff')")
    assert not needs_build("const importance = 1; reimport()")
