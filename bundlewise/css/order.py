"""Which stylesheets each script needs at start, in the order esbuild would bundle them.

esbuild has no CSS code splitting: the CSS bundle of an entry, or of a chunk loaded by `import()`,
holds every stylesheet reachable from it through static *and* dynamic imports. A lazy route's
styles would then apply at page load (and count in the initial download). Here we compute, from
the metafile's inputs (whose imports are listed in source order), what each script's CSS bundle
should hold instead:

- the stylesheets its static imports reach (`import`, `require`), found the way esbuild's linker
  orders CSS imported from JS: a depth-first walk in import order, each file visited once;
- for a chunk loaded by `import()`, minus the stylesheets already applied on every path that can
  load it (its importers' own CSS). Re-applying them later would move their rules after the page's
  other rules in the cascade; leaving them out gives the order a fully static import would give.

`@import`s inside each stylesheet are left to esbuild (CSS semantics: the last occurrence wins).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bundlewise.esbuild.graph import BuildGraph, Output, SourceImport

STATIC_JS_IMPORTS = ("import-statement", "require-call")

# esbuild's default loader for these is `local-css` (CSS modules): their class names are chosen
# per build, so a second bundling pass would name them differently from the JS that uses them.
LOCAL_CSS_SUFFIX = ".module.css"


@dataclass(frozen=True)
class CssPlan:
    """What one script's CSS bundle should hold."""

    script: str
    """The JS output (an entry or a chunk loaded by `import()`)."""
    bundle: str
    """Its CSS bundle as esbuild wrote it."""
    stylesheets: tuple[str, ...]
    """Source stylesheets to bundle, in order (each with its own `@import`s)."""
    lazy: tuple[str, ...]
    """Stylesheets esbuild put in the bundle that only `import()` or another page part brings."""


def is_css(path: str) -> bool:
    return path.lower().endswith(".css")


def static_stylesheets(
    sources: Mapping[str, tuple[SourceImport, ...]],
    entry: str,
    stylesheet: Callable[[str], bool] = is_css,
) -> list[str]:
    """Stylesheets reached from `entry` through static imports, in esbuild's JS order.

    `stylesheet` tells a stylesheet (`.css`, or `.scss` that a plugin compiles) from a script."""
    seen: set[str] = set()
    order: list[str] = []
    stack: list[tuple[str, int]] = [(entry, 0)]
    seen.add(entry)
    # Iterative depth-first walk (a deep import chain must not hit the recursion limit).
    while stack:
        path, index = stack.pop()
        imports = sources.get(path, ())
        while index < len(imports):
            imp = imports[index]
            index += 1
            if imp.external or imp.kind not in STATIC_JS_IMPORTS or imp.path in seen:
                continue
            seen.add(imp.path)
            if stylesheet(imp.path):
                order.append(imp.path)
            elif imp.path in sources:
                stack.append((path, index))
                stack.append((imp.path, 0))
                break
    return order


def with_css_imports(
    sources: Mapping[str, tuple[SourceImport, ...]], sheets: list[str]
) -> set[str]:
    """`sheets` and every stylesheet they `@import`, transitively."""
    found = set(sheets)
    stack = list(sheets)
    while stack:
        for imp in sources.get(stack.pop(), ()):
            if imp.kind == "import-rule" and not imp.external and imp.path not in found:
                found.add(imp.path)
                stack.append(imp.path)
    return found


def plan_css(graph: BuildGraph) -> list[CssPlan]:
    """A plan for every script whose CSS bundle holds more than its static imports bring."""
    scripts = {
        out.path: out
        for out in graph
        if out.is_js and out.kind in ("entry", "dynamic") and out.entry_point
    }
    if not any(out.css_bundle for out in scripts.values()):
        return []  # no script has CSS (a large JS-only build: no walk of its imports)
    # Whatever went into a CSS output is a stylesheet, whatever its name (Sass, plugins).
    css_inputs = {s for out in graph if out.kind == "css" for s in out.inputs}

    def stylesheet(path: str) -> bool:
        return path in css_inputs or is_css(path)

    static = {
        p: static_stylesheets(graph.sources, o.entry_point or "", stylesheet)
        for p, o in scripts.items()
    }
    applied = _applied_before(graph, scripts, static)
    plans = []
    for path, out in sorted(scripts.items()):
        if out.css_bundle is None:
            continue
        bundled = set(graph.outputs[out.css_bundle].inputs)
        # Only what esbuild itself bundled: a file it dropped (tree-shaken) stays dropped.
        wanted = [s for s in static[path] if s in bundled and s not in applied.get(path, set())]
        lazy = bundled - with_css_imports(graph.sources, wanted)
        if lazy:
            plans.append(CssPlan(path, out.css_bundle, tuple(wanted), tuple(sorted(lazy))))
    return plans


def _applied_before(
    graph: BuildGraph, scripts: Mapping[str, Output], static: Mapping[str, list[str]]
) -> dict[str, set[str]]:
    """For each chunk loaded by `import()`: the stylesheets applied on every path that loads it.

    Its importers' own CSS (and what was applied before them), intersected over all importers. An
    importer we cannot follow (a shared chunk, a cycle) makes the set empty: nothing is left out.
    """
    importers: dict[str, set[str]] = {}
    for out in graph:
        for target in out.dynamic_imports:
            importers.setdefault(target, set()).add(out.path)
    memo: dict[str, set[str]] = {}
    active: set[str] = set()

    def applied(path: str) -> set[str]:
        """Stylesheets present once `path` has run: before it, and its own."""
        if path in memo:
            return memo[path]
        if path in active:
            return set()  # a cycle of import(): assume nothing
        active.add(path)
        before: set[str] = set()
        if graph.outputs[path].kind == "dynamic":
            before = _intersection(
                [applied(i) if i in scripts else set() for i in sorted(importers.get(path, ()))]
            )
        own = with_css_imports(graph.sources, static.get(path, []))
        active.discard(path)
        memo[path] = before | own
        return memo[path]

    result = {}
    for path in scripts:
        if graph.outputs[path].kind == "dynamic":
            result[path] = _intersection(
                [applied(i) if i in scripts else set() for i in sorted(importers.get(path, ()))]
            )
    return result


def _intersection(sets: list[set[str]]) -> set[str]:
    if not sets:
        return set()
    out = set(sets[0])
    for s in sets[1:]:
        out &= s
    return out
