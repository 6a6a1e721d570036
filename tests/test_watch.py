"""`bundlewise watch` as a user runs it: a real child process on a temp project, real esbuild."""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.watch_fixture import (
    WatchProcess,
    alive,
    atomic_write,
    make_project,
    wait_for,
)

IMAGES = Path(__file__).parent / "data" / "images"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "app")


@pytest.fixture
def watcher(project: Path) -> Iterator[WatchProcess]:
    process = WatchProcess(project)
    yield process
    process.stop()


def main_js(project: Path) -> str:
    return (project / "dist" / "assets" / "src" / "main.js").read_text()


def settle_then_mark(watcher: WatchProcess, project: Path, mark: str) -> None:
    """Give stray rebuilds time to show, then make one known edit and wait for its output."""
    time.sleep(0.5)
    start = len(watcher.lines)
    util = project / "src" / "util.ts"
    util.write_text(f'export function label(s: string): string {{\n  return "{mark}:" + s;\n}}\n')
    wait_for(lambda: mark in main_js(project), f"output with {mark}")
    # The line comes right after the output folder's swap.
    watcher.wait_line(lambda x: x.startswith("rebuilt in"), f"the rebuild for {mark}", start)


def test_first_build_uses_the_dev_profile(watcher: WatchProcess, project: Path) -> None:
    text = main_js(project)
    assert '"v1:"' in text
    assert "\n  " in text  # not minified
    assert (project / "dist" / "assets" / "styles" / "site.css").is_file()  # no hash in the name
    assert not list((project / "dist").rglob("*.br"))  # no compression


def test_editing_a_module_updates_the_output(watcher: WatchProcess, project: Path) -> None:
    (project / "src" / "util.ts").write_text('export const label = (s: string) => "v2:" + s;\n')
    wait_for(lambda: '"v2:"' in main_js(project), "the edited module in the output")
    watcher.wait_line(lambda x: x.startswith("rebuilt in"), "the rebuild line")


def test_c12_an_atomic_save_gives_exactly_one_rebuild(watcher: WatchProcess, project: Path) -> None:
    before = watcher.rebuilds()
    atomic_write(
        project / "src" / "util.ts", 'export const label = (s: string) => "atomic:" + s;\n'
    )
    wait_for(lambda: '"atomic:"' in main_js(project), "the atomically saved content")
    settle_then_mark(watcher, project, "after")
    assert watcher.rebuilds() == before + 2, watcher.text()
    assert not list(project.rglob("*.tmp~"))


def test_c11_a_syntax_error_keeps_the_watcher_and_the_last_good_output(
    watcher: WatchProcess, project: Path
) -> None:
    good = main_js(project)
    start = len(watcher.lines)
    (project / "src" / "util.ts").write_text("export function label(s: string {\n")
    line = watcher.wait_line(lambda x: "error:" in x, "the syntax error", start)
    assert line.startswith("src/util.ts:1:"), line
    watcher.wait_line(lambda x: x.startswith("build failed"), "the failure summary", start)
    assert "export function label(s: string {" in watcher.text()  # the code frame
    assert watcher.process.poll() is None
    assert main_js(project) == good
    assert not (project / ".dist.staging").exists()
    (project / "src" / "util.ts").write_text('export const label = (s: string) => "fixed:" + s;\n')
    wait_for(lambda: '"fixed:"' in main_js(project), "the fixed output")


def test_c11_a_broken_first_build_recovers(project: Path) -> None:
    (project / "src" / "util.ts").write_text("export const = ;\n")
    process = WatchProcess(project)
    try:
        assert process.failures() == 1
        assert "src/util.ts:1:" in process.text()
        (project / "src" / "util.ts").write_text('export const label = (s: string) => "ok:" + s;\n')
        wait_for(
            lambda: (project / "dist/assets/src/main.js").is_file() and '"ok:"' in main_js(project),
            "the first good output",
        )
    finally:
        process.stop()


def test_c13_an_invalid_config_keeps_the_last_good_one(
    watcher: WatchProcess, project: Path
) -> None:
    start = len(watcher.lines)
    config = project / "bundlewise.toml"
    config.write_text("sourcemap = [oops\n")
    watcher.wait_line(lambda x: "keeping the last good config" in x, "the config error", start)
    assert "bundlewise.toml" in watcher.text()
    # Still building, with the last good config (source maps on).
    settle_then_mark(watcher, project, "still")
    assert (project / "dist/assets/src/main.js.map").is_file()
    config.write_text("sourcemap = false\n")
    watcher.wait_line(lambda x: x == "config reloaded", "the reload", start)
    wait_for(lambda: not (project / "dist/assets/src/main.js.map").exists(), "maps gone")
    assert watcher.process.poll() is None


def test_c17_a_burst_of_300_changes_gives_at_most_two_builds(
    watcher: WatchProcess, project: Path
) -> None:
    before = watcher.rebuilds()
    many = project / "src" / "many"
    many.mkdir()
    for i in range(300):
        (many / f"m{i}.ts").write_text(f"export const n{i} = {i};\n")
    wait_for(lambda: watcher.rebuilds() > before, "a rebuild after the burst")
    settle_then_mark(watcher, project, "burst")
    assert before + 2 <= watcher.rebuilds() <= before + 3, watcher.text()


def test_c14_our_own_outputs_never_trigger_a_rebuild(watcher: WatchProcess, project: Path) -> None:
    before = watcher.rebuilds()
    (project / "dist" / "extra.txt").write_text("written into the output folder")
    (project / ".bundlewise-cache").mkdir(exist_ok=True)
    (project / ".bundlewise-cache" / "x").write_text("cache")
    settle_then_mark(watcher, project, "own")
    assert watcher.rebuilds() == before + 1, watcher.text()


def test_adding_and_deleting_an_image(watcher: WatchProcess, project: Path) -> None:
    index = project / "index.html"
    shutil.copy(IMAGES / "horse.png", project / "horse.png")
    index.write_text(index.read_text().replace("</body>", '<img src="./horse.png" alt=""></body>'))
    shipped = project / "dist" / "assets" / "horse.png"
    wait_for(shipped.is_file, "the new image in the output")
    assert shipped.read_bytes() == (IMAGES / "horse.png").read_bytes()  # dev: passed through
    assert "assets/horse.png" in (project / "dist" / "index.html").read_text()
    (project / "horse.png").unlink()
    start = len(watcher.lines)
    watcher.wait_line(lambda x: "horse.png" in x, "the missing image reported", start)
    index.write_text(index.read_text().replace('<img src="./horse.png" alt="">', ""))
    wait_for(lambda: not shipped.exists(), "the deleted image gone from the output")
    assert watcher.process.poll() is None


def test_ctrl_c_ends_everything_with_130(watcher: WatchProcess, project: Path) -> None:
    children = watcher.children()
    assert children, "the esbuild service should be running"
    assert watcher.stop(signal.SIGINT) == 130
    for pid in children:
        wait_for(lambda pid=pid: not alive(pid), f"child {pid} to end", timeout=10)
    assert not (project / ".dist.staging").exists()
    assert '"v1:"' in main_js(project)


def test_sigterm_ends_everything(watcher: WatchProcess) -> None:
    children = watcher.children()
    assert watcher.stop(signal.SIGTERM) == 128 + signal.SIGTERM
    for pid in children:
        wait_for(lambda pid=pid: not alive(pid), f"child {pid} to end", timeout=10)


def test_c18_ctrl_c_during_a_rebuild(watcher: WatchProcess, project: Path) -> None:
    children = watcher.children()
    start = len(watcher.lines)
    (project / "src" / "util.ts").write_text('export const label = (s: string) => "busy:" + s;\n')
    time.sleep(0.12)  # around when the rebuild starts; any moment must be safe
    assert watcher.stop(signal.SIGINT) == 130, watcher.text()[start:]
    for pid in children:
        wait_for(lambda pid=pid: not alive(pid), f"child {pid} to end", timeout=10)
    assert not (project / ".dist.staging").exists()
    assert (project / "dist" / "assets" / "src" / "main.js").is_file()


def test_a_killed_esbuild_is_replaced(watcher: WatchProcess, project: Path) -> None:
    for pid in watcher.children():
        os.kill(pid, signal.SIGKILL)
    (project / "src" / "util.ts").write_text('export const label = (s: string) => "again:" + s;\n')
    wait_for(lambda: '"again:"' in main_js(project), "a rebuild on a new esbuild")
    assert watcher.process.poll() is None
    assert len(watcher.children()) == 1


def test_on_watch_event_filters_the_changes_a_rebuild_waits_for(project: Path) -> None:
    # A plugin that knows notes are not part of the app: a note saved gives no rebuild.
    (project / "plugins").mkdir()
    (project / "plugins" / "skip_notes.py").write_text(
        "def on_watch_event(paths, *, build):\n    return [p for p in paths if p.suffix != '.md']\n"
    )
    (project / "bundlewise.toml").write_text('plugins = ["plugins/skip_notes.py"]\n')
    process = WatchProcess(project)
    try:
        start = len(process.lines)
        (project / "notes.md").write_text("to do\n")
        process.wait_line(lambda x: "left out by a plugin's on_watch_event" in x, "the skip", start)
        assert process.rebuilds() == 0
        settle_then_mark(process, project, "kept")  # a source change still rebuilds
        assert process.rebuilds() == 1
    finally:
        process.stop()
