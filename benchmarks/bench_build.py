"""bundlewise build vs raw esbuild on three.js r108 ×10 (esbuild's headline benchmark).

Both runs bundle the same entry with the same esbuild arguments (bundlewise's own: bundle, ESM
code splitting, minify, source maps, metafile, the default browser target, asset loaders);
bundlewise runs with `--no-images --no-compress`, as a user would to time the core. The two are interleaved in one process, so machine noise hits both alike, and the
figure to quote is the ratio of medians.

    python benchmarks/bench_build.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import esbuild_binary, median_of, three_times_ten, timed

from bundlewise.bundle import esbuild_args
from bundlewise.config import load_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    app = three_times_ten()
    (app / "bundlewise.toml").write_text('entries = ["entry.js"]\n')
    esbuild = str(esbuild_binary())
    raw_out = app.parent / "raw-out"
    # Exactly the arguments bundlewise passes (target, loaders, names, metafile), so the ratio
    # is bundlewise's own cost around the same esbuild work.
    config = load_config(app, overrides={"esbuild": esbuild})
    raw = [esbuild, *esbuild_args(config, ["entry.js"], raw_out)]
    ours = [sys.executable, "-m", "bundlewise", "-q", "build", str(app), "--no-images",
            "--no-compress", "--esbuild", esbuild]  # fmt: skip
    # As installed, bundlewise runs from compiled bytecode: let the warm-up run write it even
    # where the environment says not to (PYTHONDONTWRITEBYTECODE), or every run recompiles.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(raw, cwd=app, check=True)  # warm the file cache for both
    subprocess.run(ours, check=True)
    raw_times, our_times = [], []
    for _ in range(runs):
        shutil.rmtree(raw_out, ignore_errors=True)
        raw_times.append(timed(lambda: subprocess.run(raw, cwd=app, check=True)))
        our_times.append(timed(lambda: subprocess.run(ours, check=True)))
    raw_s, our_s = median_of(raw_times), median_of(our_times)
    print("runs (s): raw esbuild", " ".join(f"{t:.2f}" for t in raw_times))
    print("runs (s): bundlewise ", " ".join(f"{t:.2f}" for t in our_times))
    print("| input | raw esbuild | bundlewise build | ratio |")
    print("|---|---|---|---|")
    print(f"| three.js r108 ×10, minify + source maps ({runs} runs, median) "
          f"| {raw_s:.2f} s | {our_s:.2f} s | {our_s / raw_s:.2f}× |")  # fmt: skip


if __name__ == "__main__":
    main()
