"""The watcher rebuilds when a file a plugin named in `watch_files` changes, wherever it is: in the
app's `node_modules` (which the tree watch skips) or in a sibling folder outside the app root.
Only the named files count: other files in those folders change nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from plugin_fixture import write_config, write_plugin

from tests.watch_fixture import WatchProcess, atomic_write, make_project, wait_for

# `.quote` files hold the path of a text file (relative to themselves); the module exports its
# text, and names that file in `watch_files`, as a Sass compiler names the partials it read.
QUOTE_PLUGIN = """
from pathlib import Path
from bundlewise.esbuild.callbacks import LoadResult

def on_esbuild_setup(esbuild, *, build):
    def load(args):
        source = Path(args.path)
        target = (source.parent / source.read_text().strip()).resolve()
        text = target.read_text().strip()
        return LoadResult(
            contents=f"export default {text!r};", loader="js", watch_files=[str(target)]
        )
    esbuild.on_load(r"\\.quote$", load)
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    root = make_project(
        tmp_path / "app",
        {
            "index.html": '<!doctype html><script type="module" src="src/main.js"></script>\n',
            "src/main.js": "import a from './dep.quote';\nimport b from './shared.quote';\n"
            "console.log(a, b);\n",
            "src/dep.quote": "../node_modules/quotes/hello.txt\n",
            "src/shared.quote": "../../shared/bye.txt\n",
            "node_modules/quotes/hello.txt": "hello-one\n",
            "node_modules/quotes/unrelated.txt": "x\n",
        },
    )
    make_project(tmp_path / "shared", {"bye.txt": "bye-one\n", "unrelated.txt": "x\n"})
    write_config(root, [write_plugin(root, "quote", QUOTE_PLUGIN)])
    return root


def shipped_js(app: Path) -> str:
    return "".join(p.read_text() for p in sorted((app / "dist").rglob("*.js")))


def test_watch_rebuilds_once_when_a_watch_file_outside_the_tree_changes(app: Path) -> None:
    watcher = WatchProcess(app)
    try:
        assert "hello-one" in shipped_js(app) and "bye-one" in shipped_js(app), watcher.text()
        before = watcher.rebuilds()
        atomic_write(app / "node_modules/quotes/hello.txt", "hello-two\n")
        wait_for(lambda: "hello-two" in shipped_js(app), "the node_modules file's new text")
        (app.parent / "shared/bye.txt").write_text("bye-two\n")
        wait_for(lambda: "bye-two" in shipped_js(app), "the sibling folder file's new text")
        time.sleep(1.5)  # time for a stray extra rebuild to show
        assert watcher.rebuilds() == before + 2, watcher.text()
    finally:
        watcher.stop()


def test_other_files_beside_a_watch_file_do_not_rebuild(app: Path) -> None:
    watcher = WatchProcess(app)
    try:
        before = watcher.rebuilds()
        (app / "node_modules/quotes/unrelated.txt").write_text("y\n")
        (app.parent / "shared/unrelated.txt").write_text("y\n")
        (app / "node_modules/quotes/new.txt").write_text("new\n")
        time.sleep(1.5)
        assert watcher.rebuilds() == before, watcher.text()
        # ...while the watch on the named files is live: a change to one still rebuilds.
        (app.parent / "shared/bye.txt").write_text("bye-three\n")
        wait_for(lambda: "bye-three" in shipped_js(app), "the sibling file's new text")
    finally:
        watcher.stop()
