"""One load of one page under a profile, recorded as plain data (`RawRun`).

A fresh browser context per run (empty cache, no cookies, no service worker), DevTools throttling
of network and CPU (`profiles`), the browser's cache disabled, and three recorders:

- the in-page observer (`observer.js`): LCP, layout shifts with their nodes, long tasks, FCP;
- the DevTools network domain: every request with its type, timing, bytes and outcome;
- the DevTools screencast: frames of the viewport as it paints, for the filmstrip;
- a DevTools trace of the main thread's tasks (`trace`), for TBT and TTI as Lighthouse counts.

The run ends after the load event, once the network has been idle for a second (with a ceiling,
so a page that never settles still ends). The page itself is not polled while it loads: every
question asked of it is a task on the main thread being measured, and under 4× CPU slowdown
such polling showed up as long tasks of its own, pushing TTI out.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from bundlewise.audit.profiles import Profile
from bundlewise.audit.trace import Trace

QUIET_MS = 1000
"""The network idle for this long after the load event ends a run."""
SETTLE_CEILING_S = 20.0
"""The longest a run waits for quiet after the load event."""
NAVIGATION_TIMEOUT_MS = 60_000
FRAME_WIDTH = 200
"""Filmstrip frames are scaled to this width: enough to see what painted, small to store."""


def observer_script() -> str:
    return files("bundlewise.audit").joinpath("observer.js").read_text(encoding="utf-8")


@dataclass
class Request:
    id: str
    url: str
    type: str
    start: float
    """Page clock (ms since navigation start): when the page asked for it."""
    sent: float | None = None
    """When the network stack took it up, after the browser's own queue (a host's six
    HTTP/1.1 connections, low-priority requests held back); None when no response came."""
    response: float | None = None
    end: float | None = None
    bytes: int = 0
    status: int = 0
    method: str = "GET"
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "type": self.type,
            "start": self.start,
            "sent": self.sent,
            "response": self.response,
            "end": self.end,
            "bytes": self.bytes,
            "status": self.status,
            "method": self.method,
            "error": self.error,
        }


@dataclass
class RawRun:
    """What one load recorded; times are ms on the page's clock (0 = navigation start)."""

    url: str
    observed: dict[str, Any] = field(default_factory=dict)
    load: float | None = None
    dom_content_loaded: float | None = None
    requests: list[Request] = field(default_factory=list)
    frames: list[tuple[float, str]] = field(default_factory=list)
    """(time, base64 JPEG) of each screencast frame."""
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    viewport: tuple[int, int] = (0, 0)
    ended: float = 0.0
    tasks: list[dict[str, float]] | None = None
    """Top-level main-thread tasks from the trace: `start`, `end` (page clock) and `duration`
    (ms, as traced); None when no trace was taken."""


class _Recorder:
    """Collects the DevTools events of one run and converts their clocks to the page's."""

    def __init__(self, run: RawRun) -> None:
        self.run = run
        self.by_id: dict[str, Request] = {}
        self.wall_offset: float | None = None
        """Wall-clock seconds minus DevTools monotonic seconds (from `requestWillBeSent`)."""
        self.time_origin: float | None = None
        """The page's `performance.timeOrigin` (epoch ms), learned at the first request."""
        self.raw_frames: list[tuple[float, str]] = []
        self.last_activity = time.monotonic()

    def page_ms(self, monotonic_s: float) -> float:
        assert self.wall_offset is not None and self.time_origin is not None
        return (monotonic_s + self.wall_offset) * 1000 - self.time_origin

    def in_flight(self) -> int:
        return sum(1 for r in self.by_id.values() if r.end is None)

    def on_request(self, event: dict[str, Any]) -> None:
        self.last_activity = time.monotonic()
        if self.wall_offset is None:
            self.wall_offset = event["wallTime"] - event["timestamp"]
            # The document request starts right after navigation start; the observer's clock
            # is refined from the page's own timeOrigin once the page exists.
            self.time_origin = event["wallTime"] * 1000
        request_id = event["requestId"]
        previous = self.by_id.get(request_id)
        if previous is not None and event.get("redirectResponse"):
            # A redirect: the same id goes on with the new URL; the hop ends here.
            previous.end = self.page_ms(event["timestamp"])
            previous.status = event["redirectResponse"].get("status", 0)
        request = Request(
            id=request_id,
            url=event["request"]["url"],
            type=str(event.get("type", "Other")).lower(),
            start=self.page_ms(event["timestamp"]),
            method=event["request"].get("method", "GET"),
        )
        self.by_id[request_id] = request
        self.run.requests.append(request)

    def on_response(self, event: dict[str, Any]) -> None:
        request = self.by_id.get(event["requestId"])
        if request is not None:
            request.response = self.page_ms(event["timestamp"])
            request.status = event["response"].get("status", 0)
            timing = event["response"].get("timing") or {}
            if timing.get("requestTime"):
                request.sent = self.page_ms(timing["requestTime"])

    def on_finished(self, event: dict[str, Any]) -> None:
        self.last_activity = time.monotonic()
        request = self.by_id.get(event["requestId"])
        if request is not None:
            request.end = self.page_ms(event["timestamp"])
            request.bytes = int(event.get("encodedDataLength", 0))

    def on_failed(self, event: dict[str, Any]) -> None:
        self.last_activity = time.monotonic()
        request = self.by_id.get(event["requestId"])
        if request is not None:
            request.end = self.page_ms(event["timestamp"])
            request.error = "canceled" if event.get("canceled") else event.get("errorText", "")

    def rebase(self, time_origin: float) -> None:
        """Move every recorded time onto the page's clock, now that its timeOrigin is known."""
        if self.time_origin is None:
            return
        shift = self.time_origin - time_origin
        for r in self.run.requests:
            r.start += shift
            r.sent = None if r.sent is None else r.sent + shift
            r.response = None if r.response is None else r.response + shift
            r.end = None if r.end is None else r.end + shift
        self.time_origin = time_origin


async def measure(
    browser: Any, url: str, profile: Profile, *, filmstrip: bool = True, tracing: bool = True
) -> RawRun:
    """Load `url` once under `profile` in a fresh context of `browser`; return what it recorded.

    `tracing` records the main thread's tasks; a trace is browser-wide, so only one load at a
    time may take one (without it, long tasks come from the Long Tasks API).
    """
    run = RawRun(url, viewport=(profile.width, profile.height))
    context = await browser.new_context(
        viewport={"width": profile.width, "height": profile.height},
        device_scale_factor=profile.device_scale_factor,
        is_mobile=profile.mobile,
        has_touch=profile.mobile,
        user_agent=profile.user_agent,
        service_workers="block",
    )
    try:
        await context.add_init_script(script=observer_script())
        page = await context.new_page()
        page.on("console", lambda m: _on_console(run, m))
        page.on("pageerror", lambda e: run.page_errors.append(_error_text(e)))
        cdp = await context.new_cdp_session(page)
        recorder = _Recorder(run)
        await _throttle(cdp, profile)
        cdp.on("Network.requestWillBeSent", recorder.on_request)
        cdp.on("Network.responseReceived", recorder.on_response)
        cdp.on("Network.loadingFinished", recorder.on_finished)
        cdp.on("Network.loadingFailed", recorder.on_failed)
        if filmstrip:
            await _start_screencast(cdp, profile, recorder)
        trace = Trace(cdp) if tracing else None
        if trace is not None:
            await trace.start()
        try:
            await page.goto(url, wait_until="load", timeout=NAVIGATION_TIMEOUT_MS)
        except Exception as exc:  # Playwright's Error: refused, DNS, timeout, ...
            run.page_errors.append("navigation failed: " + _first_line(exc))
            return run
        await _settle(page, recorder)
        if filmstrip:
            await cdp.send("Page.stopScreencast")
        state = await page.evaluate(_READ_STATE)
        tasks = await trace.stop() if trace is not None else []
        recorder.rebase(state["timeOrigin"])
        if tasks and recorder.wall_offset is not None:
            run.tasks = [
                {"start": recorder.page_ms(t.start), "end": recorder.page_ms(t.end),
                 "duration": t.duration}
                for t in tasks
            ]  # fmt: skip
        run.observed = state["observed"] or {}
        run.load = state["load"]
        run.dom_content_loaded = state["domContentLoaded"]
        run.ended = state["now"]
        run.frames = [((t * 1000) - state["timeOrigin"], data) for t, data in recorder.raw_frames]
    finally:
        await context.close()
    return run


_READ_STATE = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    observed: window.__bundlewiseAudit || null,
    timeOrigin: performance.timeOrigin,
    now: performance.now(),
    load: nav && nav.loadEventEnd ? nav.loadEventEnd : null,
    domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
  };
}"""


async def _throttle(cdp: Any, profile: Profile) -> None:
    await cdp.send("Network.enable")
    await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    await cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": profile.request_latency_ms,
            "downloadThroughput": profile.download_bytes_per_s,
            "uploadThroughput": profile.upload_bytes_per_s,
        },
    )
    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile.cpu_slowdown})


async def _start_screencast(cdp: Any, profile: Profile, recorder: _Recorder) -> None:
    def on_frame(event: dict[str, Any]) -> None:
        recorder.raw_frames.append((event["metadata"]["timestamp"], event["data"]))
        ack = cdp.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})
        asyncio.ensure_future(ack).add_done_callback(lambda f: f.exception())

    cdp.on("Page.screencastFrame", on_frame)
    await cdp.send("Page.enable")
    height = round(FRAME_WIDTH * profile.height / profile.width)
    await cdp.send(
        "Page.startScreencast",
        {"format": "jpeg", "quality": 50, "maxWidth": FRAME_WIDTH, "maxHeight": height},
    )


async def _settle(page: Any, recorder: _Recorder) -> None:
    """Wait until the network has been idle for QUIET_MS (at most the ceiling).

    Watched from the browser's side only: asking the page would itself run tasks on the main
    thread being measured (long tasks after this point are still in the trace).
    """
    deadline = time.monotonic() + SETTLE_CEILING_S
    while time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        quiet_since = recorder.last_activity
        if recorder.in_flight() == 0 and time.monotonic() - quiet_since >= QUIET_MS / 1000:
            return


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _on_console(run: RawRun, message: Any) -> None:
    # The browser asks for /favicon.ico on its own; its absence is no error of the page.
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        run.console_errors.append(message.text)


def _error_text(error: Any) -> str:
    """A page error as the console shows it: `Name: message` (the stack's first line)."""
    stack = getattr(error, "stack", None) or ""
    first = stack.strip().splitlines()[0] if stack.strip() else ""
    message = getattr(error, "message", None) or str(error)
    name = getattr(error, "name", "") or "Error"
    return first or f"{name}: {message}"
