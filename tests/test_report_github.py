"""GitHub Actions: the job summary gets the Markdown, failures become at most 10 annotations."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_fixture import FAILING_BUDGET, FILES, budget, build_result

from bundlewise.errors import BundlewiseError
from bundlewise.report import MARKER, compute_stats, github_output, render_markdown
from bundlewise.result import PageResult


def test_nothing_happens_outside_github_actions(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    stats = compute_stats(*build_result(), budget=budget(FAILING_BUDGET), env={})
    assert github_output(stats, None, {"GITHUB_STEP_SUMMARY": str(summary)}) == []
    assert (
        github_output(stats, None, {"GITHUB_ACTIONS": "false", "GITHUB_STEP_SUMMARY": str(summary)})
        == []
    )
    assert not summary.exists()


def test_summary_is_appended_and_failures_are_annotated_worst_first(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    result, sizes = build_result()
    stats = compute_stats(result, sizes, budget=budget(FAILING_BUDGET), env={})
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    lines = github_output(stats, result, env)
    assert summary.read_text(encoding="utf-8") == "# earlier step\n" + render_markdown(stats) + "\n"
    assert MARKER in summary.read_text(encoding="utf-8")
    assert lines == [
        "::error title=bundlewise budget::css: gzip size of all css files is 4.10 kB, 1.03 kB over the 3.07 kB budget",
        "::error title=bundlewise budget::assets/chunk-QW2ERT5Y.js: gzip size (budget for assets/chunk-*.js) "
        "is 11.20 kB, 1.20 kB over the 10.00 kB budget",
        "::error file=index.html,title=bundlewise budget::index.html: initial JS+CSS (gzip) is 61.40 kB, "
        "1.40 kB over the 60.00 kB budget",
    ]


def test_no_annotations_when_budgets_pass(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    stats = compute_stats(*build_result(), budget=budget(), env={})
    assert (
        github_output(stats, None, {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
        == []
    )
    assert "✅ bundlewise size report" in summary.read_text(encoding="utf-8")


def test_at_most_ten_annotations_and_escaped_properties() -> None:
    pages = tuple(
        PageResult(source=f"p{i},x:y%.html", output=f"p{i}.html", scripts=(f"p{i}.js",))
        for i in range(12)
    )
    files = {f"p{i}.js": (2000 * (i + 1), 1000 * (i + 1), 900, None) for i in range(12)}
    result, sizes = build_result({**FILES, **files}, pages=pages)
    stats = compute_stats(result, sizes, budget=budget({"initial": "1 kB"}), env={})
    lines = github_output(
        stats, result, {"GITHUB_ACTIONS": "true"}
    )  # no summary file: only annotations
    assert len(lines) == 10
    # The largest page is the worst; ',' ':' '%' are escaped in the file property, '%' in the text.
    assert lines[0] == (
        "::error file=p11%2Cx%3Ay%25.html,title=bundlewise budget::"
        "p11,x:y%25.html: initial JS+CSS (gzip) is 12.00 kB, 11.00 kB over the 1.00 kB budget"
    )
    assert [line.split("::")[2].split(",")[0] for line in lines] == [
        f"p{i}" for i in range(11, 1, -1)
    ]


def test_an_unwritable_summary_is_a_clear_error(tmp_path: Path) -> None:
    stats = compute_stats(*build_result(), budget=budget(), env={})
    target = tmp_path / "missing-dir" / "summary.md"
    with pytest.raises(BundlewiseError) as info:
        github_output(stats, None, {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(target)})
    assert str(target) in info.value.format_message()
