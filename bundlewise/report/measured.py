"""What a build shipped, measured: the part of the stats a budget is checked against.

Records, not dicts: each renderer and the budget read fields with names; JSON is made only where
the stats are written (`Stats.to_dict`) and read back only from a file (`Stats.from_dict`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Measure = Literal["raw", "gzip", "brotli"]
MEASURES: tuple[Measure, ...] = ("raw", "gzip", "brotli")
SHIPPED_KINDS = ("html", "js", "css", "image", "font", "other")
"""Kinds a browser downloads; source maps and the manifest are not counted in totals."""


@dataclass(frozen=True)
class Sized:
    """Raw, gzip and Brotli byte counts (what a server sends for each encoding)."""

    raw: int
    gzip: int
    brotli: int

    def size(self, measure: str) -> int:
        """The size in `measure` (`raw`, `gzip` or `brotli`)."""
        return int(getattr(self, measure))

    def sizes_dict(self) -> dict[str, int]:
        return {"raw": self.raw, "gzip": self.gzip, "brotli": self.brotli}


@dataclass(frozen=True)
class FileStats(Sized):
    """One output file. `zstd` is set only when the zst format is enabled and the file a candidate."""

    kind: str = "other"
    manifest_key: str | None = None
    """The manifest key of the file (its source, e.g. `src/main.ts`), if it has one."""
    zstd: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "manifest_key": self.manifest_key}
        data.update(self.sizes_dict())
        if self.zstd is not None:
            data["zstd"] = self.zstd
        return data

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FileStats:
        return cls(d["raw"], d["gzip"], d["brotli"], d["kind"], d["manifest_key"], d.get("zstd"))


@dataclass(frozen=True)
class FileSet(Sized):
    """Some files and their summed sizes (a page's initial load, its lazy chunks)."""

    files: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"files": list(self.files), **self.sizes_dict()}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FileSet:
        return cls(d["raw"], d["gzip"], d["brotli"], tuple(d["files"]))


@dataclass(frozen=True)
class PageStats:
    """One HTML page: the files its first render needs, the rest it may load, its images."""

    output: str
    initial: FileSet
    """The page, its scripts' static import closure, its stylesheets and preloaded fonts."""
    initial_js_css: FileSet
    """The JS and CSS of `initial`: what the `initial` budget limits."""
    lazy: FileSet
    """Chunks and their CSS reachable only through `import()`."""
    images: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "initial": self.initial.to_dict(),
            "initial_js_css": self.initial_js_css.to_dict(),
            "lazy": self.lazy.to_dict(),
            "images": list(self.images),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PageStats:
        return cls(
            d["output"],
            FileSet.from_dict(d["initial"]),
            FileSet.from_dict(d["initial_js_css"]),
            FileSet.from_dict(d["lazy"]),
            tuple(d["images"]),
        )


@dataclass(frozen=True)
class KindTotal(Sized):
    """How many files of one kind (or `all` shipped files) and their summed sizes."""

    count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, **self.sizes_dict()}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> KindTotal:
        return cls(d["raw"], d["gzip"], d["brotli"], d["count"])


@dataclass(frozen=True)
class ChunkStats:
    """Bytes each source module, and each npm package, contributes to one JS/CSS output."""

    modules: Mapping[str, int]
    packages: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"modules": dict(self.modules), "packages": dict(self.packages)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ChunkStats:
        return cls(dict(d["modules"]), dict(d["packages"]))


@dataclass(frozen=True)
class PackageStats:
    """Bytes one npm package contributes to the output, in all and per chunk."""

    bytes: int
    chunks: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"bytes": self.bytes, "chunks": dict(self.chunks)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PackageStats:
        return cls(d["bytes"], dict(d["chunks"]))


@dataclass(frozen=True)
class Measurements:
    """Sizes of every output, each page's loads, totals, and where the bytes come from."""

    files: Mapping[str, FileStats]
    """Output path → sizes, kind and manifest key."""
    pages: Mapping[str, PageStats]
    """Page source → what it loads."""
    totals: Mapping[str, KindTotal]
    """Kind → total; `all` is every shipped file (source maps and the manifest excluded)."""
    chunks: Mapping[str, ChunkStats]
    """JS/CSS output → module and package attribution (for the treemap and growth reports)."""
    packages: Mapping[str, PackageStats]
    """npm package → bytes in the output, by chunk."""

    def measured_dict(self) -> dict[str, Any]:
        return {
            "files": {p: f.to_dict() for p, f in self.files.items()},
            "pages": {s: p.to_dict() for s, p in self.pages.items()},
            "totals": {k: t.to_dict() for k, t in self.totals.items()},
            "chunks": {p: c.to_dict() for p, c in self.chunks.items()},
            "packages": {n: p.to_dict() for n, p in self.packages.items()},
        }

    @staticmethod
    def measured_fields(d: Mapping[str, Any]) -> dict[str, Any]:
        """The fields of `Measurements` read from a stats document (`chunks` and `packages` may
        be missing from stats written by hand)."""
        return {
            "files": {p: FileStats.from_dict(f) for p, f in d["files"].items()},
            "pages": {s: PageStats.from_dict(p) for s, p in d["pages"].items()},
            "totals": {k: KindTotal.from_dict(t) for k, t in d["totals"].items()},
            "chunks": {p: ChunkStats.from_dict(c) for p, c in d.get("chunks", {}).items()},
            "packages": {n: PackageStats.from_dict(p) for n, p in d.get("packages", {}).items()},
        }
