"""npm packages for the tests, installed once into the shared test cache and kept between runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.esbuild_fixture import shared_cache_dir


def need_npm(why: str) -> None:
    """Skip without npm, saying `why` it is needed; with CI=true its absence is a failure."""
    if shutil.which("npm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"npm is required when CI=true: {why}")
        pytest.skip(f"npm not found: {why}")


def npm_installed(name: str, *args: str) -> Path:
    """`npm install ARGS` in the cache folder `npm-apps/NAME`, made on first use; the folder.

    It is installed into a private folder and renamed into place, so a run that stops halfway or
    a second run at the same time never sees half an install.
    """
    folder = shared_cache_dir() / "npm-apps" / name
    if (folder / ".installed").is_file():
        return folder
    work = folder.parent / f".{name}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (work / "package.json").write_text('{"private": true}\n')
    environ = {**os.environ, "npm_config_cache": str(shared_cache_dir() / "npm")}
    done = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", *args],
        cwd=work, env=environ, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (work / ".installed").touch()
    shutil.rmtree(folder, ignore_errors=True)
    work.rename(folder)
    return folder
