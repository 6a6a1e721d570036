"""An audit from start to end: serve, load every page N times in one browser, summarize, check.

Concurrency: one browser for everything, a fresh context per load. Loads run one at a time by
default: the mobile profile slows the CPU 4× by pausing the page's renderer, and two renderers
sharing a small machine's cores (with the browser process and the server) would each be slowed
further, inflating TBT and TTI. `jobs` raises it where cores are plenty (each load wants about
two: its renderer and the browser's own work); the default is one load per 4 cores. A DevTools
trace is browser-wide, so with more than one job long tasks come from the Long Tasks API instead.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bundlewise.audit.budgets import TimingBudget, TimingRow, check, lighthouse_limits
from bundlewise.audit.causes import explain
from bundlewise.audit.collect import RawRun, measure
from bundlewise.audit.metrics import METRICS, RunMetrics, compute, median_of, representative
from bundlewise.audit.profiles import Profile

IGNORED_FAILURES = ("/favicon.ico",)
"""Requests the browser makes on its own: a missing one is no fault of the page."""


@dataclass(frozen=True)
class Target:
    name: str
    """The page's source path, or the URL for `--url`."""
    url: str
    lighthouse_path: str
    """The URL path Lighthouse budgets match against."""


@dataclass
class PageAudit:
    target: Target
    runs: list[RawRun] = field(default_factory=list)
    metrics: list[RunMetrics] = field(default_factory=list)
    budget: list[TimingRow] = field(default_factory=list)

    @property
    def medians(self) -> dict[str, float | None]:
        return {m: median_of(self.metrics, m) for m in METRICS}

    @property
    def chosen(self) -> int:
        return representative(self.metrics)

    def errors(self) -> list[dict[str, str]]:
        """Console errors, uncaught exceptions and failed requests of every run, each once."""
        seen: dict[tuple[str, str], None] = {}
        for run in self.runs:
            for text in run.page_errors:
                seen.setdefault(("page error", text))
            for text in run.console_errors:
                seen.setdefault(("console error", text))
            for r in run.requests:
                failed = (r.error and r.error != "canceled") or r.status >= 400
                if failed and not r.url.endswith(IGNORED_FAILURES):
                    seen.setdefault(("failed request", f"{r.url} ({r.error or r.status})"))
        return [{"kind": kind, "text": text} for kind, text in seen]

    def to_dict(self, frames: bool = False) -> dict[str, Any]:
        run, metrics = self.runs[self.chosen], self.metrics[self.chosen]
        observed = run.observed
        shifts = sorted(observed.get("shifts", []), key=lambda s: s["time"])
        causes = explain(shifts, observed.get("fontsLoaded", []))
        lcp = observed.get("lcp", [])
        data: dict[str, Any] = {
            "page": self.target.name,
            "url": self.target.url,
            "metrics": self.medians,
            "runs": [{m: r.value(m) for m in METRICS} for r in self.metrics],
            "requests": metrics.requests,
            "bytes": metrics.bytes,
            "bytes_by_type": metrics.bytes_by_type,
            "lcp_element": _lcp_element(lcp[-1]) if lcp else None,
            "shifts": [
                {
                    "time": s["time"],
                    "value": s["value"],
                    "in_cls": i in metrics.cls_shifts,
                    "cause": cause.to_dict(),
                    "sources": [
                        {
                            "element": src["node"].get("selector", ""),
                            "before": src["before"],
                            "after": src["after"],
                        }
                        for src in s.get("sources", [])
                    ],
                }
                for i, (s, cause) in enumerate(zip(shifts, causes, strict=True))
            ],
            "errors": self.errors(),
            "waterfall": [r.to_dict() for r in run.requests],
            "budget": [row.to_dict() for row in self.budget],
            "viewport": list(run.viewport),
        }
        if frames:
            data["frames"] = [{"time": t, "jpeg": jpeg} for t, jpeg in run.frames]
        return data


def _lcp_element(entry: dict[str, Any]) -> dict[str, Any]:
    element = entry.get("element", {})
    return {
        "selector": element.get("selector", ""),
        "tag": element.get("tag", ""),
        "url": entry.get("url", ""),
        "text": element.get("text", "") if not entry.get("url") else "",
        "rect": entry.get("rect"),
        "time": entry.get("time"),
    }


def default_jobs() -> int:
    return max(1, (os.cpu_count() or 1) // 4)


async def _audit_all(
    targets: Sequence[Target],
    profile: Profile,
    runs: int,
    chromium: str | None,
    jobs: int,
    filmstrip: bool,
    on_run: Callable[[Target, int, RunMetrics], None],
) -> list[PageAudit]:
    from bundlewise.audit.browser import launch, require_playwright

    api = require_playwright()
    audits = [PageAudit(t) for t in targets]
    limit = asyncio.Semaphore(max(1, jobs))
    async with api.async_playwright() as playwright:
        browser = await launch(playwright, chromium)
        try:

            async def one_page(audit: PageAudit) -> None:
                for i in range(runs):
                    async with limit:
                        raw = await measure(browser, audit.target.url, profile,
                                            filmstrip=filmstrip, tracing=jobs == 1)  # fmt: skip
                    audit.runs.append(raw)
                    audit.metrics.append(compute(raw))
                    on_run(audit.target, i, audit.metrics[-1])

            await asyncio.gather(*(one_page(a) for a in audits))
        finally:
            await browser.close()
    return audits


def run_audit(
    targets: Sequence[Target],
    profile: Profile,
    *,
    runs: int = 3,
    budget: TimingBudget | None = None,
    lighthouse: Sequence[Any] = (),
    chromium: str | None = None,
    jobs: int | None = None,
    filmstrip: bool = False,
    on_run: Callable[[Target, int, RunMetrics], None] = lambda t, i, m: None,
) -> list[PageAudit]:
    """Audit every target `runs` times; each PageAudit carries its budget rows."""
    from bundlewise.report.lighthouse import budget_for_page

    audits = asyncio.run(
        _audit_all(targets, profile, runs, chromium, jobs or default_jobs(), filmstrip, on_run)
    )
    budget = budget or TimingBudget()
    for audit in audits:
        limits = budget.for_page(audit.target.name)
        found = budget_for_page(tuple(lighthouse), audit.target.lighthouse_path.lstrip("/"))
        if found is not None:
            from_file = lighthouse_limits(found.timings)
            # `[budget]` keys written in the config win; budget.json fills in the rest.
            limits = {**limits, **{k: v for k, v in from_file.items() if k not in budget.explicit}}
        audit.budget = check(audit.target.name, audit.medians, limits)
    return audits


def page_targets(sources: Sequence[str], url_of: Callable[[str], str]) -> list[Target]:
    return [Target(s, url_of(s), "/" + s) for s in sources]


def url_targets(urls: Sequence[str]) -> list[Target]:
    from urllib.parse import urlsplit

    return [Target(u, u, urlsplit(u).path or "/") for u in urls]
