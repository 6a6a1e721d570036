"""Image optimization: upright, private, smaller images in modern formats and responsive widths.

`ship_images` is the build's image stage (records in, records out; see `images.ship`),
`optimize_images` the optimizer under it, `ShippedImage` the record of an image as shipped.

Importing this package does not import Pillow; the modules that decode and encode do, when
`optimize_images` first runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bundlewise._lazy import lazy_exports

if TYPE_CHECKING:
    from bundlewise.images.options import ImageOptions
    from bundlewise.images.pool import optimize_images
    from bundlewise.images.records import ImageFile, ImageJob, OptimizedImage, ShippedImage, Variant
    from bundlewise.images.ship import CssImage, ImagesToShip, ShippedImages, ship_images

# Each name is imported from its module on first use (see bundlewise._lazy).
_EXPORTS = {
    "ImageOptions": "bundlewise.images.options",
    "optimize_images": "bundlewise.images.pool",
    "ImageFile": "bundlewise.images.records",
    "ImageJob": "bundlewise.images.records",
    "OptimizedImage": "bundlewise.images.records",
    "ShippedImage": "bundlewise.images.records",
    "Variant": "bundlewise.images.records",
    "CssImage": "bundlewise.images.ship",
    "ImagesToShip": "bundlewise.images.ship",
    "ShippedImages": "bundlewise.images.ship",
    "ship_images": "bundlewise.images.ship",
}

__all__ = [
    "CssImage",
    "ImageFile",
    "ImageJob",
    "ImageOptions",
    "ImagesToShip",
    "OptimizedImage",
    "ShippedImage",
    "ShippedImages",
    "Variant",
    "optimize_images",
    "ship_images",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)
