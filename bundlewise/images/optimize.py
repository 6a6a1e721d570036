"""One image, start to finish: check, decode, re-encode, and make the variants.

Pure function of (bytes, options): `pool` runs it in threads and caches the result.
"""

from __future__ import annotations

import io

from bundlewise.errors import Location, Message
from bundlewise.images import formats
from bundlewise.images.decode import Decoded, check_format, decode, is_servable
from bundlewise.images.encode import (
    encode,
    encode_animation,
    has_visible_alpha,
    mozjpeg_lossless,
    resize,
)
from bundlewise.images.options import ImageOptions
from bundlewise.images.records import ImageFile, ImageJob, OptimizedImage
from bundlewise.images.strip import strip_metadata
from bundlewise.images.svg import check_svg

# The format downscaled copies of a source take when its own format is a poor fit.
_RESIZED_AS = {"gif": "png"}  # a resampled GIF would need re-quantizing; PNG keeps it exact
# A lossless re-optimization shrinks a JPEG's entropy-coded data by a few percent, some 15% on
# the baseline files cameras write, never by half. A source that would need more to beat the
# re-encode is not tried: on a 0.5 MB photo that spares ~100 ms, the slowest step of its JPEG.
_MAX_LOSSLESS_GAIN = 0.5


def optimize_image(job: ImageJob, options: ImageOptions, *, variants: bool) -> OptimizedImage:
    """Optimize `job`; raises `ImageInputError` when the file is not a usable image."""
    fmt = check_format(job.rel, job.data)
    if fmt == "svg":
        width, height = check_svg(job.data)
        return _as_is(job, "svg", width, height)
    decoded = decode(job.data, fmt, options.max_pixels)
    warnings = tuple(Message(w, Location(job.rel), "warning") for w in decoded.warnings)
    if not options.enabled:
        return _as_is(job, fmt, decoded.width, decoded.height, warnings)
    if decoded.animated:
        data = encode_animation(decoded.image, fmt, options, decoded.lossless)
        primary, kept = _smaller_or_source(decoded, data, job.data)
        return OptimizedImage(job.rel, decoded.width, decoded.height, primary, (), kept, warnings)
    data = encode(decoded.image, fmt, options, lossless=decoded.lossless)
    primary, kept = _smaller_or_source(decoded, data, job.data)
    extra = _variants(decoded, primary, options) if variants else ()
    return OptimizedImage(job.rel, decoded.width, decoded.height, primary, extra, kept, warnings)


def _as_is(
    job: ImageJob, fmt: str, width: int, height: int, warnings: tuple[Message, ...] = ()
) -> OptimizedImage:
    file = ImageFile(fmt, formats.FILE_EXT[fmt], width, height, job.data)
    return OptimizedImage(job.rel, width, height, file, (), True, warnings)


def _smaller_or_source(decoded: Decoded, data: bytes, source: bytes) -> tuple[ImageFile, bool]:
    """The smallest of the re-encode, the source (when it is clean) and its lossless strip.

    A result is never larger than the source: when re-encoding does not help and the source
    carries metadata, the source minus its metadata blocks ships (same pixels, frames, timing).
    """
    fmt, size = decoded.format, (decoded.width, decoded.height)
    best, kept = data, False
    if decoded.servable and len(source) <= len(best):
        return ImageFile(fmt, formats.FILE_EXT[fmt], *size, source), True
    if decoded.pixels_unchanged and not decoded.servable:
        stripped = _stripped_source(decoded, source, len(best))
        if stripped is not None and len(stripped) < len(best):
            best = stripped
    return ImageFile(fmt, formats.FILE_EXT[fmt], *size, best), kept


def _stripped_source(decoded: Decoded, source: bytes, to_beat: int) -> bytes | None:
    """The source without metadata, when it may beat `to_beat` bytes and proves clean."""
    if decoded.format == "jpeg":
        least = (len(source) - decoded.metadata_bytes) * (1 - _MAX_LOSSLESS_GAIN)
        return _strip_jpeg(source) if least < to_beat else None  # same pixels, no metadata
    stripped = strip_metadata(decoded.format, source)
    return stripped if stripped is not None and _is_clean(stripped, decoded.format) else None


def _is_clean(data: bytes, fmt: str) -> bool:
    """`data` opens as `fmt` and holds no metadata beyond the harmless kind, in any frame."""
    from PIL import Image, ImageSequence

    try:
        with Image.open(io.BytesIO(data), formats=[formats.PIL_NAMES[fmt]]) as im:
            return all(is_servable(frame) for frame in ImageSequence.Iterator(im))
    except Exception:  # the strip broke the file: the re-encode ships instead
        return False


def _strip_jpeg(source: bytes) -> bytes | None:
    """The source JPEG's own DCT data losslessly re-optimized without any marker segment."""
    from PIL import Image

    stripped = mozjpeg_lossless(source)
    if stripped is None:
        return None
    with Image.open(io.BytesIO(stripped)) as check:  # must carry nothing but JFIF
        markers = {marker for marker, _ in getattr(check, "applist", [])}
    return stripped if markers <= {"APP0"} else None


def _variants(decoded: Decoded, primary: ImageFile, options: ImageOptions) -> tuple[ImageFile, ...]:
    """Modern formats at full width (kept when they beat the fallback) and downscaled widths."""
    image, out = decoded.image, []
    kept_formats: list[str] = []
    fmt: str
    for fmt in options.formats:
        if fmt == decoded.format or (fmt == "jpeg" and has_visible_alpha(image)):
            continue
        data = encode(image, fmt, options)
        if len(data) <= len(primary.data) * (1 - options.min_saving):
            out.append(ImageFile(fmt, formats.FILE_EXT[fmt], image.width, image.height, data))
            kept_formats.append(fmt)
    fallback = _RESIZED_AS.get(decoded.format, decoded.format)
    # A narrower copy is worth listing only when it downloads less than the full-width file
    # of its format (a dithered or palette source can grow when resampled).
    full_size = {f.format: len(f.data) for f in (*out, primary)}
    for width in sorted(w for w in options.widths if w < image.width):
        small = resize(image, width)
        for fmt in dict.fromkeys([fallback, *kept_formats]):
            lossless = decoded.lossless and fmt == "webp"
            data = encode(small, fmt, options, lossless=lossless)
            if len(data) < full_size.get(fmt, len(primary.data)):
                out.append(ImageFile(fmt, formats.FILE_EXT[fmt], small.width, small.height, data))
    return tuple(out)
