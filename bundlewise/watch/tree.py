"""Which folders to watch: the app's tree, without our own outputs in it.

A recursive watch on the app root also covers the output folder and its staging sibling. Every
rebuild creates, renames and deletes hundreds of entries there, and watchdog reads each event and
walks each new folder on its own threads, competing with the build for the interpreter: a sample
app rebuild took 48 ms instead of 22 ms with the root watched whole (the events were all dropped
afterwards). So a folder that holds one of ours (the root, usually) is watched alone, for its own
entries; each other folder under it is watched with everything below it; our own folders, and
folders whose events are all ignored anyway (`.git`, `node_modules`), are not watched at all.
A folder created later beside ours gets a watch of its own.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from bundlewise.watch.events import IGNORED_DIRS, PathFilter, watched_events


class TreeWatch:
    """Schedules `handler` on `observer` for the tree under `root`, minus `allowed`'s own folders.

    Call `add(root)` once, and `on_event(event)` from the handler for every event, so that
    folders created or removed later are followed.
    """

    def __init__(self, observer: Any, handler: Any, allowed: PathFilter) -> None:
        self.observer = observer
        self.handler = handler
        self.allowed = allowed
        self.alone: set[Path] = set()
        """Folders watched for their own entries only (they hold one of our folders)."""
        self.watches: dict[Path, Any] = {}
        self.events = watched_events()

    def add(self, folder: Path) -> None:
        """Watch `folder`: whole, or alone and then its subfolders one by one."""
        if not self.allowed.holds_own(folder):
            self._schedule(folder, recursive=True)
            return
        self._schedule(folder, recursive=False)
        self.alone.add(folder)
        with os.scandir(folder) as entries:
            children = [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]
        for child in sorted(children):
            if self._wanted(child):
                self.add(child)

    def on_event(self, event: Any) -> None:
        """Follow folders created, renamed or removed beside our own ones."""
        if not event.is_directory or event.event_type not in ("created", "moved", "deleted"):
            return
        if event.event_type in ("moved", "deleted"):
            self._forget(Path(_text(event.src_path)))
        if event.event_type in ("created", "moved"):
            new = Path(_text(event.dest_path or event.src_path))
            if new.parent in self.alone and new not in self.watches and self._wanted(new):
                with contextlib.suppress(OSError):  # gone again already
                    self.add(new)

    def _wanted(self, folder: Path) -> bool:
        return folder.name not in IGNORED_DIRS and self.allowed(str(folder))

    def _schedule(self, folder: Path, recursive: bool) -> None:
        watch = self.observer.schedule(
            self.handler, str(folder), recursive=recursive, event_filter=self.events
        )
        self.watches[folder] = watch

    def _forget(self, folder: Path) -> None:
        """Drop the watches on `folder` and below (its emitters would not see it come back)."""
        for path in [p for p in self.watches if p == folder or p.is_relative_to(folder)]:
            self.alone.discard(path)
            with contextlib.suppress(KeyError, OSError):
                self.observer.unschedule(self.watches.pop(path))


def _text(path: bytes | str) -> str:
    return path if isinstance(path, str) else os.fsdecode(path)
