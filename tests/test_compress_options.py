"""Validation of the `[compress]` table: every problem reported at once, naming file and key."""

from __future__ import annotations

import sys
import tomllib

import pytest
from helpers import read_table

from bundlewise.compress import CompressOptions
from bundlewise.compress.options import compress_problems

WHERE = "bundlewise.toml"


def parse(toml: str) -> tuple[CompressOptions, list[str]]:
    options, texts = read_table(CompressOptions, tomllib.loads(toml)["compress"], "compress")
    return options, texts


def test_defaults() -> None:
    options = CompressOptions()
    assert options.enabled and options.formats == ("br", "gz")
    assert (options.brotli_quality, options.gzip_level, options.max_ratio) == (11, 9, 0.95)
    assert options.min_size == 256 and not options.sourcemaps
    assert parse("[compress]")[0] == options


def test_full_table() -> None:
    options, messages = parse(
        """
        [compress]
        enabled = true
        formats = ["zst", "gz", "br"]
        brotli_quality = 9
        gzip_level = 6
        zstd_level = 22
        max_ratio = 1
        min_size = 0
        include = ["*.glsl"]
        exclude = ["vendor/*"]
        sourcemaps = true
        """
    )
    assert messages == []
    assert options == CompressOptions(
        formats=("br", "gz", "zst"),  # always in the same order
        brotli_quality=9,
        gzip_level=6,
        zstd_level=22,
        max_ratio=1.0,
        min_size=0,
        include=("*.glsl",),
        exclude=("vendor/*",),
        sourcemaps=True,
    )


def test_every_problem_is_reported_at_once() -> None:
    options, messages = parse(
        """
        [compress]
        brotli_qualty = 9
        colour = 3
        gzip_level = 10
        max_ratio = 1.5
        min_size = -1
        formats = ["br", "deflate"]
        enabled = "yes"
        include = "*.csv"
        exclude = [""]
        zstd_level = true
        """
    )
    assert messages == [
        f"{WHERE}: [compress].brotli_qualty: unknown key (did you mean brotli_quality?)",
        f"{WHERE}: [compress].colour: unknown key (expected one of brotli_quality, enabled, "
        "exclude, formats, gzip_level, include, max_ratio, min_size, sourcemaps, zstd_level)",
        f"{WHERE}: [compress].gzip_level: expected an integer from 1 to 9, got 10",
        f"{WHERE}: [compress].max_ratio: expected a number > 0 and ≤ 1, got 1.5",
        f"{WHERE}: [compress].min_size: expected an integer ≥ 0, got -1",
        f"{WHERE}: [compress].formats: expected a list of 'br', 'gz', 'zst', got ['br', 'deflate']",
        f"{WHERE}: [compress].enabled: expected true or false, got 'yes'",
        f"{WHERE}: [compress].include: expected a list of strings, got '*.csv'",
        f"{WHERE}: [compress].exclude: expected a list of non-empty glob strings, got ['']",
        f"{WHERE}: [compress].zstd_level: expected an integer from 1 to 22, got True",
    ]
    assert options == CompressOptions()  # bad values keep their defaults


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        (
            "formats = []",
            "expected at least one format (to turn compression off, set enabled = false)",
        ),
        ("max_ratio = 0", "expected a number > 0 and ≤ 1, got 0"),
        ("brotli_quality = 11.0", "expected an integer from 0 to 11, got 11.0"),
        ("sourcemaps = 1", "expected true or false, got 1"),
    ],
)
def test_bad_value(toml: str, problem: str) -> None:
    _, messages = parse(f"[compress]\n{toml}")
    assert messages == [f"{WHERE}: [compress].{toml.split()[0]}: {problem}"]


def test_zstd_without_zstandard_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)
    options, _ = parse('[compress]\nformats = ["br", "zst"]')
    assert list(compress_problems(options)) == [
        (
            "formats",
            "'zst' needs the zstandard package, which is not installed (install the optional "
            "dependency with: pip install bundlewise[zstd])",
        )
    ]
    # Nobody is bothered about zstd while compression is off.
    assert list(compress_problems(parse('[compress]\nformats = ["zst"]\nenabled = false')[0])) == []
