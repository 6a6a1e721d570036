"""The tag scanner: exact offsets, raw-text elements, inert and <picture> context, bad markup."""

from __future__ import annotations

import pytest

from bundlewise.pages import scan_tags


def test_offsets_cover_the_start_tag_exactly() -> None:
    text = '<p>hi <img  src="a.jpg" alt=x></p>'
    img = scan_tags(text)[1]
    assert text[img.start : img.end] == '<img  src="a.jpg" alt=x>'
    src = img.attr("src")
    assert src is not None and text[src.value_start : src.value_end] == "a.jpg"
    assert text[src.start : src.end] == 'src="a.jpg"'


def test_values_are_unescaped_and_names_lowercased() -> None:
    (img,) = scan_tags("<IMG SRC=\"a.jpg?x=1&amp;y=2\" Alt='&lt;b&gt;' hidden>")
    assert img.get("src") == "a.jpg?x=1&y=2"
    assert img.get("alt") == "<b>"
    assert img.has("hidden") and img.get("hidden") is None


def test_the_first_of_duplicated_attributes_wins() -> None:
    (img,) = scan_tags('<img loading=lazy loading="eager">')
    assert img.get("loading") == "lazy"


def test_lines_count_lf_and_crlf() -> None:
    tags = scan_tags("<html>\r\n<head>\n\n<img src=a>")
    assert [t.line for t in tags] == [1, 2, 4]


@pytest.mark.parametrize("element", ["script", "style", "textarea", "title", "iframe", "xmp"])
def test_raw_text_elements_hold_no_tags(element: str) -> None:
    tags = scan_tags(f'<{element}><img src="a.jpg"></{element}><img src="b.jpg">')
    assert [(t.name, t.get("src")) for t in tags] == [(element, None), ("img", "b.jpg")]


def test_a_script_holding_a_split_end_tag_stays_one_script() -> None:
    tags = scan_tags('<script>document.write("</" + "script>"); "<img>"</script><img src=x>')
    assert [t.name for t in tags] == ["script", "img"]


def test_comments_and_conditional_comments_hold_no_tags() -> None:
    text = "<!--[if IE]><img src=a><![endif]--><!-- <img src=b> --><!--[if !IE]><!--><img src=c><!--<![endif]-->"
    assert [t.get("src") for t in scan_tags(text)] == ["c"]


def test_an_unterminated_comment_runs_to_the_end() -> None:
    assert [t.name for t in scan_tags("<p><!-- <img src=a> <img src=b>")] == ["p"]


def test_template_and_noscript_content_is_inert() -> None:
    tags = scan_tags("<template><img></template><noscript><img></noscript><img>")
    assert [t.inert for t in tags if t.name == "img"] == ["template", "noscript", None]


def test_picture_context() -> None:
    tags = scan_tags("<picture><source srcset=a><img></picture><img>")
    assert [(t.name, t.picture) for t in tags] == [
        ("picture", None),
        ("source", 0),
        ("img", 0),
        ("img", None),
    ]


def test_a_bom_counts_in_offsets() -> None:
    text = "\ufeff<img src=a>"
    (img,) = scan_tags(text)
    assert text[img.start : img.end] == "<img src=a>"


def test_self_closing_and_svg_tags() -> None:
    tags = scan_tags('<svg viewBox="0 0 1 1"><image href="a.png"/></svg><img src=a />')
    assert [(t.name, t.self_closing) for t in tags] == [
        ("svg", False),
        ("image", True),
        ("img", True),
    ]
