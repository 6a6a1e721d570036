"""Image optimization: upright, private, smaller images in modern formats and responsive widths.

Importing this package does not import Pillow; the modules that decode and encode do, when
`optimize_images` first runs.
"""

from bundlewise.images.options import ImageOptions
from bundlewise.images.pool import optimize_images
from bundlewise.images.records import ImageFile, ImageJob, OptimizedImage

__all__ = ["ImageFile", "ImageJob", "ImageOptions", "OptimizedImage", "optimize_images"]
