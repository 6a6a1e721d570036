"""Inline `<script type="module">` elements (no `src`) of a page.

One that imports something (`import { x } from './lib.js'`, a bare package name) or reads
`import.meta.env` cannot run as written once the page is in the output folder: the files it names
are not there, and a browser cannot resolve a bare name. Each such script is bundled as an entry of
its own (see `bundlewise.builtins.inline_scripts`), and the page gets
`<script type="module" src="/assets/index.html-inline-0-HASH.js">` in its place: an external,
content-hashed file, which shares chunks with the page's other scripts, is cached like them, and
needs no `unsafe-inline` in a Content Security Policy. An inline script that imports nothing is
left as written (bundling would only add a request).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bundlewise.pages.scan import Tag

INLINE_PREFIX = "bundlewise-inline-script:"

_END = re.compile(r"</script", re.IGNORECASE)
_NEEDS_BUILD = re.compile(
    r"""(?:^|[;\s])import\s*(?:[\w*{$][^;]*?\bfrom\s*)?["']|\bimport\s*\(|\bimport\.meta\.env\b"""
)


@dataclass(frozen=True)
class InlineModule:
    tag: Tag
    start: int
    """Offset of the code in the page (just past the `<script ...>` start tag)."""
    end: int
    """Offset of the `</script` that ends it."""
    code: str


def inline_modules(tags: tuple[Tag, ...], text: str) -> list[InlineModule]:
    """Every rendered inline module script (not inside `<template>`) of a page."""
    found = []
    for tag in tags:
        if tag.name != "script" or tag.has("src") or tag.inert == "template":
            continue
        if (tag.get("type") or "").strip().lower() != "module":
            continue
        end = _END.search(text, tag.end)
        stop = end.start() if end else len(text)
        found.append(InlineModule(tag, tag.end, stop, text[tag.end : stop]))
    return found


def needs_build(code: str) -> bool:
    """Whether the code imports something or reads `import.meta.env` (it cannot run as written)."""
    return bool(_NEEDS_BUILD.search(code))


def to_bundle(tags: tuple[Tag, ...], text: str) -> list[InlineModule]:
    return [m for m in inline_modules(tags, text) if needs_build(m.code)]


def inline_id(page: str, index: int) -> str:
    """The entry name of the `index`-th bundled inline script of `page`."""
    return f"{INLINE_PREFIX}{page}-inline-{index}.js"


def parse_inline_id(entry: str) -> tuple[str, int]:
    page, _, rest = entry[len(INLINE_PREFIX) :].rpartition("-inline-")
    return page, int(rest.removesuffix(".js"))
