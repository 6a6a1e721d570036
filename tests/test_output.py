"""The staging folder and the swap: the output folder is always wholly old or wholly new."""

from __future__ import annotations

from pathlib import Path

import pytest

from bundlewise.output.staging import MARKER, Staging, recover


def test_failure_inside_staging_removes_it_and_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), Staging(out) as staging:
        (staging.path / "new.txt").write_text("new")
        raise RuntimeError("a late step failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
    assert (out / "old.txt").read_text() == "old"


def test_commit_swaps_in_the_new_output(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with Staging(out) as staging:
        (staging.path / "new.txt").write_text("new")
        staging.commit()
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "new.txt"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_a5_a_swap_killed_between_its_two_renames_is_undone(tmp_path: Path) -> None:
    """Killed after `dist` → `.dist.old` and before staging → `dist`: the old output returns."""
    old = tmp_path / ".dist.old"
    old.mkdir()
    (old / "index.html").write_text("old")
    (tmp_path / ".dist.staging").mkdir()
    recover(tmp_path / "dist")
    assert (tmp_path / "dist" / "index.html").read_text() == "old"
    with Staging(tmp_path / "dist"):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_a5_a_swap_killed_after_both_renames_only_needs_cleaning(tmp_path: Path) -> None:
    (tmp_path / ".dist.old").mkdir()
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_text("new")
    recover(tmp_path / "dist")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
    assert (tmp_path / "dist" / "index.html").read_text() == "new"
