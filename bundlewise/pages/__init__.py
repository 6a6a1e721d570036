"""HTML pages: find them, read their references, scan and edit their tags byte for byte, and
rewrite their URLs to the built files (`read`, `scan`, `edit`, `rewrite`, `webmanifest`).

Importing this package imports none of its modules; each name below loads its module on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bundlewise._lazy import lazy_exports

if TYPE_CHECKING:
    from bundlewise.pages.edit import PageEditor
    from bundlewise.pages.read import Page, Reference, find_pages, read_page
    from bundlewise.pages.scan import Attr, Tag, scan_tags

_EXPORTS = {
    "PageEditor": "bundlewise.pages.edit",
    "Page": "bundlewise.pages.read",
    "Reference": "bundlewise.pages.read",
    "find_pages": "bundlewise.pages.read",
    "read_page": "bundlewise.pages.read",
    "Attr": "bundlewise.pages.scan",
    "Tag": "bundlewise.pages.scan",
    "scan_tags": "bundlewise.pages.scan",
}

__all__ = [
    "Attr",
    "Page",
    "PageEditor",
    "Reference",
    "Tag",
    "find_pages",
    "read_page",
    "scan_tags",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
