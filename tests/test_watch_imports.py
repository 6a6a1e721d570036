"""The watcher hands the pipeline an incremental bundler and nothing else: of esbuild's room it
imports the bundler alone (counting type-only and deferred imports, as `test_import_graph`)."""

from __future__ import annotations

from tests.test_import_graph import import_graph


def test_the_watcher_uses_nothing_of_esbuild_but_the_bundler() -> None:
    used = {
        target
        for name, targets in import_graph().items()
        if name == "bundlewise.watch" or name.startswith("bundlewise.watch.")
        for target in targets
        if target == "bundlewise.esbuild" or target.startswith("bundlewise.esbuild.")
    }
    assert used == {"bundlewise.esbuild.bundler"}
