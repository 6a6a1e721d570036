"""A real `python -m bundlewise watch` child on a small temp project, and ways to wait on it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tests.esbuild_fixture import real_esbuild

INDEX = """<!doctype html>
<html><head><meta charset="utf-8"><title>t</title>
<link rel="stylesheet" href="./styles/site.css">
<script type="module" src="./src/main.ts"></script>
</head><body><h1 id="title">Hello</h1>
</body></html>
"""
FILES = {
    "index.html": INDEX,
    "src/main.ts": 'import { label } from "./util";\ndocument.title = label("start");\n',
    "src/util.ts": 'export function label(s: string): string {\n  return "v1:" + s;\n}\n',
    "styles/site.css": "h1 { color: rgb(0, 0, 255); }\n",
}
REBUILT = re.compile(r"^rebuilt in (\d+) ms \((\d+) changes\)$")
TIMEOUT = 60.0


def make_project(root: Path, files: dict[str, str] | None = None) -> Path:
    for rel, text in (files or FILES).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def wait_for(predicate: Callable[[], object], what: str, timeout: float = TIMEOUT) -> None:
    """Poll `predicate` until true; fail naming `what` (generous: the machine may be loaded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass  # a file read across the output folder's swap
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class BundlewiseChild:
    """A `python -m bundlewise ARGS...` child whose stderr lines are collected as they come."""

    def __init__(
        self, *args: str | Path, env: Mapping[str, str], prefix: Sequence[str] = ()
    ) -> None:
        argv = [*prefix, sys.executable, "-m", "bundlewise", "--no-color", *map(str, args)]
        self.process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env={**env, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_line(self, match: Callable[[str], bool], what: str, start: int = 0) -> str:
        """The first line from line `start` on that `match`es, once there is one."""
        found: list[str] = []

        def seen() -> bool:
            found[:] = [line for line in self.lines[start:] if match(line)]
            assert found or self.process.poll() is None, f"exited: {self.text()}"
            return bool(found)

        wait_for(seen, f"{what}; stderr so far:\n{self.text()}")
        return found[0]

    def text(self) -> str:
        return "\n".join(self.lines)

    def finish(self, timeout: float = 120) -> int:
        """Wait for the child to exit (killed after `timeout`); its exit code."""
        try:
            return self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.reader.join(timeout=10)
            if self.process.stderr is not None:
                self.process.stderr.close()

    def stop(self, sig: int = signal.SIGINT) -> int:
        """Send `sig` (Ctrl-C by default) and wait for the child to exit."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.finish(TIMEOUT)


class WatchProcess(BundlewiseChild):
    """`bundlewise watch ROOT` with the real esbuild, once its first build is done."""

    def __init__(self, root: Path, *extra: str) -> None:
        self.root = root
        super().__init__("watch", root, "--esbuild", real_esbuild(), *extra, env=os.environ)
        self.wait_line(lambda line: line.startswith(("built in", "build failed")), "first build")

    def rebuilds(self) -> int:
        return sum(1 for line in self.lines if REBUILT.match(line))

    def expect_one_rebuild(
        self, edit: Callable[[], object], rebuilt: Callable[[], object], what: str
    ) -> None:
        """`edit` files, wait until `rebuilt()` holds, then check it took exactly one rebuild."""
        before = self.rebuilds()
        edit()
        wait_for(rebuilt, what)
        time.sleep(1.5)  # time for a stray second rebuild to show
        assert self.rebuilds() == before + 1, self.text()

    def failures(self) -> int:
        return sum(1 for line in self.lines if line.startswith("build failed"))

    def children(self) -> list[int]:
        """Pids whose parent is the watcher (the esbuild service)."""
        return [pid for pid in _all_pids() if _ppid(pid) == self.process.pid]


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _ppid(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return -1
    return int(text.rsplit(")", 1)[1].split()[1])


def alive(pid: int) -> bool:
    """Running and not a zombie (an orphaned zombie only waits for init to reap it)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"


def atomic_write(path: Path, text: str) -> None:
    """Write like vim or JetBrains: a temp file beside the target, renamed over it."""
    temp = path.with_name(f".{path.name}.tmp~")
    temp.write_text(text)
    os.replace(temp, path)
