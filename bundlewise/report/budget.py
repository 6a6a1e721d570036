"""The `[budget]` table: size limits a build must meet, validated all at once.

```toml
[budget]
measure = "gzip"            # gzip | brotli | raw
initial = "200 kB"          # each page's initial JS+CSS (false: no per-page limit)
total = "1 MB"              # every file a browser may download (source maps excluded)
max_increase = "5%"         # or "+10 kB": growth allowed against `bundlewise report --baseline`
lighthouse = "budget.json"  # a Lighthouse budget file, read as is

[budget.pages]              # per-page `initial` overrides, by page source glob
"admin/*" = "400 kB"

[budget.kinds]              # the total of one kind of file
js = "300 kB"

[budget.files]              # each file matching a glob (output path or manifest key)
"assets/vendor-*.js" = "150 kB"
```

The timing keys (`lcp`, `cls`, `tbt`, `tti`, `fcp`, `load`, `[budget.timings]`) are checked by
`bundlewise audit`; see `bundlewise.audit.budgets`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from bundlewise.audit.budgets import TIMING_KEYS, TimingBudget, parse_timing_budget
from bundlewise.config_schema import Problems, suggest
from bundlewise.report.lighthouse import LighthouseBudget, read_lighthouse
from bundlewise.report.measured import SHIPPED_KINDS, Measure
from bundlewise.report.units import Increase, parse_increase, parse_size

DEFAULT_INITIAL = 200_000
_KEYS = ("measure", "initial", "total", "max_increase", "lighthouse", "pages", "kinds", "files",
         *TIMING_KEYS, "timings")  # fmt: skip


@dataclass(frozen=True)
class BudgetConfig:
    """The `[budget]` table as the size report checks it (see the module docstring for keys)."""

    measure: Measure = "gzip"
    """Which bytes count: gzip or brotli sizes (what the browser downloads), or raw."""
    initial: int | None = DEFAULT_INITIAL
    """Limit on each page's initial JS+CSS, in bytes of `measure`; None for no limit."""
    pages: tuple[tuple[str, int], ...] = ()
    """(page source glob, limit) overriding `initial`; the last matching glob wins."""
    total: int | None = None
    """Limit on every file a browser may download (source maps excluded); None for no limit."""
    kinds: tuple[tuple[str, int], ...] = ()
    """(kind, limit) on the total of one kind of file (js, css, image, ...)."""
    files: tuple[tuple[str, int], ...] = ()
    """(glob, limit) on each file matching the glob (output path or manifest key)."""
    max_increase: Increase | None = None
    """Growth allowed against `bundlewise report --baseline`."""
    lighthouse_path: str | None = None
    """The `lighthouse` key: a Lighthouse budget.json, relative to the config file."""
    lighthouse: tuple[LighthouseBudget, ...] = ()
    """That file's budgets, read with the config."""
    timing: TimingBudget = field(default_factory=TimingBudget)
    """Limits `bundlewise audit` checks (the `lcp`, `cls`, ... keys); not part of the stats."""

    def to_dict(self) -> dict[str, Any]:
        """The budget as stats carry it, so that `bundlewise report` can re-check it."""
        inc = self.max_increase
        return {
            "measure": self.measure,
            "initial": self.initial,
            "pages": dict(self.pages),
            "total": self.total,
            "kinds": dict(self.kinds),
            "files": dict(self.files),
            "max_increase": None if inc is None else {"percent": inc.percent, "bytes": inc.bytes},
            "lighthouse_path": self.lighthouse_path,
            "lighthouse": [b.to_dict() for b in self.lighthouse],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BudgetConfig:
        """The inverse of `to_dict` (for stats written by this version)."""
        inc = data.get("max_increase")
        return cls(
            measure=data.get("measure", "gzip"),
            initial=data.get("initial"),
            pages=tuple(data.get("pages", {}).items()),
            total=data.get("total"),
            kinds=tuple(data.get("kinds", {}).items()),
            files=tuple(data.get("files", {}).items()),
            max_increase=Increase(inc.get("percent"), inc.get("bytes")) if inc else None,
            lighthouse_path=data.get("lighthouse_path"),
            lighthouse=tuple(LighthouseBudget.from_dict(b) for b in data.get("lighthouse", [])),
        )


def read_budget(table: object, problems: Problems, base_dir: Path) -> BudgetConfig:
    """The `[budget]` table; its problems go to `problems` (the config file's). `lighthouse` is
    relative to `base_dir`, the config file's folder."""
    if not isinstance(table, Mapping):
        problems.add("", "budget", f"expected a table, got {table!r}")
        return BudgetConfig()
    return _Parser(problems, base_dir).parse(table)


def budget_to_check(budget: BudgetConfig, compressed: bool) -> tuple[BudgetConfig, str]:
    """The budget a build checks, and a line of information when it differs from the config:
    without compressed sizes to measure, it is checked on raw sizes (larger, so the check errs
    on the safe side)."""
    if budget.measure == "raw" or compressed:
        return budget, ""
    info = f"compression is off: budgets are checked on raw sizes, not {budget.measure}"
    return replace(budget, measure="raw"), info


class _Parser:
    """The `[budget]` keys do not map one to one onto `BudgetConfig` (sizes in units, timing
    keys for the audit, a budget.json to read), so they are read here; unknown keys and the
    message shape are the shared validator's."""

    def __init__(self, problems: Problems, base_dir: Path) -> None:
        self.problems = problems
        self.base_dir = base_dir

    def error(self, key: str, text: str) -> None:
        self.problems.add("budget", key, text)

    def parse(self, data: Mapping[str, Any]) -> BudgetConfig:
        for key in data:
            if key not in _KEYS:
                self.problems.unknown("budget", key, _KEYS)
        measure = data.get("measure", "gzip")
        if measure not in ("raw", "gzip", "brotli"):
            self.error("measure", f"expected one of 'gzip', 'brotli', 'raw', got {measure!r}")
            measure = "gzip"
        initial = data.get("initial", DEFAULT_INITIAL)
        config = BudgetConfig(
            measure=cast(Measure, measure),
            initial=None if initial is False else self.size("initial", initial),
            pages=self.table("pages", data.get("pages", {})),
            total=self.size("total", data["total"]) if "total" in data else None,
            kinds=self.table("kinds", data.get("kinds", {}), allowed=SHIPPED_KINDS),
            files=self.table("files", data.get("files", {})),
            max_increase=self.increase(data.get("max_increase")),
            **self.lighthouse(data.get("lighthouse")),
            timing=parse_timing_budget(data, self.error),
        )
        return config

    def size(self, key: str, value: object) -> int | None:
        try:
            return parse_size(value)
        except ValueError as e:
            self.error(key, str(e))
            return None

    def table(
        self, key: str, value: object, allowed: tuple[str, ...] | None = None
    ) -> tuple[tuple[str, int], ...]:
        if not isinstance(value, Mapping):
            self.error(key, f"expected a table of limits, got {value!r}")
            return ()
        limits: list[tuple[str, int]] = []
        for name, raw in value.items():
            if allowed is not None and name not in allowed:
                self.error(f"{key}.{name}", f"unknown kind {suggest(name, allowed)}")
                continue
            limit = self.size(f"{key}.{name}", raw)
            if limit is not None:
                limits.append((name, limit))
        return tuple(limits)

    def increase(self, value: object) -> Increase | None:
        if value is None:
            return None
        try:
            return parse_increase(value)
        except ValueError as e:
            self.error("max_increase", f'{e} (write e.g. "5%" or "+10 kB")')
            return None

    def lighthouse(self, value: object) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, str) or not value:
            self.error("lighthouse", f"expected the path of a budget.json file, got {value!r}")
            return {}
        budgets, messages = read_lighthouse(self.base_dir / value)
        self.problems.messages.extend(messages)  # about budget.json, located in that file
        return {"lighthouse_path": value, "lighthouse": budgets}
