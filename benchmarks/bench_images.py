"""Image optimization: bundlewise (Pillow + lossless post-passes) against sharp, same photos.

Usage: python benchmarks/bench_images.py [--width 480] [--repeat 3] [--markdown]

Each row runs one job over every photo, one image at a time, in both tools: decode the source
bytes, convert to sRGB, (resize), encode. Settings match: JPEG q80 progressive with optimized
Huffman tables and 4:2:0 chroma, WebP q80 effort 4, AVIF q50 effort 4 (plus a row with
bundlewise's default effort 3 against sharp's default 4), PNG zlib level 9, Lanczos resizing.
The "Pillow alone" rows turn off the lossless post-passes (mozjpeg, oxipng) to show their gain. Times exclude start-up (Python imports, Node's module load) and are the best of
`--repeat` runs (AVIF runs once: it is slow). Both tools run in this same invocation, so the
ratios compare like with like.

Quality: SSIM (Wang et al. 2004, luma Y' of BT.601, 7×7 uniform window, K1=0.01, K2=0.03, the
scikit-image default) of each decoded output against the source in sRGB, both flattened onto
white (so is sharp's JPEG); for the resize row the reference is the source downscaled with a box
filter, which favours neither resizer.

sharp is installed with npm into benchmarks/.cache/ (once).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PIL import Image

from bundlewise.cache import Cache
from bundlewise.images import ImageJob, ImageOptions, optimize_images
from bundlewise.images.decode import decode
from bundlewise.images.encode import encode, flatten, resize
from bundlewise.images.formats import sniff

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
SHARP = CACHE / "sharp-0.35"
SHARED = HERE.parents[1] / "shared" / "data" / "images"
PHOTOS = SHARED if SHARED.is_dir() else HERE.parent / "tests" / "data" / "images"
OPTIONS = ImageOptions()

SHARP_SCRIPT = r"""
import sharp from "sharp";
import { readFileSync } from "node:fs";
const { files, jobs, repeat } = JSON.parse(readFileSync(0, "utf8"));
const sources = files.map((f) => readFileSync(f));
const settings = {
  jpeg: (s) => s.flatten({ background: "#ffffff" }).jpeg({ quality: 80, progressive: true, optimiseCoding: true, chromaSubsampling: "4:2:0" }),
  webp: (s) => s.webp({ quality: 80, effort: 4 }),
  avif: (s) => s.avif({ quality: 50, effort: 4 }),
  png: (s) => s.png({ compressionLevel: 9, adaptiveFiltering: true }),
};
const results = {};
for (const job of jobs) {
  let best = Infinity, outputs = [];
  for (let r = 0; r < (job.format === "avif" ? 1 : repeat); r++) {
    const start = process.hrtime.bigint();
    outputs = [];
    for (const src of sources) {
      let s = sharp(src);  // sRGB output and no metadata are sharp's defaults
      if (job.width) s = s.resize({ width: job.width, withoutEnlargement: true, kernel: "lanczos3" });
      outputs.push(await settings[job.format](s).toBuffer());
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  results[job.name] = { seconds: best, outputs: outputs.map((b) => b.toString("base64")) };
}
process.stdout.write(JSON.stringify(results));
"""


@dataclass(frozen=True)
class Job:
    name: str
    format: str
    width: int = 0  # 0: full size
    only: str = ""  # restrict to sources of this format ("png": PNG is lossless re-encoding)
    avif_effort: int = 4  # bundlewise's; sharp always runs at its default, 4
    lossless_passes: bool = True

    @property
    def sharp_key(self) -> tuple[str, int, str]:
        return (self.format, self.width, self.only)


@dataclass(frozen=True)
class Run:
    seconds: float
    outputs: list[bytes]


def install_sharp() -> None:
    if not (SHARP / "node_modules" / "sharp").is_dir():
        SHARP.mkdir(parents=True, exist_ok=True)
        npm = ["npm", "install", "--prefix", str(SHARP), "--no-save", "--no-audit", "--no-fund"]
        subprocess.run([*npm, "sharp@0.35"], check=True)
    (SHARP / "bench.mjs").write_text(SHARP_SCRIPT)


def run_sharp(files: list[Path], job: Job, repeat: int) -> Run:
    payload = {
        "files": [str(p) for p in files],
        "jobs": [{"name": job.name, "format": job.format, "width": job.width}],
        "repeat": repeat,
    }
    proc = subprocess.run(
        ["node", str(SHARP / "bench.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(proc.stdout)[job.name]
    return Run(data["seconds"], [_b64(o) for o in data["outputs"]])


def _b64(text: str) -> bytes:
    import base64

    return base64.b64decode(text)


def bundlewise_encoder(job: Job, options: ImageOptions = OPTIONS) -> Callable[[bytes], bytes]:
    def run(data: bytes) -> bytes:
        fmt = sniff(data)
        assert fmt is not None
        image = decode(data, fmt, options.max_pixels).image
        if job.width and image.width > job.width:
            image = resize(image, job.width)
        return encode(image, job.format, options)

    return run


def run_python(encoder: Callable[[bytes], bytes], sources: list[bytes], repeat: int) -> Run:
    best, outputs = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        outputs = [encoder(data) for data in sources]
        best = min(best, time.perf_counter() - start)
    return Run(best, outputs)


def luma(im: Image.Image) -> np.ndarray:
    rgb = np.asarray(im.convert("RGB"), dtype=np.float64)
    return rgb @ np.array([0.299, 0.587, 0.114])


def ssim(a: Image.Image, b: Image.Image, win: int = 7) -> float:
    """Mean SSIM of the luma planes with a win×win uniform window (sample covariances)."""
    x, y = luma(a), luma(b)
    n = win * win

    def box(z: np.ndarray) -> np.ndarray:
        c = np.pad(z, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
        return (c[win:, win:] - c[:-win, win:] - c[win:, :-win] + c[:-win, :-win]) / n

    mx, my = box(x), box(y)
    cov = n / (n - 1)
    vx, vy = cov * (box(x * x) - mx * mx), cov * (box(y * y) - my * my)
    vxy = cov * (box(x * y) - mx * my)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    s = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(s.mean())


def reference(data: bytes, width: int) -> Image.Image:
    fmt = sniff(data)
    assert fmt is not None
    image = flatten(decode(data, fmt, OPTIONS.max_pixels).image)
    if width and image.width > width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.BOX)
    return image


def mean_ssim(outputs: list[bytes], sources: list[bytes], width: int) -> float:
    scores = []
    for out, src in zip(outputs, sources, strict=True):
        ref = reference(src, width)
        got = flatten(Image.open(io.BytesIO(out)))
        if got.size != ref.size:  # rounding of the resized height may differ by a pixel
            got = got.resize(ref.size, Image.Resampling.BOX)
        scores.append(ssim(got, ref))
    return sum(scores) / len(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=480)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    install_sharp()
    paths = sorted(p for p in PHOTOS.iterdir() if p.suffix in (".jpg", ".png"))
    files = {"all": paths, "png": [p for p in paths if p.suffix == ".png"]}
    jobs = [
        Job("JPEG q80", "jpeg"),
        Job("JPEG q80, Pillow alone (no mozjpeg pass)", "jpeg", lossless_passes=False),
        Job("WebP q80", "webp"),
        Job("AVIF q50, effort 4 in both", "avif"),
        Job("AVIF q50, bundlewise default effort 3 (sharp 4)", "avif", avif_effort=3),
        Job(f"JPEG q80, {args.width} px wide", "jpeg", args.width),
        Job(
            f"JPEG q80, {args.width} px wide, Pillow alone",
            "jpeg",
            args.width,
            lossless_passes=False,
        ),
        Job("PNG (lossless; PNG sources)", "png", only="png"),
        Job("PNG, Pillow alone (no oxipng pass)", "png", only="png", lossless_passes=False),
    ]
    sharp: dict[tuple[str, int, str], Run] = {}
    rows = []
    for job in jobs:  # each job runs in both tools back to back, so load changes hit both
        sources = [p.read_bytes() for p in files[job.only or "all"]]
        repeat = 1 if job.format == "avif" else args.repeat
        if job.sharp_key not in sharp:
            sharp[job.sharp_key] = run_sharp(files[job.only or "all"], job, args.repeat)
        options = replace(OPTIONS, avif_effort=job.avif_effort, lossless_passes=job.lossless_passes)
        ours = run_python(bundlewise_encoder(job, options), sources, repeat)
        rows.append(row(job.name, ours, sharp[job.sharp_key], sources, job.width))
    print(f"{len(paths)} photos from {PHOTOS}; one image at a time; best of {args.repeat} runs\n")
    print(
        "| job | bundlewise bytes | sharp bytes | bytes ratio | bundlewise s | sharp s | time ratio | SSIM bundlewise | SSIM sharp |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for line in rows:
        print(line)
    print_pipeline(paths)


def print_pipeline(paths: list[Path]) -> None:
    """The whole stage as a build runs it: every format and width, thread pool, then warm cache."""
    jobs = [ImageJob(p.name, p.read_bytes()) for p in paths]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        cold = optimize_images(jobs, OPTIONS, Cache(Path(tmp)))
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        optimize_images(jobs, OPTIONS, Cache(Path(tmp)))
        warm_s = time.perf_counter() - start
    files = sum(1 + len(image.variants) for image in cold.values())
    print(
        f"\nWhole stage with default options ({', '.join(OPTIONS.formats)}, widths "
        f"{list(OPTIONS.widths)}), {os.cpu_count()} cores: {files} files in {cold_s:.2f} s; "
        f"second run from the cache {warm_s:.3f} s ({cold_s / warm_s:.0f}× faster)."
    )


def row(name: str, ours: Run, theirs: Run, sources: list[bytes], width: int) -> str:
    ob, tb = sum(map(len, ours.outputs)), sum(map(len, theirs.outputs))
    os_, ts = mean_ssim(ours.outputs, sources, width), mean_ssim(theirs.outputs, sources, width)
    return (
        f"| {name} | {ob:,} | {tb:,} | {ob / tb:.3f}× | {ours.seconds:.3f} | {theirs.seconds:.3f} "
        f"| {ours.seconds / theirs.seconds:.2f}× | {os_:.4f} | {ts:.4f} |"
    )


if __name__ == "__main__":
    main()
