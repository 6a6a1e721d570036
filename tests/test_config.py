"""Configuration files, their precedence, and validation that reports every problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import config_problems

from bundlewise.config import load_config
from bundlewise.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_build_an_app_without_config(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.root == tmp_path.resolve()
    assert config.out_dir == tmp_path.resolve() / "dist"
    assert config.public_dir == tmp_path.resolve() / "public"
    assert (
        config.target == "chrome107,edge107,firefox104,safari16"
        and config.minify
        and config.sourcemap
    )
    assert config.manifest == ".vite/manifest.json"
    assert config.images.enabled and config.compress.enabled


def test_pyproject_table_is_read(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.bundlewise]\nout_dir = "static/build"\n')
    config = load_config(tmp_path)
    assert config.out_dir == tmp_path.resolve() / "static/build"
    assert config.config_file == tmp_path.resolve() / "pyproject.toml"


def test_dedicated_file_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.bundlewise]\nout_dir = "from-pyproject"\n')
    write(tmp_path / "bundlewise.toml", 'out_dir = "from-dedicated"\n')
    assert load_config(tmp_path).out_dir.name == "from-dedicated"


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config_file = write(tmp_path / "conf" / "build.toml", 'out_dir = "../www"\nroot = "../app"\n')
    (tmp_path / "app").mkdir()
    config = load_config(tmp_path / "elsewhere", config_file)
    assert config.root == (tmp_path / "app").resolve()
    assert config.out_dir == (tmp_path / "www").resolve()


def test_command_line_overrides_the_file(tmp_path: Path) -> None:
    write(tmp_path / "bundlewise.toml", 'minify = true\nbase = "/static/"\n')
    config = load_config(tmp_path, overrides={"minify": False, "base": None})
    assert config.minify is False and config.base == "/static/"


def test_every_problem_is_reported_with_file_and_key(tmp_path: Path) -> None:
    assert config_problems(
        tmp_path,
        'minify = "yes"\nentries = "src/main.ts"\ncolour = 1\n\n[images]\nquality = { jpeg = "high" }\n'
        '\n[compress]\nbrotli_quality = 99\n\n[budget]\ninitial = "lots"\n',
    ) == [
        "bundlewise.toml: minify: expected true or false, got 'yes'",
        "bundlewise.toml: entries: expected a list of strings, got 'src/main.ts'",
        "bundlewise.toml: colour: unknown key (expected one of assets_dir, base, budget, cache, "
        "cache_dir, cache_url, compress, define, entries, esbuild, esbuild_timeout, external, "
        "fs_allow, html, images, jsx, manifest, minify, mode, out_dir, pages, plugin, plugins, "
        "public_dir, root, sourcemap, strict, target)",
        "bundlewise.toml: [images].quality.jpeg: expected an integer from 1 to 100, got 'high'",
        "bundlewise.toml: [compress].brotli_quality: expected an integer from 0 to 11, got 99",
        'bundlewise.toml: [budget].initial: "lots" is not a size (write e.g. "200 kB", '
        '"1.5 MB" or "150 KiB")',
    ]


def test_toml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    write(tmp_path / "bundlewise.toml", "minify = true\nbase = \n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    location = caught.value.messages[0].location
    assert location is not None and (location.line, location.column) == (2, 7)
