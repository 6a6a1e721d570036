"""Validation of the `[compress]` table: every problem reported at once, naming file and key."""

from __future__ import annotations

import sys
import tomllib

import pytest

from bundlewise.compress import CompressOptions

WHERE = "bundlewise.toml"


def parse(toml: str) -> tuple[CompressOptions, list[str]]:
    options, messages = CompressOptions.from_mapping(tomllib.loads(toml)["compress"], WHERE)
    assert all(m.location is not None and m.location.file == WHERE for m in messages)
    assert all(m.severity == "error" for m in messages)
    return options, [m.format() for m in messages]


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
        f"{WHERE}: error: [compress] unknown key 'brotli_qualty'\n  note: did you mean 'brotli_quality'?",
        f"{WHERE}: error: [compress] unknown key 'colour'",
        f"{WHERE}: error: [compress] gzip_level: expected an integer from 1 to 9, got 10",
        f"{WHERE}: error: [compress] max_ratio: expected a number greater than 0 and at most 1, got 1.5",
        f"{WHERE}: error: [compress] min_size: expected an integer ≥ 0, got -1",
        f"{WHERE}: error: [compress] formats: unknown format 'deflate' (choose from br, gz, zst)",
        f"{WHERE}: error: [compress] enabled: expected true or false, got 'yes'",
        f"{WHERE}: error: [compress] include: expected a list of non-empty glob strings, got '*.csv'",
        f"{WHERE}: error: [compress] exclude: expected a list of non-empty glob strings, got ['']",
        f"{WHERE}: error: [compress] zstd_level: expected an integer from 1 to 22, got True",
    ]
    assert options == CompressOptions()  # bad values keep their defaults


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        (
            "formats = []",
            "expected at least one format (to turn compression off, set enabled = false)",
        ),
        ("max_ratio = 0", "expected a number greater than 0 and at most 1, got 0"),
        ("brotli_quality = 11.0", "expected an integer from 0 to 11, got 11.0"),
        ("sourcemaps = 1", "expected true or false, got 1"),
    ],
)
def test_bad_value(toml: str, problem: str) -> None:
    _, messages = parse(f"[compress]\n{toml}")
    assert messages == [f"{WHERE}: error: [compress] {toml.split()[0]}: {problem}"]


def test_zstd_without_zstandard_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)
    _, messages = parse('[compress]\nformats = ["br", "zst"]')
    assert messages == [
        f"{WHERE}: error: [compress] formats: 'zst' needs the zstandard package, which is not"
        " installed\n  note: install the optional dependency with: pip install bundlewise[zstd]"
    ]
    # Nobody is bothered about zstd while compression is off.
    assert parse('[compress]\nformats = ["zst"]\nenabled = false')[1] == []
