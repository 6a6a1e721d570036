"""Build a private copy of the sample app with the real CLI (for the hint tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from esbuild_fixture import real_esbuild

SAMPLE_APP = Path(__file__).resolve().parents[1] / "sample_app"


def build_sample_app(
    target: Path, *args: str, prepare: Callable[[Path], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Copy the sample app to `target`, let `prepare` change the copy, and build it."""
    shutil.copytree(SAMPLE_APP, target, ignore=shutil.ignore_patterns("dist", ".bundlewise-cache"))
    if prepare is not None:
        prepare(target)
    env = dict(os.environ, BUNDLEWISE_ESBUILD=str(real_esbuild()), NO_COLOR="1")
    env["BUNDLEWISE_CACHE_DIR"] = str(target.parent / "user-cache")
    return subprocess.run(
        [sys.executable, "-m", "bundlewise", "-v", "build", str(target), "--no-compress", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
