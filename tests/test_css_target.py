"""One `target` for JS and CSS; by default, Vite's "Baseline widely available" browsers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

FILES = {
    "index.html": '<link rel="stylesheet" href="./site.css"><script type="module" src="./main.js"></script>\n',
    "site.css": ".card { color: red; & .title { color: blue; } }\n",
    # Class static blocks: Safari 16.0 lacks them, Safari 16.4 and later have them.
    "main.js": "class Counter { static { globalThis.count = 1; } }\nconsole.log(Counter);\n",
}


def built(run_cli: Any, root: Path, *args: str) -> tuple[str, str]:
    done = run_cli("build", root, "--no-images", "--no-compress", *args)
    assert done.returncode == 0, done.stderr
    dist = root / "dist"
    css = next(dist.rglob("site-*.css")).read_text()
    js = next(dist.rglob("main-*.js")).read_text()
    return css, js


def test_default_target_flattens_css_nesting_for_safari_16(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    css, js = built(run_cli, make_project(FILES))
    assert "&" not in css and ".card .title{" in css
    assert "static{" not in js.replace(" ", ""), "class static blocks are lowered for Safari 16"


def test_one_target_setting_drives_css_and_js(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project({**FILES, "bundlewise.toml": 'target = "chrome120,safari17.2"\n'})
    css, js = built(run_cli, root)
    assert "&" in css or ".title{" in css.split(".card{")[1], (
        "nesting kept for browsers that have it"
    )
    assert "static{" in js.replace(" ", "")
