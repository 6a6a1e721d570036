"""Timing budgets: the `[budget]` keys `bundlewise audit` checks, and Lighthouse `timings`.

```toml
[budget]
lcp = "2.5 s"        # the guide's numbers are the defaults
cls = 0.1
tti = "3 s"
load = "2 s"         # the load event
tbt = "200 ms"       # no default: reported, not checked
fcp = "1.8 s"        # no default

[budget.timings."admin/*"]   # per page (source glob); the last matching glob wins per key
lcp = "4 s"
```

A key set to `false` turns that check off. Times are strings with `ms` or `s`, or numbers of
milliseconds (as in Lighthouse's budget.json). A budget.json named by `budget.lighthouse` adds its
`timings` (`largest-contentful-paint`, `cumulative-layout-shift`, `interactive`, ...) for the pages
its `path` matches; the `[budget]` keys win where both set one.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bundlewise.config_schema import suggest

TIMING_KEYS = ("fcp", "lcp", "cls", "tbt", "tti", "load")
DEFAULTS: dict[str, float | None] = {
    "lcp": 2500.0,
    "cls": 0.1,
    "tti": 3000.0,
    "load": 2000.0,
    "tbt": None,
    "fcp": None,
}
# Lighthouse budget.json metric names → ours.
LIGHTHOUSE_METRICS = {
    "first-contentful-paint": "fcp",
    "largest-contentful-paint": "lcp",
    "cumulative-layout-shift": "cls",
    "total-blocking-time": "tbt",
    "interactive": "tti",
}
_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class TimingBudget:
    limits: Mapping[str, float | None] = field(default_factory=lambda: dict(DEFAULTS))
    """Metric → limit (ms, or the CLS score); None: not checked."""
    pages: tuple[tuple[str, Mapping[str, float | None]], ...] = ()
    """(page source glob, limits) overriding `limits`."""
    explicit: frozenset[str] = frozenset()
    """Keys the config set (they win over a budget.json's timings)."""

    def for_page(self, source: str) -> dict[str, float | None]:
        limits = dict(self.limits)
        for pattern, overrides in self.pages:
            if fnmatch.fnmatchcase(source, pattern):
                limits.update(overrides)
        return limits


def parse_limit(key: str, value: object) -> float | None:
    """A limit as written in TOML; raises ValueError with what is wrong."""
    if value is False:
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a limit or false, got {value!r}")
    if key == "cls":
        if isinstance(value, int | float) and value >= 0:
            return float(value)
        raise ValueError(f"expected a layout shift score such as 0.1, got {value!r}")
    if isinstance(value, int | float) and value >= 0:
        return float(value)
    if isinstance(value, str):
        match = _TIME.match(value)
        if match:
            number = float(match[1])
            return number * 1000 if match[2].lower() == "s" else number
    raise ValueError(f'expected a time such as "2.5 s" or "300 ms", got {value!r}')


def parse_timing_budget(data: Mapping[str, Any], error: Callable[[str, str], None]) -> TimingBudget:
    """The timing keys of a `[budget]` table; `error(key, text)` reports each problem."""
    limits = dict(DEFAULTS)
    for key in TIMING_KEYS:
        if key in data:
            try:
                limits[key] = parse_limit(key, data[key])
            except ValueError as e:
                error(key, str(e))
    pages: list[tuple[str, Mapping[str, float | None]]] = []
    table = data.get("timings", {})
    if not isinstance(table, Mapping):
        error("timings", f"expected a table of page globs, got {table!r}")
        table = {}
    for pattern, overrides in table.items():
        if not isinstance(overrides, Mapping):
            error(f"timings.{pattern}", f"expected a table of limits, got {overrides!r}")
            continue
        page_limits: dict[str, float | None] = {}
        for key, value in overrides.items():
            if key not in TIMING_KEYS:
                error(f"timings.{pattern}.{key}", f"unknown key {suggest(key, TIMING_KEYS)}")
                continue
            try:
                page_limits[key] = parse_limit(key, value)
            except ValueError as e:
                error(f"timings.{pattern}.{key}", str(e))
        pages.append((pattern, page_limits))
    explicit = frozenset(k for k in TIMING_KEYS if k in data)
    return TimingBudget(limits, tuple(pages), explicit)


def lighthouse_limits(timings: Any) -> dict[str, float]:
    """budget.json `timings` entries (`{"metric": ..., "budget": ...}`) as our limits."""
    limits = {}
    for entry in timings:
        ours = LIGHTHOUSE_METRICS.get(str(entry.get("metric")))
        budget = entry.get("budget")
        if ours and isinstance(budget, int | float) and not isinstance(budget, bool):
            limits[ours] = float(budget)
    return limits


@dataclass(frozen=True)
class TimingRow:
    page: str
    metric: str
    value: float
    limit: float

    @property
    def ok(self) -> bool:
        return self.value <= self.limit

    def describe(self) -> str:
        return (
            f"{self.page}: {self.metric.upper()} {format_metric(self.metric, self.value)} "
            f"exceeds the budget of {format_metric(self.metric, self.limit)}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "metric": self.metric, "value": self.value,
                "limit": self.limit, "ok": self.ok}  # fmt: skip


def format_metric(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric == "cls":
        return f"{value:.3f}"
    if metric == "tbt" or value < 1000:
        return f"{value:.0f} ms"
    return f"{value / 1000:.2f} s"


def check(
    page: str, medians: Mapping[str, float | None], limits: Mapping[str, float | None]
) -> list[TimingRow]:
    """A row for each metric that has a limit and a value."""
    rows = []
    for metric in TIMING_KEYS:
        limit, value = limits.get(metric), medians.get(metric)
        if limit is not None and value is not None:
            rows.append(TimingRow(page, metric, value, limit))
    return rows
