"""The stats document: what a build shipped, measured on the bytes written.

`bundlewise-stats.json` is a contract (CI scripts, PR bots and `bundlewise report --baseline` read
it), so it is versioned (`"schema"`), deterministic (sorted keys, no timestamps unless
`SOURCE_DATE_EPOCH` is set) and self-contained: reports render from it alone, without a build.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bundlewise.errors import BundlewiseError, Location, Message
from bundlewise.esbuild.graph import BuildGraph
from bundlewise.images.records import ImagesSummary
from bundlewise.report.measured import (
    MEASURES,
    SHIPPED_KINDS,
    ChunkStats,
    FileSet,
    FileStats,
    KindTotal,
    Measurements,
    PackageStats,
    PageStats,
)
from bundlewise.report.record import SCHEMA, Stats
from bundlewise.result import BuildResult

if TYPE_CHECKING:
    from bundlewise.report.budget import BudgetConfig

__all__ = ["SCHEMA", "SHIPPED_KINDS", "SizesLike", "Stats", "compute_stats", "load_stats"]


class SizesLike(Protocol):
    """What stats read from the compression step's per-file sizes."""

    @property
    def raw(self) -> int: ...
    @property
    def gzip(self) -> int: ...
    @property
    def brotli(self) -> int: ...


def compute_stats(
    result: BuildResult,
    sizes: Mapping[str, SizesLike],
    *,
    budget: BudgetConfig,
    baseline: Measurements | None = None,
    images: ImagesSummary | None = None,
    env: Mapping[str, str] | None = None,
) -> Stats:
    """The stats of a build, with its budget verdict.

    `sizes` holds the measured sizes of each output path; a file missing from it (e.g. an image
    that was not worth compressing) is served as is, so its gzip and brotli sizes are its raw size.
    """
    from bundlewise.report.evaluate import evaluate_budget

    files = _files(result, sizes)
    measured = Measurements(
        files=files,
        pages=_pages(result, files),
        totals=_totals(files),
        chunks=_chunks(result.graph),
        packages=_packages(result.graph),
    )
    return Stats(
        **vars(measured),
        budget=evaluate_budget(measured, budget, baseline),
        budget_config=budget,
        generated=_timestamp(os.environ if env is None else env),
        images=images,
    )


def _files(result: BuildResult, sizes: Mapping[str, SizesLike]) -> dict[str, FileStats]:
    files: dict[str, FileStats] = {}
    for f in result.files:
        measured = sizes.get(f.path)
        if measured is None:
            files[f.path] = FileStats(f.size, f.size, f.size, f.kind, f.manifest_key)
            continue
        zstd = getattr(measured, "zstd", None)
        files[f.path] = FileStats(
            measured.raw,
            measured.gzip,
            measured.brotli,
            f.kind,
            f.manifest_key,
            zstd if isinstance(zstd, int) else None,
        )
    return files


def sum_sizes(files: Mapping[str, FileStats], paths: Iterable[str]) -> FileSet:
    """`paths` and their raw, gzip and brotli totals (files the build did not list count as 0)."""
    paths = list(paths)
    entries = [files[p] for p in paths if p in files]
    raw, gzip, brotli = (sum(e.size(m) for e in entries) for m in MEASURES)
    return FileSet(raw, gzip, brotli, files=tuple(paths))


def _pages(result: BuildResult, files: Mapping[str, FileStats]) -> dict[str, PageStats]:
    pages: dict[str, PageStats] = {}
    for page in result.pages:
        initial = list(page.initial)
        js_css = [p for p in initial if p in files and files[p].kind in ("js", "css")]
        pages[page.source] = PageStats(
            output=page.output,
            initial=sum_sizes(files, initial),
            initial_js_css=sum_sizes(files, js_css),
            lazy=sum_sizes(files, page.lazy),
            images=tuple(page.images),
        )
    return pages


def _totals(files: Mapping[str, FileStats]) -> dict[str, KindTotal]:
    totals: dict[str, KindTotal] = {}
    for kind in sorted({e.kind for e in files.values()}):
        totals[kind] = _total([p for p, e in files.items() if e.kind == kind], files)
    totals["all"] = _total([p for p, e in files.items() if e.kind in SHIPPED_KINDS], files)
    return totals


def _total(paths: list[str], files: Mapping[str, FileStats]) -> KindTotal:
    summed = sum_sizes(files, paths)
    return KindTotal(summed.raw, summed.gzip, summed.brotli, count=len(paths))


def package_of(module: str) -> str | None:
    """The npm package a source module belongs to (`node_modules/@scope/pkg/x.js` → `@scope/pkg`)."""
    parts = module.split("/")
    if "node_modules" not in parts:
        return None
    # The last node_modules wins: a nested copy is its own package.
    i = len(parts) - 1 - parts[::-1].index("node_modules")
    rest = parts[i + 1 :]
    if not rest or not rest[0]:
        return None
    if rest[0].startswith("@") and len(rest) > 1:
        return f"{rest[0]}/{rest[1]}"
    return rest[0]


_CODE_KINDS = ("entry", "dynamic", "chunk", "css")
"""Outputs whose bytes come from many modules; assets are one source file each."""


def _chunks(graph: BuildGraph) -> dict[str, ChunkStats]:
    chunks: dict[str, ChunkStats] = {}
    for out in graph:
        if out.kind not in _CODE_KINDS:
            continue
        modules = {m: b for m, b in sorted(out.inputs.items()) if b > 0}
        if not modules:
            continue
        packages: dict[str, int] = {}
        for m, b in modules.items():
            pkg = package_of(m)
            if pkg:
                packages[pkg] = packages.get(pkg, 0) + b
        chunks[out.path] = ChunkStats(modules, dict(sorted(packages.items())))
    return chunks


def _packages(graph: BuildGraph) -> dict[str, PackageStats]:
    packages: dict[str, dict[str, Any]] = {}
    for out in graph:
        if out.kind not in _CODE_KINDS:
            continue
        for m, b in out.inputs.items():
            pkg = package_of(m)
            if pkg is None or b <= 0:
                continue
            entry = packages.setdefault(pkg, {"bytes": 0, "chunks": {}})
            entry["bytes"] += b
            entry["chunks"][out.path] = entry["chunks"].get(out.path, 0) + b
    return {name: PackageStats(e["bytes"], e["chunks"]) for name, e in sorted(packages.items())}


def _timestamp(env: Mapping[str, str]) -> str | None:
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps_stats(stats: Stats) -> str:
    """The stats as the file holds them: sorted keys, two-space indent, a final newline."""
    return json.dumps(stats.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_stats(path: str | Path, stats: Stats) -> None:
    """Write the stats atomically, so a reader never sees half a file. The cache counts are left
    out: the bytes of the output must not depend on where the build's results came from."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(dumps_stats(replace(stats, cache=None)))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; it ships in the output like any file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_stats(path: str | Path) -> Stats:
    """Read a stats file written by `write_stats`; a clear error when it is missing or unusable."""
    path = Path(path)
    hint = "run `bundlewise build` first to write it"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BundlewiseError(
            Message("no build stats found", Location(str(path)), notes=(hint,))
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise BundlewiseError(
            Message(f"cannot read build stats: {e}", Location(str(path)))
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        loc = Location(str(path), e.lineno, e.colno - 1)
        raise BundlewiseError(
            Message(f"build stats are not valid JSON: {e.msg}", loc, notes=(hint,))
        ) from None
    found = data.get("schema") if isinstance(data, dict) else None
    text = f"not a bundlewise stats file of schema {SCHEMA} (found schema {found!r})"
    if found == SCHEMA:
        try:
            return Stats.from_dict(data)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            what = e.args[0] if isinstance(e, KeyError) and e.args else e
            text = f"not a complete bundlewise stats file of schema {SCHEMA} ({what!s} is missing or malformed)"
    raise BundlewiseError(Message(text, Location(str(path)), notes=(hint,)))
