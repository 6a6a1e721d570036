"""Edit-to-output latency of `bundlewise watch` beside esbuild's own `--watch`, in the same run.

For each app, the same file is edited N times (a new string literal each time, so every edit
changes the output). Measured from the write to (a) the updated output on disk and (b) the SSE
`reload` event of `--serve`. esbuild's own `--watch=forever` with the same bundling flags is
measured to the updated output on disk twice: plain (it rebuilds as soon as it sees the change),
and with `--watch-delay` set to our quiet period, the like-for-like baseline (both wait the same
time before building). Medians; target ours ≤ 1.2× esbuild's own.

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

from bundlewise.esbuild import find_esbuild  # noqa: E402
from bundlewise.file_kinds import ASSETS  # noqa: E402

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


class Subject:
    """One watcher on its own copy of the app: where its output lands, and how to stop it."""

    def __init__(self, child: subprocess.Popen[str], output: Path, lines: list[str]) -> None:
        self.child, self.output, self.lines = child, output, lines
        self.events: list[float] = []
        self.starts: list[float] = []
        self.disk: list[float] = []

    def sse(self) -> list[float]:
        return [e - s for s, e in zip(self.starts, self.events, strict=False)]


def start_esbuild(app: Path, out_rel: str, entries: list[str], delay: int = 0) -> Subject:
    """esbuild's own watch mode with the flags of our dev profile; `delay` ms before rebuilding."""
    binary = find_esbuild(app, os.environ.get("BUNDLEWISE_ESBUILD")).path
    args = [str(binary), "--bundle", "--splitting", "--format=esm", "--outdir=esb-out",
            "--outbase=.", "--sourcemap", "--log-level=info", "--watch=forever"]  # fmt: skip
    if delay:
        args.append(f"--watch-delay={delay}")
    args += [f"--loader:{ext}=file" for ext in ASSETS] + entries
    child = subprocess.Popen(args, cwd=app, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
    subject = Subject(child, app / "esb-out" / out_rel, _read_lines(child))
    _until(lambda: any("build finished" in x for x in subject.lines), 600)
    return subject


def start_ours(app: Path, out_rel: str, debounce: int) -> Subject:
    argv = [sys.executable, "-m", "bundlewise", "--no-color", "watch", str(app), "--serve",
            "--debounce", str(debounce), "--port", "0"]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    subject = Subject(child, app / "dist" / out_rel, _read_lines(child))
    _until(lambda: any(x.startswith("built in") for x in subject.lines), 600)
    url = next(x.split()[1] for x in subject.lines if x.startswith("serving "))
    threading.Thread(target=_listen, args=(url, subject.events), daemon=True).start()
    return subject


def _read_lines(child: subprocess.Popen[str]) -> list[str]:
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(child.stderr or []), daemon=True).start()
    return lines


def edit(subject: Subject, source: Path, original: str, i: int) -> None:
    """One edit of `source`; waits for the output (and for ours, the SSE event)."""
    mark = f"bw-edit-{i}-{time.monotonic_ns()}"
    subject.starts.append(time.perf_counter())
    source.write_text(original + f'\nglobalThis.__bw = "{mark}";\n')
    subject.disk.append(wait_output(subject.output, mark) - subject.starts[-1])
    if subject.child.args[0] == sys.executable:
        _until(lambda: len(subject.events) >= len(subject.starts), 60)
    time.sleep(0.3)


def measure(
    make: Callable[[Path], App], tmp: Path, edits: int, debounce: int
) -> tuple[Subject, Subject, Subject]:
    """esbuild plain, esbuild with our quiet period, and ours, side by side on their own copies;
    edits go round them in turn, so that all see the same load on the machine."""
    apps = [tmp / "esbuild", tmp / "esbuild-delay", tmp / "ours"]
    for app in apps:
        app.mkdir()
    made = [make(app) for app in apps]
    _, out_rel, esb_rel, entries = made[0]
    subjects = []
    try:
        subjects.append(start_esbuild(apps[0], esb_rel, entries))
        subjects.append(start_esbuild(apps[1], esb_rel, entries, delay=debounce))
        subjects.append(start_ours(apps[2], out_rel, debounce))
        originals = [source.read_text() for source, *_ in made]
        time.sleep(0.5)
        for i in range(edits):
            for subject, (source, *_), original in zip(subjects, made, originals, strict=True):
                edit(subject, source, original, i)
    finally:
        for subject in subjects:
            if subject.child.args[0] == sys.executable:
                subject.child.send_signal(2)
            else:
                os.killpg(subject.child.pid, 9)
            subject.child.wait(timeout=60)
    return subjects[0], subjects[1], subjects[2]


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
            esb, esb_delay, ours = measure(make, Path(tmp), opts.edits, opts.debounce)
        rows.append(_row(name, esb, esb_delay, ours))
    delay = f"--watch-delay={opts.debounce}"
    print(
        f"\nEdit-to-output latency, median of {opts.edits} edits, debounce {opts.debounce} ms "
        f"(target: ours ≤ 1.2× esbuild's own; ratios: against --watch / against {delay})\n"
    )
    print(f"| app | esbuild --watch | esbuild --watch {delay} | bundlewise watch → disk "
          "| bundlewise watch → SSE reload |")  # fmt: skip
    print("|---|---|---|---|---|")
    print("\n".join(rows))


def _row(name: str, esb: Subject, esb_delay: Subject, ours: Subject) -> str:
    e, w, d, s = (statistics.median(x) * 1000 for x in (esb.disk, esb_delay.disk, ours.disk,
                                                        ours.sse()))  # fmt: skip
    return (
        f"| {name} | {e:.0f} ms | {w:.0f} ms | {d:.0f} ms ({d / e:.2f}× / {d / w:.2f}×) "
        f"| {s:.0f} ms ({s / e:.2f}× / {s / w:.2f}×) |"
    )


if __name__ == "__main__":
    main()
