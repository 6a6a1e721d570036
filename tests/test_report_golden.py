"""Golden tests: the terminal table, Markdown and JSON of fixed builds, byte for byte.

Run with UPDATE_GOLDEN=1 to rewrite the expected files after an intended change, then review the
diff like any other change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from report_fixture import FAILING_BUDGET, FILES, INPUTS, PAGES, budget, build_result, renamed

from bundlewise.report import Stats, compute_stats, render_markdown, render_table, with_baseline
from bundlewise.report.stats import dumps_stats

GOLDEN = Path(__file__).parent / "data" / "report"


def _baseline_case() -> Stats:
    """A build whose main entry grew 10% (new hashes) against one before it; limit: 5%."""
    before, before_sizes = build_result()
    old = compute_stats(before, before_sizes, budget=budget(), env={})
    old_name, new_name = "assets/index-AB3DEF7G.js", "assets/index-NEW2HASH.js"
    grown = dict(FILES)
    del grown[old_name]
    grown[new_name] = (156_000, 50_710, 44_300, "src/main.ts")
    inputs = dict(INPUTS)
    inputs[new_name] = {**inputs.pop(old_name), "node_modules/lodash-es/map.js": 14_000}
    result, sizes = build_result(grown, inputs, renamed(PAGES, old_name, new_name))
    config = budget({"max_increase": "5%"})
    stats = compute_stats(result, sizes, budget=config, env={})
    return with_baseline(stats, old)


CASES: dict[str, Callable[[], Stats]] = {
    "pass": lambda: compute_stats(*build_result(), budget=budget(), env={}),
    "fail": lambda: compute_stats(*build_result(), budget=budget(FAILING_BUDGET), env={}),
    "baseline": _baseline_case,
}
RENDERERS: dict[str, Callable[[Stats], str]] = {
    "table.txt": lambda stats: render_table(stats, None, False, 100),
    "md": render_markdown,
    "json": dumps_stats,
}


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8", newline="\n")
    assert path.read_text(encoding="utf-8") == actual, (
        f"{name} differs (UPDATE_GOLDEN=1 rewrites it)"
    )


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, renderer: str) -> None:
    stats = CASES[case]()
    check_golden(f"{case}.{renderer}", RENDERERS[renderer](stats))


def test_golden_json_is_the_stats_document() -> None:
    stats = CASES["fail"]()
    assert json.loads((GOLDEN / "fail.json").read_text(encoding="utf-8")) == stats.to_dict()
