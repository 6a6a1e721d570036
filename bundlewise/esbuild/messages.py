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
from dataclasses import dataclass, field, replace
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

    def to_message(self) -> Message:
        notes = tuple(_note_text(note) for note in self.notes)
        return Message(self.text, self.location, self.severity, notes, self.plugin)


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
    messages = [block.to_message() for block in blocks]
    return _with_source_lines(messages, cwd) if cwd is not None else messages


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


def _with_source_lines(messages: list[Message], cwd: Path) -> list[Message]:
    """Messages with each location's line text read from the file (each file read once)."""
    wanted: dict[str, set[int]] = {}
    for message in messages:
        if message.location is not None and message.location.line:
            wanted.setdefault(message.location.file, set()).add(message.location.line)
    found = {name: read_source_lines(cwd / name, lines) for name, lines in wanted.items()}
    result = []
    for message in messages:
        loc = message.location
        text = found[loc.file].get(loc.line) if loc is not None and loc.line else None
        if loc is not None and text is not None:
            message = replace(message, location=replace(loc, line_text=text))
        result.append(message)
    return result


def read_source_lines(path: Path, lines: set[int]) -> dict[int, str]:
    """The wanted 1-based lines of `path` that exist and are at most `MAX_LINE_TEXT` long."""
    found: dict[int, str] = {}
    last = max(lines, default=0)
    try:
        with path.open("r", encoding="utf-8", errors="replace", newline="") as handle:
            for number in range(1, last + 1):
                if number not in lines:
                    if not _skip_line(handle):
                        break
                    continue
                # A bounded read: a huge minified line is never pulled in whole.
                text = handle.readline(MAX_LINE_TEXT + 2)
                if not text:
                    break
                if not text.endswith(("\n", "\r")):
                    _skip_line(handle)  # the rest of a line too long to show
                text = text.rstrip("\r\n")
                if len(text) <= MAX_LINE_TEXT:
                    found[number] = text
    except OSError:
        return {}
    return found


def _skip_line(handle: TextIO) -> bool:
    """Read past one line, however long, in bounded pieces; False at the end of the file."""
    while chunk := handle.readline(1 << 16):
        if chunk.endswith(("\n", "\r")):
            return True
    return False
