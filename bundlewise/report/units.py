"""Sizes as people write them ("200 kB", "150 KiB", "+10 kB", "5%") and as the reports print them.

kB means 1000 bytes (as browsers' dev tools, Lighthouse CI and Vite print them); the binary units
(KiB, MiB) are accepted for those who think in them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "m": 1000**2,
    "mb": 1000**2,
    "g": 1000**3,
    "gb": 1000**3,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
}

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$")


def parse_size(value: object) -> int:
    """Bytes from `"200 kB"`, `"1.5MB"`, `"150 KiB"` or a plain integer; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a size")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value} is negative")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a size")
    match = _SIZE.match(value)
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _UNITS:
        raise ValueError(f'"{value}" is not a size (write e.g. "200 kB", "1.5 MB" or "150 KiB")')
    return round(float(match.group(1)) * _UNITS[unit])


@dataclass(frozen=True)
class Increase:
    """How much a size may grow against a baseline: a percentage, or a number of bytes."""

    percent: float | None = None
    bytes: int | None = None

    def allowed(self, before: int) -> int:
        """The largest size that still passes, given the baseline size."""
        if self.percent is not None:
            return before + int(before * self.percent / 100)
        return before + (self.bytes or 0)

    def __str__(self) -> str:
        if self.percent is not None:
            return f"{self.percent:g}%"
        return f"+{format_size(self.bytes or 0)}"


def parse_increase(value: object) -> Increase:
    """`"5%"` or `"+10 kB"` (the plus sign is optional); ValueError otherwise."""
    if isinstance(value, str) and value.strip().endswith("%"):
        number = value.strip()[:-1].strip().lstrip("+")
        try:
            percent = float(number)
        except ValueError:
            raise ValueError(f'"{value}" is not a percentage (write e.g. "5%")') from None
        if percent < 0:
            raise ValueError(f'"{value}" is negative')
        return Increase(percent=percent)
    if isinstance(value, str):
        value = value.strip().removeprefix("+")
    return Increase(bytes=parse_size(value))


def format_size(n: int) -> str:
    """A size for messages: `512 B`, `12.34 kB`, `1.23 MB` (SI units, like the limits)."""
    sign = "-" if n < 0 else ""
    n = abs(n)
    if n < 1000:
        return f"{sign}{n} B"
    if n < 1000**2:
        return f"{sign}{n / 1000:.2f} kB"
    return f"{sign}{n / 1000**2:.2f} MB"


def format_kb(n: int) -> str:
    """A size for table columns, always in kB so that columns line up (as Vite prints them)."""
    return f"{n / 1000:.2f} kB"


def format_delta(n: int) -> str:
    """A signed change: `+1.20 kB`, `-300 B`, `±0 B`."""
    if n == 0:
        return "±0 B"
    return ("+" if n > 0 else "") + format_size(n)
