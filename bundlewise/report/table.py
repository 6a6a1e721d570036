"""The terminal table printed after a build (and by `bundlewise report`)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from bundlewise.images.records import ImagesSummary
from bundlewise.report.baseline import Delta
from bundlewise.report.evaluate import BudgetResult
from bundlewise.report.record import Stats
from bundlewise.report.units import format_delta, format_kb, format_size
from bundlewise.report.view import file_groups, hidden, page_rows, printable, verdict_line

if TYPE_CHECKING:
    from bundlewise.result import BuildResult

_COL = 11  # "1234.56 kB" and a space
_MARK = 20  # room kept at the right for "  ✗ over budget" (rows are then exactly `width` long)
_MAX_CHANGES = 10


def render_table(
    stats: Stats,
    result: BuildResult | None = None,
    color: bool = False,
    width: int = 80,
) -> str:
    """Sections of files with raw │ gzip │ brotli, each page's initial load, totals, the verdict.

    Everything is read from `stats`, so `bundlewise report` prints what the build printed;
    `result` is accepted so callers after a build can pass it, but adds nothing.
    """
    verdict = stats.budget
    paint = _painter(color)
    name_w = max(20, width - 3 * _COL - _MARK)
    lines = _files(stats, name_w, paint)
    lines += ["", *_pages(stats, name_w, paint)]
    lines += ["", *_totals(stats, name_w, paint)]
    if verdict.has_baseline:
        lines += ["", *_changes(verdict, name_w, paint)]
    lines += ["", *_verdict(verdict, paint, width)]
    return "\n".join(line.rstrip() for line in lines) + "\n"


Paint = Callable[[str, str], str]


def _painter(color: bool) -> Paint:
    import click

    styles = {"bad": {"fg": "red", "bold": True}, "good": {"fg": "green"}, "head": {"bold": True}}
    styles["dim"] = {"dim": True}

    def paint(text: str, style: str) -> str:
        return click.style(text, **styles[style]) if color and text else text  # type: ignore[arg-type]

    return paint


def _fit(name: str, w: int) -> str:
    name = printable(name)
    return name if len(name) <= w else "…" + name[-(w - 1) :]


def _sizes(*values: int) -> str:
    return " │ ".join(format_kb(v).rjust(_COL - 1) for v in values)


def _files(stats: Stats, w: int, paint: Paint) -> list[str]:
    head = f"{'':<{w}}  " + " │ ".join(h.rjust(_COL - 1) for h in ("raw", "gzip", "brotli"))
    lines = [paint(head, "head")]
    for name, rows in file_groups(stats):
        lines.append(paint(name, "head"))
        for r in rows:
            mark = paint("  ✗ over budget", "bad") if r.over else ""
            lines.append(
                f"  {_fit(r.path, w - 2):<{w - 2}}  {_sizes(r.raw, r.gzip, r.brotli)}{mark}"
            )
    count, size = hidden(stats)
    if count:
        lines.append(
            paint(f"(not counted: {count} source map/manifest files, {format_size(size)})", "dim")
        )
    return lines


def _pages(stats: Stats, w: int, paint: Paint) -> list[str]:
    lines = [paint(f"initial load per page (JS+CSS, {stats.budget.measure})", "head")]
    for p in page_rows(stats):
        size = format_kb(p.actual).rjust(_COL - 1)
        if p.limit is None:
            lines.append(f"  {_fit(p.source, w - 2):<{w - 2}}  {size}")
            continue
        status = (
            paint("✓", "good")
            if p.ok
            else paint(f"✗ {format_size(p.actual - p.limit)} over", "bad")
        )
        lines.append(
            f"  {_fit(p.source, w - 2):<{w - 2}}  {size} of {format_kb(p.limit)}  {status}"
        )
    if len(lines) == 1:
        lines.append("  (no pages)")
    return lines


def _totals(stats: Stats, w: int, paint: Paint) -> list[str]:
    all_ = stats.totals["all"]
    label = f"total ({all_.count} file{'s' if all_.count != 1 else ''})"
    lines = [paint(f"{label:<{w}}  {_sizes(all_.raw, all_.gzip, all_.brotli)}", "head")]
    note = images_note(stats.images, "images: ")
    return [*lines, note] if note else lines


def images_note(images: ImagesSummary | None, prefix: str) -> str:
    """`images: 3 optimized, 1 kept as is (not smaller)`; empty when the build had none."""
    images = images or ImagesSummary()
    counts = [images.optimized, images.kept_source, images.copied]
    if not any(counts):
        return ""
    parts = [f"{counts[0]} optimized"]
    if counts[1]:
        parts.append(f"{counts[1]} kept as is (not smaller)")
    if counts[2]:
        parts.append(f"{counts[2]} SVG copied")
    return prefix + ", ".join(parts)


def _changes(verdict: BudgetResult, w: int, paint: Paint) -> list[str]:
    lines = [paint(f"changes since baseline ({verdict.measure})", "head")]

    def section(title: str, deltas: tuple[Delta, ...], only_growth: bool = False) -> None:
        shown = [d for d in deltas if d.change > 0 or not only_growth][:_MAX_CHANGES]
        if not shown:
            return
        lines.append(f"  {title}")
        for d in shown:
            state = " (new)" if d.before is None else " (removed)" if d.after is None else ""
            text = format_delta(d.change).rjust(_COL - 1)
            lines.append(f"    {_fit(d.label, w - 4):<{w - 4}}  {text}{state}")

    section("pages", verdict.page_deltas)
    section("files", verdict.file_deltas)
    section("packages that grew (bytes in output)", verdict.package_deltas, only_growth=True)
    section("modules that grew (bytes in output)", verdict.module_deltas, only_growth=True)
    if len(lines) == 1:
        lines.append("  no size changes")
    return lines


def _verdict(verdict: BudgetResult, paint: Paint, width: int) -> list[str]:
    def wrap(text: str, first: str) -> list[str]:
        # File names are never split: a long one overflows rather than becoming two wrong names.
        return textwrap.wrap(
            printable(text),
            width,
            initial_indent=first,
            subsequent_indent="    ",
            break_long_words=False,
            break_on_hyphens=False,
        )

    lines = [paint(verdict_line(verdict), "good" if verdict.ok else "bad")]
    for row in verdict.failed:
        lines += [paint(line, "bad") for line in wrap(row.describe(), "  ✗ ")]
    for note in verdict.notes:
        lines += [paint(line, "dim") for line in wrap(note, "  note: ")]
    return lines
