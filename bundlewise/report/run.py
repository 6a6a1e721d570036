"""`bundlewise report`: re-read the last build's stats and print them, without building."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Literal

from bundlewise.errors import EXIT_BUDGET_EXCEEDED, EXIT_OK, BundlewiseError, Location, Message
from bundlewise.report.budget import BudgetConfig
from bundlewise.report.evaluate import evaluate_budget
from bundlewise.report.html import write_html
from bundlewise.report.markdown import render_markdown
from bundlewise.report.record import Stats
from bundlewise.report.stats import dumps_stats, load_stats
from bundlewise.report.table import render_table

Format = Literal["table", "json", "markdown"]


def exit_code(stats: Stats, *, fail_on_budget: bool = True) -> int:
    """3 when a budget failed (unless only warning), 0 otherwise."""
    return EXIT_BUDGET_EXCEEDED if fail_on_budget and not stats.budget.ok else EXIT_OK


def with_budget(stats: Stats, budget: BudgetConfig, baseline: Stats | None = None) -> Stats:
    """The stats with their budget checked again: other limits, or growth against a baseline."""
    return replace(stats, budget=evaluate_budget(stats, budget, baseline), budget_config=budget)


def with_baseline(stats: Stats, baseline: Stats, budget: BudgetConfig | None = None) -> Stats:
    """The stats with their budget re-checked against a baseline (growth limits, deltas)."""
    return with_budget(stats, budget or stats.budget_config, baseline)


def run_report(
    stats_path: str | Path,
    *,
    fmt: Format = "table",
    baseline_path: str | Path | None = None,
    html_path: str | Path | None = None,
    color: bool = False,
    width: int = 80,
    fail_on_budget: bool = True,
    budget: BudgetConfig | None = None,
) -> tuple[str, int]:
    """The text to print on stdout and the exit code.

    `budget` (the current config's) replaces the budget recorded in the stats when given, so a
    changed limit applies without a rebuild. `html_path` writes the HTML report as well.
    """
    stats = load_stats(stats_path)
    if baseline_path is not None:
        stats = with_baseline(stats, load_stats(baseline_path), budget)
    elif budget is not None:
        stats = with_budget(stats, budget)
    if html_path is not None:
        try:
            write_html(html_path, stats)
        except OSError as e:
            text = f"cannot write the HTML report: {e.strerror or e}"
            raise BundlewiseError(Message(text, Location(str(html_path)))) from None
    if fmt == "json":
        text = dumps_stats(stats)
    elif fmt == "markdown":
        text = render_markdown(stats)
    else:
        text = render_table(stats, None, color, width)
    return text, exit_code(stats, fail_on_budget=fail_on_budget)
