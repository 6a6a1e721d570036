"""Checking stats against a budget: a result, not an exception (the CLI maps it to exit 3)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bundlewise.report import baseline as bl
from bundlewise.report.budget import BudgetConfig
from bundlewise.report.lighthouse import KINDS_OF_TYPE, budget_for_page
from bundlewise.report.measured import Measurements
from bundlewise.report.units import format_size

Rule = Literal["initial", "total", "kind", "file", "increase", "lighthouse"]


@dataclass(frozen=True)
class BudgetRow:
    """One limit and what the build measured against it."""

    rule: Rule
    subject: str
    """What is measured: a page source, a file path, a kind, or `total`."""
    label: str
    limit: int
    actual: int
    unit: Literal["bytes", "count"] = "bytes"
    page: str | None = None
    """The page source this row is about, if any (where a CI annotation points)."""
    before: int | None = None
    """For growth limits: the baseline's size."""

    @property
    def ok(self) -> bool:
        return self.actual <= self.limit

    @property
    def overage(self) -> float:
        """How far over the limit, relative to it (worst rows sort first)."""
        return (self.actual - self.limit) / max(self.limit, 1)

    def amount(self, n: int) -> str:
        return format_size(n) if self.unit == "bytes" else str(n)

    def describe(self) -> str:
        """`about/index.html: initial JS+CSS (gzip) is 250.00 kB, 50.00 kB over the 200.00 kB budget`."""
        head = f"{self.subject}: {self.label} is {self.amount(self.actual)}"
        if self.before is not None:
            head += f" (was {self.amount(self.before)})"
        if self.ok:
            return f"{head}, within the {self.amount(self.limit)} budget"
        over = self.amount(self.actual - self.limit)
        return f"{head}, {over} over the {self.amount(self.limit)} budget"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "subject": self.subject,
            "label": self.label,
            "limit": self.limit,
            "actual": self.actual,
            "unit": self.unit,
            "page": self.page,
            "ok": self.ok,
            "before": self.before,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BudgetRow:
        return cls(
            d["rule"],
            d["subject"],
            d["label"],
            d["limit"],
            d["actual"],
            d["unit"],
            d["page"],
            d["before"],
        )


@dataclass(frozen=True)
class BudgetResult:
    measure: str
    rows: tuple[BudgetRow, ...]
    notes: tuple[str, ...] = ()
    has_baseline: bool = False
    file_deltas: tuple[bl.Delta, ...] = ()
    page_deltas: tuple[bl.Delta, ...] = ()
    module_deltas: tuple[bl.Delta, ...] = ()
    package_deltas: tuple[bl.Delta, ...] = ()

    @property
    def failed(self) -> tuple[BudgetRow, ...]:
        """The rows over their limit, worst first."""
        bad = [r for r in self.rows if not r.ok]
        return tuple(sorted(bad, key=lambda r: (-r.overage, r.subject, r.label)))

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "ok": self.ok,
            "rows": [r.to_dict() for r in self.rows],
            "notes": list(self.notes),
            "has_baseline": self.has_baseline,
            "deltas": {
                "files": [d.to_dict() for d in self.file_deltas],
                "pages": [d.to_dict() for d in self.page_deltas],
                "modules": [d.to_dict() for d in self.module_deltas],
                "packages": [d.to_dict() for d in self.package_deltas],
            },
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BudgetResult:
        deltas = d.get("deltas", {})

        def load(name: str) -> tuple[bl.Delta, ...]:
            return tuple(bl.Delta.from_dict(x) for x in deltas.get(name, []))

        return cls(
            measure=d["measure"],
            rows=tuple(BudgetRow.from_dict(r) for r in d["rows"]),
            notes=tuple(d.get("notes", [])),
            has_baseline=d.get("has_baseline", False),
            file_deltas=load("files"),
            page_deltas=load("pages"),
            module_deltas=load("modules"),
            package_deltas=load("packages"),
        )


def evaluate_budget(
    stats: Measurements, budget: BudgetConfig, baseline: Measurements | None
) -> BudgetResult:
    """Every limit of `budget` checked against `stats` (and against `baseline`, for growth)."""
    notes: list[str] = []
    rows = [
        *_initial_rows(stats, budget),
        *_total_rows(stats, budget),
        *_file_rows(stats, budget, notes),
        *_lighthouse_rows(stats, budget),
    ]
    if baseline is None:
        return BudgetResult(budget.measure, tuple(rows), tuple(notes))
    m = budget.measure
    rows.extend(_increase_rows(stats, baseline, budget))
    return BudgetResult(
        measure=m,
        rows=tuple(rows),
        notes=tuple(notes),
        has_baseline=True,
        file_deltas=bl.file_deltas(stats, baseline, m),
        page_deltas=bl.page_deltas(stats, baseline, m),
        module_deltas=bl.module_deltas(stats, baseline),
        package_deltas=bl.package_deltas(stats, baseline),
    )


def _initial_rows(stats: Measurements, budget: BudgetConfig) -> Iterator[BudgetRow]:
    label = f"initial JS+CSS ({budget.measure})"
    for source, page in sorted(stats.pages.items()):
        limit = budget.initial
        for pattern, page_limit in budget.pages:
            if fnmatch.fnmatchcase(source, pattern):
                limit = page_limit
        if limit is not None:
            actual = page.initial_js_css.size(budget.measure)
            yield BudgetRow("initial", source, label, limit, actual, page=source)


def _total_rows(stats: Measurements, budget: BudgetConfig) -> Iterator[BudgetRow]:
    m = budget.measure
    if budget.total is not None:
        actual = stats.totals["all"].size(m)
        yield BudgetRow("total", "total", f"{m} size of all files", budget.total, actual)
    for kind, limit in budget.kinds:
        total = stats.totals.get(kind)
        actual = 0 if total is None else total.size(m)
        yield BudgetRow("kind", kind, f"{m} size of all {kind} files", limit, actual)


def _file_rows(stats: Measurements, budget: BudgetConfig, notes: list[str]) -> Iterator[BudgetRow]:
    m = budget.measure
    for pattern, limit in budget.files:
        matched = False
        for path, entry in sorted(stats.files.items()):
            key = entry.manifest_key or ""
            if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(key, pattern):
                matched = True
                label = f"{m} size (budget for {pattern})"
                yield BudgetRow("file", path, label, limit, entry.size(m))
        if not matched:
            notes.append(f"budget.files: {pattern!r} matches no output file")


def _lighthouse_rows(stats: Measurements, budget: BudgetConfig) -> Iterator[BudgetRow]:
    m = budget.measure
    for source, page in sorted(stats.pages.items()):
        found = budget_for_page(budget.lighthouse, page.output)
        if found is None:
            continue
        # What Lighthouse sees on load: the initial files and the images the page shows.
        paths = list(dict.fromkeys([*page.initial.files, *page.images]))
        entries = [stats.files[p] for p in paths if p in stats.files]
        for rtype, kib in found.sizes:
            actual = sum(e.size(m) for e in entries if e.kind in KINDS_OF_TYPE[rtype])
            label = f"Lighthouse {rtype} size ({m})"
            yield BudgetRow("lighthouse", source, label, round(kib * 1024), actual, page=source)
        for rtype, count in found.counts:
            actual = sum(1 for e in entries if e.kind in KINDS_OF_TYPE[rtype])
            label = f"Lighthouse {rtype} count"
            yield BudgetRow("lighthouse", source, label, int(count), actual, "count", source)


def _increase_rows(
    stats: Measurements, baseline: Measurements, budget: BudgetConfig
) -> Iterator[BudgetRow]:
    inc, m = budget.max_increase, budget.measure
    if inc is None:
        return
    label = f"growth of initial JS+CSS ({m}, max {inc})"
    for source, page in sorted(stats.pages.items()):
        before = baseline.pages.get(source)
        if before is not None:
            old = before.initial_js_css.size(m)
            actual = page.initial_js_css.size(m)
            limit = inc.allowed(old)
            yield BudgetRow("increase", source, label, limit, actual, page=source, before=old)
    all_before = baseline.totals.get("all")
    if all_before is not None:
        old_total = all_before.size(m)
        actual = stats.totals["all"].size(m)
        label = f"growth of all files ({m}, max {inc})"
        yield BudgetRow(
            "increase", "total", label, inc.allowed(old_total), actual, before=old_total
        )
