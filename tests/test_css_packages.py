"""`@import "pkg"` in a stylesheet finds the package's stylesheet (`style` export condition or field)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.npm_fixture import need_npm, npm_installed

BULMA = "1.0.4"  # main: bulma.scss, style: css/bulma.min.css


def installed_bulma() -> Path:
    """Bulma installed with npm into the test cache (made on first use); its node_modules."""
    need_npm("this test installs bulma with npm")
    return npm_installed(f"bulma-{BULMA}", "--prefer-offline", f"bulma@{BULMA}") / "node_modules"


def package(name: str, manifest: dict[str, Any], files: dict[str, str]) -> dict[str, str]:
    """Files of a package written into the fixture's node_modules."""
    out = {f"node_modules/{name}/package.json": json.dumps(manifest)}
    out.update({f"node_modules/{name}/{path}": text for path, text in files.items()})
    return out


WIDGETS = package(
    "widgets",
    {"name": "widgets", "exports": {".": {"style": "./dist/widgets.css", "default": "./index.js"}}},
    {
        "dist/widgets.css": ".widget { color: rgb(0, 128, 0); }\n",
        "index.js": "export const v = 1;\n",
    },
)
HELPERS = package(
    "helpers",
    {"name": "helpers", "main": "index.js", "style": "helpers.css"},
    {"helpers.css": ".helper { color: rgb(0, 0, 255); }\n", "index.js": "export const h = 'js';\n"},
)


def build(run_cli: Any, root: Path, *args: str) -> Path:
    done = run_cli("build", root, "--no-images", "--no-compress", *args)
    assert done.returncode == 0, done.stderr
    return root / "dist"


def test_style_condition_and_style_field_without_changing_js_resolution(
    make_project, run_cli
) -> None:  # type: ignore[no-untyped-def]
    root = make_project(
        {
            "index.html": '<link rel="stylesheet" href="./site.css">'
            '<script type="module" src="./main.js"></script>\n',
            "site.css": '@import "widgets";\n@import "helpers";\n.own { color: red; }\n',
            # JS imports another package that also has a `style` field: it still gets the JS.
            "main.js": 'import { h } from "other";\ndocument.title = h;\n',
            **WIDGETS,
            **HELPERS,
            **package(
                "other",
                {"name": "other", "main": "index.js", "style": "other.css"},
                {"other.css": ".other {}\n", "index.js": "export const h = 'other js';\n"},
            ),
        }
    )
    dist = build(run_cli, root)
    css = next(dist.rglob("site-*.css")).read_text()
    assert ".widget{color:green}" in css.replace(" ", "").replace("#008000", "green")
    assert ".helper{" in css and css.index(".widget") < css.index(".helper") < css.index(".own")
    js = next(dist.rglob("main-*.js")).read_text()
    assert "other js" in js and ".other" not in js


def test_a_package_imported_from_css_and_from_js_gets_its_stylesheet_and_its_js(  # type: ignore[no-untyped-def]
    make_project, run_cli
) -> None:
    # `@import "bootstrap"` in the CSS and `import "bootstrap"` in the JS: each gets its own file.
    root = make_project(
        {
            "index.html": '<link rel="stylesheet" href="./site.css">'
            '<script type="module" src="./main.js"></script>\n',
            "site.css": '@import "helpers";\n',
            "main.js": 'import { h } from "helpers";\ndocument.title = h;\n',
            **HELPERS,
        }
    )
    dist = build(run_cli, root)
    css = next(dist.rglob("site-*.css")).read_text()
    assert ".helper{" in css.replace(" ", "")
    js = next(dist.rglob("main-*.js")).read_text()
    assert "'js'" in js.replace('"', "'") and ".helper" not in js


@pytest.mark.browser
def test_bulma_from_npm_by_package_name_styles_the_page(
    make_project, run_cli, serve, browser: Any
) -> None:  # type: ignore[no-untyped-def]
    modules = installed_bulma()
    root = make_project(
        {
            "index.html": '<link rel="stylesheet" href="./site.css">'
            '<button class="button is-primary">Go</button>\n',
            "site.css": '@import "bulma";\n',
        }
    )
    (root / "node_modules").symlink_to(modules, target_is_directory=True)
    dist = build(run_cli, root, "--no-fail-on-budget")  # all of Bulma: 677 kB raw
    assert ".button" in next(dist.rglob("site-*.css")).read_text()
    page = browser.new_page()
    page.goto(serve(dist) + "/index.html", wait_until="networkidle")
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.button')).backgroundColor"
    )
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)", "rgb(240, 240, 240)")
    page.close()
