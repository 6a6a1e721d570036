"""`bundlewise cache info | prune | clear`, and the cache line of the build summary."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bundlewise.cache.local import LocalStore
from bundlewise.report.units import format_size

STAGES = (("images", "images"), ("compress", "compression"))


def summary_line(counts: Mapping[str, Any]) -> str | None:
    """`cache: images 12/12 hits (10 local, 2 remote), compression 30/34 hits (30 local, 0 remote)`."""
    parts = []
    for namespace, label in STAGES:
        c = counts.get(namespace)
        if not c:
            continue
        hits = c["local"] + c["remote"]
        total = hits + c["misses"]
        parts.append(f"{label} {hits}/{total} hits ({c['local']} local, {c['remote']} remote)")
    if not parts:
        return None
    tail = ""
    if counts.get("remote") and counts.get("remote_errors"):
        tail = f"; remote {counts['remote']}: {counts['remote_errors']} failure(s)"
    return "cache: " + ", ".join(parts) + tail


def info(root: Path, max_size: int) -> dict[str, Any]:
    """What `cache info` shows: entries and bytes by stage, the cap, the last build's hit rate."""
    store = LocalStore(root)
    entries = store.entries()
    by_namespace: dict[str, dict[str, int]] = {}
    for entry in entries:
        row = by_namespace.setdefault(entry.namespace, {"entries": 0, "bytes": 0})
        row["entries"] += 1
        row["bytes"] += entry.size
    return {
        "folder": str(root),
        "entries": len(entries),
        "bytes": sum(e.size for e in entries),
        "max_size": max_size,
        "namespaces": by_namespace,
        "last_build": store.read_last_build(),
    }


def render_info(data: Mapping[str, Any]) -> str:
    lines = [
        f"folder   {data['folder']}",
        f"entries  {data['entries']} ({format_size(data['bytes'])} of "
        f"{format_size(data['max_size'])} max)",
    ]
    for namespace, row in sorted(data["namespaces"].items()):
        lines.append(f"  {namespace:<10}{row['entries']:>6} entries  {format_size(row['bytes'])}")
    last = data.get("last_build")
    if last:
        rates = []
        for namespace, label in STAGES:
            c = last.get(namespace)
            if c:
                total = c["local"] + c["remote"] + c["misses"]
                rate = (c["local"] + c["remote"]) / total if total else 0.0
                rates.append(
                    f"{label} {rate:.0%} ({c['local']} local + {c['remote']} remote of {total})"
                )
        lines.append("last build hit rate: " + (", ".join(rates) or "nothing looked up"))
        if last.get("remote"):
            lines.append(f"remote   {last['remote']} ({last.get('remote_errors', 0)} failure(s))")
    else:
        lines.append("last build hit rate: no build recorded")
    return "\n".join(lines)


def prune(root: Path, max_size: int) -> tuple[int, int]:
    """Evict least recently used entries down to `max_size`; (entries, bytes) removed."""
    evicted = LocalStore(root).evict(max_size)
    return evicted.entries, evicted.bytes


def clear(root: Path) -> tuple[int, int]:
    """Remove every entry (and the last build's record); other files are left alone."""
    store = LocalStore(root)
    evicted = store.clear()
    (root / "last-build.json").unlink(missing_ok=True)
    return evicted.entries, evicted.bytes
