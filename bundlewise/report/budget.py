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
from typing import Annotated, Any

from bundlewise.audit.budgets import TimingBudget, parse_timing_budget
from bundlewise.config_schema import Check, Parse, Problems, read_section, suggest
from bundlewise.report.lighthouse import LighthouseBudget, read_lighthouse
from bundlewise.report.measured import SHIPPED_KINDS, Measure
from bundlewise.report.units import Increase, parse_increase, parse_size

DEFAULT_INITIAL = 200_000


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


def _size_or_off(value: object) -> int | None:
    return None if value is False else parse_size(value)


def _increase(value: object) -> Increase:
    try:
        return parse_increase(value)
    except ValueError as e:
        raise ValueError(f'{e} (write e.g. "5%" or "+10 kB")') from None


def _budget_json(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected the path of a budget.json file, got {value!r}")
    return value


def _kind(value: str) -> str:
    if value not in SHIPPED_KINDS:
        raise ValueError(f"unknown kind {suggest(value, SHIPPED_KINDS)}")
    return value


Size = Annotated[int, Parse(parse_size, 'a size such as "200 kB"')]


@dataclass(frozen=True)
class BudgetTable:
    """The `[budget]` table as written (keys in the module docstring); `read_budget` turns it into
    the `BudgetConfig` the report checks."""

    measure: Measure = "gzip"
    initial: Annotated[int | None, Parse(_size_or_off)] = DEFAULT_INITIAL
    """`false` turns the per-page limit off."""
    total: Annotated[int | None, Parse(parse_size)] = None
    max_increase: Annotated[Increase | None, Parse(_increase)] = None
    lighthouse: Annotated[str | None, Parse(_budget_json)] = None
    pages: Mapping[str, Size] = field(default_factory=dict)
    kinds: Mapping[Annotated[str, Check(_kind)], Size] = field(default_factory=dict)
    files: Mapping[str, Size] = field(default_factory=dict)
    # The audit's timing limits: what a value may be depends on the metric (a time, or a layout
    # shift score for cls), so `audit.budgets.parse_timing_budget` reads them, into the same
    # Problems.
    fcp: Any = None
    lcp: Any = None
    cls: Any = None
    tbt: Any = None
    tti: Any = None
    load: Any = None
    timings: Any = None


def read_budget(table: object, problems: Problems, base_dir: Path) -> BudgetConfig:
    """The `[budget]` table; its problems go to `problems` (the config file's). `lighthouse` is
    relative to `base_dir`, the config file's folder."""
    written = read_section(BudgetTable, table, problems, "budget")
    timing = parse_timing_budget(
        table if isinstance(table, Mapping) else {},
        lambda key, text: problems.add("budget", key, text),
    )
    lighthouse: tuple[LighthouseBudget, ...] = ()
    if written.lighthouse:
        lighthouse, messages = read_lighthouse(base_dir / written.lighthouse)
        problems.messages.extend(messages)  # about budget.json, located in that file
    return BudgetConfig(
        measure=written.measure,
        initial=written.initial,
        pages=tuple(written.pages.items()),
        total=written.total,
        kinds=tuple(written.kinds.items()),
        files=tuple(written.files.items()),
        max_increase=written.max_increase,
        lighthouse_path=written.lighthouse,
        lighthouse=lighthouse,
        timing=timing,
    )


def budget_to_check(budget: BudgetConfig, compressed: bool) -> tuple[BudgetConfig, str]:
    """The budget a build checks, and a line of information when it differs from the config:
    without compressed sizes to measure, it is checked on raw sizes (larger, so the check errs
    on the safe side)."""
    if budget.measure == "raw" or compressed:
        return budget, ""
    info = f"compression is off: budgets are checked on raw sizes, not {budget.measure}"
    return replace(budget, measure="raw"), info
