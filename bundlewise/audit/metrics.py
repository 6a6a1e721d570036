"""Web Vitals from one recorded load, computed as Lighthouse computes them.

- CLS: the largest session window of layout shifts (shifts less than 1 s apart, a window at most
  5 s long), shifts after user input excluded.
- TTI (Lighthouse's `computed/metrics/interactive.js`): the first CPU-quiet period (no long
  task: a top-level main-thread task of 50 ms or more) that overlaps a network-quiet period (at
  most 2 GET requests in flight, counted from when the network stack took each one up) for 5 s,
  both ending more than 5 s after FCP; TTI is the latest of that CPU-quiet period's start (the
  end of the last long task before it), FCP and DOMContentLoaded. A page is not interactive
  before its deferred and module scripts have run, which is what DOMContentLoaded marks.
  One difference stays: Lighthouse records until the page has been quiet for 5 s, a run here
  ends one quiet second after the load event, and the last quiet periods are taken as lasting
  (a long task more than a second after the load event goes unseen).
- TBT: the sum over long tasks between FCP and TTI of each task's time beyond 50 ms.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bundlewise.audit.collect import RawRun, Request

LONG_TASK_MS = 50.0
QUIET_WINDOW_MS = 5000.0
ALLOWED_IN_FLIGHT = 2
SESSION_GAP_MS = 1000.0
SESSION_LIMIT_MS = 5000.0

# DevTools resource types → the groups a report shows (Lighthouse's resource types).
TYPE_GROUPS = {
    "document": "document",
    "script": "script",
    "stylesheet": "stylesheet",
    "image": "image",
    "font": "font",
    "media": "media",
}
_NON_NETWORK = ("data:", "blob:", "about:", "chrome:", "chrome-extension:", "file:")
METRICS = ("fcp", "lcp", "cls", "tbt", "tti", "load")


@dataclass(frozen=True)
class Interval:
    start: float
    end: float


def cls_windows(shifts: Sequence[dict[str, Any]]) -> tuple[float, list[int]]:
    """The largest session window's score, and the indexes of the shifts inside it."""
    best, best_members = 0.0, []
    members: list[int] = []
    score = window_start = last = 0.0
    for i, shift in enumerate(sorted(shifts, key=lambda s: s["time"])):
        t = shift["time"]
        if not members or t - last >= SESSION_GAP_MS or t - window_start >= SESSION_LIMIT_MS:
            members, score, window_start = [], 0.0, t
        members.append(i)
        score += shift["value"]
        last = t
        if score > best:
            best, best_members = score, list(members)
    return best, best_members


def long_tasks(tasks: Sequence[dict[str, Any]]) -> list[Interval]:
    """Tasks of 50 ms or more (their traced duration), each until its `end` when given (the
    trace cuts a task short where the next one starts), else `start + duration`."""
    return sorted(
        (Interval(t["start"], t.get("end", t["start"] + t["duration"])) for t in tasks
         if t["duration"] >= LONG_TASK_MS),
        key=lambda i: i.start,
    )  # fmt: skip


def _quiet_periods(busy: Sequence[Interval]) -> list[Interval]:
    """The gaps between busy intervals, the last one open-ended."""
    periods, cursor = [], 0.0
    for interval in sorted(busy, key=lambda i: i.start):
        if interval.start > cursor:
            periods.append(Interval(cursor, interval.start))
        cursor = max(cursor, interval.end)
    periods.append(Interval(cursor, float("inf")))
    return periods


def network_quiet_periods(requests: Sequence[Request]) -> list[Interval]:
    """Periods with at most 2 GET requests in flight (failed and non-GET requests ignored).

    A request is in flight from when the network stack took it up (as Lighthouse's
    `networkRequestTime`), not from when the page asked: one waiting in the browser's queue
    for a connection is not on the network yet.
    """
    events: list[tuple[float, int]] = []
    for r in requests:
        if r.method != "GET" or r.error or r.status >= 400 or r.end is None:
            continue
        if r.url.startswith(_NON_NETWORK):
            continue
        events += [(r.sent if r.sent is not None else r.start, 1), (r.end, -1)]
    busy, in_flight, busy_since = [], 0, 0.0
    for t, delta in sorted(events, key=lambda e: (e[0], -e[1])):
        before = in_flight
        in_flight += delta
        if before <= ALLOWED_IN_FLIGHT < in_flight:
            busy_since = t
        elif in_flight <= ALLOWED_IN_FLIGHT < before:
            busy.append(Interval(busy_since, t))
    return _quiet_periods(busy)


def time_to_interactive(
    fcp: float,
    tasks: Sequence[Interval],
    requests: Sequence[Request],
    dom_content_loaded: float | None = None,
) -> float:
    """Lighthouse's TTI: the CPU-quiet period that overlaps a network-quiet one for 5 s, but
    never before FCP nor before DOMContentLoaded."""
    floor = max(fcp, dom_content_loaded or 0.0)

    def long_enough(p: Interval) -> bool:
        return p.end > fcp + QUIET_WINDOW_MS and p.end - p.start >= QUIET_WINDOW_MS

    cpu = [p for p in _quiet_periods(tasks) if long_enough(p)]
    net = [p for p in network_quiet_periods(requests) if long_enough(p)]
    ci = ni = 0
    while ci < len(cpu) and ni < len(net):
        c, n = cpu[ci], net[ni]
        if c.start >= n.start:
            if n.end >= c.start + QUIET_WINDOW_MS:
                return max(c.start, floor)
            ni += 1
        else:
            if c.end >= n.start + QUIET_WINDOW_MS:
                return max(c.start, floor)
            ci += 1
    # Both lists end in an open-ended period, so the loop always returns; kept for safety.
    return max(floor, tasks[-1].end if tasks else floor)


def total_blocking_time(tasks: Sequence[Interval], start: float, end: float) -> float:
    total = 0.0
    for task in tasks:
        clipped = min(task.end, end) - max(task.start, start)
        if clipped > LONG_TASK_MS:
            total += clipped - LONG_TASK_MS
    return total


@dataclass(frozen=True)
class RunMetrics:
    """The numbers of one run (times in ms)."""

    fcp: float | None
    lcp: float | None
    cls: float
    tbt: float
    tti: float | None
    load: float | None
    requests: int
    bytes: int
    bytes_by_type: dict[str, int]
    cls_shifts: tuple[int, ...]
    """Indexes (in time order) of the shifts in the largest session window."""

    def value(self, metric: str) -> float | None:
        return float(getattr(self, metric)) if getattr(self, metric) is not None else None


def compute(run: RawRun) -> RunMetrics:
    observed = run.observed
    fcp = observed.get("fcp")
    lcp_entries = observed.get("lcp", [])
    # The trace's tasks when there is one (what Lighthouse counts), else the Long Tasks API's.
    tasks = long_tasks(run.tasks if run.tasks is not None else observed.get("longTasks", []))
    cls, members = cls_windows(observed.get("shifts", []))
    tti = (
        time_to_interactive(fcp, tasks, run.requests, run.dom_content_loaded)
        if fcp is not None
        else None
    )
    tbt = total_blocking_time(tasks, fcp, tti) if fcp is not None and tti is not None else 0.0
    by_type: dict[str, int] = {}
    for r in run.requests:
        group = TYPE_GROUPS.get(r.type, "other")
        by_type[group] = by_type.get(group, 0) + r.bytes
    return RunMetrics(
        fcp=fcp,
        lcp=lcp_entries[-1]["time"] if lcp_entries else None,
        cls=cls,
        tbt=tbt,
        tti=tti,
        load=run.load,
        requests=len(run.requests),
        bytes=sum(by_type.values()),
        bytes_by_type=dict(sorted(by_type.items())),
        cls_shifts=tuple(members),
    )


def median_of(runs: Sequence[RunMetrics], metric: str) -> float | None:
    values = [v for v in (r.value(metric) for r in runs) if v is not None]
    return statistics.median(values) if values else None


def representative(runs: Sequence[RunMetrics]) -> int:
    """The run closest to the medians of LCP and TTI (as Lighthouse picks its median run)."""
    lcp, tti = median_of(runs, "lcp") or 0.0, median_of(runs, "tti") or 0.0

    def distance(i: int) -> float:
        r = runs[i]
        return abs((r.lcp or 0.0) - lcp) / max(lcp, 1.0) + abs((r.tti or 0.0) - tti) / max(tti, 1.0)

    return min(range(len(runs)), key=distance)
