"""Where preloads go in `<head>`, and which ones a page already has."""

from __future__ import annotations

from collections.abc import Sequence

from bundlewise.pages.edit import PageEditor
from bundlewise.pages.scan import Tag

# Tags that end the head: anything rendered in the body.
_HEAD_TAGS = ("html", "head", "meta", "title", "base", "link", "script", "style", "noscript")


def existing_preloads(tags: Sequence[Tag], editor: PageEditor) -> set[tuple[str, str]]:
    """(as, href) and (as, imagesrcset) of every `<link rel="preload">`, URLs as finally written."""
    found: set[tuple[str, str]] = set()
    for tag in tags:
        if tag.name != "link" or tag.inert is not None:
            continue
        if "preload" not in (tag.get("rel") or "").lower().split():
            continue
        kind = (tag.get("as") or "").strip().lower()
        for attr in ("href", "imagesrcset"):
            value = editor.value(tag, attr)
            if value:
                found.add((kind, value.strip()))
    return found


def insert_in_head(editor: PageEditor, tags: Sequence[Tag], markup: list[str]) -> bool:
    """Insert `markup` (one tag per line) early in `<head>`; False when the page has no head.

    They go before the first stylesheet, script or style, so the browser starts these downloads
    while it waits for render-blocking CSS; `<meta charset>`, `<title>` and `<base>` stay first.
    """
    if not markup:
        return True
    anchor: Tag | None = None
    head: Tag | None = None  # the tag to insert after when there is nothing to insert before
    for tag in tags:
        if tag.inert is not None:
            continue
        if tag.name == "head" or (head is not None and tag.name in ("meta", "base")):
            head = tag  # void elements: after them is still inside <head>
        elif tag.name in ("link", "script", "style"):
            anchor = tag
            break
        elif tag.name not in _HEAD_TAGS:
            break
    if anchor is not None:
        editor.insert_before(anchor, "\n".join(markup))
        return True
    if head is not None:
        newline = "\r\n" if "\r\n" in editor.text[: head.end + 2] else "\n"
        indent = editor.indent_of(head) + ("  " if head.name == "head" else "")
        text = "".join(newline + indent + line for line in markup)
        if editor.text[head.end : head.end + 1] not in ("\r", "\n"):
            text += newline  # `<head><title>`: keep the next tag off the preload's line
        editor.insert_at(head.end, text)
        return True
    return False
