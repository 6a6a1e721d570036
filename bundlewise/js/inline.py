"""Inline `<script type="module">` elements (no `src`) of a page.

Such a script that imports something (`import { x } from './lib.js'`, a bare package name) or reads
`import.meta.env` does not work once the page is moved into the output folder: the files it names
are not there, and a browser cannot resolve a bare name. Until it is bundled, each one is a
warning naming the page and line, so that a broken page is never silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bundlewise.errors import Location, Message

if TYPE_CHECKING:
    from bundlewise.pages import Page

_END = re.compile(r"</script", re.IGNORECASE)
_NEEDS_BUILD = re.compile(
    r"""(?:^|[;\s])import\s*(?:[\w*{$][^;]*?\bfrom\s*)?["']|\bimport\s*\(|\bimport\.meta\.env\b"""
)


@dataclass(frozen=True)
class InlineModule:
    page: str
    line: int
    start: int
    """Offset of the code in the page (just past the `<script ...>` start tag)."""
    end: int
    """Offset of the `</script` that ends it."""
    code: str


def inline_modules(page: Page) -> list[InlineModule]:
    """Every inline module script of `page` that is rendered (not inside `<template>`)."""
    found = []
    for tag in page.tags:
        if tag.name != "script" or tag.has("src") or tag.inert == "template":
            continue
        if (tag.get("type") or "").strip().lower() != "module":
            continue
        end = _END.search(page.text, tag.end)
        stop = end.start() if end else len(page.text)
        found.append(InlineModule(page.source, tag.line, tag.end, stop, page.text[tag.end : stop]))
    return found


def needs_build(code: str) -> bool:
    """Whether the code imports something or reads `import.meta.env` (it cannot run as written)."""
    return bool(_NEEDS_BUILD.search(code))


def unbundled_warnings(pages: list[Page]) -> list[Message]:
    return [
        Message(
            'inline <script type="module"> imports modules or reads import.meta.env; it is '
            "copied as written and will fail in the built page",
            Location(module.page, module.line),
            "warning",
            notes=('move the code into a file and load it with <script type="module" src=...>',),
        )
        for page in pages
        for module in inline_modules(page)
        if needs_build(module.code)
    ]
