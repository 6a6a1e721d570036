"""The `[compress]` table: what to pre-compress, with which encodings and levels.

`bundlewise.config_schema` checks the table against `CompressOptions` (every problem at once, the
way MkDocs reports config errors); `compress_problems` adds what depends on installed packages.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from bundlewise.config_schema import Between, Check

#: Encodings by the file suffix of their sibling: `app.js.br`, `app.js.gz`, `app.js.zst`.
FORMATS = ("br", "gz", "zst")

ZSTD_INSTALL_HINT = "install the optional dependency with: pip install bundlewise[zstd]"


def _formats(value: tuple[str, ...]) -> tuple[str, ...]:
    if not value:
        raise ValueError(
            "expected at least one format (to turn compression off, set enabled = false)"
        )
    # A fixed order (br first) whatever the user wrote, so the work and the output never vary.
    return tuple(f for f in FORMATS if f in value)


def _globs(value: tuple[str, ...]) -> tuple[str, ...]:
    if not all(value):
        raise ValueError(f"expected a list of non-empty glob strings, got {list(value)!r}")
    return value


@dataclass(frozen=True)
class CompressOptions:
    """How build outputs are pre-compressed. Every field is a key of the `[compress]` table."""

    #: Off (`--no-compress`): no sibling is written and sizes are not measured.
    enabled: bool = True
    #: Which siblings to write, from `FORMATS`. zstd needs `pip install bundlewise[zstd]`.
    formats: Annotated[tuple[Literal["br", "gz", "zst"], ...], Check(_formats)] = ("br", "gz")
    #: 0-11. 11 is slow (about 0.5 MB/s) but it runs once per distinct file, thanks to the cache.
    brotli_quality: Annotated[int, Between(0, 11)] = 11
    #: 1-9.
    gzip_level: Annotated[int, Between(1, 9)] = 9
    #: 1-22. 19 is the highest level that does not need the large-window memory of the "ultra" range.
    zstd_level: Annotated[int, Between(1, 22)] = 19
    #: Keep a sibling only when it is at most this fraction of the original (whitenoise's 0.95).
    max_ratio: Annotated[float, Between(0, 1, low_open=True)] = 0.95
    #: Files smaller than this many bytes are not worth a sibling (headers cost more than they save).
    min_size: Annotated[int, Between(0)] = 256
    #: Extra globs to compress besides the built-in text types, e.g. `["*.csv", "data/*.bin"]`.
    include: Annotated[tuple[str, ...], Check(_globs)] = ()
    #: Globs never to compress; wins over both the built-in types and `include`.
    exclude: Annotated[tuple[str, ...], Check(_globs)] = ()
    #: Also compress `.map` files. Off by default: only developer tools fetch them, and they are
    #: usually larger than the code they describe, so they would dominate compression time.
    sourcemaps: bool = False


def compress_problems(options: CompressOptions) -> Iterator[tuple[str, str]]:
    """(key, problem) for what involves the installed packages rather than one value."""
    if options.enabled and "zst" in options.formats and not zstd_available():
        yield (
            "formats",
            f"'zst' needs the zstandard package, which is not installed ({ZSTD_INSTALL_HINT})",
        )


def zstd_available() -> bool:
    # find_spec looks the module up without importing it, so config loading stays fast.
    return importlib.util.find_spec("zstandard") is not None
