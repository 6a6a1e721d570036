"""The upright size of an image shipped as it is, read from its file's header.

For images the stage does not optimize (optimization is off, or a tag opts one out) the size
costs a few hundred bytes of I/O and no decoding, except for PNG: Pillow decodes the whole image
to look for an EXIF chunk after the pixels (5–9 ms a build of the sample app). The watcher reads
the same unchanged files on every rebuild, so sizes are kept by file identity and modification.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

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
