"""The last steps of a build, after the pages are written: the manifest, the result record,
compression, the stats, then the `on_post_build` hook and `--strict`.

Each is a few lines: the work is done by the stages they call (`manifest`, `compress`,
`report.stats`), which take records and return records; these only hand them the build's state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from bundlewise.errors import BuildError, Message
from bundlewise.manifest import Manifest, build_manifest, keys_by_file
from bundlewise.manifest import write_manifest as write_manifest_file
from bundlewise.output.staging import MARKER
from bundlewise.result import STATS_FILE, BuildResult, list_outputs
from bundlewise.state import BuildState

if TYPE_CHECKING:
    from bundlewise.compress import Sizes


def write_manifest(state: BuildState) -> Manifest:
    """The Vite-format manifest (`manifest.build_manifest`), through `on_manifest`, written."""
    assert state.graph is not None
    manifest = state.hook("on_manifest", build_manifest(state.graph, state.page_files))
    write_manifest_file(state.staging / state.config.manifest, manifest)
    return manifest


def make_result(state: BuildState, manifest: Manifest) -> BuildResult:
    assert state.graph is not None
    return BuildResult(
        out_dir=state.config.out_dir,
        root=state.config.root,
        graph=state.graph,
        pages=tuple(r.result for r in state.rewrites),
        files=list_outputs(state.staging, keys_by_file(manifest), skip=(MARKER, STATS_FILE)),
        manifest=manifest,
        warnings=tuple(state.log.warnings),
        infos=tuple(state.log.infos),
    )


def compress(state: BuildState, result: BuildResult) -> Mapping[str, Sizes]:
    """Write `.br`/`.gz` siblings; return each output's raw/gzip/brotli sizes."""
    from bundlewise.compress import compress_files

    files = [f.path for f in result.files]
    return compress_files(state.staging, files, state.config.compress, state.cache).sizes


def write_stats(state: BuildState, result: BuildResult, sizes: Mapping[str, Sizes]) -> BuildResult:
    """Sizes, pages' initial loads and the budget verdict, for the report and `bundlewise report`."""
    from bundlewise.images.records import ImagesSummary
    from bundlewise.report.budget import budget_to_check
    from bundlewise.report.stats import compute_stats
    from bundlewise.report.stats import write_stats as write_stats_file

    budget, info = budget_to_check(state.config.budget, state.config.compress.enabled)
    if info:
        state.log.info(info)
    images = ImagesSummary.of(state.image_outcomes)
    stats = compute_stats(result, sizes, budget=budget, images=images)
    write_stats_file(state.staging / STATS_FILE, stats)
    return replace(result, stats=stats)


def post_build(state: BuildState, result: BuildResult) -> BuildResult:
    """The `on_post_build` hook, then `--strict`: warnings fail the build before the swap."""
    result = state.hook("on_post_build", result, stats=result.stats)
    result = replace(result, warnings=tuple(state.log.warnings), infos=tuple(state.log.infos))
    if state.config.strict and result.warnings:
        count = len(result.warnings)
        raise BuildError([*result.warnings, Message(f"{count} warning(s) with --strict")])
    return result
