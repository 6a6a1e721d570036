"""The page editor: edits at exact offsets, everything else kept byte for byte."""

from __future__ import annotations

import pytest

from bundlewise.pages import PageEditor, scan_tags


def _edit(text: str, change: str, *args: str) -> str:
    editor = PageEditor(text)
    tag = next(t for t in scan_tags(text) if t.name == "img")
    getattr(editor, change)(tag, *args)
    return editor.apply()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("<img src=a>", '<img src=a width="3">'),
        ("<img src=a >", '<img src=a width="3" >'),
        ("<img src=a/>", '<img src=a/ width="3">'),  # the slash belongs to the unquoted value
        ('<img src="a"/>', '<img src="a" width="3"/>'),
        ('<img src="a" />', '<img src="a" width="3" />'),
        ("<img\r\n  src=a\r\n>", '<img\r\n  src=a\r\nwidth="3" >'),
    ],
)
def test_set_attr_adds_a_missing_attribute(before: str, after: str) -> None:
    assert _edit(before, "set_attr", "width", "3") == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('<img src="a">', '<img src="b&amp;c">'),
        ("<img src='a'>", "<img src='b&amp;c'>"),
        ("<img src=a>", '<img src="b&amp;c">'),
        ("<img src>", '<img src="b&amp;c">'),
    ],
)
def test_set_attr_replaces_a_value_in_its_quotes(before: str, after: str) -> None:
    assert _edit(before, "set_attr", "src", "b&c") == after


def test_value_reports_what_set_attr_wrote() -> None:
    text = '<img src="a">'
    editor = PageEditor(text)
    (img,) = scan_tags(text)
    assert editor.value(img, "src") == "a"
    editor.set_attr(img, "src", "b")
    assert editor.value(img, "src") == "b"


def test_insert_before_keeps_indentation_and_crlf() -> None:
    text = "<head>\r\n    <link rel=stylesheet href=a>\r\n</head>"
    editor = PageEditor(text)
    link = scan_tags(text)[1]
    editor.insert_before(link, "<x>\n<y>")
    assert (
        editor.apply()
        == "<head>\r\n    <x>\r\n    <y>\r\n    <link rel=stylesheet href=a>\r\n</head>"
    )


def test_insertions_at_one_offset_keep_their_order() -> None:
    editor = PageEditor("<img>")
    editor.insert_at(0, "1")
    editor.insert_at(0, "2")
    editor.insert_at(5, "3")
    assert editor.apply() == "12<img>3"


def test_overlapping_edits_are_refused() -> None:
    text = '<img src="abc">'
    editor = PageEditor(text)
    (img,) = scan_tags(text)
    editor.set_attr(img, "src", "x")
    editor.set_attr(img, "src", "y")
    with pytest.raises(ValueError, match="overlapping"):
        editor.apply()
