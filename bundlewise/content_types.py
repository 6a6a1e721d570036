"""The Content-Type of each file a build writes, by extension: one table for every server we run
or configure (the `cache_headers` plugin's rules, `bundlewise audit`'s production-like server)."""

from __future__ import annotations

import posixpath

# Written out instead of read from the system's mime.types, so every machine writes the same file.
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


def content_type(name: str) -> str:
    """The Content-Type for a file name or path, by its lower-cased extension."""
    return CONTENT_TYPES.get(posixpath.splitext(name)[1].lower(), "application/octet-stream")
