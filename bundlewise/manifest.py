"""A Vite-format manifest, so backend integrations (django-vite, flask-vite, ...) work unchanged.

Keys are source paths relative to the app root for entries, dynamic entries and assets, and
`_<file name>` for shared chunks; `imports`/`dynamicImports` list keys, `css`/`assets` list files,
exactly as Vite's `ManifestChunk` defines them.

`build_manifest` is the stage: the build graph and the files pages reference in, a `Manifest`
out. It stays JSON-shaped (plugins' `on_manifest` may add fields, backends read it as it is) and
becomes bytes only when written (`write_manifest`).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypedDict

from bundlewise.esbuild.graph import BuildGraph, Output


class ManifestChunk(TypedDict, total=False):
    """One manifest entry, as Vite's `ManifestChunk`. Only `file` is always there."""

    file: str
    """The output, relative to the output folder (`assets/main-3XKJ2ZQH.js`)."""
    src: str
    """The source, relative to the app root, for entries, dynamic entries and assets."""
    name: str
    """The entry's or chunk's name, without hash or extension."""
    isEntry: bool
    """An entry of a page or of `entries` (a `<script>` tag loads it)."""
    isDynamicEntry: bool
    """Loaded by `import()`."""
    imports: list[str]
    """Keys of the chunks it imports statically (what to `modulepreload`)."""
    dynamicImports: list[str]
    """Keys of the chunks it loads with `import()`."""
    css: list[str]
    """Files of the stylesheets it needs."""
    assets: list[str]
    """Files of the assets (images, fonts) it and its CSS refer to."""


Manifest = dict[str, ManifestChunk]
"""Key (source path, or `_<file name>` for shared chunks) → entry, sorted by key."""


def chunk_key(graph: BuildGraph, path: str) -> str:
    out = graph.outputs[path]
    if out.entry_point and out.kind in ("entry", "dynamic", "css"):
        return out.entry_point
    return "_" + posixpath.basename(path)


def build_manifest(graph: BuildGraph, extra_assets: Mapping[str, str]) -> Manifest:
    """The manifest for `graph`, plus `extra_assets` (source → output) referenced from HTML."""
    manifest: Manifest = {}
    dynamic_targets = {t for out in graph for t in out.dynamic_imports}
    for out in graph:
        if out.kind in ("map", "asset") or (out.kind == "css" and not out.entry_point):
            continue
        key = chunk_key(graph, out.path)
        entry: ManifestChunk = {"file": out.path}
        if out.entry_point:
            entry["name"] = _name(out.entry_point)
            entry["src"] = out.entry_point
        else:
            entry["name"] = _name(out.path).rsplit("-", 1)[0]
        if out.kind == "entry" or (out.kind == "css" and out.entry_point in graph.entries):
            entry["isEntry"] = True
        if out.path in dynamic_targets:
            entry["isDynamicEntry"] = True
        _add_list(entry, "imports", [chunk_key(graph, p) for p in out.imports])
        _add_list(entry, "dynamicImports", [chunk_key(graph, p) for p in out.dynamic_imports])
        _add_list(entry, "css", [out.css_bundle] if out.css_bundle else [])
        _add_list(entry, "assets", _assets_of(graph, out))
        manifest[key] = entry
    for source, path in graph.asset_sources().items():
        manifest.setdefault(source, {"file": path, "src": source})
    for source, path in extra_assets.items():
        manifest.setdefault(source, {"file": path, "src": source})
    return dict(sorted(manifest.items()))


def _name(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0]


def _add_list(entry: ManifestChunk, key: str, items: list[str]) -> None:
    if items:
        entry[key] = list(dict.fromkeys(items))  # type: ignore[literal-required]


def _assets_of(graph: BuildGraph, out: Output) -> list[str]:
    assets = list(out.assets)
    if out.css_bundle and out.css_bundle in graph.outputs:
        assets.extend(graph.outputs[out.css_bundle].assets)
    return assets


def keys_by_file(manifest: Mapping[str, Any]) -> dict[str, str]:
    """Output file → its manifest key; an entry's CSS gets `<src>#css` (for the size report)."""
    keys = {entry["file"]: key for key, entry in manifest.items()}
    for entry in manifest.values():
        for css in entry.get("css", []):
            keys.setdefault(css, f"{entry.get('src', '')}#css")
    return keys


def serialize(manifest: Mapping[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()


def write_manifest(path: Path, manifest: Mapping[str, Any]) -> None:
    """Write the manifest as Vite does: two-space indent, keys in the order given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(serialize(manifest))
