"""Apply text edits to an emitted script and keep its source map right."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bundlewise.sourcemap import insert_into_map


@dataclass(frozen=True)
class Edit:
    """Replace `text[start:end]` by `new` (start == end inserts)."""

    start: int
    end: int
    new: str


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, list[tuple[int, int, int]]]:
    """The edited text, and the `(line, column, length)` shifts its source map needs.

    A replacement is counted as a length change at its end: what we replace is always one token
    (a string literal), whose own mapping sits at its start and stays where it is.
    """
    out: list[str] = []
    shifts: list[tuple[int, int, int]] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[pos : edit.start])
        out.append(edit.new)
        pos = edit.end
        at = edit.end if edit.end > edit.start else edit.start
        line = text.count("\n", 0, at)
        column = at - (text.rfind("\n", 0, at) + 1)
        delta = len(edit.new) - (edit.end - edit.start)
        if delta:
            shifts.append((line, column, delta))
    out.append(text[pos:])
    return "".join(out), shifts


def edit_output(
    path: str,
    edits: list[Edit],
    read: Callable[[str], bytes],
    has_map: bool,
) -> dict[str, bytes]:
    """New bytes of script `path` (and of its `.map`) after `edits`; `{}` when there are none."""
    if not edits:
        return {}
    text, shifts = apply_edits(read(path).decode("utf-8", "surrogateescape"), edits)
    files = {path: text.encode("utf-8", "surrogateescape")}
    if has_map and shifts:
        files[path + ".map"] = insert_into_map(read(path + ".map"), shifts)
    return files
