"""Root-absolute URLs in stylesheets name site files; a missing `url()` is a warning, left as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_APP
from helpers import build_without_compression as build
from helpers import open_tracked, snapshot

SITE_CSS = """\
@import "/pub.css";
@import "/src/base.css";
.a { background: url(/icon.svg); width: 8px; height: 8px; }
.b { background: url(/img/horse.png); width: 8px; height: 8px; }
"""


@pytest.fixture
def app(make_project) -> Path:  # type: ignore[no-untyped-def]
    return make_project(  # type: ignore[no-any-return]
        {
            "index.html": '<link rel="stylesheet" href="./src/site.css">\n'
            '<div class="a"></div><div class="b"></div><p class="pub">x</p>\n'
            '<script type="module" src="./src/main.js"></script>\n',
            "src/site.css": SITE_CSS,
            "src/main.js": 'import "./widget.css";\n',
            "src/widget.css": ".w { color: red; }\n",
            "src/base.css": ".base-rule { color: rgb(1, 2, 3); }\n",
            "public/pub.css": ".pub { color: rgb(0, 0, 255); }\n",
            "public/icon.svg": (SAMPLE_APP / "images/logo.svg").read_bytes(),
            "img/horse.png": (SAMPLE_APP / "images/horse.png").read_bytes(),
        }
    )


def site_css(dist: Path) -> str:
    return next(dist.rglob("site-*.css")).read_text()


def test_root_absolute_urls_name_public_files_with_base_or_app_files_hashed(
    app: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    dist, _ = build(run_cli, app, "--base", "/static/")
    css = site_css(dist)
    assert '@import"/static/pub.css"' in css.replace(" ", "")
    assert "url(/static/icon.svg)" in css
    assert ".base-rule{" in css and "/src/base.css" not in css, "an app file is bundled"
    assert (dist / "pub.css").is_file() and (dist / "icon.svg").is_file()
    m = re.search(r"url\((\.\./img/horse-[A-Z2-7]{8}\.png)\)", css)
    assert m and (next(dist.rglob("site-*.css")).parent / m[1]).is_file(), css


def test_missing_url_is_a_warning_at_its_line_left_as_written(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "src/widget.css").write_text(
        ".w { color: red; }\n.x { background: url(./missing.png); }\n"
    )
    dist, stderr = build(run_cli, app)
    assert "src/widget.css:2:21: warning: url(./missing.png) not found: left as written" in stderr
    assert "url(./missing.png)" in next(dist.rglob("main-*.css")).read_text()
    before = snapshot(dist)
    strict = run_cli("build", app, "--no-compress", "--strict")
    assert strict.returncode == 1 and "url(./missing.png) not found" in strict.stderr
    assert snapshot(dist) == before


def test_missing_import_stays_an_error(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "src/widget.css").write_text('@import "./nothere.css";\n')
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 1
    assert "src/widget.css:1:8: error: Could not resolve" in done.stderr


def test_missing_js_import_stays_an_error_when_css_writes_the_same_text(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "src/widget.css").write_text(".x { background: url(./missing.png); }\n")
    (app / "src/widget.js").write_text('import "./missing.png";\n')
    (app / "src/main.js").write_text('import "./widget.css";\nimport "./widget.js";\n')
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 1
    assert 'src/widget.js: error: Could not resolve "./missing.png"' in done.stderr


@pytest.mark.browser
def test_root_absolute_urls_load_in_the_browser(app: Path, run_cli, serve, browser: Any) -> None:  # type: ignore[no-untyped-def]
    dist, _ = build(run_cli, app)
    page, loaded, failed = open_tracked(browser, serve(dist) + "/index.html")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.pub')).color") == "rgb(0, 0, 255)"
    )
    assert any(u.endswith("/icon.svg") for u in loaded), loaded
    assert any(re.search(r"/img/horse-[A-Z2-7]{8}\.(png|avif|webp)$", u) for u in loaded), loaded
    assert failed == []
    page.close()
