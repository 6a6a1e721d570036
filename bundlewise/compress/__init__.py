"""Pre-compression: Brotli, gzip and (optionally) zstd siblings for every text output.

Servers such as nginx (`gzip_static`, `brotli_static`), whitenoise and CDNs send `app.js.br` as it
is when it sits next to `app.js`, so the highest Brotli quality is paid once per build, and, with
the cache, once per distinct file across builds.
"""

from bundlewise.compress.options import FORMATS, CompressOptions
from bundlewise.compress.rules import is_candidate
from bundlewise.compress.run import (
    NAMESPACE,
    Compressed,
    CompressStats,
    OutputToCompress,
    Sizes,
    compress_files,
    compress_outputs,
)

__all__ = [
    "FORMATS",
    "NAMESPACE",
    "CompressOptions",
    "CompressStats",
    "Compressed",
    "OutputToCompress",
    "Sizes",
    "compress_files",
    "compress_outputs",
    "is_candidate",
]
