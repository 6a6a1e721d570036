"""The reports of the real sample app, built with the real esbuild and compressed for real."""

from __future__ import annotations

import gzip
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import brotli
import pytest
from esbuild_fixture import real_esbuild
from report_fixture import budget
from test_report_golden import check_golden

from bundlewise.compress import CompressOptions, is_candidate
from bundlewise.report import (
    Stats,
    compute_stats,
    evaluate_budget,
    exit_code,
    render_markdown,
    render_table,
)
from bundlewise.report.stats import dumps_stats
from bundlewise.result import BuildResult

SAMPLE_APP = Path(__file__).resolve().parents[1] / "sample_app"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Stats]:
    from bundlewise.cache import Cache
    from bundlewise.compress import compress_outputs
    from bundlewise.config import load_config
    from bundlewise.pipeline import build

    tmp = tmp_path_factory.mktemp("sample")
    app = tmp / "app"
    shutil.copytree(SAMPLE_APP, app, ignore=shutil.ignore_patterns("dist", ".bundlewise-cache"))
    config = load_config(
        app, overrides={"esbuild": str(real_esbuild()), "cache_dir": tmp / "cache"}
    )
    # Images pass through unchanged: the goldens follow our report, not the image codecs' versions.
    config = replace(config, images=replace(config.images, enabled=False))
    result = build(config)
    sizes = compress_outputs(
        result.out_dir,
        [f.path for f in result.files],
        config.compress or CompressOptions(),
        Cache(tmp / "cache"),
    )
    return result, compute_stats(result, sizes, budget=config.budget or budget(), env={})


@pytest.mark.parametrize(
    ("suffix", "render"),
    [
        ("table.txt", lambda s: render_table(s, None, False, 100)),
        ("md", render_markdown),
        ("json", dumps_stats),
    ],
)
def test_sample_app_golden(built: tuple[BuildResult, Stats], suffix: str, render: Any) -> None:
    check_golden(f"sample_app.{suffix}", render(built[1]))


def test_sizes_in_stats_are_the_sizes_of_the_files_written(
    built: tuple[BuildResult, Stats],
) -> None:
    result, stats = built
    siblings = 0
    for path, entry in stats.files.items():
        data = (result.out_dir / path).read_bytes()
        assert entry.raw == len(data), path
        for suffix, key, decompress in (
            (".gz", "gzip", gzip.decompress),
            (".br", "brotli", brotli.decompress),
        ):
            sibling = result.out_dir / (path + suffix)
            if sibling.exists():
                siblings += 1
                packed = sibling.read_bytes()
                assert entry.size(key) == len(packed), (path, key)
                assert decompress(packed) == data
            elif not is_candidate(path, CompressOptions()):
                assert entry.size(key) == entry.raw, path  # never compressed: sent as is
    assert siblings >= 10


def test_sample_app_passes_the_default_budget_and_fails_a_tight_one(
    built: tuple[BuildResult, Stats],
) -> None:
    _, stats = built
    assert exit_code(stats) == 0
    tight = evaluate_budget(stats, budget({"initial": "500 B"}), None)
    assert [r.subject for r in tight.failed] == ["index.html", "about.html"]
    assert exit_code(replace(stats, budget=tight)) == 3
