"""What changed since a baseline build: files, pages, modules and npm packages.

Files are matched by manifest key (their source), not by name, so a new content hash is not a
new file. Files without a key (shared chunks) are matched by their name without the hash.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bundlewise.report.measured import Measurements

# A content hash before the extension: esbuild's base32 (`-3XKJ2ZQH`) or lowercase hex with a digit.
_HASH = re.compile(r"-(?:[A-Z0-9]{8,}|(?=[a-f]*\d)[0-9a-f]{8,})(?=\.[^./]+$)")


@dataclass(frozen=True)
class Delta:
    key: str
    label: str
    before: int | None
    """None: the thing is new."""
    after: int | None
    """None: the thing is gone."""

    @property
    def change(self) -> int:
        return (self.after or 0) - (self.before or 0)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "before": self.before, "after": self.after}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Delta:
        return cls(data["key"], data["label"], data["before"], data["after"])


def match_key(path: str, kind: str, manifest_key: str | None) -> str:
    """What identifies a file across builds (hash changes do not matter)."""
    return f"{_HASH.sub('', manifest_key or path)} [{kind}]"


def _by_key(stats: Measurements, measure: str) -> dict[str, tuple[str, int]]:
    """Match key → (label, size); files sharing a key are summed under one label."""
    groups: dict[str, list[tuple[str, int]]] = {}
    for path, entry in sorted(stats.files.items()):
        if entry.kind in ("map", "manifest"):
            continue
        key = match_key(path, entry.kind, entry.manifest_key)
        groups.setdefault(key, []).append((path, entry.size(measure)))
    out = {}
    for key, items in groups.items():
        label = items[0][0] if len(items) == 1 else f"{items[0][0]} (+{len(items) - 1} more)"
        out[key] = (label, sum(size for _, size in items))
    return out


def _diff(
    before: Mapping[str, tuple[str, int]], after: Mapping[str, tuple[str, int]]
) -> tuple[Delta, ...]:
    deltas = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        label = a[0] if a else b[0] if b else key
        delta = Delta(key, label, b[1] if b else None, a[1] if a else None)
        if delta.change or (a is None) != (b is None):
            deltas.append(delta)
    # Largest change first; the key keeps ties in a fixed order.
    return tuple(sorted(deltas, key=lambda d: (-abs(d.change), d.key)))


def file_deltas(current: Measurements, baseline: Measurements, measure: str) -> tuple[Delta, ...]:
    return _diff(_by_key(baseline, measure), _by_key(current, measure))


def page_deltas(current: Measurements, baseline: Measurements, measure: str) -> tuple[Delta, ...]:
    def pages(stats: Measurements) -> dict[str, tuple[str, int]]:
        return {s: (s, p.initial_js_css.size(measure)) for s, p in stats.pages.items()}

    return _diff(pages(baseline), pages(current))


def module_deltas(current: Measurements, baseline: Measurements) -> tuple[Delta, ...]:
    """Bytes each source module contributes to the output, summed over chunks."""

    def modules(stats: Measurements) -> dict[str, tuple[str, int]]:
        sums: dict[str, int] = {}
        for chunk in stats.chunks.values():
            for module, size in chunk.modules.items():
                sums[module] = sums.get(module, 0) + size
        return {m: (m, s) for m, s in sums.items()}

    return _diff(modules(baseline), modules(current))


def package_deltas(current: Measurements, baseline: Measurements) -> tuple[Delta, ...]:
    def packages(stats: Measurements) -> dict[str, tuple[str, int]]:
        return {p: (p, e.bytes) for p, e in stats.packages.items()}

    return _diff(packages(baseline), packages(current))
