"""Edit-to-output latency of `bundlewise watch` beside esbuild's own `--watch`, in the same run.

For each app, the same file is edited N times (a new string literal each time, so every edit
changes the output). Measured from the write to (a) the updated output on disk and (b) the SSE
`reload` event of `--serve`; esbuild's own `--watch=forever` with the same bundling flags is
measured to the updated output on disk. Medians; target ours ≤ 1.2× esbuild's own.

    python benchmarks/bench_watch.py [--edits 20] [--only sample|three]

Apps: the sample app, and three.js r108 ×10 (esbuild's benchmark: 10 copies of `src/Three.js` as
entries; `three@0.108.0` is installed with npm into benchmarks/.cache/three when missing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
sys.path.insert(0, str(ROOT))

from bundlewise.bundle import ASSET_LOADERS  # noqa: E402
from bundlewise.esbuild import find_esbuild  # noqa: E402

# An app: the file to edit, our output for it, esbuild's output for it, and the entries.
App = tuple[Path, str, str, list[str]]


def three_project(dest: Path) -> App:
    package = CACHE / "three" / "node_modules" / "three"
    if not package.is_dir():
        npm = ["npm", "install", "--prefix", str(CACHE / "three"), "three@0.108.0"]
        subprocess.run([*npm, "--no-audit", "--no-fund", "--silent"], check=True)
    for i in range(10):
        shutil.copytree(package / "src", dest / f"copy{i}" / "src")
        (dest / f"entry{i}.js").write_text(
            f"import * as copy{i} from './copy{i}/src/Three.js';\nexport {{ copy{i} }};\n"
        )
    entries = ", ".join(f'"entry{i}.js"' for i in range(10))
    (dest / "bundlewise.toml").write_text(f"pages = []\nentries = [{entries}]\n")
    return (dest / "copy0/src/math/Vector3.js", "assets/entry0.js", "entry0.js",
            [f"entry{i}.js" for i in range(10)])  # fmt: skip


def sample_project(dest: Path) -> App:
    ignore = shutil.ignore_patterns("dist")
    shutil.copytree(ROOT / "sample_app", dest, dirs_exist_ok=True, ignore=ignore)
    entries = ["src/main.ts", "src/about.ts", "styles/site.css"]
    return dest / "src/main.ts", "assets/src/main.js", "src/main.js", entries


def wait_output(path: Path, mark: str, timeout: float = 120.0) -> float:
    """Poll `path` (cheaply: stat first) until it holds `mark`; the time it did."""
    deadline = time.perf_counter() + timeout
    last = None
    while time.perf_counter() < deadline:
        try:
            st = path.stat()
            key = (st.st_ino, st.st_mtime_ns, st.st_size)
            if key != last:
                last = key
                if mark.encode() in path.read_bytes():
                    return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.002)
    raise TimeoutError(f"{path} never showed {mark}")


def run_edits(
    source: Path, output: Path, edits: int, starts: list[float], after: Callable[[], object]
) -> list[float]:
    """Edit `source` `edits` times; the latency of each to `output` (write times go to `starts`)."""
    original = source.read_text()
    times = []
    try:
        for i in range(edits):
            mark = f"bw-edit-{i}-{time.monotonic_ns()}"
            starts.append(time.perf_counter())
            source.write_text(original + f'\nglobalThis.__bw = "{mark}";\n')
            times.append(wait_output(output, mark) - starts[-1])
            after()
            time.sleep(0.3)
    finally:
        source.write_text(original)
    return times


def esbuild_watch(
    app: Path, source: Path, out_rel: str, entries: list[str], edits: int
) -> list[float]:
    """esbuild's own watch mode with the flags of our dev profile."""
    binary = find_esbuild(app, os.environ.get("BUNDLEWISE_ESBUILD")).path
    args = [str(binary), "--bundle", "--splitting", "--format=esm", "--outdir=esb-out",
            "--outbase=.", "--sourcemap", "--log-level=info", "--watch=forever"]  # fmt: skip
    args += [f"--loader:{ext}=file" for ext in ASSET_LOADERS] + entries
    child = subprocess.Popen(
        args,
        cwd=app,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(child.stderr or []), daemon=True).start()
    try:
        _until(lambda: any("build finished" in x for x in lines), 300)
        return run_edits(source, app / "esb-out" / out_rel, edits, [], lambda: None)
    finally:
        os.killpg(child.pid, 9)
        child.wait()


def ours(
    app: Path, source: Path, out_rel: str, edits: int, debounce: int
) -> tuple[list[float], list[float]]:
    argv = [
        sys.executable,
        "-m",
        "bundlewise",
        "--no-color",
        "watch",
        str(app),
        "--serve",
        "--debounce",
        str(debounce),
        "--port",
        "0",
    ]
    child = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(child.stderr or []), daemon=True).start()
    events: list[float] = []
    try:
        _until(lambda: any(x.startswith("built in") for x in lines), 300)
        url = next(x.split()[1] for x in lines if x.startswith("serving "))
        threading.Thread(target=_listen, args=(url, events), daemon=True).start()
        time.sleep(0.5)
        starts: list[float] = []
        # Each edit also waits for its SSE event, so that events and edits pair up in order.
        disk = run_edits(source, app / "dist" / out_rel, edits, starts,
                         lambda: _until(lambda: len(events) >= len(starts), 60))  # fmt: skip
        sse = [e - s for s, e in zip(starts, events, strict=False)]
        return disk, sse
    finally:
        child.send_signal(2)
        child.wait(timeout=30)


def _listen(url: str, events: list[float]) -> None:
    with urllib.request.urlopen(url + "__bundlewise/events") as stream:
        for raw in stream:
            if raw.startswith(b"event: reload"):
                events.append(time.perf_counter())


def _until(predicate: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark step timed out")
        time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--only", choices=("sample", "three"))
    parser.add_argument("--debounce", type=int, default=100, help="ms (bundlewise's default: 100)")
    opts = parser.parse_args()
    apps = {"sample app": sample_project, "three.js ×10": three_project}
    rows = []
    for name, make in apps.items():
        if opts.only and not name.startswith(opts.only):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            app = Path(tmp) / "app"
            app.mkdir()
            source, out_rel, esb_rel, entries = make(app)
            esb = esbuild_watch(app, source, esb_rel, entries, opts.edits)
            disk, sse = ours(app, source, out_rel, opts.edits, opts.debounce)
        e, d, s = (statistics.median(x) * 1000 for x in (esb, disk, sse))
        rows.append(
            f"| {name} | {e:.0f} ms | {d:.0f} ms ({d / e:.2f}×) | {s:.0f} ms ({s / e:.2f}×) |"
        )
    print(
        f"\nEdit-to-output latency, median of {opts.edits} edits, debounce {opts.debounce} ms (target: ours ≤ 1.2× esbuild --watch)\n"
    )
    print("| app | esbuild --watch | bundlewise watch → disk | bundlewise watch → SSE reload |")
    print("|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
