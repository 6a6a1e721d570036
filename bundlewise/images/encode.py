"""Encoders: one function per output format, each from an upright sRGB Pillow image to bytes.

Every call is counted in `STATS` (the cache test asserts that a warm build encodes nothing).
Where a lossless post-pass beats Pillow's output (mozjpeg's Huffman/scan optimization for JPEG,
oxipng for PNG), its package is installed and `options.lossless_passes` is on, it runs after
Pillow (see benchmarks/bench_images.py for what each gains and costs).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bundlewise.images.options import ImageOptions

if TYPE_CHECKING:
    from PIL import Image


@dataclass
class EncodeStats:
    """How many encodes ran in this process (thread-safe)."""

    encodes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self) -> None:
        with self._lock:
            self.encodes += 1


STATS = EncodeStats()

_PRIVATE_INFO = ("comment", "exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "extension")


def codec_versions() -> str:
    """Every library version that can change the output bytes (part of the cache key)."""
    from importlib import metadata  # ~10 ms to import: only when images are optimized

    import PIL
    from PIL import features

    parts = [f"pillow={PIL.__version__}"]
    parts += [f"{name}={features.version(name)}" for name in ("jpg", "zlib", "webp", "avif")]
    for dist in ("mozjpeg-lossless-optimization", "pyoxipng"):
        try:
            parts.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist}=none")
    return " ".join(parts)


def encode(im: Image.Image, fmt: str, options: ImageOptions, *, lossless: bool = False) -> bytes:
    """`im` encoded as `fmt` with no metadata at all."""
    STATS.count()
    out = io.BytesIO()
    if fmt == "jpeg":
        return _jpeg(flatten(im), options)
    if fmt == "png":
        return _png(im, options)
    if fmt == "gif":
        im.save(out, "GIF", optimize=True, **_transparency(im))
        return out.getvalue()
    if fmt == "webp":
        _rgb(im).save(
            out,
            "WEBP",
            quality=options.quality["webp"],
            method=options.webp_effort,
            lossless=lossless,
        )
        return out.getvalue()
    if fmt == "avif":
        speed = 9 - options.avif_effort  # sharp's effort scale; libavif speed 0 is slowest
        _rgb(im).save(out, "AVIF", quality=options.quality["avif"], speed=speed)
        return out.getvalue()
    raise ValueError(f"no encoder for {fmt}")


def encode_animation(im: Image.Image, fmt: str, options: ImageOptions, lossless: bool) -> bytes:
    """Every frame again, with its duration, the loop count and transparency, and no metadata."""
    from PIL import ImageSequence

    STATS.count()
    durations = []
    for frame in ImageSequence.Iterator(im):
        frame.load()  # WebP reports a frame's duration only once it is decoded
        # Milliseconds; APNG gives a float (its delays are fractions), every encoder wants ints.
        durations.append(round(frame.info.get("duration", 0)))
    im.seek(0)
    for key in _PRIVATE_INFO:  # some savers fall back to the source's own metadata
        im.info.pop(key, None)
    params: dict[str, Any] = {"save_all": True, "duration": durations, "exif": b"", "xmp": b""}
    if "loop" in im.info:
        params["loop"] = im.info["loop"]
    out = io.BytesIO()
    if fmt == "gif":
        # An empty comment, or Pillow copies each frame's comment into the output.
        im.save(out, "GIF", optimize=True, disposal=2, comment=b"", **params)
    elif fmt == "png":
        # Pillow hands out every APNG frame composited on the canvas: stored whole with "source"
        # blending and no disposal, each shows exactly as it did (Pillow crops unchanged borders).
        params |= {"disposal": 0, "blend": 0, **_transparency(im)}
        im.save(out, "PNG", optimize=True, **params)
    elif fmt == "webp":
        quality, method = options.quality["webp"], options.webp_effort
        im.save(out, "WEBP", quality=quality, lossless=lossless, method=method, **params)
    elif fmt == "avif":
        quality, speed = options.quality["avif"], 9 - options.avif_effort
        im.save(out, "AVIF", quality=quality, speed=speed, icc_profile=b"", **params)
    else:
        raise ValueError(f"no animation encoder for {fmt}")
    return out.getvalue()


def resize(im: Image.Image, width: int) -> Image.Image:
    """`im` scaled down to `width` (height in proportion) with Lanczos resampling."""
    from PIL import Image

    height = max(1, round(im.height * width / im.width))
    if im.mode in ("1", "P"):  # resample true colours, not palette indexes
        im = im.convert("RGBA" if has_alpha(im) else "L" if im.mode == "1" else "RGB")
    # A gap of 2 (libvips' too) box-reduces by an integer factor while at least 2x is left for
    # Lanczos. Measured on a 4032 px photo: to 960 px in 58 ms instead of 136 ms with a gap of 3,
    # to 480 px in 21 instead of 48, SSIM to a box-filtered reference equal or higher.
    return im.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)


def has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info


def has_visible_alpha(im: Image.Image) -> bool:
    """Any pixel not fully opaque (an RGBA image with an all-255 alpha can go to JPEG)."""
    if not has_alpha(im):
        return False
    alpha = (im if im.mode in ("RGBA", "LA") else im.convert("RGBA")).getchannel("A")
    return alpha.getextrema()[0] < 255  # type: ignore[operator]


def flatten(im: Image.Image) -> Image.Image:
    """RGB or L pixels for JPEG: transparency composited onto white, never dropped to black."""
    from PIL import Image

    if has_alpha(im):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return im if im.mode in ("RGB", "L") else im.convert("RGB")


def _rgb(im: Image.Image) -> Image.Image:
    """RGB or RGBA, the modes the WebP and AVIF encoders take."""
    if im.mode in ("RGB", "RGBA"):
        return im
    return im.convert("RGBA" if has_alpha(im) else "RGB")


def _transparency(im: Image.Image) -> dict[str, object]:
    return {"transparency": im.info["transparency"]} if "transparency" in im.info else {}


def _jpeg(im: Image.Image, options: ImageOptions) -> bytes:
    out = io.BytesIO()
    quality = options.quality["jpeg"]
    if options.lossless_passes and _has_module("mozjpeg_lossless_optimization"):
        # mozjpeg rewrites the entropy coding (progressive, optimized scans) without touching
        # the DCT data, so Pillow's own progressive/optimize work would be thrown away.
        im.save(out, "JPEG", quality=quality)
        stripped = mozjpeg_lossless(out.getvalue())
        assert stripped is not None
        return stripped
    im.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return drop_jfif(out.getvalue())


def drop_jfif(data: bytes) -> bytes:
    """`data` without a leading JFIF APP0 segment: 18 bytes that no browser needs.

    JFIF only states a pixel density (ours is the default 1:1) and that the three components are
    YCbCr; without it decoders infer YCbCr from the component ids 1, 2, 3 that libjpeg writes
    (RGB-coded files carry an Adobe segment instead, which stays). sharp omits it the same way.
    """
    if data[2:4] == b"\xff\xe0" and data[6:11] == b"JFIF\x00":
        length = int.from_bytes(data[4:6], "big")
        return data[:2] + data[4 + length :]
    return data


def _png(im: Image.Image, options: ImageOptions) -> bytes:
    out = io.BytesIO()
    if options.lossless_passes and _has_module("oxipng"):
        import oxipng

        # oxipng re-deflates every IDAT itself: hand it stored (uncompressed) data, it is faster.
        im.save(out, "PNG", compress_level=0, **_transparency(im))
        return bytes(oxipng.optimize_from_memory(out.getvalue(), level=1))
    im.save(out, "PNG", optimize=True, **_transparency(im))
    return out.getvalue()


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def mozjpeg_lossless(data: bytes) -> bytes | None:
    """`data` losslessly re-optimized by mozjpeg, all marker segments dropped; None if missing."""
    try:
        import mozjpeg_lossless_optimization  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return None
    return drop_jfif(bytes(mozjpeg_lossless_optimization.optimize(data)))
