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
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bundlewise import __version__
from bundlewise.errors import BundlewiseError, Location, Message
from bundlewise.esbuild.graph import BuildGraph
from bundlewise.result import BuildResult

if TYPE_CHECKING:
    from bundlewise.report.budget import BudgetConfig

SCHEMA = 1
MEASURES = ("raw", "gzip", "brotli")
SHIPPED_KINDS = ("html", "js", "css", "image", "font", "other")
"""Kinds a browser downloads; source maps and the manifest are not counted in totals."""


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
    baseline: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The stats document of a build, with its budget verdict.

    `sizes` holds the measured sizes of each output path; a file missing from it (e.g. an image
    that was not worth compressing) is served as is, so its gzip and brotli sizes are its raw size.
    """
    from bundlewise.report.evaluate import evaluate_budget

    files = _files(result, sizes)
    stats: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": "bundlewise",
        "version": __version__,
        "files": files,
        "pages": _pages(result, files),
        "totals": _totals(files),
        "chunks": _chunks(result.graph),
        "packages": _packages(result.graph),
    }
    stamp = _timestamp(os.environ if env is None else env)
    if stamp:
        stats["generated"] = stamp
    verdict = evaluate_budget(stats, budget, dict(baseline) if baseline else None)
    stats["budget"] = {**verdict.to_dict(), "config": budget.to_dict()}
    return stats


def _files(result: BuildResult, sizes: Mapping[str, SizesLike]) -> dict[str, Any]:
    files: dict[str, Any] = {}
    for f in result.files:
        measured = sizes.get(f.path)
        entry: dict[str, Any] = {"kind": f.kind, "manifest_key": f.manifest_key}
        if measured is None:
            entry.update(raw=f.size, gzip=f.size, brotli=f.size)
        else:
            entry.update(raw=measured.raw, gzip=measured.gzip, brotli=measured.brotli)
            zstd = getattr(measured, "zstd", None)
            if isinstance(zstd, int):
                entry["zstd"] = zstd
        files[f.path] = entry
    return files


def sum_sizes(files: Mapping[str, Any], paths: Iterable[str]) -> dict[str, int]:
    """Raw, gzip and brotli totals of `paths` (files the build did not list count as 0)."""
    totals = dict.fromkeys(MEASURES, 0)
    for p in paths:
        entry = files.get(p)
        if entry:
            for m in MEASURES:
                totals[m] += entry[m]
    return totals


def _pages(result: BuildResult, files: Mapping[str, Any]) -> dict[str, Any]:
    pages: dict[str, Any] = {}
    for page in result.pages:
        initial = list(page.initial)
        js_css = [p for p in initial if files.get(p, {}).get("kind") in ("js", "css")]
        pages[page.source] = {
            "output": page.output,
            "initial": {"files": initial, **sum_sizes(files, initial)},
            "initial_js_css": {"files": js_css, **sum_sizes(files, js_css)},
            "lazy": {"files": list(page.lazy), **sum_sizes(files, page.lazy)},
            "images": list(page.images),
        }
    return pages


def _totals(files: Mapping[str, Any]) -> dict[str, Any]:
    totals: dict[str, Any] = {}
    kinds = sorted({e["kind"] for e in files.values()})
    for kind in kinds:
        paths = [p for p, e in files.items() if e["kind"] == kind]
        totals[kind] = {"count": len(paths), **sum_sizes(files, paths)}
    shipped = [p for p, e in files.items() if e["kind"] in SHIPPED_KINDS]
    totals["all"] = {"count": len(shipped), **sum_sizes(files, shipped)}
    return totals


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


def _chunks(graph: BuildGraph) -> dict[str, Any]:
    chunks: dict[str, Any] = {}
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
        chunks[out.path] = {"modules": modules, "packages": dict(sorted(packages.items()))}
    return chunks


def _packages(graph: BuildGraph) -> dict[str, Any]:
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
    return dict(sorted(packages.items()))


def _timestamp(env: Mapping[str, str]) -> str | None:
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps_stats(stats: Mapping[str, Any]) -> str:
    """The stats as the file holds them: sorted keys, two-space indent, a final newline."""
    return json.dumps(stats, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_stats(path: str | Path, stats: Mapping[str, Any]) -> None:
    """Write the stats atomically, so a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(dumps_stats(stats))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; it ships in the output like any file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _complete(data: dict[str, Any]) -> bool:
    return all(isinstance(data.get(k), dict) for k in ("files", "pages", "totals", "budget"))


def load_stats(path: str | Path) -> dict[str, Any]:
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
    if (
        not isinstance(data, dict)
        or data.get("schema") != SCHEMA
        or not isinstance(data.get("files"), dict)
    ):
        found = data.get("schema") if isinstance(data, dict) else None
        text = f"not a bundlewise stats file of schema {SCHEMA} (found schema {found!r})"
        raise BundlewiseError(Message(text, Location(str(path)), notes=(hint,)))
    return data
