"""A Vite-format manifest, so backend integrations (django-vite, flask-vite, ...) work unchanged.

Keys are source paths relative to the app root for entries, dynamic entries and assets, and
`_<file name>` for shared chunks; `imports`/`dynamicImports` list keys, `css`/`assets` list files,
exactly as Vite's `ManifestChunk` defines them.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from typing import Any

from bundlewise.esbuild.graph import BuildGraph, Output


def chunk_key(graph: BuildGraph, path: str) -> str:
    out = graph.outputs[path]
    if out.entry_point and out.kind in ("entry", "dynamic", "css"):
        return out.entry_point
    return "_" + posixpath.basename(path)


def build_manifest(graph: BuildGraph, extra_assets: Mapping[str, str]) -> dict[str, Any]:
    """The manifest for `graph`, plus `extra_assets` (source → output) referenced from HTML."""
    manifest: dict[str, dict[str, Any]] = {}
    dynamic_targets = {t for out in graph for t in out.dynamic_imports}
    for out in graph:
        if out.kind in ("map", "asset") or (out.kind == "css" and not out.entry_point):
            continue
        key = chunk_key(graph, out.path)
        entry: dict[str, Any] = {"file": out.path}
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


def _add_list(entry: dict[str, Any], key: str, items: list[str]) -> None:
    if items:
        entry[key] = list(dict.fromkeys(items))


def _assets_of(graph: BuildGraph, out: Output) -> list[str]:
    assets = list(out.assets)
    if out.css_bundle and out.css_bundle in graph.outputs:
        assets.extend(graph.outputs[out.css_bundle].assets)
    return assets


def serialize(manifest: Mapping[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
