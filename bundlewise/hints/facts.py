"""What the hints need to know about an image: its upright size and the files made from it.

The image step (`state.images`) knows it when images were optimized. When they were not (the
stage is off, or the image is one it skipped) we read the size from the file's header, which
costs a few hundred bytes of I/O and no decoding, except for PNG: Pillow decodes the whole image
to look for an EXIF chunk after the pixels (5–9 ms a build of the sample app). The watcher reads
the same unchanged files on every rebuild, so sizes are kept by file identity and modification.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# `<source>` order: best compression first; the browser takes the first type it supports.
SOURCE_ORDER = ("avif", "webp", "jpeg", "png")
MIME = {
    "avif": "image/avif",
    "webp": "image/webp",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "svg": "image/svg+xml",
}
_EXT_FORMAT = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "gif": "gif", "webp": "webp"}
_EXT_FORMAT |= {"avif": "avif", "svg": "svg"}


@dataclass(frozen=True)
class Variant:
    format: str
    width: int
    path: str
    """Output path, relative to the output folder."""


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    """Upright intrinsic size in CSS pixels; 0 when unknown (an SVG without one)."""
    path: str
    """Output path of the file the `src` points at (the fallback)."""
    format: str
    variants: tuple[Variant, ...] = ()

    def candidates(self, fmt: str) -> list[tuple[int, str]]:
        """(width, path) of every file in `fmt`, narrowest first, the fallback included."""
        found = {v.width: v.path for v in self.variants if v.format == fmt}
        if fmt == self.format and self.width:
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


def facts_for(
    source: str, output: str | None, images: Mapping[str, Any], root: Path
) -> ImageFacts | None:
    """Facts about image `source` (relative to `root`) shipped as `output`, or None if unknown."""
    info = images.get(source)
    if info is not None:
        return _from_info(info, output)
    if output is None:
        return None
    width, height = read_size(root / source)
    return ImageFacts(width, height, output, format_of(output))


def _from_info(info: Any, output: str | None) -> ImageFacts:
    """The image step's record (`width`, `height`, `url_path`, `variants` of (format, width, path))."""
    path = getattr(info, "url_path", None) or output or ""
    variants = tuple(Variant(str(f), int(w), str(p)) for f, w, p in getattr(info, "variants", ()))
    return ImageFacts(int(info.width), int(info.height), path, format_of(path), variants)


def format_of(path: str) -> str:
    return _EXT_FORMAT.get(path.rsplit(".", 1)[-1].lower(), "")


_SIZES: OrderedDict[tuple[object, ...], tuple[int, int]] = OrderedDict()
_SIZES_LOCK = threading.Lock()
_SIZES_MAX = 4096


def read_size(path: Path) -> tuple[int, int]:
    """Upright (width, height) from the file header; (0, 0) when it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return 0, 0
    # Any write changes the ctime (which no tool can set back) and the ns mtime.
    key = (os.fspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    with _SIZES_LOCK:
        size = _SIZES.get(key)
        if size is not None:
            _SIZES.move_to_end(key)
            return size
    size = _read_size(path)
    with _SIZES_LOCK:
        _SIZES[key] = size
        while len(_SIZES) > _SIZES_MAX:
            _SIZES.popitem(last=False)
    return size


def _read_size(path: Path) -> tuple[int, int]:
    if path.suffix.lower() == ".svg":
        from bundlewise.images.decode import ImageInputError
        from bundlewise.images.svg import check_svg

        try:
            return check_svg(path.read_bytes())
        except (OSError, ImageInputError):
            return 0, 0
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            orientation = image.getexif().get(0x0112, 1)  # EXIF Orientation
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return 0, 0
    # Orientations 5-8 turn the picture a quarter: the upright image is the other way round.
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)
