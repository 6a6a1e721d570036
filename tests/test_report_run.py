"""`run_report` (behind `bundlewise report`): formats, HTML file, baseline, exit codes 0 and 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_fixture import FAILING_BUDGET, FILES, INPUTS, PAGES, budget, build_result, renamed

from bundlewise.errors import EXIT_BUDGET_EXCEEDED, EXIT_OK, BundlewiseError
from bundlewise.report import (
    MARKER,
    compute_stats,
    exit_code,
    load_stats,
    render_table,
    run_report,
    write_stats,
)
from bundlewise.report.stats import dumps_stats


@pytest.fixture
def passing(tmp_path: Path) -> Path:
    path = tmp_path / "pass.json"
    write_stats(
        path, compute_stats(*build_result(), budget=budget({"max_increase": "+1 kB"}), env={})
    )
    return path


@pytest.fixture
def failing(tmp_path: Path) -> Path:
    path = tmp_path / "fail.json"
    write_stats(path, compute_stats(*build_result(), budget=budget(FAILING_BUDGET), env={}))
    return path


def test_table_is_what_the_build_printed_and_exit_0(passing: Path) -> None:
    text, code = run_report(passing)
    assert (text, code) == (render_table(load_stats(passing)), EXIT_OK)


def test_a_failed_budget_exits_3_unless_only_warning(failing: Path) -> None:
    assert run_report(failing)[1] == EXIT_BUDGET_EXCEEDED
    assert run_report(failing, fail_on_budget=False)[1] == EXIT_OK
    stats = load_stats(failing)
    assert exit_code(stats) == 3 and exit_code(stats, fail_on_budget=False) == 0


def test_json_and_markdown(failing: Path) -> None:
    text, _ = run_report(failing, fmt="json")
    assert text == failing.read_text(encoding="utf-8")
    text, _ = run_report(failing, fmt="markdown")
    assert text.startswith(MARKER + "\n")


def test_html_is_written_beside_the_printed_format(failing: Path, tmp_path: Path) -> None:
    text, code = run_report(failing, fmt="markdown", html_path=tmp_path / "report.html")
    assert code == 3 and text.startswith(MARKER)
    assert "✗ 3 of 6 budgets exceeded" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_html_into_a_missing_folder_is_a_clear_error(passing: Path, tmp_path: Path) -> None:
    target = tmp_path / "no" / "report.html"
    with pytest.raises(BundlewiseError) as info:
        run_report(passing, html_path=target)
    assert str(target) in info.value.format_message()


def test_relative_limit_fails_against_a_baseline_matched_by_manifest_key(
    passing: Path, tmp_path: Path
) -> None:
    # The same app, one module grew and the lazy chunk got a new hash: only the growth counts.
    files = dict(FILES)
    files["assets/lazy-NEW4HASH.js"] = files.pop("assets/lazy-ZX6CVB4N.js")
    raw, gz, br, key = files["assets/about-PL7OKM3N.js"]
    files["assets/about-PL7OKM3N.js"] = (raw + 6_000, gz + 2_500, br + 2_000, key)
    inputs = dict(INPUTS)
    inputs["assets/lazy-NEW4HASH.js"] = inputs.pop("assets/lazy-ZX6CVB4N.js")
    inputs["assets/about-PL7OKM3N.js"] = {
        "src/about.ts": 2_100,
        "node_modules/left-pad/index.js": 6_000,
    }
    pages = renamed(PAGES, "assets/lazy-ZX6CVB4N.js", "assets/lazy-NEW4HASH.js")
    current = tmp_path / "current.json"
    write_stats(
        current,
        compute_stats(
            *build_result(files, inputs, pages), budget=budget({"max_increase": "+1 kB"}), env={}
        ),
    )
    assert run_report(current)[1] == EXIT_OK  # no baseline: growth is not checked
    text, code = run_report(current, baseline_path=passing, width=200)
    assert code == EXIT_BUDGET_EXCEEDED
    assert (
        "✗ about/index.html: growth of initial JS+CSS (gzip, max +1.00 kB) is 14.69 kB (was 12.19 kB), "
        "1.50 kB over the 13.19 kB budget" in text
    )
    assert "left-pad" in text and "node_modules/left-pad/index.js" in text
    stats = json.loads(run_report(current, baseline_path=passing, fmt="json")[0])
    files_changed = [
        (d["label"], d["before"], d["after"]) for d in stats["budget"]["deltas"]["files"]
    ]
    assert files_changed == [
        ("assets/about-PL7OKM3N.js", 990, 3_490)
    ]  # the renamed lazy chunk is unchanged
    packages = stats["budget"]["deltas"]["packages"]
    assert packages == [{"key": "left-pad", "label": "left-pad", "before": None, "after": 6_000}]


def test_a_bytes_increase_limit_and_shared_chunks_without_keys(
    passing: Path, tmp_path: Path
) -> None:
    files = dict(FILES)
    files["assets/chunk-AAAA2222.js"] = files.pop(
        "assets/chunk-QW2ERT5Y.js"
    )  # new hash, no manifest key
    pages = renamed(PAGES, "assets/chunk-QW2ERT5Y.js", "assets/chunk-AAAA2222.js")
    inputs = dict(INPUTS)
    inputs["assets/chunk-AAAA2222.js"] = inputs.pop("assets/chunk-QW2ERT5Y.js")
    current = tmp_path / "current.json"
    write_stats(
        current,
        compute_stats(
            *build_result(files, inputs, pages), budget=budget({"max_increase": "+1 kB"}), env={}
        ),
    )
    text, code = run_report(current, baseline_path=passing, width=200)
    assert code == EXIT_OK
    assert "no size changes" in text


def test_the_current_budget_can_replace_the_recorded_one(passing: Path) -> None:
    assert run_report(passing, budget=budget({"initial": "10 kB"}))[1] == EXIT_BUDGET_EXCEEDED


def test_missing_stats_or_baseline(tmp_path: Path, passing: Path) -> None:
    with pytest.raises(BundlewiseError, match="run `bundlewise build` first"):
        run_report(tmp_path / "nothing.json")
    with pytest.raises(BundlewiseError, match=r"nothing\.json"):
        run_report(passing, baseline_path=tmp_path / "nothing.json")


def test_report_output_is_deterministic(failing: Path) -> None:
    assert run_report(failing, fmt="json")[0] == dumps_stats(load_stats(failing))
