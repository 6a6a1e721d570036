"""Files a build depends on that the watch on the app's tree does not see.

Plugin callbacks name the files a module was made from (`watch_files`): a Sass partial in
`node_modules` (`@use "bootstrap/scss/variables"`), a stylesheet of a workspace sibling
(`@use "../../shared/colors"`), a file a Python plugin read. The tree watch covers the app's
folders but skips `node_modules` (tens of thousands of files) and sees nothing outside the root.
For each such file its own folder is watched alone, not recursively, and only events naming one
of these files count: a package folder where npm rewrites other files stays quiet.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bundlewise.watch.events import IGNORED_DIRS, PathFilter, watched_events
from bundlewise.watch.observer import path_handler


class OutsideFiles:
    """Keeps `observer` watching the folders of the `watch_files` the tree watch misses.

    Call `update(files)` after each build with the files that build named; `on_path` hears each
    change to one of them.
    """

    def __init__(self, observer: Any, on_path: Callable[[str], None], allowed: PathFilter) -> None:
        self.observer = observer
        self.on_path = on_path
        self.allowed = allowed
        self.files: frozenset[str] = frozenset()
        self.watches: dict[str, Any] = {}
        """Folder → its watch (each watched for its own entries only)."""
        self._handler = path_handler(self._changed)
        self._events = watched_events()

    def update(self, files: Iterable[str]) -> None:
        """Watch the folders of `files` the tree watch misses; stop watching the others."""
        wanted = frozenset(os.path.normpath(f) for f in files if self._missed(f))
        folders = {os.path.dirname(f) for f in wanted}
        for folder in sorted(set(self.watches) - folders):
            with contextlib.suppress(KeyError, OSError):
                self.observer.unschedule(self.watches.pop(folder))
        for folder in sorted(folders - set(self.watches)):
            with contextlib.suppress(OSError):  # gone: its files' change is a build error now
                self.watches[folder] = self.observer.schedule(
                    self._handler, folder, recursive=False, event_filter=self._events
                )
        self.files = wanted

    def _missed(self, path: str) -> bool:
        """An absolute path outside the root, or in a folder the tree watch skips
        (`node_modules`), and not one of our own outputs."""
        if not os.path.isabs(path) or self.allowed.is_own(path):
            return False
        try:
            parts = Path(path).relative_to(self.allowed.root).parts
        except ValueError:
            return True
        return any(part in IGNORED_DIRS for part in parts[:-1])

    def _changed(self, path: str) -> None:
        if path in self.files:
            self.on_path(path)
