"""Where in a given file an exception was raised: the line a plugin's error message points at.

Used by the plugin loader and hook runner (`plugins/`) and by the esbuild callbacks
(`esbuild/callbacks.py`), which name the plugin's own line, not bundlewise's, when its code fails.
"""

from __future__ import annotations

import linecache
import traceback

from bundlewise.errors import Location


def frame_in(exc: BaseException, file: str | None) -> Location | None:
    """The innermost line of `file` in the traceback of `exc` (where the plugin failed)."""
    if file is None:
        return None
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == file and frame.lineno:
            line = linecache.getline(file, frame.lineno).rstrip("\r\n")
            indent = len(line) - len(line.lstrip())
            found = Location(file, frame.lineno, indent, line)
    return found
