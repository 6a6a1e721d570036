"""The HTML report: names stay text, the data parses back, nothing is fetched, the treemap draws."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from report_fixture import FILES, INPUTS, PAGES, budget, build_result

from bundlewise.report import Stats, compute_stats, render_html, write_html
from bundlewise.result import PageResult

EVIL_MODULE = "src/<img src=x onerror=alert(1)>.js"
EVIL_OUTPUT = "assets/</script><img src=x onerror=alert(2)>-AB3DEF7G.js"
EVIL_PAGE = "</script><script>alert(3)</script>/index.html"
SEPARATORS = "src/line\u2028para\u2029.ts"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = dict(attrs).get("id") if tag == "script" else None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.data[self._open] = self.data.get(self._open, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def evil_stats() -> Stats:
    files = dict(FILES)
    files[EVIL_OUTPUT] = files.pop("assets/index-AB3DEF7G.js")
    files[EVIL_PAGE] = (100, 80, 70, EVIL_PAGE)
    inputs = dict(INPUTS)
    inputs[EVIL_OUTPUT] = {
        **inputs.pop("assets/index-AB3DEF7G.js"),
        EVIL_MODULE: 1_000,
        SEPARATORS: 10,
    }
    pages = (
        PageResult(source=EVIL_PAGE, output=EVIL_PAGE, scripts=(EVIL_OUTPUT,)),
        *PAGES[1:],
    )
    result, sizes = build_result(files, inputs, pages)
    return compute_stats(
        result, sizes, budget=budget({"initial": "1 kB", "files": {EVIL_OUTPUT: "1 kB"}}), env={}
    )


def test_f31_names_are_text_never_markup() -> None:
    html = render_html(evil_stats())
    parser = Tags()
    parser.feed(html)
    parser.close()
    names = [t for t, _ in parser.tags]
    assert "img" not in names
    assert names.count("script") == 2
    assert not any(k.startswith("on") for _, attrs in parser.tags for k in attrs)
    # The names are shown, escaped, in the tables and the verdict.
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;-AB3DEF7G.js" in html
    assert "</script><img" not in html


def test_f31_embedded_json_parses_back() -> None:
    html = render_html(evil_stats())
    parser = Tags()
    parser.feed(html)
    raw = parser.data["bundlewise-data"]
    for dangerous in ("<", ">", "&", "\u2028", "\u2029"):
        assert dangerous not in raw
    data = json.loads(raw)
    chunk = next(c for c in data["tree"]["children"] if c["name"] == EVIL_OUTPUT)
    names = {m["name"] for m in chunk["children"]}
    assert {EVIL_MODULE, SEPARATORS, "src/main.ts"} <= names
    react = next(m for m in chunk["children"] if m["name"] == "react")
    assert react == {
        "name": "react",
        "package": True,
        "size": 7_800,
        "children": [{"name": "node_modules/react/cjs/react.production.js", "size": 7_800}],
    }


def test_the_report_is_self_contained_and_deterministic() -> None:
    stats = compute_stats(*build_result(), budget=budget(), env={})
    html = render_html(stats)
    assert html == render_html(stats)
    parser = Tags()
    parser.feed(html)
    refs = [
        v
        for _, attrs in parser.tags
        for k, v in attrs.items()
        if k in ("src", "href", "srcset", "action")
    ]
    assert refs == []
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "✓ all 2 budgets met" in html


def test_write_html(tmp_path: Path) -> None:
    stats = compute_stats(*build_result(), budget=budget(), env={})
    write_html(tmp_path / "report.html", stats)
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == render_html(stats)


@pytest.mark.browser
def test_treemap_renders_zooms_and_fetches_nothing(tmp_path: Path, browser: Any) -> None:
    path = tmp_path / "report.html"
    write_html(path, evil_stats())
    requests: list[str] = []
    problems: list[str] = []
    page = browser.new_page()
    try:
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
        page.goto(path.as_uri())
        chunks = page.locator("#treemap > g")
        assert chunks.count() == len(INPUTS)
        assert page.locator("#treemap rect").count() > len(INPUTS)  # chunks and what is in them
        assert page.locator("#crumbs button").all_text_contents() == ["all chunks (206.81 kB)"]
        # Zoom into the biggest chunk (drawn first): its packages and modules fill the map.
        page.locator("#treemap > g.zoomable").first.click()
        crumbs = page.locator("#crumbs button").all_text_contents()
        assert crumbs[1].startswith(EVIL_OUTPUT)
        labels = page.locator("#treemap text").all_text_contents()
        assert any(label.startswith("react-dom") for label in labels)
        assert page.locator("img").count() == 0
        page.locator("#crumbs button").first.click()
        assert page.locator("#treemap > g").count() == len(INPUTS)
    finally:
        page.close()
    assert problems == []
    assert requests == [path.as_uri()]
