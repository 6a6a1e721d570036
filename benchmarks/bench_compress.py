"""Pre-compression speed on three.js r108 × 10 (esbuild's own benchmark input) and the sample app.

Usage: python benchmarks/bench_compress.py [--quality 11] [--sourcemaps] [--repeat 3]

Builds the input with the real esbuild in two layouts: one 6 MB bundle (esbuild's benchmark), and
the ten copies as ten split entries (a multi-page app); then the sample app, built by the
pipeline with compression off. On each it times `compress_outputs`:

- serially (workers=1), the baseline;
- with the thread pool (the default: brotli, zlib and zstandard release the GIL);
- with a process pool doing the same encodings, to check that threads are the right choice;
- a second, unchanged run against the warm cache (target: near zero).

All runs happen in this one process, so the ratios compare like with like. Needs node and npm;
three.js is installed under benchmarks/.cache/. esbuild comes from `find_esbuild` (set
BUNDLEWISE_ESBUILD to use a given binary).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bundlewise.cache import Cache
from bundlewise.compress import CompressOptions, CompressStats, compress_outputs
from bundlewise.compress.codecs import Encoder, encoders
from bundlewise.compress.rules import is_candidate

CACHE = Path(__file__).resolve().parent / ".cache"
THREE = CACHE / "three-0.108.0"
COPIES = 10


def install_three() -> Path:
    """three@0.108.0 installed with npm into benchmarks/.cache (once)."""
    src = THREE / "node_modules" / "three" / "src"
    if not src.is_dir():
        THREE.mkdir(parents=True, exist_ok=True)
        npm = ["npm", "install", "--prefix", str(THREE), "--no-save", "--no-audit", "--no-fund"]
        subprocess.run([*npm, "three@0.108.0"], check=True)
    return src


def make_input(src: Path) -> Path:
    """Ten copies of three.js's sources, and an entry that imports them all (esbuild's layout)."""
    root = CACHE / "three-x10"
    if not (root / "entry.js").exists():
        for i in range(1, COPIES + 1):
            shutil.copytree(src, root / f"copy{i}", dirs_exist_ok=True)
        lines = [f"import * as copy{i} from './copy{i}/Three.js';" for i in range(1, COPIES + 1)]
        lines.append(f"export {{{', '.join(f'copy{i}' for i in range(1, COPIES + 1))}}};")
        (root / "entry.js").write_text("\n".join(lines) + "\n")
    return root


def esbuild_path(root: Path) -> Path:
    try:
        from bundlewise.esbuild import find_esbuild
    except ImportError:
        found = os.environ.get("BUNDLEWISE_ESBUILD") or shutil.which("esbuild")
        if not found:
            sys.exit("esbuild not found: set BUNDLEWISE_ESBUILD or put it on PATH")
        return Path(found)
    return find_esbuild(root).path


def bundle(esbuild: Path, root: Path, out: Path, split: bool) -> list[str]:
    """Run esbuild; return the outputs as POSIX paths relative to `out`."""
    if split:
        entries = [f"copy{i}/Three.js" for i in range(1, COPIES + 1)]
        layout = ["--splitting", "--format=esm", "--entry-names=[dir]-[hash]"]
    else:
        entries, layout = ["entry.js"], ["--format=esm"]
    args = [str(esbuild), *entries, "--bundle", "--minify", "--sourcemap", *layout]
    subprocess.run([*args, f"--outdir={out}", "--log-level=warning"], cwd=root, check=True)
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def build_sample_app(tmp: Path) -> list[str]:
    """The sample app built by the real pipeline with compression (and images) off; [] if the
    pipeline is not available."""
    try:
        from bundlewise.config import load_config
        from bundlewise.pipeline import build
    except ImportError:
        return []
    app = tmp / "sample_app"
    ignore = shutil.ignore_patterns("dist", ".bundlewise-cache")
    shutil.copytree(Path(__file__).resolve().parents[1] / "sample_app", app, ignore=ignore)
    config = load_config(app)
    off = {k: replace(getattr(config, k), enabled=False) for k in ("compress", "images")}
    build(replace(config, **off))
    out = app / "dist"
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def timed(out: Path, files: list[str], options: CompressOptions, **kw: object) -> float:
    start = time.perf_counter()
    compress_outputs(out, files, options, **kw)  # type: ignore[arg-type]
    return time.perf_counter() - start


def encode_file(path: str, encoder: Encoder) -> int:
    return len(encoder.encode(Path(path).read_bytes()))


def timed_processes(out: Path, files: list[str], options: CompressOptions) -> float:
    """The same encodings (largest file first) in a process pool, for comparison."""
    names = sorted(files, key=lambda n: -(out / n).stat().st_size)
    jobs = [(str(out / n), e) for n in names if is_candidate(n, options) for e in encoders(options)]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        list(pool.map(encode_file, *zip(*jobs, strict=True)))
    return time.perf_counter() - start


def free_cores(sample: bytes) -> float:
    """Speed-up of two zlib threads over one on the same work (zlib releases the GIL): what this
    machine can give right now. 2.0 means two idle cores; less means other load is competing."""
    chunks = [sample, sample[::-1]]
    start = time.perf_counter()
    for chunk in chunks:
        zlib.compress(chunk, 9)
    serial = time.perf_counter() - start
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda chunk: zlib.compress(chunk, 9), chunks))
    return serial / (time.perf_counter() - start)


def measure(
    label: str, out: Path, files: list[str], options: CompressOptions, repeat: int
) -> list[str]:
    candidates = [n for n in files if is_candidate(n, options)]
    biggest = max(((out / n).read_bytes() for n in candidates), key=len)
    sample = (biggest * (4_000_000 // len(biggest) + 1))[:4_000_000]  # same work on every input
    megabytes = sum((out / n).stat().st_size for n in candidates) / 1e6
    runs = []
    for _ in range(repeat):  # interleaved, so load from other processes hits all three alike
        runs.append(
            (
                timed(out, files, options, cache=Cache(None), workers=1),
                timed(out, files, options, cache=Cache(None)),
                timed_processes(out, files, options),
                free_cores(sample),
            )
        )
    serial, threads, processes, _ = (min(column) for column in zip(*runs, strict=True))
    machine = sum(run[3] for run in runs) / repeat
    with tempfile.TemporaryDirectory() as cache_dir:
        cold = timed(out, files, options, cache=Cache(Path(cache_dir)))
        stats = CompressStats()
        warm = timed(out, files, options, cache=Cache(Path(cache_dir)), stats=stats)
    assert stats.encoded == 0, stats
    return [
        label,
        f"{len(candidates)} ({megabytes:.2f} MB)",
        f"{serial:.2f} s",
        f"{threads:.2f} s ({serial / threads:.2f}×)",
        f"{processes:.2f} s ({serial / processes:.2f}×)",
        f"{cold:.2f} s",
        f"{warm * 1000:.0f} ms ({warm / serial:.3f}×)",
        f"{machine:.2f}×",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", type=int, default=11, help="brotli quality (default 11)")
    parser.add_argument("--sourcemaps", action="store_true", help="compress the .map files too")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; best is shown")
    args = parser.parse_args()
    options = replace(CompressOptions(), brotli_quality=args.quality, sourcemaps=args.sourcemaps)

    root = make_input(install_three())
    esbuild = esbuild_path(root)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, split in [("one bundle", False), ("10 split entries", True)]:
            out = Path(tmp) / label.replace(" ", "-")
            files = bundle(esbuild, root, out, split)
            rows.append(measure(label, out, files, options, args.repeat))
        files = build_sample_app(Path(tmp))
        if files:
            out = Path(tmp) / "sample_app" / "dist"
            rows.append(measure("sample app", out, files, options, args.repeat))

    head = [
        "input",
        "files",
        "serial",
        "thread pool",
        "process pool",
        "cold cache",
        "warm",
        "free cores",
    ]
    print(f"\nbrotli q{options.brotli_quality} + gzip {options.gzip_level}, ", end="")
    print(f"source maps {'on' if options.sourcemaps else 'off'}, {os.cpu_count()} cores, ", end="")
    print(f"best of {args.repeat}\n")
    print("Ratios are against serial. 'free cores': what two zlib threads gained over one")
    print("meanwhile; below 2.0×, other load was taking the CPU.\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
