"""Symlinks the watcher cannot follow, named once when watching starts.

Neither inotify nor our polling follows a symlinked folder (see `events.start_observer`), so a
link loop costs nothing; but a user who links a folder into the app, or whose link broke, should
know why a change there gives no rebuild. A link is named when it is dangling, part of a loop
(two links naming each other), or points to a folder that holds it (`src/loop -> ..`).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

from bundlewise.watch.events import IGNORED_DIRS


def odd_links(root: Path, allowed: Callable[[str], bool]) -> list[str]:
    """A line for each such link under `root`, skipping ignored and rejected folders."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs if d not in IGNORED_DIRS and allowed(os.path.join(folder, d))
        )
        for name in sorted([*dirs, *files]):
            path = os.path.join(folder, name)
            if os.path.islink(path):
                problem = _problem(path, folder)
                if problem:
                    found.append(f"{os.path.relpath(path, root)} is {problem}; not followed")
    return found


def _problem(path: str, folder: str) -> str | None:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop"
        return f"a dangling symlink (to {os.readlink(path)})"
    real = os.path.realpath(path)
    if os.path.isdir(real) and Path(folder).resolve().is_relative_to(real):
        return f"a symlink to a folder that holds it ({os.readlink(path)})"
    return None
