"""Make lazily imported chunks bring their CSS (and preload their imports) when they load.

esbuild gives a chunk reached through `import()` its own CSS file but emits nothing that loads it,
so a lazy route would render unstyled. Like Vite, we wrap such calls in a small helper:

    import("./route-X.js")  →  __bwPreload(() => import("./route-X.js"), ["./route-X.css", "./chunk-Y.js"], import.meta.url)

The helper adds a `<link rel=stylesheet>` for each CSS file (and waits for it, so the route never
shows unstyled) and a `<link rel=modulepreload>` for each static import of the chunk, so they
download in parallel with the chunk instead of after it. The wrapped scripts are renamed afterwards
by `rehash`, and their source maps are shifted to match the inserted text.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from bundlewise.esbuild.graph import BuildGraph, Output
from bundlewise.sourcemap import insert_into_map

HELPER_NAME = "preload-helper-AAAAAAAA.js"  # placeholder hash: `rehash` names it by content
HELPER_ID = "__bwPreload"

# Resolves each dependency against the calling module's URL, skips ones the page already has,
# and waits for stylesheets so the lazy module never runs before its styles apply.
HELPER_SOURCE = (
    b"const seen=new Set;"
    b"export function p(load,deps,base){"
    b"const links=[...document.querySelectorAll('link[href]')].map(l=>l.href);"
    b"return Promise.all(deps.map(dep=>{"
    b"const url=new URL(dep,base).href;"
    b"if(seen.has(url)||links.includes(url))return;"
    b"seen.add(url);"
    b"const css=url.endsWith('.css'),link=document.createElement('link');"
    b"link.rel=css?'stylesheet':'modulepreload';link.href=url;"
    b"if(css)link.crossOrigin='';"
    b"document.head.appendChild(link);"
    b"if(css)return new Promise((ok,fail)=>{link.onload=ok;"
    b"link.onerror=()=>fail(new Error('Unable to preload CSS for '+url))})"
    b"})).then(load)}\n"
)


@dataclass(frozen=True)
class PreloadResult:
    files: dict[str, bytes]
    """Changed and added files (output path → bytes)."""
    graph: BuildGraph
    """The graph with the helper as an output, imported by every wrapped script."""
    references: dict[str, frozenset[str]]
    """Wrapped script → the CSS files its calls name (the metafile does not know of them)."""


def wrap_dynamic_imports(
    graph: BuildGraph, read: Callable[[str], bytes], assets_dir: str
) -> PreloadResult:
    """Wrap every `import()` of a chunk that has CSS or static imports of its own."""
    helper = f"{assets_dir}/{HELPER_NAME}" if assets_dir else HELPER_NAME
    changed: dict[str, bytes] = {}
    references: dict[str, frozenset[str]] = {}
    for out in graph:
        if out.kind == "map" or not out.is_js or not out.dynamic_imports:
            continue
        loaded = set(graph.static_closure(out.path))
        targets = {t: deps for t in out.dynamic_imports if (deps := _deps_of(graph, t, loaded))}
        if not targets:
            continue
        script, insertions = _wrap(out.path, read(out.path), targets, helper)
        if not insertions:
            continue
        changed[out.path] = script
        references[out.path] = frozenset(
            d for deps in targets.values() for d in deps if d.endswith(".css")
        )
        map_path = out.path + ".map"
        if map_path in graph.outputs:
            changed[map_path] = insert_into_map(read(map_path), insertions)
    if not changed:
        return PreloadResult({}, graph, {})
    changed[helper] = HELPER_SOURCE
    return PreloadResult(changed, _with_helper(graph, helper, changed), references)


def _with_helper(graph: BuildGraph, helper: str, changed: Mapping[str, bytes]) -> BuildGraph:
    """`graph` with the helper added and imported (statically) by every script that uses it."""
    outputs = dict(graph.outputs)
    outputs[helper] = Output(helper, "chunk", len(changed[helper]))
    for path, data in changed.items():
        if path.endswith(".js") and path != helper:
            out = outputs[path]
            outputs[path] = replace(out, imports=(helper, *out.imports), bytes=len(data))
    return replace(graph, outputs=dict(sorted(outputs.items())))


def _deps_of(graph: BuildGraph, target: str, loaded: set[str]) -> list[str]:
    """What `target` needs besides itself: its static chunks and every CSS file among them."""
    closure = graph.static_closure(target)
    chunks = [c for c in closure if c not in loaded]
    css = graph.css_for([target, *closure])
    return css + chunks


def _wrap(
    path: str, data: bytes, targets: Mapping[str, list[str]], helper: str
) -> tuple[bytes, list[tuple[int, int, int]]]:
    here = posixpath.dirname(path)
    text = data.decode()
    edits: list[tuple[int, int, str]] = []
    for target, deps in targets.items():
        spec = _relative(here, target)
        pattern = re.compile(r"import\(\s*([\"'`])" + re.escape(spec) + r"\1\s*\)")
        dep_list = json.dumps([_relative(here, d) for d in deps], separators=(",", ":"))
        for m in pattern.finditer(text):
            edits.append((m.start(), m.start(), f"{HELPER_ID}(()=>"))
            edits.append((m.end(), m.end(), f",{dep_list},import.meta.url)"))
    if not edits:
        return data, []
    edits.append((0, 0, f"import{{p as {HELPER_ID}}}from{json.dumps(_relative(here, helper))};"))
    edits.sort(key=lambda e: (e[0], 0 if e[2].startswith("import{") else 1))
    out: list[str] = []
    insertions: list[tuple[int, int, int]] = []
    pos = 0
    for start, end, insert in edits:
        out.append(text[pos:start])
        out.append(insert)
        pos = end
        line = text.count("\n", 0, start)
        column = start - (text.rfind("\n", 0, start) + 1)
        insertions.append((line, column, len(insert)))
    out.append(text[pos:])
    return "".join(out).encode(), insertions


def _relative(here: str, target: str) -> str:
    rel = posixpath.relpath(target, here or ".")
    return rel if rel.startswith("../") else "./" + rel
