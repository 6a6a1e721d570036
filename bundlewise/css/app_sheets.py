"""The app's own stylesheets, found and read once per build.

Three steps need them: the `--external:` texts esbuild gets (`refs.css_externals`), the package
stylesheets that are `@import`ed by bare name (`packages.style_aliases`, read when the plugin
callbacks are set up), and the check after esbuild that no JS import slipped through as one of
those externals. Each used to walk the app tree and read every stylesheet itself, three walks and
three reads per build (a walk of three.js ×10, 1,000 folders, takes ~8 ms). Inside
`one_scan_per_build()` (the pipeline runs each build in one) the first scan is kept and shared,
with what is derived from it; outside one (a test, a benchmark), each call scans afresh.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from bundlewise.config import Config

_SKIP_DIRS = ("node_modules",)

# The scans of the build in progress, by what decides what a scan finds (see `_scan_key`).
_scans: ContextVar[dict[tuple[Path, ...], AppStylesheets] | None] = ContextVar(
    "bundlewise_stylesheet_scans", default=None
)


@dataclass(eq=False)
class AppStylesheets:
    """The stylesheets of one app, each read at most once; and what is derived from them."""

    paths: tuple[Path, ...]
    _texts: dict[Path, str] = field(default_factory=dict)
    externals: list[str] | None = None
    """`--external:` texts (filled by `refs.css_externals`)."""
    aliases: dict[str, str] | None = None
    """Bare `@import` specifier → package stylesheet (filled by `packages.style_aliases`)."""

    def text(self, path: Path) -> str:
        text = self._texts.get(path)
        if text is None:
            text = self._texts[path] = path.read_text(encoding="utf-8", errors="replace")
        return text


def app_stylesheets(config: Config) -> AppStylesheets:
    """The app's stylesheets: this build's scan when one is open, else a fresh one."""
    scans = _scans.get()
    if scans is None:
        return AppStylesheets(tuple(stylesheets(config)))
    key = _scan_key(config)
    scan = scans.get(key)
    if scan is None:
        scan = scans[key] = AppStylesheets(tuple(stylesheets(config)))
    return scan


@contextlib.contextmanager
def one_scan_per_build() -> Iterator[None]:
    """Share one scan of the app's stylesheets among the steps of a build (files do not change
    while it runs: the watcher starts the next build for a change made meanwhile)."""
    token = _scans.set({})
    try:
        yield
    finally:
        _scans.reset(token)


def stylesheets(config: Config) -> Iterator[Path]:
    """The app's own stylesheets: under the root, outside dependencies and outputs."""
    skip = {str(p) for p in (config.out_dir, config.public_dir, config.cache_dir)}
    for folder, dirs, files in os.walk(config.root):
        dirs[:] = sorted(
            d for d in dirs
            if d[0] != "." and d not in _SKIP_DIRS and os.path.join(folder, d) not in skip
        )  # fmt: skip
        for name in sorted(files):
            if name.lower().endswith(".css"):
                yield Path(folder, name)


def _scan_key(config: Config) -> tuple[Path, ...]:
    return (config.root, config.out_dir, config.public_dir, config.cache_dir)
