"""The visual audit report: one self-contained HTML file (inline CSS, frames as data: URIs).

Per page: the metrics against their budgets, a filmstrip of the viewport over the load with the
LCP element outlined on the frame where it painted, each layout shift drawn as before/after
boxes, and the request waterfall. Every value reaches the page through Jinja2's autoescape.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bundlewise.audit.budgets import format_metric
from bundlewise.audit.metrics import METRICS
from bundlewise.audit.report import LABELS, _failures, verdict_line
from bundlewise.errors import BundlewiseError, Location, Message

FILMSTRIP_FRAMES = 10


def render_html(summary: Mapping[str, Any]) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bundlewise.audit", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["metric"] = lambda v, m: format_metric(m, v)
    return env.get_template("audit.html.j2").render(
        summary=summary,
        verdict=verdict_line(summary),
        failures=_failures(summary),
        metrics=METRICS,
        labels=LABELS,
        pages=[page_view(p) for p in summary["pages"]],
    )


def write_html(path: Path, summary: Mapping[str, Any]) -> None:
    try:
        path.write_text(render_html(summary), encoding="utf-8", newline="\n")
    except OSError as e:
        text = f"cannot write the HTML audit report: {e.strerror or e}"
        raise BundlewiseError(Message(text, Location(str(path)))) from None


def _frames(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    """At most FILMSTRIP_FRAMES frames, evenly over the load; the LCP frame always included."""
    frames = [f for f in page.get("frames", []) if f["time"] >= 0]
    if len(frames) > FILMSTRIP_FRAMES:
        step = len(frames) / FILMSTRIP_FRAMES
        picked = {int(i * step) for i in range(FILMSTRIP_FRAMES)} | {len(frames) - 1}
        lcp_time = (page.get("lcp_element") or {}).get("time")
        if lcp_time is not None:
            after = [i for i, f in enumerate(frames) if f["time"] >= lcp_time]
            if after:
                picked.add(after[0])
        frames = [frames[i] for i in sorted(picked)]
    return frames


def _box(rect: Mapping[str, float] | None, viewport: list[int]) -> dict[str, float] | None:
    """A rect in CSS pixels as percentages of the viewport (for an overlay on a frame)."""
    if not rect or not viewport[0]:
        return None
    w, h = viewport
    return {
        "left": 100 * rect["x"] / w,
        "top": 100 * rect["y"] / h,
        "width": 100 * rect["width"] / w,
        "height": 100 * rect["height"] / h,
    }


def page_view(page: Mapping[str, Any]) -> dict[str, Any]:
    viewport = page["viewport"]
    frames = _frames(page)
    lcp = page.get("lcp_element")
    lcp_frame = None
    if lcp and frames:
        lcp_frame = next((f for f in frames if f["time"] >= lcp["time"]), frames[-1])
    requests = page["waterfall"]
    end = max([r["end"] or r["start"] for r in requests] + [page["metrics"].get("load") or 1.0])
    marks = [(LABELS[m], page["metrics"][m]) for m in ("fcp", "lcp", "load")]
    return {
        "page": page,
        "frames": frames,
        "lcp_frame": lcp_frame,
        "lcp_box": _box(lcp["rect"], viewport) if lcp else None,
        "last_frame": frames[-1] if frames else None,
        "shifts": [
            {
                "shift": s,
                "boxes": [
                    (_box(src["before"], viewport), _box(src["after"], viewport))
                    for src in s["sources"]
                ],
            }
            for s in page["shifts"]
        ],
        "waterfall": [
            {
                "request": r,
                "name": r["url"].rsplit("/", 1)[-1] or r["url"],
                "left": 100 * r["start"] / end,
                "wait": 100 * ((r["response"] or r["start"]) - r["start"]) / end,
                "download": 100
                * max(0.0, (r["end"] or r["start"]) - (r["response"] or r["start"]))
                / end,
            }
            for r in requests
        ],
        "marks": [(label, 100 * t / end) for label, t in marks if t is not None],
        "end": end,
    }
