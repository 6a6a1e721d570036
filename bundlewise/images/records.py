"""The records the image stage takes and returns, and their cache serialization."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bundlewise.errors import Location, Message


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


@dataclass(frozen=True)
class ImageInfo:
    """An HTML image after optimization, as the hints need it."""

    source: str
    width: int
    height: int
    url_path: str
    """The fallback file (same format as the source), relative to the output folder."""
    format: str
    variants: tuple[tuple[str, int, str], ...]
    """(format, width, output path) of every variant, fallback format included."""


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
