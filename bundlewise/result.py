"""What a build produced: the records every late step (stats, report, plugins, watch) reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bundlewise.errors import Message
from bundlewise.esbuild.graph import BuildGraph
from bundlewise.file_kinds import Kind, kind_of

if TYPE_CHECKING:
    from bundlewise.report.record import Stats

FileKind = Kind

STATS_FILE = "bundlewise-stats.json"


@dataclass(frozen=True)
class PageResult:
    """One HTML page and what it loads. All paths are relative to the output folder."""

    source: str
    """The page's source path, relative to the app root (e.g. `about/index.html`)."""
    output: str
    """Where the rewritten page was written (same relative path as the source)."""
    scripts: tuple[str, ...] = ()
    """Entry scripts (`<script type="module" src>`) after hashing."""
    preloads: tuple[str, ...] = ()
    """Chunks in the entries' static import closure (the `modulepreload` list)."""
    stylesheets: tuple[str, ...] = ()
    """Stylesheets the page links: its own `<link rel=stylesheet>` and CSS extracted from its JS."""
    fonts: tuple[str, ...] = ()
    """Fonts preloaded by the page."""
    images: tuple[str, ...] = ()
    """Images referenced by the page's HTML (the files actually chosen: fallbacks, not variants)."""
    lazy: tuple[str, ...] = ()
    """Chunks and their CSS reachable only through `import()`: not part of the initial load."""
    changes: tuple[str, ...] = ()
    """What the build changed in the page beyond its URLs (hints), for `-v`."""

    @property
    def initial(self) -> tuple[str, ...]:
        """The files needed for the first render: the page itself, its JS closure, CSS, fonts."""
        seen: dict[str, None] = {}
        for p in (self.output, *self.scripts, *self.preloads, *self.stylesheets, *self.fonts):
            seen.setdefault(p)
        return tuple(seen)


@dataclass(frozen=True)
class OutputFile:
    """One file in the output folder (compressed siblings are not listed separately)."""

    path: str
    kind: FileKind
    size: int
    manifest_key: str | None = None


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    """The final output folder (after the swap)."""
    root: Path
    graph: BuildGraph
    pages: tuple[PageResult, ...]
    files: tuple[OutputFile, ...]
    manifest: Mapping[str, Any]
    warnings: tuple[Message, ...] = ()
    infos: tuple[Message, ...] = ()
    """What the user should know that is not a problem in the app: shown, never fails `--strict`."""
    stats: Stats | None = None
    """Sizes, initial loads, the budget verdict (`bundlewise-stats.json` serialises it); set by
    the size step, so None only for a result handed to steps before it."""
    kept: tuple[str, ...] = ()
    """Files in the output folder that no build wrote, carried over unchanged (`output.foreign`)."""


def list_outputs(
    folder: Path, manifest_keys: Mapping[str, str], skip: tuple[str, ...] = ()
) -> tuple[OutputFile, ...]:
    """Every file in the output `folder` but `skip`, sorted, with its kind, size and manifest key
    (from `manifest_keys`: output path → key)."""
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel not in skip:
            files.append(
                OutputFile(rel, file_kind(rel), path.stat().st_size, manifest_keys.get(rel))
            )
    return tuple(files)


def file_kind(path: str) -> FileKind:
    """Classify an output file by its extension (`file_kinds`); a `…manifest.json` is a manifest."""
    kind = kind_of(path).kind
    if kind == "other" and path.endswith("manifest.json"):
        return "manifest"
    return kind
