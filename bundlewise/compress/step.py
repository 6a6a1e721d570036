"""The compression step: `.br`/`.gz` siblings for every text output, and sizes for the report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bundlewise.result import BuildResult
    from bundlewise.state import BuildState


def run(state: BuildState, result: BuildResult) -> dict[str, Any]:
    """Compress the outputs in staging; return each file's raw/gzip/brotli sizes."""
    from bundlewise.compress import compress_outputs

    options = state.config.compress
    files = [f.path for f in result.files]
    return dict(compress_outputs(state.staging, files, options, state.cache))
