"""URLs of files imported from JS (`import logo from './logo.svg'`) that load from any page.

esbuild's file loader gives each such import a path relative to the *script* (`"../logo-X.svg"`),
but a browser resolves a URL string against the *page* that uses it (`<img src>`), so the image
loads only on a page that happens to sit in the script's folder. We rewrite each of those string
literals in the emitted script:

- with an absolute `base` (`/`, `/static/`, a CDN URL): the absolute URL, base applied
  (`"/static/assets/src/logo-X.svg"`);
- with `base = "./"`: `new URL("../logo-X.svg", import.meta.url).href`, resolved against the
  script itself at run time, so the build can be served from any folder.

(We do not give esbuild `--public-path`: it would also turn the relative `import()` paths of chunks
into absolute ones, which the relative base cannot have.)
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import quote

from bundlewise.config import Config
from bundlewise.esbuild.graph import BuildGraph
from bundlewise.js.edits import Edit, edit_output


def is_relative_base(config: Config) -> bool:
    return config.base in ("", "./")


def url_from(config: Config, target: str, importer: str) -> str:
    """The URL of output `target` as written in output `importer` (both relative to out_dir).

    Absolute with an absolute base; relative to the importer's folder otherwise (for use with
    `import.meta.url`).
    """
    if is_relative_base(config):
        rel = posixpath.relpath(target, posixpath.dirname(importer) or ".")
        return quote(rel if rel.startswith("../") else "./" + rel, safe="/.")
    return config.base.rstrip("/") + "/" + quote(target, safe="/")


def rewrite_file_urls(
    config: Config, graph: BuildGraph, read: Callable[[str], bytes]
) -> dict[str, bytes]:
    """Changed scripts (and maps): every file-loader string made a URL that works from any page."""
    changed: dict[str, bytes] = {}
    for out in graph:
        if not out.is_js or not out.assets:
            continue
        text = read(out.path).decode("utf-8", "surrogateescape")
        edits: list[Edit] = []
        for asset in out.assets:
            rel = posixpath.relpath(asset, posixpath.dirname(out.path) or ".")
            written = rel if rel.startswith("../") else "./" + rel
            pattern = re.compile(r"([\"'`])" + re.escape(written) + r"\1")
            for m in pattern.finditer(text):
                if is_relative_base(config):
                    edits.append(Edit(m.start(), m.start(), "new URL("))
                    edits.append(Edit(m.end(), m.end(), ",import.meta.url).href"))
                else:
                    quote_char = m.group(1)
                    new = quote_char + url_from(config, asset, out.path) + quote_char
                    edits.append(Edit(m.start(), m.end(), new))
        has_map = out.path + ".map" in graph.outputs
        changed.update(edit_output(out.path, edits, lambda p: changed.get(p) or read(p), has_map))
    return changed
