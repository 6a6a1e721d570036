"""Read esbuild's log (the default style for people, run with `--color=false`) as `Message` values.

A block looks like this (`--log-level=warning` prints no "1 error" summary; other lines are
ignored, so the summary and `[watch]` lines do no harm):

    ✘ [ERROR] Could not resolve "left-pad"

        src/main.js:2:14:
          2 │ import y from "left-pad"
            ╵               ~~~~~~~~~~

      You can mark the path "left-pad" as external to exclude it from the bundle, ...

    ▲ [WARNING] Duplicate key "x" in object literal [duplicate-object-key]

        src/main.js:2:16:
          ...
      The original key "x" is here:

        src/main.js:2:11:
          ...

Indentation tells the parts apart: two spaces for a note's text, four for a `file:line:column:`
location (the message's own, or the note's above it), six or more for the code frame. Paths stay
relative to the directory esbuild ran in; the line is 1-based and the column 0-based in bytes.

esbuild shortens long lines in the frame ("...") and expands tabs, so when `cwd` is given the
line text is read from the file itself where it is short enough to be worth showing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from bundlewise.errors import Location, Message

_HEADER = re.compile(
    r"^(?:✘ \[ERROR\]|▲ \[WARNING\]) (?:\[plugin (?P<plugin>[^\]]+)\] )?(?P<text>.*)$"
)
_LOCATION = re.compile(r"^ {4}(?P<file>\S.*):(?P<line>\d+):(?P<column>\d+):$")
_FRAME_LINE = re.compile(r"^ {6,}\d+ │(?: (?P<text>.*))?$")
_NOTE = re.compile(r"^ {2}(?P<text>\S.*)$")

# Longer source lines are left as esbuild's shortened frame: a minified bundle's single line
# has no place in an error message.
MAX_LINE_TEXT = 500


@dataclass
class _Note:
    text: str
    location: Location | None = None


@dataclass
class _Block:
    severity: Literal["error", "warning"]
    text: str
    plugin: str
    location: Location | None = None
    notes: list[_Note] = field(default_factory=list)

    def attach(self, location: Location) -> None:
        """A location belongs to the latest note without one, or else to the message itself."""
        if self.notes and self.notes[-1].location is None:
            self.notes[-1].location = location
        elif self.location is None and not self.notes:
            self.location = location

    def to_message(self, cwd: Path | None) -> Message:
        notes = tuple(_note_text(note) for note in self.notes)
        location = _with_source_line(self.location, cwd)
        return Message(self.text, location, self.severity, notes, self.plugin)


def parse_messages(stderr: str, cwd: Path | None = None) -> list[Message]:
    """Every `✘ [ERROR]` and `▲ [WARNING]` block in `stderr`, in order.

    `cwd` is the directory esbuild ran in; it is only used to read the real source line when
    esbuild's frame shortened it. Paths in the messages are kept as esbuild wrote them.
    """
    blocks: list[_Block] = []
    current: _Block | None = None
    pending_frame: Location | None = None
    for line in stderr.splitlines():
        if header := _HEADER.match(line):
            severity: Literal["error", "warning"] = "error" if line.startswith("✘") else "warning"
            current = _Block(severity, header["text"], header["plugin"] or "")
            blocks.append(current)
            pending_frame = None
        elif current is None or not line.strip():
            continue
        elif loc := _LOCATION.match(line):
            pending_frame = Location(loc["file"], int(loc["line"]), int(loc["column"]))
            current.attach(pending_frame)
        elif (frame := _FRAME_LINE.match(line)) and pending_frame is not None:
            # The first numbered frame line after a location is that location's source line.
            _set_line_text(current, pending_frame, frame["text"] or "")
            pending_frame = None
        elif note := _NOTE.match(line):
            current.notes.append(_Note(note["text"]))
            pending_frame = None
        elif not line.startswith(" "):
            current = None  # a summary ("1 error") or other output: the block is over
    return [block.to_message(cwd) for block in blocks]


def _set_line_text(block: _Block, target: Location, text: str) -> None:
    filled = Location(target.file, target.line, target.column, text.rstrip())
    if block.location is target:
        block.location = filled
    for note in block.notes:
        if note.location is target:
            note.location = filled


def _note_text(note: _Note) -> str:
    """A note reads `text file:line:column` when it points somewhere (the location is the point)."""
    if note.location is None:
        return note.text
    return f"{note.text} {note.location}"


def _with_source_line(location: Location | None, cwd: Path | None) -> Location | None:
    if location is None or cwd is None or not location.line:
        return location
    real = read_source_line(cwd / location.file, location.line)
    if real is None:
        return location
    return Location(location.file, location.line, location.column, real)


def read_source_line(path: Path, line: int) -> str | None:
    """Line `line` (1-based) of `path`, or None when unreadable or longer than `MAX_LINE_TEXT`."""
    try:
        with path.open("r", encoding="utf-8", errors="replace", newline="") as handle:
            for _ in range(line - 1):
                if not _skip_line(handle):
                    return None
            # A bounded read: a huge minified line is never pulled in whole.
            text = handle.readline(MAX_LINE_TEXT + 2)
    except OSError:
        return None
    text = text.rstrip("\r\n")
    return text if len(text) <= MAX_LINE_TEXT else None


def _skip_line(handle: TextIO) -> bool:
    """Read past one line, however long, in bounded pieces; False at the end of the file."""
    while chunk := handle.readline(1 << 16):
        if chunk.endswith(("\n", "\r")):
            return True
    return False
