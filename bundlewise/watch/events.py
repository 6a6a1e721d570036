"""File events: watchdog (inotify, or polling when that fails), filtered and debounced.

The debouncer hands out one batch of changed paths after a quiet period with no new event, so an
editor's atomic save (write a temp file, rename it over) or a branch switch touching hundreds of
files gives one rebuild, and events that arrive during a rebuild give exactly one more.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bundlewise.staging import trash_prefix

# Editor droppings that change while a file is open, never inputs.
IGNORED_NAMES = ("*.swp", "*.swx", "*.swpx", "*~", ".#*", "4913", ".DS_Store")
IGNORED_DIRS = (".git", ".hg", ".svn", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache")

POLL_INTERVAL = 0.5


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
        p = Path(path)
        if any(p == d or p.is_relative_to(d) for d in self.own):
            return False
        if path.startswith(self.own_prefixes):
            return False
        if any(fnmatch.fnmatch(p.name, pattern) for pattern in IGNORED_NAMES):
            return False
        try:
            parts = p.relative_to(self.root).parts
        except ValueError:
            return True  # a config file or binary outside the root
        return not any(part in IGNORED_DIRS for part in parts[:-1])

    def holds_own(self, folder: Path) -> bool:
        """True when one of our folders lies somewhere below `folder`."""
        if any(d != folder and d.is_relative_to(folder) for d in self.own):
            return True
        return any(Path(p).parent.is_relative_to(folder) for p in self.own_prefixes)


def own_dirs(out_dir: Path, cache_dir: Path) -> list[Path]:
    """The output folder, its staging and backup siblings (see `staging.Staging`), and the cache."""
    parent, name = out_dir.parent, out_dir.name
    return [out_dir, parent / f".{name}.staging", parent / f".{name}.old", cache_dir]


def own_prefixes(out_dir: Path) -> list[str]:
    """Old outputs renamed for deletion (`staging.BackgroundRemoval`) are siblings named so."""
    return [str(out_dir.parent / trash_prefix(out_dir))]


def start_observer(
    root: Path,
    on_path: Callable[[str], None],
    poll: bool,
    notice: Callable[[str], None],
    allowed: PathFilter | None = None,
) -> Any:
    """A running watchdog observer on `root`; polling when asked, or when inotify is unusable.

    With `allowed`, the folders it rejects (our outputs, the cache) are not watched at all
    (see `tree`); `on_path` still gets every path, to filter as it likes.
    """
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserverVFS

    # Our output folder is swapped by renames on every build; watchdog re-adds its watch and warns
    # about replacing the old one. Harmless, and not the user's concern.
    warnings.filterwarnings("ignore", "Callback with id", RuntimeWarning, "watchdog")
    if not poll:
        observer = None
        try:
            observer = Observer()  # opens the inotify instance: EMFILE when none is left
            _schedule(observer, root, on_path, allowed)
            observer.start()
            return observer
        except OSError as exc:
            notice(
                f"file events unavailable ({exc.strerror or exc}); polling every "
                f"{POLL_INTERVAL:g} s instead (raise {_inotify_limit(exc)} to avoid this)"
            )
            if observer is not None:
                observer.stop()
    # lstat: a symlinked folder is not walked into, as inotify does not follow links either. A
    # link back up the tree (`src/loop -> ..`) would otherwise make each poll walk the app ~40
    # times over and see our own outputs through it under other names: a rebuild loop.
    observer = PollingObserverVFS(os.lstat, os.scandir, polling_interval=POLL_INTERVAL)
    _schedule(observer, root, on_path, allowed)
    observer.start()
    return observer


def _inotify_limit(exc: OSError) -> str:
    """The kernel setting behind an inotify failure: instances (EMFILE) or watches (ENOSPC)."""
    return (
        "fs.inotify.max_user_instances"
        if exc.errno == errno.EMFILE
        else "fs.inotify.max_user_watches"
    )


def _schedule(
    observer: Any, root: Path, on_path: Callable[[str], None], allowed: PathFilter | None
) -> None:
    if allowed is None:
        observer.schedule(
            _handler(on_path), str(root), recursive=True, event_filter=watched_events()
        )
        return
    from bundlewise.watch.tree import TreeWatch

    handler = _handler(on_path)
    tree = TreeWatch(observer, handler, allowed)
    handler.on_event = tree.on_event
    tree.add(root)


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


def _handler(on_path: Callable[[str], None]) -> Any:
    """A watchdog handler passing on every path an event names, source and destination."""
    from watchdog.events import FileSystemEventHandler

    class Handler(FileSystemEventHandler):
        on_event: Callable[[Any], None] | None = None
        """Sees every event first (`tree.TreeWatch` follows new folders)."""

        def dispatch(self, event: Any) -> None:
            if self.on_event is not None:
                self.on_event(event)
            if event.event_type in ("opened", "closed_no_write"):
                return  # reading a file changes nothing
            if event.is_directory and event.event_type == "modified":
                return  # a folder's entries changed: those changes have events of their own
            for path in (event.src_path, getattr(event, "dest_path", "")):
                if path:
                    on_path(path if isinstance(path, str) else path.decode())

    return Handler()
