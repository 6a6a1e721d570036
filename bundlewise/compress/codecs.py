"""The three encoders, each deterministic: the same bytes and level always give the same output.

Every function here runs in worker threads. brotli, zlib and zstandard all release the GIL while
they compress, so threads use every core without copying file contents between processes
(benchmarks/bench_compress.py measures threads against processes).
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from typing import Any

from bundlewise.compress.options import ZSTD_INSTALL_HINT, CompressOptions
from bundlewise.errors import ConfigError, Message


@dataclass(frozen=True)
class Encoder:
    """One encoding at one level, as configured for a build."""

    format: str  # "br", "gz" or "zst": also the sibling's file suffix
    level: int
    #: Names the library build, so a cached result is never reused across library versions
    #: (a new brotli may produce other, equally valid, bytes).
    version: str

    def encode(self, data: bytes) -> bytes:
        if self.format == "br":
            return _brotli(data, self.level)
        if self.format == "gz":
            return _gzip(data, self.level)
        return _zstd(data, self.level)


def encoders(options: CompressOptions) -> tuple[Encoder, ...]:
    """The encoders for `options.formats`, brotli first. Raises ConfigError if zstd is missing."""
    levels = {"br": options.brotli_quality, "gz": options.gzip_level, "zst": options.zstd_level}
    return tuple(Encoder(f, levels[f], _version(f)) for f in options.formats)


def _version(fmt: str) -> str:
    if fmt == "br":
        import brotli

        return f"brotli {brotli.__version__}"
    if fmt == "gz":
        # The header layout is ours (see _gzip); the deflate stream is zlib's.
        return f"zlib {zlib.ZLIB_RUNTIME_VERSION} gzip-header-v1"
    zstandard = _import_zstandard()
    return f"zstandard {zstandard.__version__} libzstd {zstandard.ZSTD_VERSION}"


def _brotli(data: bytes, quality: int) -> bytes:
    import brotli

    result: bytes = brotli.compress(data, quality=quality)
    return result


def _gzip(data: bytes, level: int) -> bytes:
    # mtime=0 and an empty file name, so the output is fully determined by the content. GzipFile
    # (unlike zlib's own gzip mode) writes OS = 255 "unknown", the same byte on every platform.
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=level, mtime=0, filename="") as f:
        f.write(data)
    return buffer.getvalue()


def _zstd(data: bytes, level: int) -> bytes:
    zstandard = _import_zstandard()
    # threads=0 (the default) keeps libzstd single-threaded, whose output does not depend on
    # timing; our own pool provides the parallelism.
    result: bytes = zstandard.ZstdCompressor(level=level, write_content_size=True).compress(data)
    return result


def _import_zstandard() -> Any:
    try:
        import zstandard
    except ImportError:
        text = "compress: the 'zst' format needs the zstandard package, which is not installed"
        raise ConfigError(Message(text, notes=(ZSTD_INSTALL_HINT,))) from None
    return zstandard
