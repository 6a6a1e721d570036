"""The official Vite starters build with no config and work in Chromium.

Each template is scaffolded by the `create-vite` package (pinned) and installed with npm once,
into the shared test cache (keyed by create-vite version and template); later runs reuse it. Only
runtime dependencies are installed (`--omit=dev`): the dev ones are Vite's own toolchain, which a
bundlewise build does not use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from esbuild_fixture import shared_cache_dir
from helpers import open_page

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CREATE_VITE = "9.3.0"
TEMPLATES = ("vanilla", "vanilla-ts", "react", "react-ts", "preact-ts", "lit-ts")
NPM_TIMEOUT = 600


def npm(*args: str, cwd: Path) -> None:
    environ = {**os.environ, "npm_config_cache": str(shared_cache_dir() / "npm"), "CI": "true"}
    done = subprocess.run(
        ["npm", *args], cwd=cwd, env=environ, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=NPM_TIMEOUT,
    )  # fmt: skip
    assert done.returncode == 0, f"npm {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def installed_starter(template: str) -> Path:
    """The scaffolded, installed starter in the cache (made on first use)."""
    folder = shared_cache_dir() / "vite-starters" / f"create-vite-{CREATE_VITE}" / template
    if (folder / ".installed").is_file():
        return folder
    if shutil.which("npm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("npm is required for the Vite starter tests when CI=true")
        pytest.skip("npm not found; the Vite starter tests scaffold apps with create-vite")
    work = folder.parent / f".{template}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        npm(
            "exec",
            "--yes",
            f"create-vite@{CREATE_VITE}",
            "--",
            "app",
            "--template",
            template,
            cwd=work,
        )
        npm(
            "install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline", cwd=work / "app"
        )
        (work / "app" / ".installed").touch()
        shutil.rmtree(folder, ignore_errors=True)
        (work / "app").rename(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder


@pytest.fixture
def starter(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A private copy of the starter's sources; `node_modules` is a link to the cached install."""
    cached = installed_starter(request.param)
    app = tmp_path / request.param
    shutil.copytree(cached, app, ignore=shutil.ignore_patterns("node_modules", ".installed"))
    (app / "node_modules").symlink_to(cached / "node_modules", target_is_directory=True)
    return app


@pytest.mark.parametrize("starter", TEMPLATES, indirect=True)
def test_vite_starter_builds_and_works_with_no_config(
    starter: Path, run_cli: Any, serve: Any, browser: Any
) -> None:
    assert not (starter / "bundlewise.toml").exists()
    done = run_cli("build", starter, "--strict")
    assert done.returncode == 0, done.stderr
    page, problems = open_page(browser, serve(starter / "dist") + "/index.html")
    counter = page.locator("button.counter, button#counter").first
    assert " ".join(counter.inner_text().split()) == "Count is 0"
    counter.click()
    assert " ".join(counter.inner_text().split()) == "Count is 1"
    widths = page.locator("img").evaluate_all("els => els.map(e => e.complete && e.naturalWidth)")
    assert len(widths) >= 3 and all(widths), f"every image loads: {widths}"
    page.wait_for_load_state("networkidle")
    assert problems == []
    page.close()
