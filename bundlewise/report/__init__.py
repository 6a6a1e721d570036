"""Size stats, budgets and reports (terminal, Markdown, HTML, GitHub Actions).

After a build: `compute_stats` (a `Stats` record) → `write_stats` → `render_table` /
`github_output`, and `exit_code` decides between 0 and 3. `bundlewise report` is `run_report`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bundlewise._lazy import lazy_exports

if TYPE_CHECKING:
    from bundlewise.images.records import ImagesSummary
    from bundlewise.report.budget import BudgetConfig
    from bundlewise.report.evaluate import BudgetResult, BudgetRow, evaluate_budget
    from bundlewise.report.github import github_output
    from bundlewise.report.html import render_html, write_html
    from bundlewise.report.markdown import MARKER, render_markdown
    from bundlewise.report.record import Stats
    from bundlewise.report.run import exit_code, run_report, with_baseline, with_budget
    from bundlewise.report.stats import SizesLike, compute_stats, load_stats, write_stats
    from bundlewise.report.table import render_table

# Each name is imported from its module on first use (see bundlewise._lazy).
_EXPORTS = {
    "BudgetConfig": "bundlewise.report.budget",
    "BudgetResult": "bundlewise.report.evaluate",
    "BudgetRow": "bundlewise.report.evaluate",
    "evaluate_budget": "bundlewise.report.evaluate",
    "github_output": "bundlewise.report.github",
    "render_html": "bundlewise.report.html",
    "write_html": "bundlewise.report.html",
    "MARKER": "bundlewise.report.markdown",
    "render_markdown": "bundlewise.report.markdown",
    "exit_code": "bundlewise.report.run",
    "run_report": "bundlewise.report.run",
    "with_baseline": "bundlewise.report.run",
    "with_budget": "bundlewise.report.run",
    "ImagesSummary": "bundlewise.images.records",
    "Stats": "bundlewise.report.record",
    "SizesLike": "bundlewise.report.stats",
    "compute_stats": "bundlewise.report.stats",
    "load_stats": "bundlewise.report.stats",
    "write_stats": "bundlewise.report.stats",
    "render_table": "bundlewise.report.table",
}

__all__ = [
    "MARKER",
    "BudgetConfig",
    "BudgetResult",
    "BudgetRow",
    "ImagesSummary",
    "SizesLike",
    "Stats",
    "compute_stats",
    "evaluate_budget",
    "exit_code",
    "github_output",
    "load_stats",
    "render_html",
    "render_markdown",
    "render_table",
    "run_report",
    "with_baseline",
    "with_budget",
    "write_html",
    "write_stats",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)
