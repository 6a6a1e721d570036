"""Small stylesheets go into the built page as `<style>`, with their URLs working from the page."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from helpers import tags_of

from bundlewise.hints.inline_css import inline_stylesheets

# A 1×1 PNG: a real image for the background the browser must fetch.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _inline(text: str, files: dict[str, str], limit: int = 4096, base: str = "/") -> str:
    def url(path: str) -> str:
        return base + path

    links = {url(p): p for p in files}
    return inline_stylesheets(text, links, files.get, url, limit).text


def test_urls_are_repointed_from_the_stylesheets_folder_to_the_page() -> None:
    css = (
        '.a{background:url("../images/a.png")}.b{background:url(../images/b.png?v=1#x)}'
        '.c{background:image-set("../images/c.avif" type("image/avif"))}'
        ".d{background:url(data:image/png;base64,AA==)}.e{background:url(/abs.png)}"
        ".f{background:url(https://cdn.example.com/f.png)}\n/*# sourceMappingURL=site.css.map */"
    )
    out = _inline(
        '<link rel="stylesheet" href="/assets/styles/site.css">', {"assets/styles/site.css": css}
    )
    assert out == (
        '<style>.a{background:url("/assets/images/a.png")}'
        ".b{background:url(/assets/images/b.png?v=1#x)}"
        '.c{background:image-set("/assets/images/c.avif" type("image/avif"))}'
        ".d{background:url(data:image/png;base64,AA==)}.e{background:url(/abs.png)}"
        ".f{background:url(https://cdn.example.com/f.png)}</style>"
    )


def test_media_is_kept_and_other_links_are_left_alone() -> None:
    files = {"a.css": "a{color:red}", "b.css": "b{color:red}", "c.css": "c{color:red}"}
    page = (
        '<link rel="stylesheet" href="/a.css" media="print">'
        '<link rel="stylesheet" href="/b.css" integrity="sha384-x" crossorigin>'
        '<link rel="alternate stylesheet" href="/c.css" title="Other">'
        '<template><link rel="stylesheet" href="/c.css"></template>'
        '<link rel="stylesheet" href="/elsewhere.css">'
    )
    out = _inline(page, files)
    assert out.startswith(
        '<style media="print">a{color:red}</style><link rel="stylesheet" href="/b.css"'
    )
    assert out.count("<link") == 4


def test_large_css_and_css_that_would_end_the_style_element_stay_linked() -> None:
    files = {"big.css": "a{color:red}" * 400, "end.css": 'a::after{content:"</style>"}'}
    page = '<link rel="stylesheet" href="/big.css"><link rel="stylesheet" href="/end.css">'
    assert _inline(page, files) == page
    assert _inline(page, {"big.css": files["big.css"]}, limit=0) == page
    assert "<style>" in _inline(page, {"big.css": files["big.css"]}, limit=10_000)


def test_url_leaving_the_output_folder_keeps_the_link() -> None:
    page = '<link rel="stylesheet" href="/a.css">'
    assert _inline(page, {"a.css": "a{background:url(../../x.png)}"}) == page


APP = {
    "index.html": (
        "<!doctype html>\n<html>\n  <head>\n    <title>t</title>\n"
        '    <link rel="stylesheet" href="./styles/site.css">\n'
        '    <script type="module" src="./src/main.js"></script>\n  </head>\n'
        '  <body><div class="banner"></div><p class="note">note</p></body>\n</html>\n'
    ),
    "docs/page.html": (
        "<!doctype html>\n<html>\n  <head>\n    <title>t</title>\n"
        '    <link rel="stylesheet" href="../styles/site.css">\n  </head>\n'
        '  <body><div class="banner"></div></body>\n</html>\n'
    ),
    "styles/site.css": (
        ".banner { width: 40px; height: 40px; background: url('../images/dot.png'); }\n"
    ),
    "src/main.js": 'import "./note.css";\n',
    "src/note.css": ".note { color: rgb(0, 128, 0); }\n",
    "images/dot.png": PNG,
}


def _build(run_cli: Any, root: Path, *args: str) -> Path:
    done = run_cli("build", root, "--no-compress", *args)
    assert done.returncode == 0, done.stderr
    return root / "dist"


def _styles(html: str) -> list[str]:
    return [t for t, _ in tags_of(html) if t in ("style", "link")]


def test_built_pages_inline_their_small_css_with_urls_from_each_page(
    make_project: Any, run_cli: Any
) -> None:
    root = make_project(APP)
    dist = _build(run_cli, root, "--base", "./")
    index = (dist / "index.html").read_text()
    page = (dist / "docs/page.html").read_text()
    assert not [a for t, a in tags_of(index) if t == "link" and a.get("rel") == "stylesheet"]
    assert index.count("<style>") == 2 and page.count("<style>") == 1
    assert 'url("./assets/images/dot-' in index and 'url("../assets/images/dot-' in page
    assert "sourceMappingURL" not in index
    assert list((dist / "assets").rglob("site-*.css")), "the file stays for other users"


def test_inline_css_0_keeps_every_link(make_project: Any, run_cli: Any) -> None:
    root = make_project({**APP, "bundlewise.toml": "[html]\ninline_css = 0\n"})
    index = (_build(run_cli, root) / "index.html").read_text()
    assert "<style>" not in index
    assert len([a for t, a in tags_of(index) if t == "link" and a.get("rel") == "stylesheet"]) == 2


@pytest.mark.browser
def test_inlined_css_styles_the_page_and_its_images_load(
    make_project: Any, run_cli: Any, serve: Any, browser: Any
) -> None:
    root = make_project(APP)
    dist = _build(run_cli, root, "--base", "./")
    site = serve(dist)
    for path, selector in (("index.html", ".note"), ("docs/page.html", None)):
        page = browser.new_page()
        loaded: list[str] = []
        failed: list[str] = []
        page.on("requestfinished", lambda r, seen=loaded: seen.append(r.url))
        page.on("requestfailed", lambda r, seen=failed: seen.append(r.url))
        page.goto(f"{site}/{path}", wait_until="networkidle")
        assert not [u for u in loaded if u.endswith(".css")], "no stylesheet request"
        assert [u for u in loaded if "/assets/images/dot-" in u], "the background image loads"
        assert failed == []
        if selector:
            color = page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).color")
            assert color == "rgb(0, 128, 0)"
        page.close()
