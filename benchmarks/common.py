"""Shared set-up for the benchmarks: the three.js ×10 input (esbuild's own benchmark)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

CACHE = Path(os.environ.get("BUNDLEWISE_BENCH_CACHE", Path(__file__).parent / ".cache"))
THREE_VERSION = "0.108.0"


def three_times_ten() -> Path:
    """A folder with ten copies of three.js r108's `src/` and an `entry.js` importing them all.

    three is installed with npm (by package name) into the benchmark cache on first use.
    """
    root = CACHE / "three-x10"
    if (root / "entry.js").is_file():
        return root
    package = CACHE / "npm-three"
    src = package / "node_modules" / "three" / "src"
    if not src.is_dir():
        package.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(package), "--no-audit", "--no-fund",
             "--ignore-scripts", f"three@{THREE_VERSION}"],
            check=True,
        )  # fmt: skip
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    lines = []
    for i in range(1, 11):
        shutil.copytree(src, root / f"copy{i}")
        lines.append(f"import * as copy{i} from './copy{i}/Three.js';\nexport {{copy{i}}};")
    (root / "entry.js").write_text("\n".join(lines) + "\n")
    return root


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_of(runs: list[float]) -> float:
    return statistics.median(runs)


def esbuild_binary() -> Path:
    from bundlewise.esbuild import find_esbuild

    return find_esbuild(Path.cwd()).path
