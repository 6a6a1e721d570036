"""`image-set()` strings in stylesheets name files like `url()` does: emitted, hashed, optimized."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_APP
from helpers import build_without_compression as build
from helpers import open_tracked, snapshot

from bundlewise.sourcemap import decode_vlq

CSS = """\
.hero {
  width: 64px; height: 64px;
  background-image: image-set("../img/horse.png" 1x, url(../img/logo.svg) 2x);
}
.pub { background-image: -webkit-image-set("/pub.svg" 1x); }
.after { color: rgb(1, 2, 3); }
"""


@pytest.fixture
def app(make_project) -> Path:  # type: ignore[no-untyped-def]
    return make_project(  # type: ignore[no-any-return]
        {
            "index.html": '<link rel="stylesheet" href="./css/site.css"><div class="hero"></div>\n',
            "css/site.css": CSS,
            "img/horse.png": (SAMPLE_APP / "images/horse.png").read_bytes(),
            "img/logo.svg": (SAMPLE_APP / "images/logo.svg").read_bytes(),
            "public/pub.svg": (SAMPLE_APP / "images/logo.svg").read_bytes(),
        }
    )


def test_strings_name_hashed_optimized_files_and_public_files_get_base(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    dist, stderr = build(run_cli, app, "--base", "/static/")
    css_file = next(dist.rglob("site-*.css"))
    css = css_file.read_text()
    m = re.search(r'image-set\("(\.\./img/horse-[A-Z2-7]{8}\.png)" 1x', css)
    assert m, css
    horse = (css_file.parent / m[1]).resolve()
    assert horse.is_file() and horse.stat().st_size < (app / "img/horse.png").stat().st_size
    assert '-webkit-image-set("/static/pub.svg" 1x)' in css
    assert "image-set" not in stderr, "no warning about these strings"


def test_source_map_still_points_at_the_right_rules(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    dist, _ = build(run_cli, app)
    css_file = next(dist.rglob("site-*.css"))
    css = css_file.read_text()
    sourcemap = json.loads((css_file.parent / (css_file.name + ".map")).read_text())
    column = css.index(".after")
    line, source_line = css[:column].count("\n"), None
    mappings = sourcemap["mappings"].split(";")
    generated = original_line = 0
    for n, text in enumerate(mappings):
        generated = 0
        for segment in filter(None, text.split(",")):
            fields = decode_vlq(segment)
            generated += fields[0]
            if len(fields) > 2:
                original_line += fields[2]
            if n == line and generated == column - css.rfind("\n", 0, column) - 1:
                source_line = original_line
    assert source_line == 5, "0-based line of `.after` in site.css"


def test_a_string_naming_no_file_is_a_warning_left_as_written(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "css/site.css").write_text(
        CSS + '.gone { background-image: image-set("nope.png" 1x); }\n'
    )
    dist, stderr = build(run_cli, app)
    assert "css/site.css:7:" in stderr and 'image-set() names "nope.png"' in stderr
    assert '"nope.png"' in next(dist.rglob("site-*.css")).read_text()
    before = snapshot(dist)
    strict = run_cli("build", app, "--no-compress", "--strict")
    assert strict.returncode == 1 and snapshot(dist) == before


@pytest.mark.browser
def test_the_image_loads_in_the_browser(app: Path, run_cli, serve, browser: Any) -> None:  # type: ignore[no-untyped-def]
    dist, _ = build(run_cli, app)
    page, loaded, failed = open_tracked(browser, serve(dist) + "/index.html")
    assert any(re.search(r"/img/horse-[A-Z2-7]{8}\.png$", u) for u in loaded), loaded
    assert failed == []
    page.close()
