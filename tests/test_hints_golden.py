"""Golden files for the page hints (`tests/data/html/*.html`; `UPDATE_GOLDEN=1` rewrites them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hints_golden import CASES, read_case, run_case, write_expected

CASE_FILES = sorted(CASES.glob("*.html"))


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_f28_f29_golden(path: Path) -> None:
    case = read_case(path)
    output, _ = run_case(case, case.input)
    if os.environ.get("UPDATE_GOLDEN"):
        write_expected(case, output)
        return
    assert output == case.expected


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_f29_building_the_output_again_changes_nothing(path: Path) -> None:
    case = read_case(path)
    output, _ = run_case(case, case.input)
    again, changes = run_case(case, output)
    assert again == output
    assert changes == []


def test_there_are_golden_cases() -> None:
    assert len(CASE_FILES) >= 12
