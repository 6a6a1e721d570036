"""Small single-file images of `<img src>` become `data:` URLs in the built page (as in Vite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import tags_of

from bundlewise.hints.inline_images import data_url

SMALL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16">'
    '<rect width="16" height="16" fill="#1f6feb"/></svg>\n'
)
# Over the 4096-byte limit: stays a file.
BIG_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16">'
    + "".join(f'<rect x="{i % 16}" y="0" width="1" height="1" fill="#000"/>' for i in range(120))
    + "</svg>\n"
)

APP = {
    "index.html": (
        "<!doctype html>\n<html>\n  <head>\n    <title>t</title>\n"
        '    <link rel="icon" href="./small.svg" type="image/svg+xml">\n  </head>\n'
        '  <body>\n    <img id="small" src="./small.svg" alt="">\n'
        '    <img id="big" src="./big.svg" alt="">\n  </body>\n</html>\n'
    ),
    "small.svg": SMALL_SVG,
    "big.svg": BIG_SVG,
}


def _images(html: str) -> dict[str, str]:
    return {str(a["id"]): str(a["src"]) for t, a in tags_of(html) if t == "img"}


def test_svg_data_url_is_percent_encoded_text_that_decodes_back() -> None:
    from urllib.parse import unquote

    url = data_url("svg", SMALL_SVG.encode())
    assert url.startswith("data:image/svg+xml,%3Csvg")
    assert unquote(url.split(",", 1)[1]) == SMALL_SVG.strip()
    assert '"' not in url and "#" not in url and " " not in url
    assert data_url("png", b"\x89PNG").startswith("data:image/png;base64,")


def test_small_img_is_inlined_big_one_and_icon_stay_files(make_project: Any, run_cli: Any) -> None:
    assert len(BIG_SVG.encode()) > 4096 >= len(SMALL_SVG.encode())
    root = make_project(APP)
    done = run_cli("build", root, "--no-compress")
    assert done.returncode == 0, done.stderr
    html = (root / "dist" / "index.html").read_text()
    images = _images(html)
    assert images["small"].startswith("data:image/svg+xml,")
    assert images["big"].startswith("/assets/") and images["big"].endswith(".svg")
    icon = next(a for t, a in tags_of(html) if t == "link" and a.get("rel") == "icon")
    assert str(icon["href"]).startswith("/assets/"), "icons stay files, as in Vite"


def test_inline_images_0_keeps_files(make_project: Any, run_cli: Any) -> None:
    root = make_project({**APP, "bundlewise.toml": "[html]\ninline_images = 0\n"})
    done = run_cli("build", root, "--no-compress")
    assert done.returncode == 0, done.stderr
    images = _images((root / "dist" / "index.html").read_text())
    assert images["small"].startswith("/assets/")


@pytest.mark.browser
def test_inlined_image_renders_without_a_request(
    make_project: Any, run_cli: Any, serve: Any, browser: Any
) -> None:
    root = make_project(APP)
    assert run_cli("build", root, "--no-compress").returncode == 0
    site = serve(root / "dist")
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site + "/index.html", wait_until="load")
    assert page.evaluate("document.querySelector('#small').naturalWidth") == 16
    assert page.evaluate("document.querySelector('#big').naturalWidth") == 16
    assert page.evaluate("document.querySelector('#small').currentSrc").startswith("data:")
    assert len([u for u in requested if "/big-" in u]) == 1
    page.close()


def test_picture_and_srcset_images_are_not_inlined(tmp_path: Path) -> None:
    from bundlewise.hints.inline_images import inline_small_images
    from bundlewise.images.records import ShippedImage as ImageFacts
    from bundlewise.images.records import Variant
    from bundlewise.pages import PageEditor, scan_tags

    text = (
        '<img src="a.png"><img src="a.png" srcset="a.png 1x"><picture><img src="a.png"></picture>'
    )
    tags = scan_tags(text)
    imgs = [t for t in tags if t.name == "img"]
    single = ImageFacts(8, 8, "a.png", "png", (Variant("png", 8, "a.png"),))
    responsive = ImageFacts(8, 8, "a.png", "png", (Variant("webp", 8, "a.webp"),))
    editor = PageEditor(text)
    facts = {imgs[0].index: responsive, imgs[1].index: single, imgs[2].index: single}
    inline_small_images(editor, tags, facts, lambda p: b"x", 4096)
    assert editor.apply() == text
    editor = PageEditor(text)
    inline_small_images(editor, tags, {imgs[0].index: single}, lambda p: b"x", 4096)
    assert editor.apply().startswith('<img src="data:image/png;base64,eA==">')


def test_override_attr_replaces_a_value_set_before() -> None:
    from bundlewise.pages import PageEditor, scan_tags

    text = '<img src="a.svg">'
    (img,) = scan_tags(text)
    editor = PageEditor(text)
    editor.set_attr(img, "src", "/assets/a-H.svg")  # the hashed URL, set by the rewrite
    editor.override_attr(img, "src", "data:image/svg+xml,x")
    assert editor.apply() == '<img src="data:image/svg+xml,x">'
    assert editor.value(img, "src") == "data:image/svg+xml,x"
