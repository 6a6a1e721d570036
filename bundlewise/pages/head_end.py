"""Where the stylesheets a script imports go: in `<head>`, so the page never paints unstyled.

A script in `<head>` gets its CSS links just before it (the order the author wrote stays the
cascade order). A script in `<body>` gets them at the end of `<head>`, as Vite does: linked
before the script, the browser would first paint the content above it without styles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bundlewise.pages.edit import PageEditor
from bundlewise.pages.scan import Tag

# Start tags that may appear in `<head>`; any other one starts the body.
_HEAD_TAGS = ("html", "head", "meta", "title", "base", "link", "script", "style", "noscript")
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def insert_stylesheets(
    editor: PageEditor, tags: Sequence[Tag], script: Tag, links: list[str]
) -> None:
    """Insert `links` (one tag each) in `<head>` for `script`."""
    last_in_head = _last_head_tag(tags, script)
    if last_in_head is script:
        editor.insert_before(script, "\n".join(links))
        return
    end = _HEAD_END.search(editor.text, last_in_head.end if last_in_head else 0, script.start)
    if end is not None:
        _insert_before_end_tag(editor, end.start(), last_in_head, links)
        return
    body = next((t for t in tags if t.name == "body" and t.start < script.start), None)
    editor.insert_before(body or script, "\n".join(links))


def _last_head_tag(tags: Sequence[Tag], script: Tag) -> Tag | None:
    """The last start tag in `<head>` before `script`, or `script` itself when it is in head."""
    last: Tag | None = None
    for tag in tags:
        if tag.inert is None and (tag.name == "body" or tag.name not in _HEAD_TAGS):
            return last
        if tag is script:
            return script
        last = tag
    return last


def _insert_before_end_tag(
    editor: PageEditor, offset: int, last_in_head: Tag | None, links: list[str]
) -> None:
    """Before `</head>`: on lines of their own when `</head>` starts its line."""
    line_start = editor.text.rfind("\n", 0, offset) + 1
    if editor.text[line_start:offset].strip():
        editor.insert_at(offset, "".join(links))
        return
    newline = "\r\n" if editor.text[line_start - 2 : line_start] == "\r\n" else "\n"
    head_indent = editor.text[line_start:offset]
    indent = editor.indent_of(last_in_head) if last_in_head else head_indent + "  "
    if last_in_head is not None and last_in_head.name == "head":
        indent = head_indent + "  "
    editor.insert_at(line_start, "".join(indent + link + newline for link in links))
