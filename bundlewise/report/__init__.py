"""Size stats, budgets and reports (terminal, Markdown, HTML, GitHub Actions).

After a build: `compute_stats` → `write_stats` → `render_table` / `github_output`, and
`exit_code` decides between 0 and 3. `bundlewise report` is `run_report`.
"""

from bundlewise.report.budget import BudgetConfig
from bundlewise.report.evaluate import BudgetResult, BudgetRow, evaluate_budget, verdict_of
from bundlewise.report.github import github_output
from bundlewise.report.html import render_html, write_html
from bundlewise.report.markdown import MARKER, render_markdown
from bundlewise.report.run import exit_code, run_report, with_baseline
from bundlewise.report.stats import SizesLike, compute_stats, load_stats, write_stats
from bundlewise.report.table import render_table

__all__ = [
    "MARKER",
    "BudgetConfig",
    "BudgetResult",
    "BudgetRow",
    "SizesLike",
    "compute_stats",
    "evaluate_budget",
    "exit_code",
    "github_output",
    "load_stats",
    "render_html",
    "render_markdown",
    "render_table",
    "run_report",
    "verdict_of",
    "with_baseline",
    "write_html",
    "write_stats",
]
