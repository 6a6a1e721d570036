"""Full `bundlewise build` (with Brotli 11 + gzip 9) against `vite build` + vite-plugin-compression2.

Both tools bundle three.js r108 ×10 (esbuild's headline benchmark) from the same `entry.js` into
one minified ESM bundle with an external source map, then write `.br` (quality 11) and `.gz`
(level 9) siblings; neither compresses the source map. Vite runs in build mode with the entry as
its input and the entry's exports kept (`preserveEntrySignatures: "strict"`): library mode would
keep whitespace in ES output, giving Vite more bytes to compress than bundlewise.

Runs are interleaved so machine noise hits both alike, and both output folders are emptied
before each run. The main bundlewise figure is with a cold compression cache (`.bundlewise-cache`
deleted before each run); a warm-cache run (nothing changed since the cold one) is reported
beside it. The table shows the median of `--runs` and each tool's main-bundle bytes (raw, .br,
.gz) to show that they did comparable work. Target: bundlewise cold / vite ≤ 0.35×.

    python benchmarks/bench_vite.py [--runs 3] [--vite 7]

vite and vite-plugin-compression2 are installed with npm into benchmarks/.cache/vite on first
use (the current major; vite@7 when that fails to install or run on this Node); `--vite SPEC`
asks for a given version instead (installed into benchmarks/.cache/vite-SPEC). The generated
`vite.config.mjs` lives beside them. Needs node and npm.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import CACHE, esbuild_binary, median_of, three_times_ten, timed

PLUGIN = "vite-plugin-compression2"
FALLBACK = "7"

CONFIG = """\
import zlib from "node:zlib";
import {{ compression, defineAlgorithm }} from "{plugin}";

export default {{
  root: {root},
  publicDir: false,
  logLevel: "warn",
  build: {{
    outDir: {out},
    emptyOutDir: true,
    minify: true,
    sourcemap: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 100000,
    {bundler_options}: {{
      input: {entry},
      preserveEntrySignatures: "strict",
      output: {{ format: "es" }},{quiet}
    }},
  }},
  plugins: [
    compression({{
      algorithms: [
        defineAlgorithm("brotliCompress", {{
          params: {{ [zlib.constants.BROTLI_PARAM_QUALITY]: 11 }},
        }}),
        defineAlgorithm("gzip", {{ level: 9 }}),
      ],
      logLevel: "silent",
    }}),
  ],
}};
"""


@dataclass(frozen=True)
class Vite:
    script: Path  # vite's bin/vite.js
    version: str  # as `vite --version` prints it, e.g. "vite/8.3.8 linux-x64 node-v20.20.2"
    plugin_version: str


@dataclass(frozen=True)
class BundleSizes:
    name: str
    raw: int
    br: int | None
    gz: int | None


def install_vite(prefix: Path, spec: str) -> Vite | None:
    """Install `vite@spec` and the plugin into `prefix` unless there; None if it fails to run."""
    script = prefix / "node_modules" / "vite" / "bin" / "vite.js"
    plugin = prefix / "node_modules" / PLUGIN / "package.json"
    if not (script.is_file() and plugin.is_file()):
        package = f"vite@{spec}" if spec else "vite"
        installed = subprocess.run(
            ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", package, PLUGIN],
            check=False,
        )  # fmt: skip
        if installed.returncode != 0:
            return None
    probe = subprocess.run(
        ["node", str(script), "--version"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        print(probe.stderr, file=sys.stderr)
        return None
    plugin_version = json.loads(plugin.read_text())["version"]
    return Vite(script, probe.stdout.strip(), plugin_version)


def find_vite(spec: str | None) -> Vite:
    """The requested vite, or the current major with a fallback to vite@7 on this Node."""
    if spec is not None:
        vite = install_vite(CACHE / f"vite-{spec}", spec)
    else:
        vite = install_vite(CACHE / "vite", "")
        if vite is None:
            print(f"current vite does not install or run here; trying vite@{FALLBACK}")
            vite = install_vite(CACHE / f"vite-{FALLBACK}", FALLBACK)
    if vite is None:
        sys.exit("could not install a working vite with npm")
    return vite


def write_vite_config(vite: Vite, app: Path, out: Path) -> Path:
    major = int(vite.version.split("/")[1].split(".")[0])
    # Vite 8 bundles with Rolldown and names its options after it; earlier majors use Rollup.
    text = CONFIG.format(
        plugin=PLUGIN,
        root=json.dumps(str(app)),
        out=json.dumps(str(out)),
        entry=json.dumps(str(app / "entry.js")),
        bundler_options="rolldownOptions" if major >= 8 else "rollupOptions",
        # Rolldown otherwise prints which plugin was slow: the compression plugin, as expected.
        quiet="\n      checks: { bundlerTimings: false }," if major >= 8 else "",
    )
    config = vite.script.parents[3] / "vite.config.mjs"
    config.write_text(text)
    return config


def main_bundle(out: Path) -> BundleSizes:
    """The largest `.js` file under `out`, with the sizes of its compressed siblings."""
    bundle = max(out.rglob("*.js"), key=lambda path: path.stat().st_size)

    def size(suffix: str) -> int | None:
        sibling = bundle.with_name(bundle.name + suffix)
        return sibling.stat().st_size if sibling.is_file() else None

    return BundleSizes(bundle.name, bundle.stat().st_size, size(".br"), size(".gz"))


def run(argv: list[str], clear: list[Path]) -> Callable[[], float]:
    """A timed run of `argv` after deleting the folders in `clear`; fails loudly on errors."""

    def once() -> float:
        for folder in clear:
            shutil.rmtree(folder, ignore_errors=True)
        return timed(lambda: subprocess.run(argv, check=True))

    return once


def kib(size: int | None) -> str:
    return "—" if size is None else f"{size / 1024:,.0f} KiB"


def print_table(rows: list[tuple[str, list[float], BundleSizes]], vite_s: float) -> None:
    print("| tool | median wall time | ratio to vite | main bundle | raw | .br | .gz |")
    print("|---|---|---|---|---|---|---|")
    for label, times, sizes in rows:
        median = median_of(times)
        print(f"| {label} | {median:.2f} s | {median / vite_s:.2f}× | {sizes.name} "
              f"| {kib(sizes.raw)} | {kib(sizes.br)} | {kib(sizes.gz)} |")  # fmt: skip
    print()
    for label, times, _ in rows:
        print(f"- {label}: " + ", ".join(f"{t:.2f} s" for t in times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--vite", metavar="SPEC", help="vite version to install, e.g. 7")
    args = parser.parse_args()
    app = three_times_ten()
    (app / "bundlewise.toml").write_text('entries = ["entry.js"]\n')
    vite = find_vite(args.vite)
    ours_out, vite_out = CACHE / "vite-bench-bundlewise", CACHE / "vite-bench-vite"
    config = write_vite_config(vite, app, vite_out)
    ours = [sys.executable, "-m", "bundlewise", "-q", "build", str(app), "--no-images",
            "-o", str(ours_out), "--esbuild", str(esbuild_binary())]  # fmt: skip
    cold = run(ours, [ours_out, app / ".bundlewise-cache"])
    warm = run(ours, [ours_out])
    theirs = run(["node", str(vite.script), "build", "--config", str(config)], [vite_out])
    cold()  # untimed: warms the file cache and vite's first-run work for both
    theirs()
    cold_times, vite_times, warm_times = [], [], []
    for _ in range(args.runs):
        cold_times.append(cold())
        vite_times.append(theirs())
        warm_times.append(warm())  # the cache the cold run just filled, nothing changed
    ours_sizes, vite_sizes = main_bundle(ours_out), main_bundle(vite_out)
    print(f"\nthree.js r108 ×10, minify + source maps, Brotli 11 + gzip 9; {args.runs} runs, "
          f"median; {vite.version}, {PLUGIN} {vite.plugin_version}\n")  # fmt: skip
    print_table(
        [
            ("bundlewise build, cold cache", cold_times, ours_sizes),
            ("bundlewise build, warm cache", warm_times, ours_sizes),
            (f"vite build + {PLUGIN}", vite_times, vite_sizes),
        ],
        median_of(vite_times),
    )
    print(f"\nbundlewise (cold) / vite: {median_of(cold_times) / median_of(vite_times):.2f}× "
          "(target ≤ 0.35×)")  # fmt: skip


if __name__ == "__main__":
    main()
