"""Image optimization: upright, private, smaller images in modern formats and responsive widths.

Importing this package does not import Pillow; the modules that decode and encode do, when
`optimize_images` first runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bundlewise.images.options import ImageOptions
    from bundlewise.images.pool import optimize_images
    from bundlewise.images.records import ImageFile, ImageJob, OptimizedImage

# Each name is imported from its module on first use (PEP 562), so that reading a config (which
# only needs the options class) does not import every renderer and worker of the package.
_EXPORTS = {
    "ImageOptions": "bundlewise.images.options",
    "optimize_images": "bundlewise.images.pool",
    "ImageFile": "bundlewise.images.records",
    "ImageJob": "bundlewise.images.records",
    "OptimizedImage": "bundlewise.images.records",
}

__all__ = [
    "ImageFile",
    "ImageJob",
    "ImageOptions",
    "OptimizedImage",
    "optimize_images",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
