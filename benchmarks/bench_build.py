"""bundlewise build vs raw esbuild on three.js r108 ×10 (esbuild's headline benchmark).

The baseline is the plain esbuild command a user would type (`--bundle --minify --sourcemap
--splitting --format=esm --outdir`, no metafile); a second baseline gives esbuild bundlewise's
exact arguments (metafile, the default browser target, asset loaders, names), to show what is esbuild's work and what
is ours. bundlewise runs with `--no-images --no-compress`, as a user would to time the core; it
drives esbuild through its `--service` protocol, with the built-in plugin callbacks registered.
The three are interleaved in one process, so machine noise hits all alike, and the figure to
quote is the ratio of medians.

A user's plain `bundlewise build` also pre-compresses every output (Brotli 11 + gzip 9 by
default), which on this input (a 5.8 MB bundle) costs several times esbuild's own run. So the
whole build at default settings is measured too, against the same plain esbuild: with a cold
cache (every output compressed, as in a first build or CI without a cache) and a warm one (the
unchanged outputs' compressed copies come from the cache).

    python benchmarks/bench_build.py [--runs 10] [--full-runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import esbuild_binary, median_of, three_times_ten, timed

from bundlewise.config import Config, load_config
from bundlewise.esbuild.args import esbuild_args


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--full-runs", type=int, default=3, help="default settings (0: skip)")
    options = parser.parse_args()
    runs = options.runs
    app = three_times_ten()
    (app / "bundlewise.toml").write_text('entries = ["entry.js"]\n')
    esbuild = str(esbuild_binary())
    raw_out = app.parent / "raw-out"
    # Exactly the arguments bundlewise passes (target, loaders, names, metafile), so the ratio
    # is bundlewise's own cost around the same esbuild work.
    config = load_config(app, overrides={"esbuild": esbuild})
    plain = [esbuild, "--bundle", "--minify", "--sourcemap", "--splitting", "--format=esm",
             f"--outdir={raw_out}", "entry.js"]  # fmt: skip
    raw = [esbuild, *esbuild_args(config, ["entry.js"], raw_out)]
    ours = [sys.executable, "-m", "bundlewise", "-q", "build", str(app), "--no-images",
            "--no-compress", "--esbuild", esbuild]  # fmt: skip
    # As installed, bundlewise runs from compiled bytecode: let the warm-up run write it even
    # where the environment says not to (PYTHONDONTWRITEBYTECODE), or every run recompiles.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(raw, cwd=app, check=True)  # warm the file cache for all
    subprocess.run(ours, check=True)
    plain_times, raw_times, our_times = [], [], []
    plain_cpu, raw_cpu, our_cpu = [], [], []
    for _ in range(runs):
        shutil.rmtree(raw_out, ignore_errors=True)
        plain_times.append(timed_cpu(lambda: subprocess.run(plain, cwd=app, check=True), plain_cpu))
        shutil.rmtree(raw_out, ignore_errors=True)
        raw_times.append(timed_cpu(lambda: subprocess.run(raw, cwd=app, check=True), raw_cpu))
        our_times.append(timed_cpu(lambda: subprocess.run(ours, check=True), our_cpu))
    plain_s, raw_s, our_s = median_of(plain_times), median_of(raw_times), median_of(our_times)
    print("runs (s): plain esbuild", " ".join(f"{t:.2f}" for t in plain_times))
    print("runs (s): same args    ", " ".join(f"{t:.2f}" for t in raw_times))
    print("runs (s): bundlewise   ", " ".join(f"{t:.2f}" for t in our_times))
    print("| input | plain esbuild | esbuild, our args | bundlewise build | ratio to plain "
          "| ratio to our args |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    print(f"| three.js r108 ×10, minify + source maps ({runs} runs, median) "
          f"| {plain_s:.2f} s | {raw_s:.2f} s | {our_s:.2f} s | {our_s / plain_s:.2f}× "
          f"| {our_s / raw_s:.2f}× |")  # fmt: skip
    # CPU time (user + system, children) hardly depends on what else runs on the machine: the
    # figure to trust when the wall-clock runs above are spread wide.
    service_s = median_of([service_step(config, raw_out) for _ in range(runs)])
    print(f"| esbuild step alone: our args through the service, built-in callbacks on "
          f"(in-process) | {plain_s:.2f} s | {raw_s:.2f} s | {service_s:.2f} s "
          f"| {service_s / plain_s:.2f}× | {service_s / raw_s:.2f}× |")  # fmt: skip
    plain_c, raw_c, our_c = median_of(plain_cpu), median_of(raw_cpu), median_of(our_cpu)
    print(f"| same, CPU time (user + sys) | {plain_c:.2f} s | {raw_c:.2f} s | {our_c:.2f} s "
          f"| {our_c / plain_c:.2f}× | {our_c / raw_c:.2f}× |")  # fmt: skip
    if options.full_runs:
        full_build(app, plain, raw_out, [*ours[:6], "--esbuild", esbuild], options.full_runs)


def full_build(app: Path, plain: list[str], raw_out: Path, ours: list[str], runs: int) -> None:
    """`bundlewise build` at default settings (compression on), cold and warm cache, against
    plain esbuild in the same loop."""
    cache = app / ".bundlewise-cache"
    plain_times, cold_times, warm_times = [], [], []
    for _ in range(runs):
        shutil.rmtree(raw_out, ignore_errors=True)
        plain_times.append(timed(lambda: subprocess.run(plain, cwd=app, check=True)))
        shutil.rmtree(cache, ignore_errors=True)
        cold_times.append(timed(lambda: subprocess.run(ours, check=True)))
        warm_times.append(timed(lambda: subprocess.run(ours, check=True)))
    plain_s = median_of(plain_times)
    print("runs (s): plain esbuild      ", " ".join(f"{t:.2f}" for t in plain_times))
    print("runs (s): defaults, cold cache", " ".join(f"{t:.2f}" for t in cold_times))
    print("runs (s): defaults, warm cache", " ".join(f"{t:.2f}" for t in warm_times))
    print("| input | plain esbuild | bundlewise build (defaults) | ratio to plain |")
    print("|---|---|---|---|")
    for what, times in (("cold cache", cold_times), ("warm cache", warm_times)):
        ours_s = median_of(times)
        print(f"| three.js r108 ×10, Brotli 11 + gzip 9, {what} ({runs} runs, median) "
              f"| {plain_s:.2f} s | {ours_s:.2f} s | {ours_s / plain_s:.2f}× |")  # fmt: skip


def service_step(config: Config, out: Path) -> float:
    """Wall time of the esbuild step as a build runs it: a fresh service child, bundlewise's
    arguments, the built-in plugin callbacks registered, the metafile read into the graph."""
    from bundlewise.esbuild.bundler import ServiceBundler
    from bundlewise.plugins import Build, PluginRunner
    from bundlewise.plugins.esbuild_setup import esbuild_plugins

    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    bundler = ServiceBundler()
    try:
        bundler.start(config)
        plugins = esbuild_plugins(PluginRunner(), Build(config, out))
        bundler(config, ["entry.js"], out, out, plugins=plugins)
    finally:
        bundler.close()
    return time.perf_counter() - started


def timed_cpu(fn: Callable[[], object], cpu: list[float]) -> float:
    """Wall time of `fn`; appends the CPU time its child processes used to `cpu`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(fn)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


if __name__ == "__main__":
    main()
