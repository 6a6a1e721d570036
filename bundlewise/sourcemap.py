"""Keep a source map right when we insert text into the script it describes, and keep files
that should not be public out of it (`confine_sources`).

Generated columns in a source map are delta-encoded within each line, so inserting `n` characters
at a column shifts exactly one segment: the first one at or after the insertion point. Only that
segment's first field is re-encoded; the rest of the mappings string is kept as it is.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_INDEX = {c: i for i, c in enumerate(_B64)}


def decode_vlq(segment: str) -> list[int]:
    values: list[int] = []
    value = shift = 0
    for char in segment:
        digit = _B64_INDEX[char]
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        values.append(-(value >> 1) if value & 1 else value >> 1)
        value = shift = 0
    return values


def encode_vlq(values: Iterable[int]) -> str:
    out = []
    for v in values:
        v = (-v << 1) | 1 if v < 0 else v << 1
        while True:
            digit, v = v & 31, v >> 5
            out.append(_B64[digit | (32 if v else 0)])
            if not v:
                break
    return "".join(out)


def shift_line(line: str, column: int, length: int) -> str:
    """The mappings of one generated line after inserting `length` chars at `column`."""
    if not line:
        return line
    segments = line.split(",")
    absolute = 0
    for i, segment in enumerate(segments):
        fields = decode_vlq(segment)
        absolute += fields[0]
        if absolute >= column:
            fields[0] += length
            segments[i] = encode_vlq(fields)
            break
    return ",".join(segments)


def insert_into_map(map_bytes: bytes, insertions: Iterable[tuple[int, int, int]]) -> bytes:
    """Apply `(line, column, length)` insertions (0-based, in the *original* script) to a map.

    Insertions on one line must be given in increasing column order; later columns are moved by
    the earlier insertions automatically.
    """
    data = json.loads(map_bytes)
    lines = data["mappings"].split(";")
    shifted_by: dict[int, int] = {}
    for line, column, length in insertions:
        if line < len(lines):
            offset = shifted_by.get(line, 0)
            lines[line] = shift_line(lines[line], column + offset, length)
            shifted_by[line] = offset + length
    data["mappings"] = ";".join(lines)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


_SOURCES = re.compile(rb'"sources":\s*(\[[^\]]*\])')


def needs_confining(map_bytes: bytes, map_path: Path, root: Path) -> bool:
    """Whether a map may name a file outside `root`: a quick look at its `sources` alone, so that
    the usual map, all of whose sources are the app's, is not parsed whole."""
    found = _SOURCES.search(map_bytes)
    try:
        sources = json.loads(found[1]) if found else None
    except ValueError:
        sources = None
    if not isinstance(sources, list):
        return True
    # Strings, not a Path per source: a large bundle's map names thousands of files.
    folder = str(map_path.parent)
    inside = str(root).rstrip(os.sep) + os.sep
    return any(
        isinstance(s, str)
        and "://" not in s
        and not os.path.normpath(os.path.join(folder, s)).startswith(inside)
        for s in sources
    )


# What a map says in place of a source it leaves out (its mappings still point at an index).
LEFT_OUT = "[left out: outside the app root]"


def confine_sources(
    map_bytes: bytes, map_path: Path, place: Callable[[Path], Path | None]
) -> tuple[bytes | None, list[Path]]:
    """The map with each file source moved to `place(path)` or left out (name and text) when
    `place` gives None; None for the bytes when nothing changed. Also returns what was left out.

    `map_path` is where the map is written: `sources` are relative to its folder. Sources with a
    URL scheme (`webpack://...`) name no file here and are kept as they are.
    """
    data = json.loads(map_bytes)
    sources = data.get("sources") or []
    contents = data.get("sourcesContent") or []
    folder = map_path.parent
    changed, dropped = False, []
    for i, source in enumerate(sources):
        if not isinstance(source, str) or "://" in source or source == LEFT_OUT:
            continue
        path = Path(os.path.normpath(folder / source))
        new = place(path)
        if new is None:
            sources[i] = LEFT_OUT
            if i < len(contents):
                contents[i] = None
            dropped.append(path)
            changed = True
        elif new != path:
            sources[i] = Path(os.path.relpath(new, folder)).as_posix()
            changed = True
    if not changed:
        return None, dropped
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode(), dropped
