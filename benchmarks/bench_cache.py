"""The shared build cache: a second CI runner with a warm remote against a warm local cache and a
cold build.

Usage: python benchmarks/bench_cache.py [--photos 42] [--runs 3] [--backend redis|http|both]

The app is the sample app plus a gallery page of `--photos` real photos: the photos of the shared
data folder, cropped and resized deterministically into distinct variants (JPEG q90, 900-1800 px
wide), so that every one is a distinct image to encode (AVIF, WebP, the default widths).
Each row is the wall time of `bundlewise build` as a CI step runs it (a fresh process):

- cold: empty local cache, empty remote (the first runner; it fills the remote);
- warm local: the same folder again (a runner whose local cache was restored);
- warm remote: a fresh copy of the app with an empty local cache, the remote warm (the second
  runner); the local cache is emptied before each run.

Warm local and warm remote runs alternate; the table shows the median of each, as wall time and
as CPU time (user + system of the build and esbuild): on a busy machine the wall time measures the
neighbours as much as the build, the CPU time does not.

A real redis-server and nginx with WebDAV PUT (the Debian packages) run on 127.0.0.1 for the run.
The ratios compare runs made side by side on the same machine; quote those.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from PIL import Image  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "images"
PHOTOS = SHARED if SHARED.is_dir() else ROOT / "tests" / "data" / "images"
SAMPLE_APP = ROOT / "sample_app"


def photo_variants(target: Path, count: int) -> list[str]:
    """`count` distinct photos made from the source photos by fixed crops and widths."""
    sources = sorted(p for p in PHOTOS.iterdir() if p.suffix in (".jpg", ".png"))
    target.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(count):
        source = sources[i % len(sources)]
        step = i // len(sources)
        with Image.open(source) as im:
            im = im.convert("RGB")
            w, h = im.size
            # Crops from 100% down to 64% of the photo, anchored at different corners.
            scale = 1.0 - 0.06 * step
            cw, ch = int(w * scale), int(h * scale)
            left = (w - cw) * (step % 3) // 2
            top = (h - ch) * ((step + 1) % 3) // 2
            crop = im.crop((left, top, left + cw, top + ch))
            width = 900 + 150 * (step % 7)
            if crop.width < width:
                crop = crop.resize((width, round(crop.height * width / crop.width)), Image.LANCZOS)
            name = f"{source.stem}-{i:02d}.jpg"
            crop.save(target / name, "JPEG", quality=90)
            names.append(name)
    return names


def make_app(folder: Path, photos: int) -> Path:
    shutil.copytree(SAMPLE_APP, folder, ignore=shutil.ignore_patterns("dist", ".bundlewise-cache"))
    names = photo_variants(folder / "photos", photos)
    imgs = "\n".join(f'<img src="photos/{n}" alt="photo {n}">' for n in names)
    (folder / "gallery.html").write_text(
        f"<!doctype html><html><head><title>Gallery</title></head><body>\n{imgs}\n</body></html>\n"
    )
    return folder


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    """User + system time of the build and its children (esbuild): what the build itself cost,
    whatever else the machine was doing."""


def build(app: Path, url: str) -> tuple[Run, dict[str, object]]:
    env = {**os.environ, "BUNDLEWISE_CACHE_URL": url, "NO_COLOR": "1"}
    env.pop("BUNDLEWISE_CACHE_SECRET", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bundlewise", "-q", "build", str(app), "--json"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stderr}")
    counts: dict[str, object] = json.loads(proc.stdout)["cache"]
    return Run(wall, cpu), counts


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _times(runs: list[Run]) -> str:
    return " ".join(f"{r.wall:.2f}s/{r.cpu:.2f}cpu" for r in runs)


def _median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def run_backend(name: str, url: str, work: Path, photos: int, runs: int) -> list[str]:
    first = make_app(work / name / "runner1", photos)
    second = make_app(work / name / "runner2", photos)
    cold, counts = build(first, url)
    print(f"  {name}: cold {_times([cold])} {counts}", file=sys.stderr)
    # Warm local and warm remote runs alternate, so that the load of the machine at any moment
    # weighs on both alike.
    warm_local, warm_remote = [], []
    for _ in range(runs):
        elapsed, local_counts = build(first, url)
        warm_local.append(elapsed)
        shutil.rmtree(second / ".bundlewise-cache", ignore_errors=True)
        elapsed, counts = build(second, url)
        warm_remote.append(elapsed)
        images, compress = counts["images"], counts["compress"]
        assert images["misses"] == 0 and compress["misses"] == 0, counts  # type: ignore[index]
    print(f"  {name}: warm local {_times(warm_local)} {local_counts}", file=sys.stderr)
    print(f"  {name}: warm remote {_times(warm_remote)} {counts}", file=sys.stderr)
    assert tree(first / "dist") == tree(second / "dist"), "runners built different output"
    local, remote = _median(warm_local), _median(warm_remote)

    def row(label: str, run: Run) -> str:
        return (
            f"| {name} | {label} | {run.wall:.2f} s | {run.wall / local.wall:.2f} | "
            f"{run.wall / cold.wall:.3f} | {run.cpu:.2f} s | {run.cpu / local.cpu:.2f} | "
            f"{run.cpu / cold.cpu:.3f} |"
        )

    return [
        row("cold (empty local and remote)", cold),
        row("warm local", local),
        row("warm remote, empty local (second runner)", remote),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("redis", "http", "both"), default="both")
    args = parser.parse_args()
    from cache_servers import start_nginx, start_redis

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as tmp:
        work = Path(tmp)
        starters = {"redis": start_redis, "http": start_nginx}
        for name in ("redis", "http") if args.backend == "both" else (args.backend,):
            server = starters[name](work / f"{name}-server")
            try:
                rows += run_backend(name, server.url, work, args.photos, args.runs)
            finally:
                server.stop()
    print(f"\nsample app + {args.photos} photos, median of {args.runs} warm runs\n")
    print("| remote | build | wall | × warm local | × cold | CPU | × warm local | × cold |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
