"""The `[images]` options: one frozen record, and its validation from a TOML table.

Validation reports every problem it finds (unknown keys, wrong types, out-of-range values) as
`Message`s naming the config file and the key, so the user fixes them all in one go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from bundlewise.errors import Location, Message

# Formats a build may produce as modern or extra variants, in the order <picture> lists them.
VARIANT_FORMATS = ("avif", "webp", "jpeg")
QUALITY_FORMATS = ("jpeg", "webp", "avif")


@dataclass(frozen=True)
class ImageOptions:
    """How images are optimized. Every field has a default a user of a mature tool would expect."""

    # Turn the whole stage off (`--no-images`): images are then copied verbatim.
    enabled: bool = True
    # Lossy quality per format, 1-100 (sharp's scale). AVIF needs less for the same look.
    quality: Mapping[str, int] = field(
        default_factory=lambda: {"jpeg": 80, "webp": 80, "avif": 50}, hash=False
    )
    # Extra formats to offer next to the fallback, best first.
    formats: tuple[str, ...] = ("avif", "webp")
    # Widths of the downscaled variants; only those narrower than the image are made. 750 is
    # for phones: a full-width image on a 412 px screen at DPR 1.75 (Lighthouse's mobile) or on
    # a 375 px one at DPR 2 needs 721-750 device pixels, and without a 750 variant the browser
    # takes the 960 one: on the sample app's hero, 62 kB of AVIF instead of 40 kB.
    widths: tuple[int, ...] = (480, 750, 960, 1440)
    # AVIF effort 0 (fastest) to 9 (smallest), as sharp counts it; encoder speed = 9 - effort.
    # 3 rather than sharp's 4: on the sample photos 4-6x faster for 1-10% more bytes.
    avif_effort: int = 3
    # WebP effort 0-6 (libwebp "method").
    webp_effort: int = 4
    # Lossless post-passes (mozjpeg for JPEG, oxipng for PNG) when installed: 1-2% smaller
    # JPEGs, up to half the size for flat-colour PNGs, at 2-4x the JPEG/PNG encode time.
    lossless_passes: bool = True
    # A modern variant is kept only when it is at least this fraction smaller than the fallback.
    min_saving: float = 0.05
    # Decoding refuses any image (or animation frame) with more pixels than this.
    max_pixels: int = 89_478_485
    # Worker threads; 0 means one per CPU core.
    workers: int = 0

    def fingerprint(self) -> str:
        """A stable text of everything that changes the output bytes (part of the cache key)."""
        q = ",".join(f"{k}={self.quality[k]}" for k in sorted(self.quality))
        return (
            f"q[{q}] formats{list(self.formats)} widths{list(self.widths)} "
            f"avif_effort={self.avif_effort} webp_effort={self.webp_effort} "
            f"min_saving={self.min_saving!r} max_pixels={self.max_pixels} "
            f"lossless_passes={self.lossless_passes}"
        )

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], where: str
    ) -> tuple[ImageOptions, list[Message]]:
        """Options from an `[images]` table; `where` names the file in every message."""
        checker = _Checker(where)
        known = {f.name for f in fields(cls)} | {"breakpoints"}
        for key in data:
            if key not in known:
                checker.fail(key, f"unknown key (expected one of {', '.join(sorted(known))})")
        changes: dict[str, Any] = {}
        for key in ("enabled", "lossless_passes"):
            if key in data:
                changes[key] = checker.boolean(key, data[key])
        if "quality" in data:
            changes["quality"] = checker.quality(data["quality"])
        if "formats" in data:
            changes["formats"] = checker.formats(data["formats"])
        for key in ("widths", "breakpoints"):  # "breakpoints" is an alias users reach for
            if key in data:
                changes["widths"] = checker.widths(key, data[key])
        int_ranges = {
            "avif_effort": (0, 9),
            "webp_effort": (0, 6),
            "max_pixels": (1, 2**40),
            "workers": (0, 1024),
        }
        for key, (low, high) in int_ranges.items():
            if key in data:
                changes[key] = checker.integer(key, data[key], low, high)
        if "min_saving" in data:
            changes["min_saving"] = checker.fraction("min_saving", data["min_saving"])
        options = replace(cls(), **{k: v for k, v in changes.items() if v is not None})
        return options, checker.messages


class _Checker:
    """Collects one message per bad value; each check returns None when the value is bad."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.messages: list[Message] = []

    def fail(self, key: str, text: str) -> None:
        self.messages.append(Message(f"{self.where}: [images].{key}: {text}", Location(self.where)))

    def boolean(self, key: str, value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        self.fail(key, f"expected true or false, got {value!r}")
        return None

    def integer(self, key: str, value: Any, low: int, high: int) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        self.fail(key, f"expected an integer {low}-{high}, got {value!r}")
        return None

    def fraction(self, key: str, value: Any) -> float | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1:
            return float(value)
        self.fail(key, f"expected a number from 0 up to (not including) 1, got {value!r}")
        return None

    def quality(self, value: Any) -> dict[str, int] | None:
        if not isinstance(value, Mapping):
            self.fail("quality", f"expected a table like {{ jpeg = 80 }}, got {value!r}")
            return None
        result = dict(ImageOptions().quality)
        ok = True
        for fmt, q in value.items():
            if fmt not in QUALITY_FORMATS:
                self.fail(
                    f"quality.{fmt}", f"unknown format (expected {', '.join(QUALITY_FORMATS)})"
                )
                ok = False
            elif (checked := self.integer(f"quality.{fmt}", q, 1, 100)) is None:
                ok = False
            else:
                result[fmt] = checked
        return result if ok else None

    def formats(self, value: Any) -> tuple[str, ...] | None:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            self.fail("formats", f"expected a list of format names, got {value!r}")
            return None
        bad = [v for v in value if v not in VARIANT_FORMATS]
        if bad:
            self.fail(
                "formats", f"unknown format {bad[0]!r} (expected {', '.join(VARIANT_FORMATS)})"
            )
            return None
        return tuple(dict.fromkeys(value))  # drop repeats, keep the user's order

    def widths(self, key: str, value: Any) -> tuple[int, ...] | None:
        good = isinstance(value, list | tuple) and all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 16384 for v in value
        )
        if not good:
            self.fail(key, f"expected a list of widths in pixels (1-16384), got {value!r}")
            return None
        return tuple(sorted(set(value)))
