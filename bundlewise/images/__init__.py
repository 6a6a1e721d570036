"""Image optimization: upright, private, smaller images in modern formats and responsive widths.

Importing this package does not import Pillow; the modules that decode and encode do, when
`optimize_images` first runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bundlewise._lazy import lazy_exports

if TYPE_CHECKING:
    from bundlewise.images.options import ImageOptions
    from bundlewise.images.pool import optimize_images
    from bundlewise.images.records import ImageFile, ImageJob, OptimizedImage

# Each name is imported from its module on first use (see bundlewise._lazy).
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


__getattr__ = lazy_exports(__name__, _EXPORTS)
