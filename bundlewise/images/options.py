"""The `[images]` options: one frozen record; `bundlewise.config_schema` checks the table against it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from bundlewise.config_schema import Between, Check, alias

QualityFormat = Literal["jpeg", "webp", "avif"]
DEFAULT_QUALITY: Mapping[QualityFormat, int] = {"jpeg": 80, "webp": 80, "avif": 50}

# Formats a build may produce as modern or extra variants, in the order <picture> lists them.
VariantFormat = Literal["avif", "webp", "jpeg"]
Width = Annotated[int, Between(1, 16384)]


def _with_default_quality(value: Mapping[QualityFormat, int]) -> dict[QualityFormat, int]:
    return {**DEFAULT_QUALITY, **value}  # a table that sets one format keeps the others


def _unique(value: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value))  # drop repeats, keep the user's order


def _sorted_widths(value: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(set(value)))


@dataclass(frozen=True)
class ImageOptions:
    """How images are optimized. Every field has a default a user of a mature tool would expect."""

    # Turn the whole stage off (`--no-images`): images are then copied verbatim.
    enabled: bool = True
    # Lossy quality per format, 1-100 (sharp's scale). AVIF needs less for the same look.
    quality: Annotated[
        Mapping[QualityFormat, Annotated[int, Between(1, 100)]],
        Check(_with_default_quality),
    ] = field(default_factory=lambda: dict(DEFAULT_QUALITY), hash=False)
    # Extra formats to offer next to the fallback, best first.
    formats: Annotated[tuple[VariantFormat, ...], Check(_unique)] = ("avif", "webp")
    # Widths of the downscaled variants; only those narrower than the image are made.
    # `breakpoints` is accepted too: the name users reach for. 750 is for phones: a full-width
    # image on a 412 px screen at DPR 1.75 (Lighthouse's mobile) or on a 375 px one at DPR 2
    # needs 721-750 device pixels, and without a 750 variant the browser takes the 960 one: on
    # the sample app's hero, 62 kB of AVIF instead of 40 kB.
    widths: Annotated[tuple[Width, ...], Check(_sorted_widths)] = field(
        default=(480, 750, 960, 1440), metadata=alias("breakpoints")
    )
    # AVIF effort 0 (fastest) to 9 (smallest), as sharp counts it; encoder speed = 9 - effort.
    # 3 rather than sharp's 4: on the sample photos 4-6x faster for 1-10% more bytes.
    avif_effort: Annotated[int, Between(0, 9)] = 3
    # WebP effort 0-6 (libwebp "method").
    webp_effort: Annotated[int, Between(0, 6)] = 4
    # Lossless post-passes (mozjpeg for JPEG, oxipng for PNG) when installed: 1-2% smaller
    # JPEGs, up to half the size for flat-colour PNGs, at 2-4x the JPEG/PNG encode time.
    lossless_passes: bool = True
    # A modern variant is kept only when it is at least this fraction smaller than the fallback.
    min_saving: Annotated[float, Between(0, 1, high_open=True)] = 0.05
    # Decoding refuses any image (or animation frame) with more pixels than this.
    max_pixels: Annotated[int, Between(1, 2**40)] = 89_478_485
    # Worker threads; 0 means one per CPU core.
    workers: Annotated[int, Between(0, 1024)] = 0

    def fingerprint(self) -> str:
        """A stable text of everything that changes the output bytes (part of the cache key)."""
        q = ",".join(f"{k}={self.quality[k]}" for k in sorted(self.quality))
        return (
            f"q[{q}] formats{list(self.formats)} widths{list(self.widths)} "
            f"avif_effort={self.avif_effort} webp_effort={self.webp_effort} "
            f"min_saving={self.min_saving!r} max_pixels={self.max_pixels} "
            f"lossless_passes={self.lossless_passes}"
        )
