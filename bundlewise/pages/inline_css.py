"""Rewrite the `url()`s of a page's inline CSS (`<style>` elements, `style=""` attributes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bundlewise.pages.edit import PageEditor

if TYPE_CHECKING:
    from bundlewise.pages.read import Reference


def rewrite_inline_css(
    editor: PageEditor, refs: Sequence[Reference], href: Callable[[Reference], str]
) -> None:
    """Point each reference at its output: in place in a `<style>`, or a new `style` value."""
    tag, attr = refs[0].tag, refs[0].attr
    if attr == "#style":
        for ref in refs:
            assert ref.span is not None
            editor.replace(ref.span[0], ref.span[1], href(ref))
        return
    value = tag.get(attr) or ""  # the spans are offsets in the value as written
    for ref in sorted(refs, key=lambda r: r.span or (0, 0), reverse=True):
        assert ref.span is not None
        start, end = ref.span
        value = value[:start] + href(ref) + value[end:]
    editor.set_attr(tag, attr, value)
