"""One shape for every config mistake, whichever table it is in, all reported in one run (exit 2).

bundlewise.toml: [images].qualty: unknown key (did you mean quality?)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import config_problems

from bundlewise.config import load_config
from bundlewise.errors import ConfigError

# The four mistakes, as a bundlewise.toml and as the same tables in pyproject.toml.
MISTAKES = """\
minfy = true

[images]
qualty = 70

[compress]
levl = 5

[budget]
intial = "100 kB"
"""
PYPROJECT = '[project]\nname = "shop"\n\n[tool.bundlewise]\n' + MISTAKES.replace(
    "[images]", "[tool.bundlewise.images]"
).replace("[compress]", "[tool.bundlewise.compress]").replace(
    "[budget]", "[tool.bundlewise.budget]"
)
PAGE = '<!doctype html><script type="module" src="./src/main.js"></script>\n'


def app_with(make_project: Any, config_name: str, config: str) -> Path:
    return make_project(
        {"index.html": PAGE, "src/main.js": "console.log(1)\n", config_name: config}
    )


def problem_lines(stderr: str) -> list[str]:
    return [
        line.removeprefix("error: ") for line in stderr.splitlines() if line.startswith("error: ")
    ]


@pytest.mark.parametrize(
    ("config_name", "config", "tables"),
    [
        ("bundlewise.toml", MISTAKES, ("", "[images].", "[compress].", "[budget].")),
        (
            "pyproject.toml",
            PYPROJECT,
            (
                "[tool.bundlewise].",
                "[tool.bundlewise.images].",
                "[tool.bundlewise.compress].",
                "[tool.bundlewise.budget].",
            ),
        ),
    ],
)
def test_the_four_mistakes_read_the_same_and_all_come_at_once(
    make_project: Any, run_cli: Any, config_name: str, config: str, tables: tuple[str, ...]
) -> None:
    app = app_with(make_project, config_name, config)
    done = run_cli("build", app)
    assert done.returncode == 2
    top, images, compress, budget = tables
    assert problem_lines(done.stderr) == [
        f"{config_name}: {top}minfy: unknown key (did you mean minify?)",
        f"{config_name}: {images}qualty: unknown key (did you mean quality?)",
        f"{config_name}: {compress}levl: unknown key (did you mean gzip_level or zstd_level?)",
        f"{config_name}: {budget}intial: unknown key (did you mean initial?)",
    ]
    assert done.stderr.count(config_name) == 4  # once per problem, never twice on a line
    assert "build failed with 4 errors" in done.stderr and "Traceback" not in done.stderr
    assert not (app / "dist").exists()


def test_a_plugin_option_typo_reads_like_any_other_key(make_project: Any, run_cli: Any) -> None:
    config = 'plugins = ["sri"]\n\n[plugin.sri]\nalgoritm = "sha512"\n'
    app = app_with(make_project, "bundlewise.toml", config)
    done = run_cli("build", app)
    assert done.returncode == 2
    assert problem_lines(done.stderr) == [
        "bundlewise.toml: [plugin.sri].algoritm: unknown key (did you mean algorithm?)"
    ]


def test_plugin_option_problems_come_in_the_same_report_as_the_rest(
    make_project: Any, run_cli: Any
) -> None:
    config = 'minfy = true\nplugins = ["sri"]\n\n[plugin.sri]\nalgoritm = "sha512"\n'
    app = app_with(make_project, "bundlewise.toml", config)
    done = run_cli("build", app)
    assert done.returncode == 2
    assert problem_lines(done.stderr) == [
        "bundlewise.toml: minfy: unknown key (did you mean minify?)",
        "bundlewise.toml: [plugin.sri].algoritm: unknown key (did you mean algorithm?)",
    ]


def test_bad_values_share_the_shape(tmp_path: Path) -> None:
    assert config_problems(
        tmp_path,
        'minify = "yes"\nesbuild_timeout = 0\n\n[images]\nquality = { webp = 120 }\n'
        '\n[html]\neager = -1\n\n[cache]\nmax_size = "lots"\n\n[jsx]\nruntime = "magic"\n',
    ) == [
        "bundlewise.toml: minify: expected true or false, got 'yes'",
        "bundlewise.toml: esbuild_timeout: expected a number > 0, got 0",
        "bundlewise.toml: [images].quality.webp: expected an integer from 1 to 100, got 120",
        "bundlewise.toml: [html].eager: expected an integer from 0 to 10000, got -1",
        'bundlewise.toml: [cache].max_size: "lots" is not a size (write e.g. "200 kB", "1.5 MB" '
        'or "150 KiB")',
        "bundlewise.toml: [jsx].runtime: expected one of 'automatic', 'classic', 'preserve', "
        "got 'magic'",
    ]


def test_a_section_that_is_not_a_table(tmp_path: Path) -> None:
    assert config_problems(tmp_path, 'images = "webp"\nimage = 1\n') == [
        "bundlewise.toml: image: unknown key (did you mean images?)",
        "bundlewise.toml: images: expected a table, got 'webp'",
    ]


def test_a_config_file_outside_the_app_is_named_by_its_path(tmp_path: Path) -> None:
    config = tmp_path / "conf" / "build.toml"
    config.parent.mkdir()
    config.write_text("[images]\nqualty = 1\n")
    (tmp_path / "app").mkdir()
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "app", config)
    assert [m.text for m in caught.value.messages] == [
        f"{config.resolve().as_posix()}: [images].qualty: unknown key (did you mean quality?)"
    ]


def test_sections_are_typed_records_with_the_documented_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.images.formats == ("avif", "webp") and config.compress.formats == ("br", "gz")
    assert config.budget.initial == 200_000 and config.html.eager == 1
    assert config.cache.ttl == 14 * 24 * 3600 and config.jsx.runtime is None
