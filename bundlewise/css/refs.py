"""CSS references esbuild must leave as written: root-absolute URLs and `url()`s of missing files.

esbuild reads `url(/icon.png)` and `@import "/x.css"` as paths on the *file system* and fails,
and it fails on a `url()` naming a file that does not exist. Browsers and Vite read a
root-absolute URL as one of the site (a file of `public/`, or of the app root), and treat a
missing `url()` as a warning: CSS can name files that only the server provides. So before esbuild
runs, the app's stylesheets are scanned for such references, and each one's text is passed as
`--external:TEXT` (esbuild matches externals on the text as written). After the build,
`css.written_urls` gives the root-absolute ones their final URL, `missing_url_warnings` warns about
the missing ones at their line, and `check_js_externals` makes sure no JS import was let through
by the same text (a missing JS import stays an error).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from bundlewise.config import Config
from bundlewise.css.app_sheets import app_stylesheets
from bundlewise.css.urls import find_urls
from bundlewise.errors import Location, Message, location_in
from bundlewise.esbuild.graph import BuildGraph

_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(["']?)(?P<url>[^"')\s;]+)\1""", re.IGNORECASE)
_STATIC_JS = ("import-statement", "require-call", "dynamic-import", "require-resolve")


@dataclass(frozen=True)
class CssRef:
    file: str
    """The stylesheet, relative to the root."""
    offset: int
    url: str
    kind: str
    """`url` (a `url()`) or `import` (an `@import`)."""
    missing: bool
    """Names no file (a root-absolute URL that names a file is not missing)."""


def references(config: Config, path: Path, text: str | None = None) -> list[CssRef]:
    """The references in stylesheet `path` (whose `text` may be given) that esbuild cannot
    resolve on its own."""
    if text is None:
        text = path.read_text(encoding="utf-8", errors="replace")
    if "url(" not in text.lower() and "@import" not in text.lower():
        return []
    rel = path.relative_to(config.root).as_posix()
    found = []
    imports = {m.start("url"): m["url"] for m in _IMPORT.finditer(text)}
    for offset, url in imports.items():
        if url.startswith("/") and not url.startswith("//"):
            exists = _site_file(config, url) is not None
            if exists and _is_public(config, url):  # a source file must be bundled: no external
                found.append(CssRef(rel, offset, url, "import", False))
    for u in find_urls(text):
        if u.in_string or u.start in imports or not _is_local(u.url):
            continue
        if u.url.startswith("/"):
            found.append(CssRef(rel, u.start, u.url, "url", _site_file(config, u.url) is None))
        elif not (path.parent / unquote(_path_part(u.url))).is_file():
            found.append(CssRef(rel, u.start, u.url, "url", True))
    return found


def css_externals(config: Config) -> list[str]:
    """`--external:` texts for every reference of the app's stylesheets esbuild must keep."""
    scan = app_stylesheets(config)
    if scan.externals is None:
        texts = {r.url for p in scan.paths for r in references(config, p, scan.text(p))}
        scan.externals = sorted(t for t in texts if "*" not in t)  # `*` reads as a wildcard
    return scan.externals


def missing_url_warnings(config: Config, graph: BuildGraph) -> list[Message]:
    """A warning for each `url()` naming no file, in the stylesheets that were built."""
    messages = []
    for source in sorted(s for s in graph.sources if s.lower().endswith(".css")):
        path = config.root / source
        if not path.is_file():
            continue
        text = None
        for ref in references(config, path):
            if ref.missing:
                text = text or path.read_text(encoding="utf-8", errors="replace")
                messages.append(
                    Message(
                        f"url({ref.url}) not found: left as written",
                        location_in(source, text, ref.offset),
                        "warning",
                        notes=("add the file, or put files the server provides under public/",),
                    )
                )
    return messages


def check_js_externals(graph: BuildGraph, externals: list[str]) -> list[Message]:
    """An error for each JS import let through only because a stylesheet wrote the same text."""
    kept = set(externals)
    if not kept:
        return []  # nothing let through: no walk of every import
    return [
        Message(f'Could not resolve "{imp.original}"', Location(source))
        for source, imports in sorted(graph.sources.items())
        for imp in imports
        if imp.external and imp.kind in _STATIC_JS and imp.original in kept
    ]


def _is_local(url: str) -> bool:
    lowered = url.strip().lower()
    return bool(lowered) and not (
        lowered.startswith(("data:", "#", "//", "http:", "https:")) or "{" in lowered
    )


def _path_part(url: str) -> str:
    m = re.search(r"[?#]", url)
    return url[: m.start()] if m else url


def _site_file(config: Config, url: str) -> Path | None:
    """The file a root-absolute URL names: in `public/`, else in the app root."""
    rel = unquote(_path_part(url)).lstrip("/")
    for base in (config.public_dir, config.root):
        if rel and (base / rel).is_file():
            return base / rel
    return None


def _is_public(config: Config, url: str) -> bool:
    rel = unquote(_path_part(url)).lstrip("/")
    return bool(rel) and (config.public_dir / rel).is_file()
