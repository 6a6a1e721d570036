"""`Stats`: the stats of one build as one frozen record, from the size step to the CLI and report.

It becomes JSON only where it is written (`bundlewise-stats.json` in the output, `--json`,
`bundlewise report --json`; see `bundlewise.report.stats.dumps_stats`), and a stats file becomes
a `Stats` once, when `bundlewise report` reads it (`Stats.from_dict`). The budget verdict stays a
`BudgetResult` all the way: nothing turns it into a dict to read it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bundlewise import __version__
from bundlewise.images.records import ImagesSummary
from bundlewise.report.budget import BudgetConfig
from bundlewise.report.evaluate import BudgetResult
from bundlewise.report.measured import Measurements

SCHEMA = 1


@dataclass(frozen=True)
class Stats(Measurements):
    """The stats of a build: sizes (see `Measurements`), the budget verdict, what else it did."""

    budget: BudgetResult
    """The verdict: every limit, what was measured against it, deltas against a baseline."""
    budget_config: BudgetConfig
    """The limits the verdict checked (recorded, so `bundlewise report` can check them again)."""
    version: str = __version__
    """The bundlewise version that built it."""
    generated: str | None = None
    """When, as UTC ISO 8601, only when `SOURCE_DATE_EPOCH` is set (builds are reproducible)."""
    images: ImagesSummary | None = None
    """What the image step did; None for stats computed outside a build."""
    cache: Mapping[str, Any] | None = None
    """The cache's hits and misses by stage (`Cache.counts`): in `--json` and the build summary,
    never in the stats file, whose bytes must not depend on where results came from."""

    def to_dict(self) -> dict[str, Any]:
        """The stats document, as `bundlewise-stats.json` holds it (schema 1)."""
        data: dict[str, Any] = {"schema": SCHEMA, "tool": "bundlewise", "version": self.version}
        data.update(self.measured_dict())
        if self.generated is not None:
            data["generated"] = self.generated
        data["budget"] = {**self.budget.to_dict(), "config": self.budget_config.to_dict()}
        if self.images is not None:
            data["images"] = self.images.to_dict()
        if self.cache is not None:
            data["cache"] = dict(self.cache)
        return data

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Stats:
        """A stats document read from a file (raises KeyError, TypeError or ValueError when it
        is not one; `load_stats` turns that into a message naming the file)."""
        images = d.get("images")
        return cls(
            **cls.measured_fields(d),
            budget=BudgetResult.from_dict(d["budget"]),
            budget_config=BudgetConfig.from_dict(d["budget"]["config"]),
            version=d.get("version", ""),
            generated=d.get("generated"),
            images=None if images is None else ImagesSummary.from_dict(images),
            cache=d.get("cache"),
        )
