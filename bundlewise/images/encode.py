"""Encoders: one function per output format, each from an upright sRGB Pillow image to bytes.

Every call is counted in `STATS` (the cache test asserts that a warm build encodes nothing).
Where a lossless post-pass beats Pillow's output (mozjpeg's Huffman/scan optimization for JPEG,
oxipng for PNG) and its package is installed, it runs after Pillow.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING

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


def codec_versions() -> str:
    """Every library version that can change the output bytes (part of the cache key)."""
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
        flat = flatten(im)
        flat.save(out, "JPEG", quality=options.quality["jpeg"], optimize=True, progressive=True)
        return _mozjpeg(out.getvalue())
    if fmt == "png":
        im.save(out, "PNG", optimize=True, **_transparency(im))
        return _oxipng(out.getvalue())
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
    durations = [frame.info.get("duration", 0) for frame in ImageSequence.Iterator(im)]
    im.seek(0)
    params: dict[str, object] = {"save_all": True, "duration": durations}
    if "loop" in im.info:
        params["loop"] = im.info["loop"]
    out = io.BytesIO()
    if fmt == "gif":
        im.save(out, "GIF", optimize=True, disposal=2, **params)
    else:
        quality = options.quality["webp"]
        im.save(
            out, "WEBP", quality=quality, lossless=lossless, method=options.webp_effort, **params
        )
    return out.getvalue()


def resize(im: Image.Image, width: int) -> Image.Image:
    """`im` scaled down to `width` (height in proportion) with Lanczos resampling."""
    from PIL import Image

    height = max(1, round(im.height * width / im.width))
    if im.mode in ("1", "P"):  # resample true colours, not palette indexes
        im = im.convert("RGBA" if has_alpha(im) else "L" if im.mode == "1" else "RGB")
    return im.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


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


def _mozjpeg(data: bytes) -> bytes:
    """mozjpeg's lossless re-optimization (about 1-2% smaller); the input when not installed."""
    return mozjpeg_lossless(data) or data


def mozjpeg_lossless(data: bytes) -> bytes | None:
    """`data` losslessly re-optimized by mozjpeg, all marker segments dropped; None if missing."""
    try:
        import mozjpeg_lossless_optimization  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return None
    return bytes(mozjpeg_lossless_optimization.optimize(data))


def _oxipng(data: bytes) -> bytes:
    """oxipng's lossless PNG optimization (bit depth and colour type reduction, better filters)."""
    try:
        import oxipng
    except ImportError:
        return data
    return bytes(oxipng.optimize_from_memory(data))
