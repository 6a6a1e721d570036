"""Never ship what should not be public: files from outside the app root, after esbuild ran.

esbuild follows any import, so `import s from "../../secret.txt"` or `url(../../outside.png)`
would publish a file from anywhere on the disk, under `assets/_.._/...`, a name that also spells
out the folders above the app. Reading the metafile (every file esbuild read, and who imported
it, as written), this step:

- refuses a file outside the app root that is neither in the workspace (`bundlewise.sources.workspace`)
  nor part of a dependency, naming each import of it with its line and column;
- names what is allowed by where it belongs instead of by `..`: a dependency's file as
  `assets/node_modules/<pkg>/<path inside it>` (what a plain `node_modules` inside the app gives),
  a workspace file as `assets/_workspace/<path inside the workspace>`; the files that refer to
  them are rewritten (and re-hashed later, like any changed output);
- keeps source maps to files of the build: a dependency's own map may name any file on the disk,
  which esbuild then reads into the published map (see `sourcemap.confine_sources`).

So the output never depends on where a dependency really lives: a symlinked `node_modules`,
`npm link` or a hoisted folder above the app give the same names and bytes.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bundlewise.errors import BuildError, Message
from bundlewise.esbuild.graph import BuildGraph, Output
from bundlewise.sourcemap import confine_sources, insert_into_map, needs_confining
from bundlewise.sources.specifiers import locate_specifier
from bundlewise.sources.workspace import Package, allowed_folders, dependency_name, find_packages

if TYPE_CHECKING:
    from bundlewise.state import BuildState

WORKSPACE_DIR = "_workspace"


def confine(state: BuildState) -> None:
    """Refuse files from outside the workspace; rename and clean what comes from outside the root."""
    assert state.graph is not None
    config, graph = state.config, state.graph
    folders = allowed_folders(config.root, config.fs_allow)
    # Packages matter only for files outside the root (those inside keep esbuild's names).
    outside = [s for s in graph.sources if not _inside(config.root, s)]
    packages = find_packages(config.root, graph.sources) if outside else []
    dependencies: dict[str, str] = {}  # source outside the root → node_modules/<pkg>/<inner>
    places: dict[str, str] = {}  # source outside the root → its path inside the assets folder
    problems: list[Message] = []
    for source in outside:
        path = Path(os.path.normpath(config.root / source))
        dependency = dependency_name(path, packages)
        if dependency is not None:
            dependencies[source] = places[source] = dependency
            continue
        place = _workspace_place(path, folders[1:])
        if place is None:
            problems.extend(_refusals(state, source, path, folders))
        else:
            places[source] = place
    if problems:
        raise BuildError(problems)
    _rename_assets(state, places)
    _clean_source_maps(state, packages)
    state.graph = _with_source_names(state.graph, dependencies)


def _inside(root: Path, source: str) -> bool:
    # Metafile paths are relative to the root: only a leading `..` (or an absolute path) leaves it.
    # Strings, not a Path per source: a large build reads thousands of files.
    if ".." not in source and not source.startswith("/"):
        return True  # nothing to normalize away (nearly every source of a large build)
    path = posixpath.normpath(source)
    return not (path == ".." or path.startswith("../") or posixpath.isabs(path))


def _workspace_place(path: Path, folders: list[Path]) -> str | None:
    for index, folder in enumerate(folders):
        if path.is_relative_to(folder):
            prefix = WORKSPACE_DIR if index == 0 else f"{WORKSPACE_DIR}{index + 1}"
            return f"{prefix}/{path.relative_to(folder).as_posix()}"
    return None


def _refusals(state: BuildState, source: str, path: Path, folders: list[Path]) -> list[Message]:
    assert state.graph is not None
    outside = ", ".join(str(f) for f in dict.fromkeys(folders))
    notes = (
        f"files are built from inside {outside} and from dependencies in node_modules",
        "to build it, add its folder to fs_allow in bundlewise.toml",
    )
    sites = state.graph.importers(source)
    if not sites:
        return [Message(f"{path} is outside the app root and its workspace", notes=notes)]
    return [
        Message(
            f"{ref.original!r} resolves to {path}, outside the app root and its workspace: "
            "it would be published",
            locate_specifier(state.config.root, importer, ref.original),
            notes=notes,
        )
        for importer, ref in sites
    ]


def _rename_assets(state: BuildState, places: dict[str, str]) -> None:
    """Move copied files out of `_.._` folders; rewrite the outputs that name them."""
    assert state.graph is not None
    assets = state.config.assets_dir
    renames: dict[str, str] = {}
    for source, output in state.graph.asset_sources().items():
        if source in places:
            folder = posixpath.dirname(places[source])
            new = posixpath.join(assets, folder, posixpath.basename(output))
            if new != output:
                renames[output] = new
    if not renames:
        return
    for out in state.graph:
        if any(a in renames for a in out.assets):
            _rewrite_paths(state, out, {a: renames[a] for a in out.assets if a in renames})
    for old, new in renames.items():
        target = state.staging / new
        target.parent.mkdir(parents=True, exist_ok=True)
        (state.staging / old).replace(target)
    _remove_empty_folders(state.staging / assets)
    state.graph = state.graph.renamed(renames, {})


def _rewrite_paths(state: BuildState, out: Output, renames: dict[str, str]) -> None:
    """Replace each renamed file's path inside the assets folder (URLs in `out` end with it;
    what comes before, `../` or the base URL, leads to the assets folder and stays)."""
    assets = state.config.assets_dir + "/"
    pairs = {old.removeprefix(assets).encode(): new.removeprefix(assets).encode()
             for old, new in renames.items()}  # fmt: skip
    pattern = re.compile(b"|".join(re.escape(o) for o in sorted(pairs, key=len, reverse=True)))
    data = state.read(out.path)
    edits: list[tuple[int, int, int]] = []  # (line, column after the old text, length change)
    for match in pattern.finditer(data):
        line = data.count(b"\n", 0, match.start())
        column = match.end() - (data.rfind(b"\n", 0, match.start()) + 1)
        edits.append((line, column, len(pairs[match.group()]) - len(match.group())))
    state.changed[out.path] = pattern.sub(lambda m: pairs[m.group()], data)
    map_path = out.path + ".map"
    if edits and state.graph is not None and map_path in state.graph.outputs:
        state.changed[map_path] = insert_into_map(state.read(map_path), edits)


def _remove_empty_folders(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _clean_source_maps(state: BuildState, packages: list[Package]) -> None:
    """Maps name dependencies by their place in node_modules, and carry no file from outside."""
    assert state.graph is not None
    root = state.config.root
    left_out: set[Path] = set()

    @functools.cache
    def inputs() -> set[Path]:
        """Every file of the build (made only when a map names a file outside the root)."""
        assert state.graph is not None
        return {Path(os.path.normpath(root / s)) for s in state.graph.sources}

    def place(path: Path) -> Path | None:
        """Where a map source is said to be: itself, its node_modules name, or None (left out)."""
        if path.is_relative_to(root):
            return path
        dependency = dependency_name(path, packages)
        if dependency is not None:
            return root / dependency
        return path if path in inputs() else None

    for out in state.graph:
        if out.kind != "map":
            continue
        raw = state.read(out.path)
        if not needs_confining(raw, state.staging / out.path, root):
            continue
        data, dropped = confine_sources(raw, state.staging / out.path, place)
        if data is not None:
            state.changed[out.path] = data
        left_out.update(dropped)
    for path in sorted(left_out):
        shown = Path(os.path.relpath(path, root)).as_posix()
        state.log.warning(
            f"{shown} left out of the published source maps: a dependency's own source "
            "map names this file, which is outside the app root; its text is not published"
        )


def _with_source_names(graph: BuildGraph, names: dict[str, str]) -> BuildGraph:
    """The graph with dependency sources under their node_modules names (manifest, stats)."""
    if not names:
        return graph

    def n(source: str) -> str:
        return names.get(source, source)

    outputs = {
        path: replace(out, inputs={n(s): b for s, b in out.inputs.items()})
        for path, out in graph.outputs.items()
    }
    sources = {
        n(source): tuple(ref._replace(path=n(ref.path)) for ref in refs)
        for source, refs in graph.sources.items()
    }
    return replace(graph, outputs=outputs, sources=dict(sorted(sources.items())))
