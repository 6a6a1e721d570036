"""The terminal table: fits the width, colours only when asked, prints hostile names safely."""

from __future__ import annotations

import pytest
from report_fixture import FAILING_BUDGET, FILES, INPUTS, PAGES, budget, build_result

from bundlewise.report import compute_stats, render_markdown, render_table
from bundlewise.result import PageResult


@pytest.mark.parametrize("width", [80, 100, 120])
def test_rows_fit_the_terminal_width(width: int) -> None:
    stats = compute_stats(*build_result(), budget=budget(FAILING_BUDGET), env={})
    text = render_table(stats, None, False, width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert (
        "…" in text if width == 80 else "…" not in text
    )  # long names lose their start, not their hash


def test_colour_only_when_asked() -> None:
    stats = compute_stats(*build_result(), budget=budget(FAILING_BUDGET), env={})
    assert "\x1b[" not in render_table(stats, None, False, 100)
    coloured = render_table(stats, None, True, 100)
    assert "\x1b[31m\x1b[1m  ✗ over budget\x1b[0m" in coloured
    # Without the escape sequences, the coloured table is the plain one.
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render_table(stats, None, False, 100)


def test_control_characters_in_names_are_shown_escaped() -> None:
    evil = "assets/\x1b[2Jclear\nme-AB3DEF7G.js"
    files = {**FILES, evil: FILES["assets/about-PL7OKM3N.js"]}
    pages = (*PAGES, PageResult(source="x\x07.html", output="index.html", scripts=(evil,)))
    stats = compute_stats(*build_result(files, INPUTS, pages), budget=budget(), env={})
    text = render_table(stats, None, False, 100)
    assert "\x1b" not in text and "\x07" not in text
    assert "assets/\\x1b[2Jclear\\x0ame-AB3DEF7G.js" in text and "x\\x07.html" in text
    assert "\x1b" not in render_markdown(stats)


def test_a_build_without_pages_or_budgets() -> None:
    stats = compute_stats(*build_result(pages=()), budget=budget({"initial": False}), env={})
    text = render_table(stats, None, False, 80)
    assert "  (no pages)" in text
    assert text.rstrip().endswith("✓ no budgets set")
