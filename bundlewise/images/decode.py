"""Opening an untrusted image safely: allow-listed formats, a pixel limit, upright sRGB pixels.

Everything that can go wrong with the input is raised as `ImageInputError` with a sentence meant
for the user; `pool` turns it into a `Message` naming the file.
"""

from __future__ import annotations

import functools
import io
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from bundlewise.images import formats

if TYPE_CHECKING:
    from PIL import Image, ImageCms

# Pillow reports malformed EXIF and the like through `warnings`. The filter list is global, so the
# short section that opens and decodes runs under one lock and records them; the slow part
# (encoding) runs outside it, in parallel.
_DECODE_LOCK = threading.Lock()

# Info keys that hold no private data and change nothing when the source is served as-is.
_HARMLESS_INFO = frozenset(
    [
        "dpi",
        "jfif",
        "jfif_version",
        "jfif_unit",
        "jfif_density",
        "progressive",
        "progression",
        "adobe",
        "adobe_transform",
        "gamma",
        "srgb",
        "aspect",
        "transparency",
        "version",
        "background",
        "duration",
        "loop",
        "timestamp",
        "disposal",
        "bbox",  # an APNG frame's region
        "blend",  # how an APNG frame is drawn over the last one
        "default_image",  # an APNG's first image is not one of its frames
    ]
)
# GIF application extensions that only say how often to loop (Pillow reports the last one seen).
_LOOP_EXTENSIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")
# EXIF orientation → the Pillow transpose that makes the pixels upright.
_TRANSPOSE = {2: 0, 3: 3, 4: 1, 5: 5, 6: 4, 7: 6, 8: 2}  # Image.Transpose values


class ImageInputError(Exception):
    """The file cannot be optimized; the text says why, without the file name."""


@dataclass
class Decoded:
    """A decoded image. `image` is upright sRGB pixels (or the opened animation)."""

    image: Image.Image
    format: str
    width: int
    height: int
    animated: bool = False
    # The source may be served as it is: no private metadata, no pixel change needed.
    servable: bool = True
    # The pixels only needed metadata removed (no rotation, no colour conversion).
    pixels_unchanged: bool = True
    lossless: bool = False
    # Bytes of the source's JPEG APPn and COM segments: what a lossless strip drops at least.
    metadata_bytes: int = 0
    warnings: list[str] = field(default_factory=list)


def check_format(rel: str, data: bytes) -> str:
    """The format of `data`, checked against the allow-list and the file's extension."""
    ext = PurePosixPath(rel).suffix.lower()
    expected = formats.EXTENSIONS.get(ext)
    if expected is None:
        raise ImageInputError(
            f"{ext or 'no extension'} is not an image type bundlewise optimizes "
            f"(expected {', '.join(sorted(formats.EXTENSIONS))})"
        )
    if not data:
        raise ImageInputError("the file is empty (0 bytes)")
    found = formats.sniff(data)
    if found is None:
        raise ImageInputError(
            f"the content is not a {formats.LABELS[expected]} image (nor any format in "
            f"the allow-list: {', '.join(formats.LABELS.values())})"
        )
    if found != expected:
        raise ImageInputError(
            f"the content is a {formats.LABELS[found]} image but the extension {ext} says "
            f"{formats.LABELS[expected]}; rename it to {formats.FILE_EXT[found]}"
        )
    return found


def decode(data: bytes, fmt: str, max_pixels: int) -> Decoded:
    """Open and decode a raster image of the already-checked format `fmt`."""
    from PIL import Image

    with _DECODE_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            decoded = _decode(data, fmt, max_pixels)
        except ImageInputError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageInputError(f"refused as a decompression bomb: {exc}") from None
        except Exception as exc:  # Pillow raises many types for bad data; all mean "corrupt"
            raise ImageInputError(
                f"truncated or corrupt {formats.LABELS[fmt]} data: {exc}"
            ) from None
    for w in caught:
        if issubclass(w.category, Image.DecompressionBombWarning):
            continue  # our own limit (`max_pixels`, checked above) is the one that decides
        text = str(w.message).strip()
        if "exif" in text.lower():
            text = f"malformed EXIF metadata ignored ({text})"
        decoded.warnings.append(text)
    return decoded


def _decode(data: bytes, fmt: str, max_pixels: int) -> Decoded:
    from PIL import Image

    im = Image.open(io.BytesIO(data), formats=[formats.PIL_NAMES[fmt]])
    _check_pixels(im.size, max_pixels, "")
    frames = getattr(im, "n_frames", 1)
    if frames > 1:
        for index in range(frames):  # a later GIF frame may grow the canvas
            im.seek(index)
            _check_pixels(im.size, max_pixels, f" in frame {index + 1}")
        im.seek(0)
        lossless = fmt == "webp" and formats.is_lossless_webp(data)
        servable = is_servable(im)
        return Decoded(im, fmt, *im.size, animated=True, servable=servable, lossless=lossless)
    im.load()
    servable = is_servable(im)
    found_warnings: list[str] = []
    upright = _apply_orientation(im, found_warnings)
    srgb = _to_srgb(upright, found_warnings)
    pixels_unchanged = srgb is im
    result = _normalize_mode(srgb)
    result.info = {"transparency": srgb.info["transparency"]} if "transparency" in srgb.info else {}
    return Decoded(
        result,
        fmt,
        result.width,
        result.height,
        servable=servable and pixels_unchanged,
        pixels_unchanged=pixels_unchanged,
        lossless=fmt == "webp" and formats.is_lossless_webp(data),
        metadata_bytes=sum(4 + len(payload) for _, payload in getattr(im, "applist", [])),
        warnings=found_warnings,
    )


def _check_pixels(size: tuple[int, int], max_pixels: int, where: str) -> None:
    pixels = size[0] * size[1]
    if pixels > max_pixels:
        raise ImageInputError(
            f"refused as a decompression bomb: {size[0]}×{size[1]} = {pixels:,} pixels{where}, "
            f"over the limit of {max_pixels:,} ([images].max_pixels)"
        )


def is_servable(im: Image.Image) -> bool:
    """No metadata beyond the harmless kind, so the source bytes may be served as they are."""
    if set(im.info) - _HARMLESS_INFO - {"extension"}:
        return False
    extension = im.info.get("extension")
    if extension is not None and extension[0] not in _LOOP_EXTENSIONS:
        return False
    # JPEG APP1 (EXIF/XMP), APP2 (ICC), APP13 (IPTC) and comments are not all listed in info.
    applist = getattr(im, "applist", [])
    return all(marker in ("APP0", "APP14") for marker, _ in applist)


def _apply_orientation(im: Image.Image, found_warnings: list[str]) -> Image.Image:
    try:
        orientation = im.getexif().get(0x0112, 1)
    except Exception as exc:
        found_warnings.append(f"malformed EXIF metadata ignored ({exc})")
        return im
    if orientation == 1:
        return im
    if orientation not in _TRANSPOSE:
        found_warnings.append(f"malformed EXIF metadata ignored (orientation {orientation!r})")
        return im
    from PIL import Image

    return im.transpose(Image.Transpose(_TRANSPOSE[orientation]))


def _to_srgb(im: Image.Image, found_warnings: list[str]) -> Image.Image:
    """Pixels converted from the embedded ICC profile to sRGB (untagged pixels are sRGB already)."""
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in ("RGB", "RGBA", "CMYK"):
        return im
    from PIL import ImageCms

    try:
        transform = _srgb_transform(bytes(icc), im.mode)
        if transform is None:
            return im
        converted = ImageCms.applyTransform(im, transform)
    except (ImageCms.PyCMSError, OSError, ValueError) as exc:
        found_warnings.append(f"embedded ICC profile unreadable, pixels taken as sRGB ({exc})")
        return im
    assert converted is not None
    return converted


@functools.lru_cache(maxsize=16)
def _srgb_transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """The transform from profile `icc` to sRGB, or None when `icc` is an sRGB profile.

    Built once per profile: building costs about 2 ms, as much as converting a 0.3 MP photo, and
    a set of photos mostly shares one or two profiles (a camera's, Display P3). Failures are not
    cached, so each image with a broken profile gets its own warning.
    """
    from PIL import ImageCms

    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    if ImageCms.getProfileDescription(source).strip().startswith("sRGB"):
        return None
    out_mode = "RGBA" if mode == "RGBA" else "RGB"
    # profileToProfile's defaults: perceptual intent, no flags.
    return ImageCms.buildTransform(source, ImageCms.createProfile("sRGB"), mode, out_mode)


def _normalize_mode(im: Image.Image) -> Image.Image:
    """Modes every encoder takes: 16-bit and float go to 8-bit, CMYK and others to RGB(A)."""
    if im.mode in ("1", "L", "LA", "P", "RGB", "RGBA"):
        return im
    if im.mode.startswith("I;16") or im.mode in ("I", "F"):
        scale = 1 / 256 if im.mode.startswith("I;16") or im.getextrema()[1] > 255 else 1  # type: ignore[operator]
        return im.convert("I").point(lambda v: v * scale).convert("L")
    if im.mode in ("PA", "RGBa", "La"):
        return im.convert("RGBA")
    return im.convert("RGB")
