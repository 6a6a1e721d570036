"""The file observer: watchdog (inotify, or polling when that fails) on the app's tree.

Which folders it watches is `tree.TreeWatch`'s choice; files the build depends on outside that
tree are `outside.OutsideFiles`'.
"""

from __future__ import annotations

import errno
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bundlewise.watch.events import PathFilter, watched_events

POLL_INTERVAL = 0.5


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
            path_handler(on_path), str(root), recursive=True, event_filter=watched_events()
        )
        return
    from bundlewise.watch.tree import TreeWatch

    handler = path_handler(on_path)
    tree = TreeWatch(observer, handler, allowed)
    handler.on_event = tree.on_event
    tree.add(root)


def path_handler(on_path: Callable[[str], None]) -> Any:
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
