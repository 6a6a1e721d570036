"""What every report shows, computed once from the stats (the renderers only lay it out)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bundlewise.report.evaluate import BudgetResult
from bundlewise.report.record import Stats

GROUPS = (
    ("html", ("html",)),
    ("css", ("css",)),
    ("js", ("js",)),
    ("assets", ("image", "font", "other")),
)
"""Report sections, in the order a page loads them (as Vite prints them)."""


@dataclass(frozen=True)
class FileRow:
    path: str
    kind: str
    raw: int
    gzip: int
    brotli: int
    over: bool
    """A per-file limit fails for this file."""


@dataclass(frozen=True)
class PageRow:
    source: str
    files: int
    actual: int
    """Initial JS+CSS, in the budget's measure."""
    limit: int | None
    lazy: int
    """Lazy chunks, in the budget's measure."""
    initial_files: tuple[str, ...] = ()
    lazy_files: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.limit is None or self.actual <= self.limit


def file_groups(stats: Stats) -> list[tuple[str, list[FileRow]]]:
    """Shipped files by section, smallest first within a section; empty sections left out."""
    over = {r.subject for r in stats.budget.failed if r.rule == "file"}
    groups = []
    for name, kinds in GROUPS:
        rows = [
            FileRow(p, e.kind, e.raw, e.gzip, e.brotli, p in over)
            for p, e in stats.files.items()
            if e.kind in kinds
        ]
        if rows:
            groups.append((name, sorted(rows, key=lambda r: (r.raw, r.path))))
    return groups


def page_rows(stats: Stats) -> list[PageRow]:
    limits = {r.subject: r.limit for r in stats.budget.rows if r.rule == "initial"}
    m = stats.budget.measure
    return [
        PageRow(
            source=source,
            files=len(page.initial.files),
            actual=page.initial_js_css.size(m),
            limit=limits.get(source),
            lazy=page.lazy.size(m),
            initial_files=page.initial.files,
            lazy_files=page.lazy.files,
        )
        for source, page in sorted(stats.pages.items())
    ]


def hidden(stats: Stats) -> tuple[int, int]:
    """Files left out of the table (source maps, the manifest): count and raw bytes."""
    entries = [e for e in stats.files.values() if e.kind in ("map", "manifest")]
    return len(entries), sum(e.raw for e in entries)


def verdict_line(verdict: BudgetResult) -> str:
    total, failed = len(verdict.rows), len(verdict.failed)
    if failed:
        return f"✗ {failed} of {total} budget{'s' if total != 1 else ''} exceeded"
    if total == 0:
        return "✓ no budgets set"
    return f"✓ all {total} budget{'s' if total != 1 else ''} met"


def printable(name: str) -> str:
    """A file name safe to print: control characters (escape sequences, newlines) shown as `\\xNN`."""
    if name.isprintable():
        return name
    return "".join(
        c
        if unicodedata.category(c)[0] != "C"
        else f"\\x{ord(c):02x}"
        if ord(c) < 256
        else f"\\u{ord(c):04x}"
        for c in name
    )
