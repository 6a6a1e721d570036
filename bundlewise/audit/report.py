"""The audit's results as data and text: JSON, the terminal table, Markdown, GitHub Actions.

`summarize` turns the page audits into one JSON-ready dict; everything else renders that dict,
so `--json` output can be rendered again later.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bundlewise import __version__
from bundlewise.audit.budgets import format_metric
from bundlewise.audit.metrics import METRICS
from bundlewise.audit.profiles import Profile
from bundlewise.errors import (
    EXIT_BUDGET_EXCEEDED,
    EXIT_BUILD_ERROR,
    EXIT_OK,
    BundlewiseError,
    Location,
    Message,
)

MAX_ANNOTATIONS = 10
LABELS = {"fcp": "FCP", "lcp": "LCP", "cls": "CLS", "tbt": "TBT", "tti": "TTI", "load": "Load"}


def summarize(
    audits: Sequence[Any], profile: Profile, runs: int, frames: bool = False
) -> dict[str, Any]:
    pages = [a.to_dict(frames=frames) for a in audits]
    failed = [row for p in pages for row in p["budget"] if not row["ok"]]
    broken = [p["page"] for p in pages if p["errors"]]
    return {
        "version": __version__,
        "profile": {
            "name": profile.name,
            "description": profile.describe(),
            "rtt_ms": profile.rtt_ms,
            "down_kbps": profile.down_kbps,
            "up_kbps": profile.up_kbps,
            "cpu_slowdown": profile.cpu_slowdown,
            "viewport": [profile.width, profile.height],
            "device_scale_factor": profile.device_scale_factor,
        },
        "runs": runs,
        "pages": pages,
        "ok": not failed and not broken,
        "budget": {"ok": not failed, "failed": failed},
        "broken_pages": broken,
    }


def exit_code(summary: Mapping[str, Any], fail_on_budget: bool = True) -> int:
    """1 when a page is broken (errors), 3 when a timing budget failed, else 0."""
    if summary["broken_pages"]:
        return EXIT_BUILD_ERROR
    if fail_on_budget and not summary["budget"]["ok"]:
        return EXIT_BUDGET_EXCEEDED
    return EXIT_OK


def dumps(summary: Mapping[str, Any]) -> str:
    return json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False)


def _failures(summary: Mapping[str, Any]) -> list[str]:
    lines = []
    for row in summary["budget"]["failed"]:
        lines.append(
            f"{row['page']}: {LABELS[row['metric']]} {format_metric(row['metric'], row['value'])}"
            f" exceeds the budget of {format_metric(row['metric'], row['limit'])}"
        )
    for page in summary["pages"]:
        for error in page["errors"]:
            lines.append(f"{page['page']}: {error['kind']}: {error['text']}")
    return lines


def _limit_of(page: Mapping[str, Any], metric: str) -> Mapping[str, Any] | None:
    return next((r for r in page["budget"] if r["metric"] == metric), None)


def _cell(page: Mapping[str, Any], metric: str, mark: tuple[str, str] = ("", " ✗")) -> str:
    value = page["metrics"].get(metric)
    row = _limit_of(page, metric)
    flag = "" if row is None else (mark[0] if row["ok"] else mark[1])
    return format_metric(metric, value) + flag


def verdict_line(summary: Mapping[str, Any]) -> str:
    if summary["ok"]:
        return f"✓ all {len(summary['pages'])} page(s) within the timing budget"
    count = len(summary["budget"]["failed"]) + len(summary["broken_pages"])
    return f"✗ {count} problem(s)"


def render_table(summary: Mapping[str, Any]) -> str:
    head = ["page", *(LABELS[m] for m in METRICS), "requests", "kB"]
    rows = [head]
    for page in summary["pages"]:
        rows.append([page["page"], *(_cell(page, m) for m in METRICS), str(page["requests"]),
                     f"{page['bytes'] / 1000:.1f}"])  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [
        f"audit · {summary['profile']['description']} · median of {summary['runs']} run(s)",
        "",
    ]
    for r in rows:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    for page in summary["pages"]:
        lines += _details(page)
    lines.append("")
    lines += [f"✗ {line}" for line in _failures(summary)]
    lines.append(verdict_line(summary))
    return "\n".join(lines)


def _details(page: Mapping[str, Any]) -> list[str]:
    lines = ["", f"{page['page']}:"]
    lcp = page["lcp_element"]
    if lcp:
        what = lcp["url"].rsplit("/", 1)[-1] if lcp["url"] else f"text “{lcp['text'][:40]}”"
        lines.append(f"  LCP element: {lcp['selector']} ({what})")
    for shift in page["shifts"]:
        if shift["value"] >= 0.001:
            cause = shift["cause"]
            lines.append(f"  layout shift {shift['value']:.3f} at {shift['time'] / 1000:.2f} s: "
                         f"{cause['element']}: {cause['detail']}")  # fmt: skip
    by_type = ", ".join(f"{k} {v / 1000:.1f} kB" for k, v in page["bytes_by_type"].items())
    lines.append(f"  transferred: {by_type}")
    return lines


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(summary: Mapping[str, Any]) -> str:
    lines = [
        "<!-- bundlewise-audit -->",
        "### bundlewise audit",
        "",
        f"{verdict_line(summary)} · {summary['profile']['description']} · median of "
        f"{summary['runs']} run(s)",
        "",
        "| Page | " + " | ".join(LABELS[m] for m in METRICS) + " | Requests | Transferred |",
        "|---|" + "---:|" * (len(METRICS) + 2),
    ]
    for page in summary["pages"]:
        cells = [_cell(page, m, (" ✅", " ❌")) for m in METRICS]
        lines.append(f"| {_md(page['page'])} | " + " | ".join(cells)
                     + f" | {page['requests']} | {page['bytes'] / 1000:.1f} kB |")  # fmt: skip
    failures = _failures(summary)
    if failures:
        lines += ["", *(f"- ❌ {_md(f)}" for f in failures)]
    causes = [(p["page"], s) for p in summary["pages"] for s in p["shifts"] if s["value"] >= 0.01]
    if causes:
        lines += ["", "<details><summary>Layout shifts</summary>", ""]
        lines += [f"- {_md(page)}: {s['value']:.3f} — `{_md(s['cause']['element'])}`: "
                  f"{_md(s['cause']['detail'])}" for page, s in causes]  # fmt: skip
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_output(summary: Mapping[str, Any], env: Mapping[str, str]) -> list[str]:
    """On GitHub Actions: the Markdown in the step summary; returns `::error` annotations."""
    if env.get("GITHUB_ACTIONS") != "true":
        return []
    path = env.get("GITHUB_STEP_SUMMARY")
    if path:
        try:
            with Path(path).open("a", encoding="utf-8", newline="\n") as f:
                f.write(render_markdown(summary) + "\n")
        except OSError as e:
            text = f"cannot append to the GitHub step summary: {e.strerror or e}"
            raise BundlewiseError(Message(text, Location(path))) from None
    return [
        f"::error title=bundlewise audit::{_escape_data(line)}"
        for line in _failures(summary)[:MAX_ANNOTATIONS]
    ]
