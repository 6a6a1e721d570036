"""esbuild's metafile as our own build graph.

The metafile is the single source of truth for what was built: entries, shared chunks, chunks
reached only through `import()`, the CSS bundle of each JS file, and emitted assets. It is parsed
once, into frozen records, and every later step (page rewriting, manifest, size report) reads these
records instead of the raw JSON.

All paths here are POSIX paths: output paths relative to the output folder, source paths relative
to the app root (the folder esbuild runs in).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple

OutputKind = Literal["entry", "dynamic", "chunk", "css", "asset", "map"]


@dataclass(frozen=True)
class Output:
    """One file esbuild wrote."""

    path: str
    kind: OutputKind
    bytes: int
    imports: tuple[str, ...] = ()
    """Outputs loaded by static `import` statements (JS) — they load before this one runs."""
    dynamic_imports: tuple[str, ...] = ()
    """Outputs loaded by `import()` — they load on demand."""
    assets: tuple[str, ...] = ()
    """Files this output refers to by URL (images and fonts from `url()` or `new URL`/file loader)."""
    css_bundle: str | None = None
    """The CSS esbuild extracted from this JS file's imports, if any."""
    entry_point: str | None = None
    """The source this output was built from, for entries, dynamic entries and CSS entries."""
    inputs: Mapping[str, int] = field(default_factory=dict)
    """Source path → bytes it contributes to this output (for size attribution)."""

    @property
    def is_js(self) -> bool:
        return self.path.endswith(".js")


class SourceImport(NamedTuple):
    """One reference as written in a source file (the metafile's `inputs[file].imports`).

    A named tuple rather than a frozen dataclass: a large build has tens of thousands of them
    (three.js ×10: 11,340), and a tuple is made in a third of the time."""

    path: str
    """The source it resolved to (relative to the app root), or the name left external."""
    kind: str
    """`import-statement`, `dynamic-import`, `url-token`, `import-rule`, `require-call`, ..."""
    original: str
    """The specifier as the file wrote it (`./logo.png`, `react`)."""
    external: bool = False


@dataclass(frozen=True)
class BuildGraph:
    outputs: Mapping[str, Output]
    entries: Mapping[str, str]
    """Source path of each explicit entry point → its output (JS or CSS)."""
    sources: Mapping[str, tuple[SourceImport, ...]] = field(default_factory=dict)
    """Every source file esbuild read → the references it makes, in the order it makes them."""

    def __iter__(self) -> Iterator[Output]:
        return iter(self.outputs.values())

    def static_closure(self, path: str) -> list[str]:
        """The outputs `path` needs before it runs, in post-order (dependencies first), without `path`.

        This is exactly the list to `modulepreload`: dynamic imports are left out, since they load
        only when the code asks for them.
        """
        seen: set[str] = {path}
        order: list[str] = []

        def visit(p: str) -> None:
            for dep in self.outputs[p].imports:
                if dep not in seen:
                    seen.add(dep)
                    visit(dep)
                    order.append(dep)

        visit(path)
        return order

    def asset_sources(self) -> dict[str, str]:
        """Source path → output path of each file esbuild copied as an asset (its only input)."""
        return {
            next(iter(out.inputs)): out.path
            for out in self.outputs.values()
            if out.kind == "asset" and len(out.inputs) == 1
        }

    def importers(self, source: str) -> list[tuple[str, SourceImport]]:
        """(file, reference) of every reference that resolved to `source`, in a stable order."""
        return [
            (importer, ref)
            for importer, refs in sorted(self.sources.items())
            for ref in refs
            if ref.path == source and not ref.external
        ]

    def css_for(self, paths: list[str]) -> list[str]:
        """The CSS bundles of `paths`, in order, without duplicates."""
        css: list[str] = []
        for p in paths:
            bundle = self.outputs[p].css_bundle
            if bundle and bundle not in css:
                css.append(bundle)
        return css

    def renamed(self, renames: Mapping[str, str], sizes: Mapping[str, int]) -> BuildGraph:
        """The same graph after files were renamed (final content hashes) and resized."""

        def r(p: str) -> str:
            return renames.get(p, p)

        outputs = {}
        for out in self.outputs.values():
            new = replace(
                out,
                path=r(out.path),
                bytes=sizes.get(r(out.path), out.bytes),
                imports=tuple(r(p) for p in out.imports),
                dynamic_imports=tuple(r(p) for p in out.dynamic_imports),
                assets=tuple(r(p) for p in out.assets),
                css_bundle=r(out.css_bundle) if out.css_bundle else None,
            )
            outputs[new.path] = new
        entries = {src: r(p) for src, p in self.entries.items()}
        return replace(self, outputs=dict(sorted(outputs.items())), entries=entries)


def parse_metafile(meta: Mapping[str, Any], outdir: str, entry_sources: list[str]) -> BuildGraph:
    """Build the graph from esbuild's metafile.

    `outdir` is the output folder as esbuild saw it, relative to its cwd (metafile output keys
    start with it); `entry_sources` are the entry points we asked for, so that we can tell
    explicit entries from chunks that esbuild made entries for `import()`.
    """
    prefix = posixpath.normpath(outdir) + "/"

    def rel(path: str) -> str:
        return path[len(prefix) :] if path.startswith(prefix) else path

    raw_outputs: Mapping[str, Any] = meta.get("outputs", {})
    css_bundles = {rel(o["cssBundle"]) for o in raw_outputs.values() if o.get("cssBundle")}
    wanted = set(entry_sources)
    outputs: dict[str, Output] = {}
    entries: dict[str, str] = {}
    for raw_path, raw in raw_outputs.items():
        path = rel(raw_path)
        entry_point = raw.get("entryPoint")
        kind = _kind(path, entry_point, wanted, path in css_bundles)
        # An external import (`import("https://...")`, an `external` name) is left as written.
        imports = [i for i in raw.get("imports", []) if not i.get("external")]
        outputs[path] = Output(
            path=path,
            kind=kind,
            bytes=int(raw.get("bytes", 0)),
            imports=tuple(rel(i["path"]) for i in imports if i.get("kind") == "import-statement"),
            dynamic_imports=tuple(
                rel(i["path"]) for i in imports if i.get("kind") == "dynamic-import"
            ),
            assets=tuple(
                rel(i["path"])
                for i in imports
                if i.get("kind") in ("url-token", "file-loader", "import-rule")
                and not rel(i["path"]).endswith((".js", ".css"))
            ),
            css_bundle=rel(raw["cssBundle"]) if raw.get("cssBundle") else None,
            entry_point=entry_point,
            inputs={k: int(v.get("bytesInOutput", 0)) for k, v in raw.get("inputs", {}).items()},
        )
        if entry_point in wanted and kind in ("entry", "css"):
            entries[entry_point] = path
    inputs: Mapping[str, Any] = meta.get("inputs", {})
    sources = {src: _source_imports(raw) for src, raw in sorted(inputs.items())}
    return BuildGraph(outputs=dict(sorted(outputs.items())), entries=entries, sources=sources)


def _source_imports(raw: Mapping[str, Any]) -> tuple[SourceImport, ...]:
    return tuple(
        [
            SourceImport(
                i["path"], i.get("kind", ""), i.get("original", i["path"]), bool(i.get("external"))
            )
            for i in raw.get("imports", ())
        ]
    )


def _kind(path: str, entry_point: str | None, wanted: set[str], is_css_bundle: bool) -> OutputKind:
    if path.endswith(".map"):
        return "map"
    if path.endswith(".css"):
        return "css"
    if path.endswith(".js"):
        if entry_point is None:
            return "chunk"
        return "entry" if entry_point in wanted else "dynamic"
    return "asset"
