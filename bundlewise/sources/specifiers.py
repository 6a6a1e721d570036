"""Where a file wrote a reference: the line and column of an import specifier or a `url()`.

esbuild's metafile says which file referenced which, and how the reference was written
(`original`), but not where. Messages about a referenced file (an image that does not decode, a
file outside the workspace) point at the reference itself, so we find its text in the source:
the first quoted occurrence (`"./x.png"`, `'./x.png'`, a template literal) or the first unquoted
`url(./x.png)`. The column is 0-based and counted in bytes, as esbuild reports columns.
"""

from __future__ import annotations

import re
from pathlib import Path

from bundlewise.errors import Location, location_in


def locate_specifier(root: Path, importer: str, original: str) -> Location:
    """Where `importer` (a path relative to `root`) writes `original`; the file alone if unknown."""
    try:
        text = (root / importer).read_bytes().decode("utf-8", "surrogateescape")
    except OSError:
        return Location(importer)
    pos = find_specifier(text, original)
    if pos is None:
        return Location(importer)
    return location_in(importer, text, pos)  # a minified file's one line is cut to a window


def find_specifier(text: str, original: str) -> int | None:
    """The offset of the first reference to `original` in `text`: its opening quote, or its
    first character inside an unquoted `url(...)`."""
    spec = re.escape(original)
    quoted = re.search(rf"([\"'`]){spec}\1", text)
    unquoted = re.search(rf"url\(\s*({spec})\s*\)", text, re.IGNORECASE)
    found = [m.start() for m in (quoted,) if m] + [m.start(1) for m in (unquoted,) if m]
    return min(found) if found else None
