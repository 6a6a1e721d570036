"""Pathological pages are scanned and hinted in bounded time (pytest-timeout fails a hang)."""

from __future__ import annotations

import pytest

from bundlewise.hints import HintOptions, ImageFacts, hint_page
from bundlewise.pages import PageEditor, scan_tags

PHOTO = ImageFacts(800, 600, "a.jpg", "jpeg")
HEAD = "<!doctype html><html><head><link rel=stylesheet href=a.css></head><body>"


def _hint(text: str) -> str:
    tags = scan_tags(text)
    editor = PageEditor(text)
    facts = {t.index: PHOTO for t in tags if t.name == "img"}
    hint_page(editor, tags, facts, lambda p: p, ["f.woff2"], HintOptions())
    return editor.apply()


@pytest.mark.timeout(60)
def test_f32_very_deep_nesting() -> None:
    text = HEAD + "<div><span>" * 100_000 + '<img src="a.jpg">' + "</span></div>" * 100_000
    out = _hint(text)
    assert 'width="800"' in out and out.endswith("</span></div>")


@pytest.mark.timeout(60)
def test_f32_an_unterminated_comment_hides_the_rest() -> None:
    text = HEAD + "<!-- " + '<img src="a.jpg"> words ' * 200_000
    out = _hint(text)
    assert out.endswith(text[len(HEAD) :])  # nothing inside the comment was touched


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "opening", ["<!--", "<!x", "<?", "</x", "<", "&", "<img src='", "<![CDATA["], ids=repr
)
def test_f32_megabytes_of_one_unfinished_construct(opening: str) -> None:
    text = HEAD + opening * 500_000
    assert _hint(text).endswith(opening * 500_000)


@pytest.mark.timeout(120)
def test_f32_a_several_megabyte_page() -> None:
    text = HEAD + '<p>Lorem ipsum <img src="a.jpg" alt="x"> dolor.</p>\n' * 100_000
    assert len(text) > 5_000_000
    out = _hint(text)
    assert out.count('loading="lazy"') == 100_000 - 1  # all but the first (eager = 1)
    assert out.count('fetchpriority="high"') == 2  # the image and its preload
