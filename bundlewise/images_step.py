"""The image step of the pipeline: runs the optimizer on every image the build ships."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bundlewise.pipeline import BuildState


def run(state: BuildState) -> None:
    options = state.config.images
    if options is None or not getattr(options, "enabled", False):
        return
