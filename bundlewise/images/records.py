"""The records of images: what the optimizer makes (`OptimizedImage`, its files and their cache
serialization) and what the build ships (`ShippedImage`, shared by the image step, the hints and
the manifest). Importing this module imports no Pillow."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bundlewise.errors import Location, Message
from bundlewise.images.formats import EXTENSIONS


@dataclass(frozen=True)
class ImageJob:
    """One image to optimize. `rel` is its POSIX path from the app root, used in messages."""

    rel: str
    data: bytes


@dataclass(frozen=True)
class ImageFile:
    """One encoded file. `format` is the codec name ("jpeg"), `ext` the file suffix (".jpg")."""

    format: str
    ext: str
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class OptimizedImage:
    """What became of one source image.

    `width`/`height` are the upright intrinsic size. `primary` is the file to serve at the source's
    URL (same format; the source bytes themselves when re-encoding did not make them smaller, then
    `kept_source` is true). `variants` are the modern formats at full width and the downscaled
    widths, for `srcset` and `<picture>`.
    """

    rel: str
    width: int
    height: int
    primary: ImageFile
    variants: tuple[ImageFile, ...]
    kept_source: bool
    warnings: tuple[Message, ...] = ()


# `<source>` order: best compression first; the browser takes the first type it supports.
SOURCE_ORDER = ("avif", "webp", "jpeg", "png")


@dataclass(frozen=True)
class Variant:
    """One file made from an image: its format, width and output path."""

    format: str
    """Codec name: "avif", "webp", "jpeg", "png", "gif" or "svg"."""
    width: int
    """Width in pixels (the height follows the image's aspect ratio)."""
    path: str
    """Output path, relative to the output folder."""


@dataclass(frozen=True)
class ShippedImage:
    """An image as the build ships it: what the image step wrote, what the hints and the
    manifest describe.

    Made by the image stage (`images.ship`) for every image a page shows: with its variants when
    it was optimized; with none, and no `path` yet, when it ships as it is (optimization off, or a
    tag opts it out); then the page-asset copy names the file, and `at(path)` fills it in. And for
    every image CSS or JS refers to, at esbuild's output path.
    """

    width: int
    height: int
    """Upright intrinsic size in CSS pixels (EXIF orientation applied); 0 when unknown (an SVG
    without one, a file that cannot be read)."""
    path: str | None
    """Output path of the file the `src` points at (same format as the source: the fallback)."""
    format: str
    """Codec name of that file ("jpeg", "png", ...); empty when the extension is not an image's."""
    variants: tuple[Variant, ...] = ()
    """Every other file made from it: the fallback's narrower copies and the modern formats, at
    full width and at the responsive widths (for a CSS image: the full-width modern formats
    `image-set()` offers)."""

    def at(self, path: str) -> ShippedImage:
        """This image with its file at `path` (when `path` is not set yet)."""
        return self if self.path else replace(self, path=path)

    def candidates(self, fmt: str) -> list[tuple[int, str]]:
        """(width, path) of every file in `fmt`, narrowest first, the fallback included."""
        found = {v.width: v.path for v in self.variants if v.format == fmt}
        if fmt == self.format and self.width and self.path:
            found.setdefault(self.width, self.path)
        return sorted(found.items())

    def img_formats(self) -> list[str]:
        """Formats the `<img>`'s own `srcset` lists: the fallback's and resized stand-ins."""
        # Resized GIFs are made as PNG (a resampled GIF would need re-quantizing).
        return [self.format, "png"] if self.format == "gif" else [self.format]

    def source_formats(self) -> list[str]:
        """Formats that get a `<picture>` `<source>`, best first."""
        own = set(self.img_formats())
        present = {v.format for v in self.variants} - own
        return [f for f in SOURCE_ORDER if f in present]


def format_of(path: str) -> str:
    """The image format a file name's extension says ("" when it is not an image's)."""
    return EXTENSIONS.get(posixpath.splitext(path)[1].lower(), "")


def to_payload(image: OptimizedImage) -> bytes:
    """One cache entry: a JSON header line, then every file's bytes back to back.

    The path is left out (the cache is keyed by content, so two paths may share an entry) and
    warnings keep only their text; `from_payload` puts the caller's path back.
    """
    files = [image.primary, *image.variants]
    header = {
        "width": image.width,
        "height": image.height,
        "kept_source": image.kept_source,
        "warnings": [w.text for w in image.warnings],
        "files": [[f.format, f.ext, f.width, f.height, len(f.data)] for f in files],
    }
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return head + b"\n" + b"".join(f.data for f in files)


def from_payload(payload: bytes, rel: str) -> OptimizedImage:
    """The inverse of `to_payload`; raises ValueError when the entry does not add up."""
    head, sep, body = payload.partition(b"\n")
    if not sep:
        raise ValueError("no header")
    header = json.loads(head)
    files: list[ImageFile] = []
    offset = 0
    for fmt, ext, width, height, size in header["files"]:
        files.append(ImageFile(fmt, ext, width, height, body[offset : offset + size]))
        offset += size
    if offset != len(body) or not files:
        raise ValueError("size mismatch")
    return OptimizedImage(
        rel=rel,
        width=header["width"],
        height=header["height"],
        primary=files[0],
        variants=tuple(files[1:]),
        kept_source=header["kept_source"],
        warnings=tuple(Message(t, Location(rel), "warning") for t in header["warnings"]),
    )


@dataclass(frozen=True)
class ImagesSummary:
    """What the image step did: how many images it optimized, copied (SVG), or kept as they were
    because re-encoding did not make them smaller (those listed by source path)."""

    optimized: int = 0
    kept_source: int = 0
    copied: int = 0
    kept_source_files: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "optimized": self.optimized,
            "kept_source": self.kept_source,
            "copied": self.copied,
            "kept_source_files": list(self.kept_source_files),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ImagesSummary:
        return cls(
            d.get("optimized", 0),
            d.get("kept_source", 0),
            d.get("copied", 0),
            tuple(d.get("kept_source_files", ())),
        )

    @classmethod
    def of(cls, outcomes: Mapping[str, str]) -> ImagesSummary:
        """Counts of the image step's outcomes (source → "optimized", "kept_source", "copied")."""
        kinds = list(outcomes.values())
        return cls(
            optimized=kinds.count("optimized"),
            kept_source=kinds.count("kept_source"),
            copied=kinds.count("copied"),
            kept_source_files=tuple(sorted(s for s, o in outcomes.items() if o == "kept_source")),
        )
