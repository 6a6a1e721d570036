"""Helpers for the plugin tests: hooks files, the installed test package, output snapshots."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

PLUGIN_PKG = Path(__file__).resolve().parent / "plugin_pkg"


def install_test_plugin(site: Path) -> Path:
    """Install `tests/plugin_pkg` into `site` (a folder to put on PYTHONPATH) and return it.

    Written as a plain `.dist-info` next to the package, which is all `importlib.metadata` reads
    to find entry points: no build backend, no network, the same on a clean clone as here.
    """
    project = tomllib.loads((PLUGIN_PKG / "pyproject.toml").read_text())["project"]
    shutil.copytree(PLUGIN_PKG / "bundlewise_test_plugin", site / "bundlewise_test_plugin")
    info = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    lines = []
    for group, points in project["entry-points"].items():
        lines.append(f"[{group}]")
        lines.extend(f"{name} = {target}" for name, target in points.items())
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return site


def write_plugin(app: Path, name: str, source: str) -> str:
    """Write `plugins/NAME.py` into the app; returns its path as the config names it."""
    path = app / "plugins" / f"{name}.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return f"plugins/{name}.py"


def write_config(app: Path, plugins: list[str], extra: str = "") -> None:
    """A config without image optimization (fast), with `plugins` and any extra TOML."""
    listed = ", ".join(f'"{p}"' for p in plugins)
    text = f"plugins = [{listed}]\n{textwrap.dedent(extra)}\n[images]\nenabled = false\n"
    (app / "bundlewise.toml").write_text(text, encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of `folder` with its bytes (to compare a folder before and after)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build_sample(
    folder: Path, esbuild: Path, config: str, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Copy the sample app into `folder`, add `extra` files, write `config` as its
    bundlewise.toml, and build it with the CLI."""
    sample = Path(__file__).resolve().parents[1] / "sample_app"
    shutil.copytree(sample, folder, ignore=shutil.ignore_patterns("dist", ".bundlewise-cache"))
    for rel, text in (extra or {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    (folder / "bundlewise.toml").write_text(textwrap.dedent(config), encoding="utf-8")
    env = {**os.environ, "BUNDLEWISE_ESBUILD": str(esbuild), "NO_COLOR": "1"}
    env["BUNDLEWISE_CACHE_DIR"] = str(folder.parent / "user-cache")
    return subprocess.run(
        [sys.executable, "-m", "bundlewise", "build", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def node_output(dist: Path) -> str:
    """Run the built entry with Node and return what it printed."""
    manifest = json.loads((dist / ".vite" / "manifest.json").read_text())
    entry = dist / manifest["src/main.js"]["file"]
    mjs = entry.with_suffix(".mjs")
    mjs.write_bytes(entry.read_bytes())
    done = subprocess.run(["node", str(mjs)], capture_output=True, text=True, timeout=60)
    mjs.unlink()
    assert done.returncode == 0, done.stderr
    return done.stdout
