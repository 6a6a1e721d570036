"""The kinds of files a build reads and writes, by extension: one table for every room.

Each extension says what kind of output it is (for the size report), its Content-Type (for the
servers we run or configure: `bundlewise audit`'s production-like server, the `cache_headers`
plugin's rules), whether it is worth pre-compressing, whether esbuild copies it as an asset when
CSS or JS refers to it, and whether the image stage optimizes it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Literal

Kind = Literal["html", "js", "css", "image", "font", "map", "manifest", "other"]


@dataclass(frozen=True)
class FileType:
    kind: Kind
    mime: str | None = None
    """The Content-Type we serve it with; None: `application/octet-stream`."""
    compressible: bool = False
    """Text-like: `.br`/`.gz` siblings are written for it (an allow-list: an unknown type is
    most likely binary and already compressed, and Brotli 11 on it is the slowest no-op)."""
    asset: bool = False
    """esbuild copies it as a file (`--loader:EXT=file`) when CSS or JS refers to it."""
    image: bool = False
    """The image stage optimizes it (and the page hints size it)."""


_TEXT = "; charset=utf-8"

# Written out instead of read from the system's mime.types, so every machine writes the same file.
FILE_KINDS: dict[str, FileType] = {
    ".html": FileType("html", "text/html" + _TEXT, compressible=True),
    ".htm": FileType("html", "text/html" + _TEXT, compressible=True),
    ".xhtml": FileType("other", compressible=True),
    ".js": FileType("js", "text/javascript" + _TEXT, compressible=True),
    ".mjs": FileType("js", "text/javascript" + _TEXT, compressible=True),
    ".cjs": FileType("other", compressible=True),
    ".css": FileType("css", "text/css" + _TEXT, compressible=True),
    ".map": FileType("map", "application/json", compressible=True),
    ".json": FileType("other", "application/json", compressible=True),
    ".webmanifest": FileType("other", "application/manifest+json", compressible=True),
    ".xml": FileType("other", "application/xml", compressible=True),
    ".rss": FileType("other", compressible=True),
    ".atom": FileType("other", compressible=True),
    ".txt": FileType("other", "text/plain" + _TEXT, compressible=True, asset=True),
    ".csv": FileType("other", compressible=True),
    ".tsv": FileType("other", compressible=True),
    ".md": FileType("other", compressible=True),
    ".yaml": FileType("other", compressible=True),
    ".yml": FileType("other", compressible=True),
    ".toml": FileType("other", compressible=True),
    ".gltf": FileType("other", compressible=True),
    ".wasm": FileType("other", "application/wasm", compressible=True, asset=True),
    ".png": FileType("image", "image/png", asset=True, image=True),
    ".jpg": FileType("image", "image/jpeg", asset=True, image=True),
    ".jpeg": FileType("image", "image/jpeg", asset=True, image=True),
    ".gif": FileType("image", "image/gif", asset=True, image=True),
    ".webp": FileType("image", "image/webp", asset=True, image=True),
    ".avif": FileType("image", "image/avif", asset=True, image=True),
    ".svg": FileType("image", "image/svg+xml", compressible=True, asset=True, image=True),
    ".ico": FileType("image", "image/x-icon", compressible=True, asset=True),
    ".bmp": FileType("image", asset=True),
    ".woff": FileType("font", "font/woff", asset=True),
    ".woff2": FileType("font", "font/woff2", asset=True),
    ".ttf": FileType("font", "font/ttf", compressible=True, asset=True),
    ".otf": FileType("font", "font/otf", compressible=True, asset=True),
    ".eot": FileType("font", compressible=True, asset=True),
    ".mp4": FileType("other", asset=True),
    ".webm": FileType("other", asset=True),
    ".mp3": FileType("other", asset=True),
    ".ogg": FileType("other", asset=True),
    ".wav": FileType("other", asset=True),
    ".pdf": FileType("other", asset=True),
}

_UNKNOWN = FileType("other")

COMPRESSIBLE = frozenset(ext for ext, k in FILE_KINDS.items() if k.compressible)
"""Extensions worth pre-compressing."""
ASSETS = tuple(ext for ext, k in FILE_KINDS.items() if k.asset)
"""Extensions esbuild copies as files when CSS or JS refers to them."""


def kind_of(name: str) -> FileType:
    """What the table says of a file name or path, by its lower-cased extension."""
    return FILE_KINDS.get(posixpath.splitext(name)[1].lower(), _UNKNOWN)


def content_type(name: str) -> str:
    """The Content-Type for a file name or path, by its lower-cased extension."""
    return kind_of(name).mime or "application/octet-stream"
