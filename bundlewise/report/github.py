"""GitHub Actions output: the Markdown report in the job summary, budget failures as annotations."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from bundlewise.errors import BundlewiseError, Location, Message
from bundlewise.report.markdown import render_markdown
from bundlewise.report.record import Stats
from bundlewise.report.view import printable

if TYPE_CHECKING:
    from bundlewise.result import BuildResult

MAX_ANNOTATIONS = 10
"""GitHub shows at most 10 error annotations per step; more would be dropped anyway."""


def _escape_data(text: str) -> str:
    # The escaping of GitHub's own toolkit (`@actions/core`), so messages survive `%` and newlines.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_lines(stats: Stats) -> list[str]:
    """`::error` workflow commands for the failed budgets, worst first, at most 10."""
    lines = []
    for row in stats.budget.failed[:MAX_ANNOTATIONS]:
        props = f"file={_escape_property(row.page)}," if row.page else ""
        props += "title=" + _escape_property("bundlewise budget")
        lines.append(f"::error {props}::{_escape_data(printable(row.describe()))}")
    return lines


def github_output(stats: Stats, result: BuildResult | None, env: Mapping[str, str]) -> list[str]:
    """On GitHub Actions: append the Markdown report to the step summary; return the annotations.

    The caller prints the returned lines to stdout (that is how the runner reads them). Outside
    GitHub Actions nothing happens and no lines are returned.
    """
    if env.get("GITHUB_ACTIONS") != "true":
        return []
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with Path(summary).open("a", encoding="utf-8", newline="\n") as f:
                f.write(render_markdown(stats, result) + "\n")
        except OSError as e:
            text = f"cannot append to the GitHub step summary: {e.strerror or e}"
            raise BundlewiseError(Message(text, Location(summary))) from None
    return annotation_lines(stats)
