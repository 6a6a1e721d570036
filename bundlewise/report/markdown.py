"""The Markdown report: a CI step summary or a pull-request comment.

It starts with a fixed marker comment so that a bot can find its earlier comment and edit it in
place instead of adding a new one on every push.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bundlewise.report.baseline import Delta
from bundlewise.report.evaluate import BudgetResult
from bundlewise.report.record import Stats
from bundlewise.report.units import format_delta, format_kb, format_size
from bundlewise.report.view import file_groups, hidden, page_rows, printable, verdict_line

if TYPE_CHECKING:
    from bundlewise.result import BuildResult

MARKER = "<!-- bundlewise-size-report -->"
_MAX_CHANGES = 10
# Every ASCII punctuation character may be backslash-escaped in CommonMark; these could start
# markup (HTML, links, emphasis, code, table cells) inside a file name.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")


def md(text: str) -> str:
    """A file name as literal Markdown text."""
    return _SPECIAL.sub(r"\\\1", printable(text))


def render_markdown(stats: Stats, result: BuildResult | None = None) -> str:
    """The verdict, each page's initial load, changes since a baseline, and every shipped file."""
    verdict = stats.budget
    icon = "✅" if verdict.ok else "❌"
    lines = [MARKER, f"### {icon} bundlewise size report", "", f"**{md(verdict_line(verdict))}**"]
    lines += [f"- {md(r.describe())}" for r in verdict.failed]
    lines += [f"- _note: {md(n)}_" for n in verdict.notes]
    lines += ["", *_pages(stats)]
    if verdict.has_baseline:
        lines += ["", *_changes(verdict)]
    lines += ["", *_files(stats)]
    return "\n".join(lines) + "\n"


def _pages(stats: Stats) -> list[str]:
    verdict = stats.budget
    deltas = {d.key: d for d in verdict.page_deltas}
    lines = [
        f"#### Initial load per page (JS+CSS, {verdict.measure})",
        "",
        "| Page | Initial | Budget | Lazy | Change | |",
        "|:--|--:|--:|--:|--:|:-:|",
    ]
    for p in page_rows(stats):
        limit = format_kb(p.limit) if p.limit is not None else "–"
        status = "" if p.limit is None else "✅" if p.ok else "❌"
        change = format_delta(deltas[p.source].change) if p.source in deltas else ""
        lines.append(
            f"| {md(p.source)} | {format_kb(p.actual)} | {limit} | {format_kb(p.lazy)} | {change} | {status} |"
        )
    return lines


def _changes(verdict: BudgetResult) -> list[str]:
    lines = [f"#### Changes since baseline ({verdict.measure})", ""]

    def table(title: str, deltas: tuple[Delta, ...], only_growth: bool = False) -> None:
        shown = [d for d in deltas if d.change > 0 or not only_growth][:_MAX_CHANGES]
        if not shown:
            return
        lines.extend([f"| {title} | Before | After | Change |", "|:--|--:|--:|--:|"])
        for d in shown:
            before = format_size(d.before) if d.before is not None else "new"
            after = format_size(d.after) if d.after is not None else "removed"
            lines.append(f"| {md(d.label)} | {before} | {after} | {format_delta(d.change)} |")
        lines.append("")

    table("File", verdict.file_deltas)
    table("Package that grew (bytes in output)", verdict.package_deltas, only_growth=True)
    table("Module that grew (bytes in output)", verdict.module_deltas, only_growth=True)
    if len(lines) == 2:
        lines.append("No size changes.")
    return lines[:-1] if lines[-1] == "" else lines


def _files(stats: Stats) -> list[str]:
    lines = [
        "<details><summary>All files</summary>",
        "",
        "| File | Raw | Gzip | Brotli | |",
        "|:--|--:|--:|--:|:-:|",
    ]
    for name, rows in file_groups(stats):
        lines.append(f"| **{name}** | | | | |")
        for r in rows:
            mark = "❌" if r.over else ""
            sizes = f"{format_kb(r.raw)} | {format_kb(r.gzip)} | {format_kb(r.brotli)}"
            lines.append(f"| {md(r.path)} | {sizes} | {mark} |")
    total = stats.totals["all"]
    sizes = f"{format_kb(total.raw)} | {format_kb(total.gzip)} | {format_kb(total.brotli)}"
    lines.append(f"| **total ({total.count} files)** | {sizes} | |")
    count, size = hidden(stats)
    if count:
        lines += ["", f"Not counted: {count} source map/manifest files, {format_size(size)}."]
    return [*lines, "", "</details>"]
