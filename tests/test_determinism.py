"""Same input, byte-identical output: whatever the location, cwd, hash seed, time zone or mtimes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import copy_sample_app
from helpers import snapshot


def test_b7_two_builds_in_different_places_are_byte_identical(
    tmp_path: Path,
    run_cli,
    warm_image_cache: Path,  # type: ignore[no-untyped-def]
) -> None:
    first = copy_sample_app(tmp_path / "one" / "sample_app")
    second = copy_sample_app(tmp_path / "two" / "deeper" / "sample_app")
    os.utime(second / "src/main.ts", (1, 1))  # mtimes must not matter
    shutil.copytree(warm_image_cache, first / ".bundlewise-cache")
    done = run_cli("build", first, cwd=tmp_path, PYTHONHASHSEED="1", TZ="UTC")
    assert done.returncode == 0, done.stderr
    # The second build starts cold: optimized images must come out the same without the cache.
    done = run_cli("build", "sample_app", cwd=second.parent, PYTHONHASHSEED="2", TZ="Asia/Tokyo")
    assert done.returncode == 0, done.stderr
    one, two = snapshot(first / "dist"), snapshot(second / "dist")
    assert one.keys() == two.keys()
    different = [name for name in one if one[name] != two[name]]
    assert different == []
    assert any(name.endswith(".br") for name in one) and any(name.endswith(".avif") for name in one)
