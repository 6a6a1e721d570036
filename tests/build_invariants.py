"""A build that must fail cleanly: RELIABILITY.md's invariants G1–G5, checked in one place."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from helpers import snapshot, tree


def build(run_cli, root: Path, *args: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """Build with a private HOME and TMPDIR, so that what is left in them can be checked."""
    home, temp = root.parent / "home", root.parent / "tmp"
    home.mkdir(exist_ok=True)
    temp.mkdir(exist_ok=True)
    return run_cli("build", root, "--no-compress", *args, HOME=str(home), TMPDIR=str(temp))  # type: ignore[no-any-return]


def fails(run_cli, root: Path, *args: str, code: int = 1) -> str:  # type: ignore[no-untyped-def]
    """Build, expect exit `code` (G1); the old dist is byte-identical (G3), nothing is written
    outside the output folder and the cache (G4), no temp file or child process is left (G5)."""
    (root.parent / "home").mkdir(exist_ok=True)
    (root.parent / "tmp").mkdir(exist_ok=True)
    dist_before = snapshot(root / "dist")
    outside_before = tree(root.parent)
    done = build(run_cli, root, *args)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(root / "dist") == dist_before
    written = tree(root.parent) - outside_before
    caches = ("user-cache", f"{root.name}/.bundlewise-cache")
    assert not {p for p in written if not p.startswith(caches)}, "written outside dist/ and cache"
    assert not list((root.parent / "tmp").iterdir()), "temp files left"
    assert not list((root.parent / "home").iterdir()), "written into $HOME"
    assert not _processes_in(root), "child processes left"
    return done.stderr


def _processes_in(root: Path) -> list[str]:
    """Processes whose command line names the project (an esbuild left running, say)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(root) in cmdline:
            found.append(cmdline)
    return found
