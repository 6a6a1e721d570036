"""What the hints know about an image: the image step's record of it (`ShippedImage`).

The image stage makes one for every image a page shows, optimized or shipped as it is (then with
the size read from the file's header and no path yet); here it gets the path the page points at.
"""

from __future__ import annotations

from collections.abc import Mapping

from bundlewise.images.records import ShippedImage


def facts_for(
    source: str, output: str | None, images: Mapping[str, ShippedImage]
) -> ShippedImage | None:
    """What is known of image `source` shipped as `output`; None when the build does not ship it
    (or shipped it without the image step seeing it)."""
    image = images.get(source)
    if image is None or (image.path is None and output is None):
        return None
    return image if output is None else image.at(output)
