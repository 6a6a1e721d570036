"""The `[compress]` table: what to pre-compress, with which encodings and levels.

Validation collects every problem in the table (unknown keys, wrong types, out-of-range levels)
so a user fixes their config in one pass, the way MkDocs reports config errors.
"""

from __future__ import annotations

import difflib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from bundlewise.errors import Location, Message

#: Encodings by the file suffix of their sibling: `app.js.br`, `app.js.gz`, `app.js.zst`.
FORMATS = ("br", "gz", "zst")

ZSTD_INSTALL_HINT = "install the optional dependency with: pip install bundlewise[zstd]"


@dataclass(frozen=True)
class CompressOptions:
    """How build outputs are pre-compressed. Every field is a key of the `[compress]` table."""

    #: Off (`--no-compress`): no sibling is written and sizes are not measured.
    enabled: bool = True
    #: Which siblings to write, from `FORMATS`. zstd needs `pip install bundlewise[zstd]`.
    formats: tuple[str, ...] = ("br", "gz")
    #: 0-11. 11 is slow (about 0.5 MB/s) but it runs once per distinct file, thanks to the cache.
    brotli_quality: int = 11
    #: 1-9.
    gzip_level: int = 9
    #: 1-22. 19 is the highest level that does not need the large-window memory of the "ultra" range.
    zstd_level: int = 19
    #: Keep a sibling only when it is at most this fraction of the original (whitenoise's 0.95).
    max_ratio: float = 0.95
    #: Files smaller than this many bytes are not worth a sibling (headers cost more than they save).
    min_size: int = 256
    #: Extra globs to compress besides the built-in text types, e.g. `["*.csv", "data/*.bin"]`.
    include: tuple[str, ...] = ()
    #: Globs never to compress; wins over both the built-in types and `include`.
    exclude: tuple[str, ...] = ()
    #: Also compress `.map` files. Off by default: only developer tools fetch them, and they are
    #: usually larger than the code they describe, so they would dominate compression time.
    sourcemaps: bool = False

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], where: str
    ) -> tuple[CompressOptions, list[Message]]:
        """Options from a `[compress]` table, and a message for every unknown key or bad value.

        Bad values keep their default, so the caller can still go on (and report everything).
        """
        messages: list[Message] = []
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                messages.append(_unknown_key(key, known, where))
                continue
            checked, problem = _CHECKS[key](value)
            if problem:
                messages.append(Message(f"[compress] {key}: {problem}", Location(where)))
            else:
                values[key] = checked
        options = replace(cls(), **values)
        messages.extend(_check_combination(options, where))
        return options, messages


def _unknown_key(key: str, known: set[str], where: str) -> Message:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    notes = (f"did you mean {close[0]!r}?",) if close else ()
    return Message(f"[compress] unknown key {key!r}", Location(where), notes=notes)


def _check_combination(options: CompressOptions, where: str) -> list[Message]:
    """Problems that involve the installed packages rather than one value."""
    if options.enabled and "zst" in options.formats and not zstd_available():
        text = "[compress] formats: 'zst' needs the zstandard package, which is not installed"
        return [Message(text, Location(where), notes=(ZSTD_INSTALL_HINT,))]
    return []


def zstd_available() -> bool:
    # find_spec looks the module up without importing it, so config loading stays fast.
    return importlib.util.find_spec("zstandard") is not None


# Each check returns (value to store, problem text or "").
Check = Callable[[Any], tuple[Any, str]]


def _boolean(value: Any) -> tuple[Any, str]:
    if isinstance(value, bool):
        return value, ""
    return None, f"expected true or false, got {value!r}"


def _integer(low: int, high: int | None) -> Check:
    def check(value: Any) -> tuple[Any, str]:
        # bool is an int in Python, but `level = true` is certainly a mistake.
        in_range = high is None or value <= high
        if isinstance(value, int) and not isinstance(value, bool) and low <= value and in_range:
            return value, ""
        wanted = f"an integer from {low} to {high}" if high is not None else f"an integer ≥ {low}"
        return None, f"expected {wanted}, got {value!r}"

    return check


def _ratio(value: Any) -> tuple[Any, str]:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1:
        return float(value), ""
    return None, f"expected a number greater than 0 and at most 1, got {value!r}"


def _globs(value: Any) -> tuple[Any, str]:
    if isinstance(value, list | tuple) and all(isinstance(v, str) and v for v in value):
        return tuple(value), ""
    return None, f"expected a list of non-empty glob strings, got {value!r}"


def _formats(value: Any) -> tuple[Any, str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return None, f'expected a list such as ["br", "gz"], got {value!r}'
    unknown = [v for v in value if v not in FORMATS]
    if unknown:
        return None, f"unknown format {unknown[0]!r} (choose from {', '.join(FORMATS)})"
    if not value:
        return None, "expected at least one format (to turn compression off, set enabled = false)"
    # A fixed order (br first) whatever the user wrote, so the work and the output never vary.
    return tuple(f for f in FORMATS if f in value), ""


_CHECKS: dict[str, Check] = {
    "enabled": _boolean,
    "formats": _formats,
    "brotli_quality": _integer(0, 11),
    "gzip_level": _integer(1, 9),
    "zstd_level": _integer(1, 22),
    "max_ratio": _ratio,
    "min_size": _integer(0, None),
    "include": _globs,
    "exclude": _globs,
    "sourcemaps": _boolean,
}
