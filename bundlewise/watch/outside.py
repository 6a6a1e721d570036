"""Files and folders a build depends on that the watch on the app's tree does not see.

Plugin callbacks name the files a module was made from (`watch_files`): a Sass partial in
`node_modules` (`@use "bootstrap/scss/variables"`), a stylesheet of a workspace sibling
(`@use "../../shared/colors"`), a file a Python plugin read. The tree watch covers the app's
folders but skips `node_modules` (tens of thousands of files) and sees nothing outside the root.
For each such file its own folder is watched alone, not recursively, and only events naming one
of these files count: a package folder where npm rewrites other files stays quiet. A folder a
callback names (`watch_dirs`: the `@source` folders Tailwind scans) is watched whole, and any
change in it counts, except in our own outputs.
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

    Call `update(files, dirs)` after each build with the files and folders that build named;
    `on_path` hears each change to one of them.
    """

    def __init__(self, observer: Any, on_path: Callable[[str], None], allowed: PathFilter) -> None:
        self.observer = observer
        self.on_path = on_path
        self.allowed = allowed
        self.files: frozenset[str] = frozenset()
        self.dirs: tuple[str, ...] = ()
        """Folders watched whole, each ending with a separator."""
        self.watches: dict[tuple[str, bool], Any] = {}
        """(folder, recursive) → its watch."""
        self._handler = path_handler(self._changed)
        self._events = watched_events()

    def update(self, files: Iterable[str], dirs: Iterable[str] = ()) -> None:
        """Watch what of `files` and `dirs` the tree watch misses; stop watching the rest."""
        wanted = frozenset(os.path.normpath(f) for f in files if self._missed(f, is_dir=False))
        whole = sorted({os.path.normpath(d) for d in dirs if self._missed(d, is_dir=True)})
        keys = {(os.path.dirname(f), False) for f in wanted} | {(d, True) for d in whole}
        for key in sorted(set(self.watches) - keys):
            with contextlib.suppress(KeyError, OSError):
                self.observer.unschedule(self.watches.pop(key))
        for folder, recursive in sorted(keys - set(self.watches)):
            with contextlib.suppress(OSError):  # gone: its files' change is a build error now
                self.watches[folder, recursive] = self.observer.schedule(
                    self._handler, folder, recursive=recursive, event_filter=self._events
                )
        self.files = wanted
        self.dirs = tuple(os.path.join(d, "") for d in whole)

    def _missed(self, path: str, is_dir: bool) -> bool:
        """An absolute path outside the root, or in (or, for a folder, being) a folder the tree
        watch skips (`node_modules`), and not one of our own outputs."""
        if not os.path.isabs(path) or self.allowed.is_own(path):
            return False
        try:
            parts = Path(path).relative_to(self.allowed.root).parts
        except ValueError:
            return True
        return any(part in IGNORED_DIRS for part in (parts if is_dir else parts[:-1]))

    def _changed(self, path: str) -> None:
        if path in self.files or (path.startswith(self.dirs) and not self.allowed.is_own(path)):
            self.on_path(path)
