"""The pipeline step that makes every URL in the emitted scripts load (see `file_urls`, `meta_urls`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bundlewise.js.file_urls import rewrite_file_urls
from bundlewise.js.meta_urls import rewrite_meta_urls

if TYPE_CHECKING:
    from bundlewise.state import BuildState


def run(state: BuildState) -> None:
    assert state.graph is not None
    config = state.config
    state.changed.update(rewrite_file_urls(config, state.graph, state.read))
    result = rewrite_meta_urls(config, state.graph, state.read)
    state.changed.update(result.files)
    for path, data in result.emitted.items():
        target = state.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for path, names in result.references.items():
        state.references[path] = state.references.get(path, frozenset()) | names
    state.log.extend(result.warnings)
    if result.graph is not None:
        state.graph = result.graph
