"""Helpers for the output-folder tests: the invariants every failure must keep (RELIABILITY.md).

G1 exit code, G2 a message naming the path, G3 the previous output byte-identical, G4 nothing
written or deleted outside the output folder and the cache (the project and its parent are
snapshotted), G5 no temp files and no child processes left behind.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

CACHES = ("user-cache", ".bundlewise-cache")

APP = {
    "index.html": '<!doctype html>\n<title>t</title>\n<script type="module" src="./src/main.js"></script>\n',
    "src/main.js": 'import { two } from "../lib/dep.js";\nconsole.log("main", two);\n',
    "lib/dep.js": "export const two = 2;\n",
}


def state(folder: Path) -> dict[str, bytes | None]:
    """Every entry under `folder` (files → bytes, folders → None), caches left out."""
    found: dict[str, bytes | None] = {}
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in CACHES]
        rel = Path(here).relative_to(folder)
        found[rel.as_posix()] = None
        for name in files:
            path = Path(here) / name
            found[(rel / name).as_posix()] = (
                os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            )
    return found


def processes_under(folder: Path) -> list[str]:
    """Processes (not this one) running in `folder` or naming it on their command line."""
    found = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(f"/proc/{pid}/cwd")
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            continue
        if str(folder) in cmdline or cwd.startswith(str(folder)):
            found.append(f"{pid}: {cmdline}")
    return found


def assert_failed_cleanly(
    done: subprocess.CompletedProcess[str], code: int, before: dict[str, bytes | None], top: Path
) -> None:
    """G1, G3–G5 after a failed run (G2 is checked by each test on its own message)."""
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    after = state(top)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"written or deleted: {changed}"
    assert processes_under(top) == []


def assert_whole(out: Path) -> None:
    """The output folder is exactly one build: what its marker lists, and all the manifest names."""
    marker = json.loads((out / ".bundlewise-output").read_text())
    files = {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(out).parts
    }
    assert files - {".bundlewise-output"} >= set(marker["files"])
    manifest = json.loads((out / ".vite" / "manifest.json").read_text())
    for entry in manifest.values():
        assert (out / entry["file"]).is_file(), entry["file"]
    siblings = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    assert siblings == [], siblings


def gated_esbuild(folder: Path, real: Path) -> Path:
    """An esbuild that, for a build, says `started` (a file) and waits for a `go` file first.

    It makes two builds overlap for certain: the test holds the first inside esbuild, with the
    output folder's lock taken, until the second one has said that it waits.
    """
    script = folder / "gated-esbuild"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then exec "{real}" "$@"; fi\n'
        f': > "{folder}/started"\n'
        f'while [ ! -e "{folder}/go" ]; do sleep 0.02; done\n'
        f'exec "{real}" "$@"\n'
    )
    script.chmod(0o755)
    return script
