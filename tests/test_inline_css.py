"""`url()` in `<style>` elements, `style=""` attributes and `image-set()`: rewritten like any reference."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_APP
from helpers import build_without_compression as build
from helpers import open_tracked
from PIL import Image

PAGE = """\
<!doctype html>
<html>
  <head>
    <style>
      .hero { background: url("./img/horse.png") no-repeat; width: 64px; height: 64px; }
      .set { background-image: image-set("img/logo.svg" 1x, url(img/horse.png) 2x); }
      .pub { background-image: url(/pub.svg); }
    </style>
  </head>
  <body>
    <div class="hero"></div><div class="set"></div><div class="pub"></div>
    <div id="inline" style="background-image: url('img/logo.svg'); color: rgb(1, 2, 3)">x</div>
    <img id="public" src="/pub.svg" alt="">
  </body>
</html>
"""


@pytest.fixture
def app(make_project) -> Path:  # type: ignore[no-untyped-def]
    return make_project(  # type: ignore[no-any-return]
        {
            "index.html": PAGE,
            "img/horse.png": (SAMPLE_APP / "images/horse.png").read_bytes(),
            "img/logo.svg": (SAMPLE_APP / "images/logo.svg").read_bytes(),
            "public/pub.svg": (SAMPLE_APP / "images/logo.svg").read_bytes(),
        }
    )


def test_style_element_urls_are_hashed_with_base_and_image_set_strings_too(
    app: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    dist, _ = build(run_cli, app, "--base", "/static/")
    html = (dist / "index.html").read_text()
    horse = re.search(r'url\("/static/(assets/img/horse-[A-Z2-7]{8}\.png)"\)', html)
    assert horse, html
    with Image.open(dist / horse[1]) as built, Image.open(app / "img/horse.png") as source:
        assert built.size == source.size
    assert (dist / horse[1]).stat().st_size < (app / "img/horse.png").stat().st_size, "optimized"
    logo = re.search(
        r'image-set\("/static/(assets/img/logo-[A-Z2-7]{8}\.svg)" 1x, url\(/static/assets/img/horse-',
        html,
    )
    assert logo and (dist / logo[1]).is_file(), html
    assert "url(/static/pub.svg)" in html, "a public file keeps its path and gets base"


def test_style_attribute_urls_are_rewritten_and_the_rest_kept(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    dist, _ = build(run_cli, app, "--base", "/static/")
    html = (dist / "index.html").read_text()
    m = re.search(
        r"style=\"background-image: url\('/static/(assets/img/logo-[A-Z2-7]{8}\.svg)'\); color: rgb\(1, 2, 3\)\"",
        html,
    )
    assert m and (dist / m[1]).is_file(), html


def test_public_file_referenced_from_html_gets_base(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    dist, _ = build(run_cli, app, "--base", "/static/")
    assert '<img id="public" src="/static/pub.svg"' in (dist / "index.html").read_text()
    assert (dist / "pub.svg").is_file()


def test_missing_file_in_inline_css_is_a_warning_naming_the_line_and_left_as_written(
    app: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    page = PAGE.replace(".pub {", ".gone { background: url(./img/missing.png); }\n      .pub {")
    (app / "index.html").write_text(page)
    dist, stderr = build(run_cli, app)
    assert "index.html:7:" in stderr and "url(./img/missing.png) not found" in stderr
    assert "url(./img/missing.png)" in (dist / "index.html").read_text()
    before = {p: p.read_bytes() for p in dist.rglob("*") if p.is_file()}
    strict = run_cli("build", app, "--no-compress", "--strict")
    assert strict.returncode == 1 and "url(./img/missing.png) not found" in strict.stderr
    assert {p: p.read_bytes() for p in dist.rglob("*") if p.is_file()} == before


@pytest.mark.browser
def test_inline_css_images_load_in_the_browser(app: Path, run_cli, serve, browser: Any) -> None:  # type: ignore[no-untyped-def]
    dist, _ = build(run_cli, app)
    site = serve(dist)
    page, loaded, failed = open_tracked(browser, site + "/index.html")
    for selector in (".hero", "#inline", ".pub"):
        image = page.evaluate(
            f"getComputedStyle(document.querySelector('{selector}')).backgroundImage"
        )
        assert image.startswith('url("http://127.0.0.1'), (selector, image)
    assert any(re.search(r"/assets/img/horse-[A-Z2-7]{8}\.png$", u) for u in loaded), loaded
    assert any(re.search(r"/assets/img/logo-[A-Z2-7]{8}\.svg$", u) for u in loaded), loaded
    assert failed == []
    page.close()
