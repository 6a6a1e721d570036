"""Shared fixtures: the real esbuild, throwaway projects, the CLI, a loopback server, Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from esbuild_fixture import real_esbuild

from bundlewise.audit.browser import LAUNCH_ARGS

REPO = Path(__file__).resolve().parents[1]
SAMPLE_APP = REPO / "sample_app"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# The flags `bundlewise audit` starts Chromium with: headless on a machine with no outside network.
CHROMIUM_ARGS = list(LAUNCH_ARGS)


def chromium_path() -> str | None:
    found = os.environ.get("BUNDLEWISE_CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    return next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests skip without Chromium, except in CI, where a missing browser is a failure."""
    if chromium_path() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason="Chromium not found (apt-get install chromium); CI runs these")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def esbuild_path() -> Path:
    """The pinned esbuild, installed once with npm into a cache kept between runs."""
    return real_esbuild()


@pytest.fixture
def env(esbuild_path: Path, tmp_path: Path) -> dict[str, str]:
    """Environment for `bundlewise` subprocesses: the real esbuild, no colour, private caches."""
    environ = dict(os.environ)
    environ.update(
        BUNDLEWISE_ESBUILD=str(esbuild_path),
        NO_COLOR="1",
        BUNDLEWISE_CACHE_DIR=str(tmp_path / "user-cache"),
    )
    environ.pop("FORCE_COLOR", None)
    environ.pop("GITHUB_ACTIONS", None)
    return environ


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """`make_project({"index.html": "...", "src/main.ts": "..."})` → the project folder."""

    def make(files: dict[str, str | bytes], name: str = "app") -> Path:
        root = tmp_path / name
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        root.mkdir(exist_ok=True)
        return root

    return make


def copy_sample_app(target: Path) -> Path:
    shutil.copytree(SAMPLE_APP, target, ignore=shutil.ignore_patterns("dist", ".bundlewise-cache"))
    return target


@pytest.fixture(scope="session")
def warm_image_cache(tmp_path_factory: pytest.TempPathFactory, esbuild_path: Path) -> Path:
    """The sample app's image cache, filled once, so each test does not re-encode every photo."""
    app = copy_sample_app(tmp_path_factory.mktemp("warm") / "sample_app")
    environ = {**os.environ, "BUNDLEWISE_ESBUILD": str(esbuild_path)}
    subprocess.run(
        [sys.executable, "-m", "bundlewise", "-q", "build", str(app), "--no-compress"],
        env=environ, check=True, timeout=600,
    )  # fmt: skip
    return app / ".bundlewise-cache"


@pytest.fixture
def sample_app(tmp_path: Path, warm_image_cache: Path) -> Path:
    """A private copy of the sample app, with a warm image cache."""
    target = copy_sample_app(tmp_path / "sample_app")
    shutil.copytree(warm_image_cache, target / ".bundlewise-cache")
    return target


@pytest.fixture
def run_cli(env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `python -m bundlewise ARGS` as a user would; returns the finished process."""

    def run(
        *args: str | Path, cwd: Path | None = None, **extra_env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bundlewise", *map(str, args)],
            cwd=cwd,
            env={**env, **extra_env},
            capture_output=True,
            text=True,
            timeout=600,
        )

    return run


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[Path], str]]:
    """`serve(folder)` → base URL of a loopback HTTP server for `folder`, stopped after the test."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (the system browser) through Playwright."""
    path = chromium_path()
    if path is None:
        pytest.fail("Chromium is required when CI=true (the CI script installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
