"""Main-thread tasks of the page from a DevTools trace, as Lighthouse finds its long tasks.

The Long Tasks API misses work the browser does outside script (style, layout, paint after a
font or image arrives); Lighthouse counts every top-level task of the renderer's main thread,
from a trace. We record the same trace categories it reads tasks from, and keep the top-level
tasks (`RunTask` and its older names) of the page's main thread (`CrRendererMain` of the
process that rendered the page's main frame).

Two tasks sometimes overlap in Chrome's traces (a Chrome bug Lighthouse works around): as in
Lighthouse's `getMainThreadTopLevelEvents`, the earlier one then ends just before the later one
starts, while its recorded duration (what makes it a long task) stays as traced.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

CATEGORIES = ("toplevel", "disabled-by-default-devtools.timeline", "devtools.timeline")
TASK_NAMES = frozenset(
    ("RunTask", "ThreadControllerImpl::RunTask", "ThreadControllerImpl::DoWork",
     "TaskQueueManager::ProcessTaskFromWorkQueue")
)  # fmt: skip


@dataclass(frozen=True)
class TraceTask:
    start: float
    """DevTools monotonic seconds."""
    end: float
    """DevTools monotonic seconds; before `start + duration` when the next task overlaps."""
    duration: float
    """Milliseconds, as traced."""


class Trace:
    """`await trace.start()` before the navigation, `await trace.stop()` → task intervals."""

    def __init__(self, cdp: Any) -> None:
        self.cdp = cdp
        self.events: list[Mapping[str, Any]] = []
        self.done = asyncio.get_running_loop().create_future()
        cdp.on("Tracing.dataCollected", lambda e: self.events.extend(e.get("value", [])))
        cdp.on("Tracing.tracingComplete", self._complete)

    def _complete(self, event: Any) -> None:
        if not self.done.done():
            self.done.set_result(None)

    async def start(self) -> None:
        await self.cdp.send(
            "Tracing.start",
            {"traceConfig": {"includedCategories": list(CATEGORIES)},
             "transferMode": "ReportEvents"},
        )  # fmt: skip

    async def stop(self, timeout: float = 30.0) -> list[TraceTask]:
        """Each top-level task of the page's main thread."""
        await self.cdp.send("Tracing.end")
        await asyncio.wait_for(self.done, timeout)
        return main_thread_tasks(self.events)


def _main_thread(events: Iterable[Mapping[str, Any]]) -> tuple[int, int] | None:
    """(pid, tid) of the main thread of the process that rendered the outermost frame."""
    pids: list[int] = []
    for e in events:
        if e.get("name") == "TracingStartedInBrowser":
            for frame in e.get("args", {}).get("data", {}).get("frames", []):
                if not frame.get("parent") and frame.get("processId"):
                    pids.append(frame["processId"])
        elif e.get("name") == "FrameCommittedInBrowser":
            data = e.get("args", {}).get("data", {})
            if not data.get("parent") and data.get("processId"):
                pids.append(data["processId"])
    threads = {
        e["pid"]: e["tid"]
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
    }  # fmt: skip
    for pid in reversed(pids):  # the last commit is the page after any redirect
        if pid in threads:
            return pid, threads[pid]
    return None


def main_thread_tasks(events: list[Mapping[str, Any]]) -> list[TraceTask]:
    where = _main_thread(events)
    if where is None:
        return []
    tasks = sorted(
        (e["ts"] / 1e6, e["dur"] / 1e3)
        for e in events
        if (e.get("pid"), e.get("tid")) == where and e.get("name") in TASK_NAMES and e.get("dur")
    )
    top: list[TraceTask] = []
    for start, duration in tasks:
        if top and start < top[-1].end:
            top[-1] = replace(top[-1], end=start - 1e-6)  # Lighthouse: 1 µs before the next
        top.append(TraceTask(start, start + duration / 1000, duration))
    return top
