"""The compression and stats step of the pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bundlewise.pipeline import BuildState
    from bundlewise.result import BuildResult


def run(state: BuildState, result: BuildResult) -> None:
    options = state.config.compress
    if options is None or not getattr(options, "enabled", False):
        return
