"""File events: which ones count, and the debouncer that batches them.

The debouncer hands out one batch of changed paths after a quiet period with no new event, so an
editor's atomic save (write a temp file, rename it over) or a branch switch touching hundreds of
files gives one rebuild, and events that arrive during a rebuild give exactly one more.
"""

from __future__ import annotations

import fnmatch
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bundlewise.output.staging import trash_prefix

# Editor droppings that change while a file is open, never inputs.
IGNORED_NAMES = ("*.swp", "*.swx", "*.swpx", "*~", ".#*", "4913", ".DS_Store")
IGNORED_DIRS = (".git", ".hg", ".svn", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache")


class Debouncer:
    """Collects changed paths; `wait()` returns them once `quiet` seconds pass without a new one."""

    def __init__(self, quiet: float) -> None:
        self.quiet = quiet
        self._paths: set[str] = set()
        self._last = 0.0
        self._cond = threading.Condition()

    def add(self, path: str) -> None:
        with self._cond:
            self._paths.add(path)
            self._last = time.monotonic()
            self._cond.notify()

    def wait(self, timeout: float | None = None) -> set[str]:
        """The batch of paths changed since the last call (empty on timeout)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                if self._paths and now - self._last >= self.quiet:
                    batch, self._paths = self._paths, set()
                    return batch
                if deadline is not None and now >= deadline:
                    return set()
                step = self.quiet - (now - self._last) if self._paths else 0.5
                if deadline is not None:
                    step = min(step, deadline - now)
                self._cond.wait(max(step, 0.001))


class PathFilter:
    """Which paths may trigger a rebuild: none under our outputs, the cache or VCS folders."""

    def __init__(
        self, root: Path, own_dirs: Iterable[Path], own_prefixes: Iterable[str] = ()
    ) -> None:
        self.root = root
        self.own = tuple(own_dirs)
        self.own_prefixes = tuple(own_prefixes)
        """Paths starting with these strings are ours too (old outputs being deleted)."""

    def __call__(self, path: str) -> bool:
        if self.is_own(path):
            return False
        p = Path(path)
        if any(fnmatch.fnmatch(p.name, pattern) for pattern in IGNORED_NAMES):
            return False
        try:
            parts = p.relative_to(self.root).parts
        except ValueError:
            return True  # a config file or binary outside the root
        return not any(part in IGNORED_DIRS for part in parts[:-1])

    def is_own(self, path: str) -> bool:
        """True for paths under our outputs, their staging and old copies, or the cache."""
        p = Path(path)
        return any(p == d or p.is_relative_to(d) for d in self.own) or path.startswith(
            self.own_prefixes
        )

    def holds_own(self, folder: Path) -> bool:
        """True when one of our folders lies somewhere below `folder`."""
        if any(d != folder and d.is_relative_to(folder) for d in self.own):
            return True
        return any(Path(p).parent.is_relative_to(folder) for p in self.own_prefixes)


def own_dirs(out_dir: Path, cache_dir: Path) -> list[Path]:
    """The output folder, its staging and backup siblings (see `output.staging.Staging`), and the cache."""
    parent, name = out_dir.parent, out_dir.name
    return [out_dir, parent / f".{name}.staging", parent / f".{name}.old", cache_dir]


def own_prefixes(out_dir: Path) -> list[str]:
    """Old outputs renamed for deletion (`output.staging.BackgroundRemoval`) are siblings named so."""
    return [str(out_dir.parent / trash_prefix(out_dir))]


def watched_events() -> list[type[Any]]:
    """The event types we act on. Opening and reading a file changes nothing, and the build
    reads many of the watched files: leaving those out keeps them out of the kernel's queue."""
    from watchdog import events

    return [
        events.FileCreatedEvent, events.FileModifiedEvent, events.FileAttribEvent,
        events.FileClosedEvent, events.FileDeletedEvent, events.FileMovedEvent,
        events.DirCreatedEvent, events.DirModifiedEvent, events.DirAttribEvent,
        events.DirDeletedEvent, events.DirMovedEvent,
    ]  # fmt: skip
