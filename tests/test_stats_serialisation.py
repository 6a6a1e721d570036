"""The stats as a real build writes them, byte for byte: the file in the output, `--json`, and
`bundlewise report` in each format, with and without a baseline.

The expected files were written by the build before the stats became a record; the JSON is a
contract (CI scripts, PR bots and `--baseline` read it), so any change to it must be deliberate.
Run with UPDATE_GOLDEN=1 to rewrite them after an intended change.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from test_report_golden import check_golden

SAMPLE_APP = Path(__file__).resolve().parents[1] / "sample_app"
BUDGET = """\
[budget]
measure = "brotli"
initial = "1 kB"
max_increase = "1%"

[budget.kinds]
css = "100 B"

[budget.files]
"assets/src/about-*.js" = "100 kB"
"nothing/*" = "1 kB"
"""


@pytest.fixture
def builds(tmp_path: Path, run_cli: Any) -> tuple[Path, Path, str]:
    """The sample app (images left as they are: the codecs' versions must not matter) built
    twice, the second time with a grown entry; the stats of both and `--json` of the second."""
    app = tmp_path / "app"
    shutil.copytree(SAMPLE_APP, app, ignore=shutil.ignore_patterns("dist", ".bundlewise-cache"))
    (app / "bundlewise.toml").write_text(BUDGET, encoding="utf-8")
    epoch = {"SOURCE_DATE_EPOCH": "1700000000"}
    first = run_cli("build", app, "-o", tmp_path / "before", "--no-images", "--json", **epoch)
    assert first.returncode == 3, first.stderr
    main = app / "src" / "main.ts"
    main.write_text(
        main.read_text(encoding="utf-8")
        + "\nconsole.log('grown by more than the 1% max_increase allows');\n",
        "utf-8",
    )
    second = run_cli("build", app, "--no-images", "--json", **epoch)
    assert second.returncode == 3, second.stderr
    return tmp_path / "before", app, second.stdout


def test_stats_file_and_json_output_are_unchanged(builds: tuple[Path, Path, str]) -> None:
    _, app, stdout = builds
    check_golden("real_build.stats.json", (app / "dist" / "bundlewise-stats.json").read_text())
    check_golden("real_build.stdout.json", stdout)


def test_report_of_a_real_build_is_unchanged(builds: tuple[Path, Path, str], run_cli: Any) -> None:
    before, app, _ = builds
    baseline = before / "bundlewise-stats.json"
    for name, args in {
        "real_build.report.json": ["--json"],
        "real_build.report.md": ["--markdown"],
        "real_build.report.table.txt": ["--no-color"],
        "real_build.baseline.json": ["--json", "--baseline", baseline],
        "real_build.baseline.md": ["--markdown", "--baseline", baseline],
        "real_build.baseline.table.txt": ["--baseline", baseline],
    }.items():
        done = run_cli("report", app, *args, COLUMNS="100")
        assert done.returncode == 3, done.stderr
        check_golden(name, done.stdout)
