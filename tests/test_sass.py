"""Sass/SCSS built in, with the real Dart Sass: Bootstrap 5 from its SCSS in Chromium, partials,
url() relative to the partial, source maps back to .scss, errors with file:line:col, deprecations
summarised.

Dart Sass and Bootstrap are installed with npm (by package name, pinned) once into the shared test
cache; later runs reuse them.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from esbuild_fixture import cache_dir_env, shared_cache_dir
from plugin_fixture import snapshot

from bundlewise.builtins.sass_binary import SASS_VERSION, install_sass
from tests.npm_fixture import need_npm, npm_installed

RunCli = Callable[..., subprocess.CompletedProcess[str]]
BOOTSTRAP = "5.3.3"
POPPER = "2.11.8"
NO_BUDGET = '[images]\nenabled = false\n[budget]\ninitial = "10 MB"\n'


def _need_npm() -> None:
    need_npm("Dart Sass and Bootstrap are installed with npm")


@pytest.fixture(scope="session")
def sass_path() -> Path:
    """The pinned native Dart Sass, installed through bundlewise's own provisioning, once."""
    _need_npm()
    with cache_dir_env(shared_cache_dir()):
        return install_sass(SASS_VERSION)


@pytest.fixture
def sass_env(env: dict[str, str], sass_path: Path) -> dict[str, str]:
    return {**env, "BUNDLEWISE_SASS": str(sass_path)}


def build(app: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    import sys

    return subprocess.run(
        [sys.executable, "-m", "bundlewise", "build", str(app), "--no-compress", *args],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_partials_urls_source_maps_and_deprecations(
    make_project: Callable[..., Path], sass_env: dict[str, str]
) -> None:
    app = make_project(
        {
            "index.html": '<!doctype html><link rel="stylesheet" href="src/app.scss">\n',
            "src/app.scss": '@use "parts/card";\n$gap: 4px;\n.page { margin: $gap * 2; }\n'
            ".old { color: darken(#ff0000, 10%); }\n",
            "src/parts/_card.scss": ".card {\n  background: url(../img/dot.svg);\n}\n",
            "src/img/dot.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
            "bundlewise.toml": NO_BUDGET,
        }
    )
    done = build(app, sass_env)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((app / "dist/.vite/manifest.json").read_text())
    css_path = app / "dist" / manifest["src/app.scss"]["file"]
    css = css_path.read_text()
    assert ".page{margin:8px}" in css
    # url() written in the partial resolves next to the partial, and the file is emitted.
    dot = next((app / "dist").rglob("dot-*.svg"))
    assert f"/{dot.name}" in css or f"./{dot.name}" in css or dot.name in css
    # The source map leads back to the .scss lines.
    source_map = json.loads(css_path.with_name(css_path.name + ".map").read_text())
    assert any(s.endswith("src/parts/_card.scss") for s in source_map["sources"])
    assert any(s.endswith("src/app.scss") for s in source_map["sources"])
    # Deprecations: one summary line naming the kinds, not one block per use.
    assert done.stderr.count("deprecation warning") == 1
    assert "global-builtin" in done.stderr and "src/app.scss:4:" in done.stderr


def test_a_sass_syntax_error_is_exit_1_at_file_line_col_and_keeps_dist(
    make_project: Callable[..., Path], sass_env: dict[str, str]
) -> None:
    app = make_project(
        {
            "index.html": '<!doctype html><link rel="stylesheet" href="src/app.scss">\n',
            "src/app.scss": '@use "parts/broken";\n.a { color: red; }\n',
            "src/parts/_broken.scss": ".b { color: blue; }\n",
            "bundlewise.toml": NO_BUDGET,
        }
    )
    assert build(app, sass_env).returncode == 0
    before = snapshot(app / "dist")
    (app / "src/parts/_broken.scss").write_text(".b {\n  color: blue\n  margin: 0;\n}\n")
    done = build(app, sass_env)
    assert done.returncode == 1
    assert "src/parts/_broken.scss:3:" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(app / "dist") == before
    assert not any(p.name.endswith(".staging") for p in app.iterdir())


def installed_bootstrap() -> Path:
    """Bootstrap's sources, Popper and sass-embedded installed with npm into the test cache."""
    _need_npm()
    return npm_installed(
        f"bootstrap-{BOOTSTRAP}-sass-{SASS_VERSION}", "--ignore-scripts",
        f"bootstrap@{BOOTSTRAP}", f"@popperjs/core@{POPPER}", f"sass-embedded@{SASS_VERSION}",
    )  # fmt: skip


BOOTSTRAP_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Bootstrap</title>
<link rel="stylesheet" href="src/styles.scss"></head>
<body>
  <button id="primary" class="btn btn-primary">Primary</button>
  <div class="dropdown">
    <button id="toggle" class="btn btn-secondary dropdown-toggle" type="button"
            data-bs-toggle="dropdown" aria-expanded="false">Menu</button>
    <ul class="dropdown-menu"><li><a class="dropdown-item" href="#">Action</a></li></ul>
  </div>
  <script type="module" src="src/main.js"></script>
</body>
</html>
"""


@pytest.mark.browser
def test_bootstrap_from_scss_with_a_primary_override_and_its_dropdown(
    tmp_path: Path, env: dict[str, str], browser: Any, serve: Callable[[Path], str]
) -> None:
    """Found in the app's node_modules (sass-embedded's native executable), as a user has it."""
    installed = installed_bootstrap()
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "node_modules").symlink_to(installed / "node_modules", target_is_directory=True)
    (app / "index.html").write_text(BOOTSTRAP_PAGE)
    (app / "src/styles.scss").write_text(
        '$primary: #7b2ff7;\n@import "bootstrap/scss/bootstrap";\n'
    )
    (app / "src/main.js").write_text(
        "import * as bootstrap from 'bootstrap';\nwindow.bs = bootstrap;\n"
    )
    (app / "bundlewise.toml").write_text(NO_BUDGET)
    done = build(app, env)  # no BUNDLEWISE_SASS: the app's own install is found
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(serve(app / "dist") + "/index.html", wait_until="networkidle")
    colour = page.evaluate("getComputedStyle(document.querySelector('#primary')).backgroundColor")
    assert colour == "rgb(123, 47, 247)"
    menu = page.locator(".dropdown-menu")
    assert not menu.is_visible()
    page.click("#toggle")
    menu.wait_for(state="visible", timeout=10000)
    assert page.get_attribute("#toggle", "aria-expanded") == "true"
    assert problems == []


def test_watch_rebuilds_once_when_a_partial_changes(
    tmp_path: Path, sass_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    from tests.watch_fixture import WatchProcess, make_project

    monkeypatch.setenv("BUNDLEWISE_SASS", str(sass_path))
    app = make_project(
        tmp_path / "app",
        {
            "index.html": '<!doctype html><link rel="stylesheet" href="src/app.scss">\n',
            "src/app.scss": '@use "parts/sizes";\nh1 { margin: sizes.$gap; }\n',
            "src/parts/_sizes.scss": "$gap: 11px;\n",
        },
    )
    css = app / "dist" / "assets" / "src" / "app.css"
    watcher = WatchProcess(app)
    try:
        assert "margin: 11px" in css.read_text()
        watcher.expect_one_rebuild(
            lambda: (app / "src/parts/_sizes.scss").write_text("$gap: 23px;\n"),
            lambda: "margin: 23px" in css.read_text(),
            "the partial's new value",
        )
    finally:
        watcher.stop()
