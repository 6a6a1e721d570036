"""Each script's CSS holds only what its static imports bring: lazy CSS stays lazy.

esbuild puts the stylesheets of `import()`ed modules into the importing entry's CSS bundle as well
(it has no CSS code splitting). `css.order` says what each bundle should hold; this step rebuilds
the bundles that hold more, with a second esbuild run over generated entries that `@import` the
right stylesheets in the right order, and puts the results in place of esbuild's first bundles.

Why one rebuilt bundle per script, and not one CSS file per chunk (what Vite does): chunks group
modules by who shares them, not by import order, so a page loading several chunk stylesheets gets
their rules in chunk order, and a rule can lose the cascade to one it was written to override. One
bundle per script, built by esbuild from the ordered list, keeps esbuild's own ordering and
`@import` semantics, and the page still makes one request. A stylesheet shared by the page and a
lazy chunk is left out of the chunk's CSS when every path to the chunk has already applied it, so
loading the chunk does not re-apply old rules after newer ones.

The second run sees only stylesheets, and is skipped entirely when no bundle holds lazy CSS.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bundlewise.css.order import LOCAL_CSS_SUFFIX, CssPlan, plan_css, with_css_imports
from bundlewise.errors import Location
from bundlewise.esbuild.graph import BuildGraph
from bundlewise.rehash import HASHED_NAME

if TYPE_CHECKING:
    from bundlewise.state import BuildState

WORK_DIR = ".bundlewise-css"
"""Inside the staging folder: generated entries and the second run's output, removed after."""


def run(state: BuildState) -> None:
    """Replace every CSS bundle that holds lazy stylesheets by one of its static imports only."""
    assert state.graph is not None
    plans = [p for p in plan_css(state.graph) if _can_rebuild(state, p)]
    if not plans:
        return
    graph = state.graph
    for plan in plans:
        if not plan.stylesheets:
            graph = _drop_bundle(state, graph, plan)
    rebuilt = [p for p in plans if p.stylesheets]
    if rebuilt:
        graph = _rebuild(state, graph, rebuilt)
    state.graph = graph


def _can_rebuild(state: BuildState, plan: CssPlan) -> bool:
    """False (with a warning) when a second bundling pass would break the bundle."""
    assert state.graph is not None
    sheets = with_css_imports(state.graph.sources, list(plan.stylesheets))
    modules = sorted(s for s in sheets if s.endswith(LOCAL_CSS_SUFFIX))
    virtual = sorted(s for s in plan.stylesheets if not (state.config.root / s).is_file())
    name = _out_name(state, plan.bundle)
    if not modules and not virtual and "=" not in name:
        return True
    if modules:
        why = f"it also holds CSS modules ({modules[0]}), whose class names a second pass would change"
    elif virtual:
        why = f"{virtual[0]} is not a file a stylesheet can import"
    else:
        why = f"its output name {name!r} holds '=', which esbuild reads as an output name"
    entry = state.graph.outputs[plan.script].entry_point or plan.script
    state.log.warning(
        f"{plan.lazy[0]} is imported lazily but its rules apply at page load: "
        f"the CSS of {entry} cannot be rebuilt without it, because {why}",
        Location(entry),
        notes=("import the lazy stylesheet from a module loaded by import() only, or rename",),
    )
    return False


def _drop_bundle(state: BuildState, graph: BuildGraph, plan: CssPlan) -> BuildGraph:
    """The script needs no CSS at start: its bundle (all lazy) goes away."""
    outputs = dict(graph.outputs)
    for path in (plan.bundle, plan.bundle + ".map"):
        if path in outputs:
            del outputs[path]
            (state.staging / path).unlink(missing_ok=True)
    outputs[plan.script] = replace(outputs[plan.script], css_bundle=None)
    return replace(graph, outputs=outputs)


def _out_name(state: BuildState, bundle: str) -> str:
    """The bundle's path inside the assets folder, without hash and extension: `src/main`."""
    prefix = state.config.assets_dir + "/" if state.config.assets_dir else ""
    rel = bundle[len(prefix) :] if bundle.startswith(prefix) else bundle
    folder, base = posixpath.split(rel)
    m = HASHED_NAME.match(base)
    stem = m["stem"] if m else base.rsplit(".", 1)[0]
    return posixpath.join(folder, stem)


def _rebuild(state: BuildState, graph: BuildGraph, plans: list[CssPlan]) -> BuildGraph:
    from bundlewise.esbuild.bundler import ServiceBundler
    from bundlewise.plugins import Build
    from bundlewise.plugins.esbuild_setup import esbuild_plugins

    config = state.config
    work = state.staging / WORK_DIR
    # Same layout below the output root as the real build, so relative url()s come out the same.
    out_root = work / "out"
    bundler = ServiceBundler()
    try:
        generated = _write_entries(state, work / "entries", plans)
        pairs = [f"{_out_name(state, plan.bundle)}={gen}" for plan, gen in generated]
        # The same callbacks as the first run: Sass, Tailwind and plugins load these files too.
        # Its warnings repeat the first run's (same files) and are dropped.
        built, _ = bundler(
            config,
            [],
            out_root / config.assets_dir,
            out_root,
            edit_args=lambda args: [*args, *pairs],
            plugins=esbuild_plugins(state.plugins, Build(config, state.staging, state.log)),
        )
        by_entry = {o.entry_point: o for o in built if o.kind == "css" and o.entry_point}
        outputs = dict(graph.outputs)
        for plan, gen in generated:
            rebuilt = by_entry[gen]
            css = _install(state, out_root, rebuilt.path, plan.bundle)
            outputs[plan.bundle] = replace(
                outputs[plan.bundle],
                bytes=len(css),
                inputs={k: v for k, v in rebuilt.inputs.items() if k != gen},
                assets=tuple(a for a in rebuilt.assets if a in outputs),
            )
        return replace(graph, outputs=outputs)
    finally:
        bundler.close()
        shutil.rmtree(work, ignore_errors=True)


def _write_entries(
    state: BuildState, folder: Path, plans: list[CssPlan]
) -> list[tuple[CssPlan, str]]:
    """One generated stylesheet per plan, `@import`ing its stylesheets in order."""
    folder.mkdir(parents=True)
    generated = []
    for n, plan in enumerate(plans):
        path = folder / f"{n}.css"
        lines = [
            f"@import {_css_string(os.path.relpath(state.config.root / s, folder))};"
            for s in plan.stylesheets
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        generated.append((plan, os.path.relpath(path, state.config.root).replace(os.sep, "/")))
    return generated


def _css_string(path: str) -> str:
    escaped = path.replace(os.sep, "/").replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\a ") + '"'


def _install(state: BuildState, out_root: Path, built: str, bundle: str) -> bytes:
    """Put the rebuilt CSS `built` (and its map) where esbuild's first bundle was; return it."""
    path = out_root / built
    css = path.read_bytes()
    map_path = path.with_name(path.name + ".map")
    if map_path.is_file():
        final_map = posixpath.basename(bundle) + ".map"
        css = css.replace(
            f"sourceMappingURL={map_path.name}".encode(), f"sourceMappingURL={final_map}".encode()
        )
        state.changed[bundle + ".map"] = _moved_map(
            map_path.read_bytes(), path.parent, (state.staging / bundle).parent
        )
    state.changed[bundle] = css
    return css


def _moved_map(data: bytes, built_in: Path, final_in: Path) -> bytes:
    """A source map moved from folder `built_in` to `final_in`: its `sources` re-pointed."""
    sourcemap = json.loads(data)
    sourcemap["sources"] = [
        os.path.relpath(os.path.normpath(built_in / s), final_in).replace(os.sep, "/")
        for s in sourcemap.get("sources", [])
    ]
    return json.dumps(sourcemap, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
