"""Lighthouse `budget.json`, read as is, so one budget file serves Lighthouse CI and bundlewise.

Its format: a list of budgets, each with an optional `path` (a URL path pattern: `*` matches
anything, a final `$` anchors the end; the last matching budget applies to a page),
`resourceSizes` (limits in KiB, on transfer size) and `resourceCounts` per `resourceType`, and
`timings`, which a build cannot measure: they are kept for a later browser run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bundlewise.errors import Location, Message

RESOURCE_TYPES = (
    "document",
    "font",
    "image",
    "media",
    "other",
    "script",
    "stylesheet",
    "third-party",
    "total",
)
# Our file kinds for each Lighthouse resource type ("total" is all of them). A build has no
# media or third-party files: those count 0.
KINDS_OF_TYPE = {
    "document": ("html",),
    "script": ("js",),
    "stylesheet": ("css",),
    "image": ("image",),
    "font": ("font",),
    "other": ("other",),
    "media": (),
    "third-party": (),
    "total": ("html", "js", "css", "image", "font", "other"),
}
_BUDGET_KEYS = ("path", "options", "resourceSizes", "resourceCounts", "timings")


@dataclass(frozen=True)
class LighthouseBudget:
    path: str | None
    sizes: tuple[tuple[str, float], ...]
    """(resource type, limit in KiB)."""
    counts: tuple[tuple[str, float], ...]
    timings: tuple[Mapping[str, Any], ...] = ()

    def matches(self, url_path: str) -> bool:
        if self.path is None:
            return True
        pattern = self.path
        anchored = pattern.endswith("$")
        regex = ".*".join(re.escape(part) for part in pattern.rstrip("$").split("*"))
        return re.match(regex + ("$" if anchored else ""), url_path) is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "resourceSizes": [{"resourceType": t, "budget": b} for t, b in self.sizes],
            "resourceCounts": [{"resourceType": t, "budget": b} for t, b in self.counts],
            "timings": [dict(t) for t in self.timings],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LighthouseBudget:
        return cls(
            path=data.get("path"),
            sizes=tuple((r["resourceType"], r["budget"]) for r in data.get("resourceSizes", [])),
            counts=tuple((r["resourceType"], r["budget"]) for r in data.get("resourceCounts", [])),
            timings=tuple(data.get("timings", [])),
        )


def page_url_paths(output: str) -> tuple[str, ...]:
    """The URL paths a page is served at: `about/index.html` is `/about/` and `/about/index.html`."""
    full = "/" + output
    if output == "index.html" or output.endswith("/index.html"):
        return (full[: -len("index.html")], full)
    return (full,)


def budget_for_page(budgets: tuple[LighthouseBudget, ...], output: str) -> LighthouseBudget | None:
    """The budget Lighthouse would apply to the page: the last one whose path matches."""
    urls = page_url_paths(output)
    found = None
    for b in budgets:
        if any(b.matches(u) for u in urls):
            found = b
    return found


def read_lighthouse(path: Path) -> tuple[tuple[LighthouseBudget, ...], list[Message]]:
    """Parse a budget.json; every problem becomes a message naming the file."""
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return (), [Message("budget.lighthouse: file not found", Location(where))]
    except (OSError, UnicodeDecodeError) as e:
        return (), [Message(f"cannot read Lighthouse budget: {e}", Location(where))]
    except json.JSONDecodeError as e:
        loc = Location(where, e.lineno, e.colno - 1)
        return (), [Message(f"Lighthouse budget is not valid JSON: {e.msg}", loc)]
    if not isinstance(data, list):
        return (), [Message("a Lighthouse budget must be a JSON array of budgets", Location(where))]
    messages: list[Message] = []
    budgets = []
    for i, raw in enumerate(data):
        budget = _budget(
            raw, f"budget[{i}]", lambda t: messages.append(Message(t, Location(where)))
        )
        if budget is not None:
            budgets.append(budget)
    return tuple(budgets), messages


def _budget(raw: object, at: str, error: Any) -> LighthouseBudget | None:
    if not isinstance(raw, dict):
        error(f"{at}: expected an object, got {json.dumps(raw)}")
        return None
    for key in sorted(set(raw) - set(_BUDGET_KEYS)):
        error(f"{at}: unknown key {key!r} (known keys: {', '.join(_BUDGET_KEYS)})")
    path = raw.get("path")
    if path is not None and (not isinstance(path, str) or not path.startswith("/")):
        error(f'{at}.path: {json.dumps(path)} must be a URL path starting with "/"')
        path = None
    timings = raw.get("timings", [])
    if not isinstance(timings, list) or not all(isinstance(t, dict) for t in timings):
        error(f"{at}.timings: expected a list of objects")
        timings = []
    return LighthouseBudget(
        path=path,
        sizes=_limits(raw.get("resourceSizes", []), f"{at}.resourceSizes", error),
        counts=_limits(raw.get("resourceCounts", []), f"{at}.resourceCounts", error),
        timings=tuple(timings),
    )


def _limits(raw: object, at: str, error: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(raw, list):
        error(f"{at}: expected a list")
        return ()
    limits: dict[str, float] = {}
    for i, item in enumerate(raw):
        kind = item.get("resourceType") if isinstance(item, dict) else None
        value = item.get("budget") if isinstance(item, dict) else None
        if kind not in RESOURCE_TYPES:
            error(
                f"{at}[{i}].resourceType: {json.dumps(kind)} is not one of {', '.join(RESOURCE_TYPES)}"
            )
        elif kind in limits:
            error(f"{at}[{i}]: resourceType {kind!r} appears twice")
        elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            error(f"{at}[{i}].budget: expected a non-negative number, got {json.dumps(value)}")
        else:
            limits[kind] = value
    return tuple(limits.items())
