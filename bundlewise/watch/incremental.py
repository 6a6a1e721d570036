"""The watcher's esbuild step: the production bundler on a long-lived build context.

`IncrementalBundler()` is `bundlewise.esbuild.bundler.ServiceBundler(incremental=True)`: it keeps
one esbuild context open while the arguments stay the same (a new page entry, a config change or a
plugin edit opens a new one). esbuild writes every output of every rebuild (checked: it rewrites
all files into a removed folder even when nothing changed), so the fresh staging folder of each
build gets them all.
"""

from __future__ import annotations

from bundlewise.esbuild.bundler import ServiceBundler, split_args, to_message

__all__ = ["IncrementalBundler", "split_args", "to_message"]


class IncrementalBundler(ServiceBundler):
    """Call it like `run_bundle`; call `close()` when done (ends the esbuild child)."""

    def __init__(self) -> None:
        super().__init__(incremental=True)
