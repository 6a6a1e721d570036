"""User-facing errors and build messages.

A build reports problems as `Message` values (esbuild does the same), and aborts by raising a
`BundlewiseError` that carries them. Every error is a `click.ClickException`, so the CLI prints it
once and exits with its code; nothing below the CLI prints or exits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import click

# Exit codes, part of the CLI contract (see README "Exit codes").
EXIT_OK = 0
EXIT_BUILD_ERROR = 1
EXIT_CONFIG_ERROR = 2
EXIT_BUDGET_EXCEEDED = 3
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Location:
    """A place in an input file. `line` is 1-based, `column` 0-based (as esbuild reports it)."""

    file: str
    line: int = 0
    column: int = 0
    line_text: str = ""

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


# Longer lines are cut around the offset before they go into a message (see `location_in`).
MAX_LINE_TEXT = 500


def location_in(file: str, text: str, offset: int) -> Location:
    """Where `offset` of `text` (the contents of `file`) is, as esbuild counts: 1-based line,
    0-based column in UTF-8 bytes, and the line's text (a window of it, marked `...`, when the
    line is very long: a minified file is one line)."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end < 0 else end
    if end - start > MAX_LINE_TEXT:
        cut_start = max(start, offset - MAX_LINE_TEXT // 3)
        cut_end = min(end, cut_start + MAX_LINE_TEXT)
        head = "..." if cut_start > start else ""
        tail = "..." if cut_end < end else ""
        line_text = head + text[cut_start:cut_end] + tail
        column = len(head) + _utf8_len(text[cut_start:offset])
    else:
        line_text = text[start:end]
        column = _utf8_len(text[start:offset])
    line = text.count("\n", 0, offset) + 1
    return Location(file, line, column, line_text.rstrip("\r"))


def _utf8_len(text: str) -> int:
    # surrogateescape: a byte that was not UTF-8 counts as the one byte it was in the file.
    return len(text.encode("utf-8", "surrogateescape"))


Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Message:
    """One error, warning or piece of information, with where it happened and optional notes.

    `info` is what a user should know about the build that is not a problem in the app (e.g.
    "compression is off: budgets are checked on raw sizes"): shown, but never fails `--strict`."""

    text: str
    location: Location | None = None
    severity: Severity = "error"
    notes: tuple[str, ...] = ()
    plugin: str = ""

    def format(self) -> str:
        """`file:line:col: error: text`, then a code frame and notes, like a compiler."""
        head = f"{self.severity}: {self.text}"
        if self.plugin:
            head = f"{self.severity}: [{self.plugin}] {self.text}"
        lines = [f"{self.location}: {head}" if self.location else head]
        if self.location is not None:
            lines.extend(code_frame(self.location))
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)


# A frame shows at most this many characters of the source line, around the column: a minified
# bundle's or a generated page's single line has no place in an error message.
FRAME_WIDTH = 100


def code_frame(location: Location) -> list[str]:
    """The source line and a caret under the column, drawn as esbuild draws them:

      5 │   src="./gone.png">
        ╵        ^

    Empty when the location has no line text. `column` counts UTF-8 bytes, as esbuild's does.
    """
    if not location.line or not location.line_text:
        return []
    raw = location.line_text.encode("utf-8", "surrogateescape")
    # Bytes that were not UTF-8 (kept as surrogates) print as U+FFFD, on the line and before the
    # caret alike, so the caret stays under the same character.
    text = raw.decode("utf-8", "replace")
    column = len(raw[: location.column].decode("utf-8", "replace"))
    text, column = _window(text, min(column, len(text)))
    number = str(location.line)
    indent = "".join("\t" if c == "\t" else " " for c in text[:column])
    return [f"  {number} │ {text}", f"  {' ' * len(number)} ╵ {indent}^"]


def _window(text: str, column: int) -> tuple[str, int]:
    """At most `FRAME_WIDTH` characters of `text` around `column`, with `...` where cut."""
    if len(text) <= FRAME_WIDTH:
        return text, column
    start = max(0, min(column - FRAME_WIDTH // 3, len(text) - FRAME_WIDTH))
    end = start + FRAME_WIDTH
    head = "..." if start > 0 else ""
    tail = "..." if end < len(text) else ""
    return head + text[start:end] + tail, column - start + len(head)


class BundlewiseError(click.ClickException):
    """Base of every error the user sees. Carries one or more messages."""

    exit_code = EXIT_BUILD_ERROR

    def __init__(self, messages: str | Message | Sequence[Message]) -> None:
        if isinstance(messages, str):
            messages = [Message(messages)]
        elif isinstance(messages, Message):
            messages = [messages]
        self.messages: tuple[Message, ...] = tuple(messages)
        super().__init__("\n".join(m.format() for m in self.messages))

    def format_message(self) -> str:
        count = sum(1 for m in self.messages if m.severity == "error")
        text = "\n\n".join(m.format() for m in self.messages)
        if count > 1:
            text += f"\n\n{count} errors"
        return text


class BuildError(BundlewiseError):
    """The inputs could not be built (exit 1)."""

    exit_code = EXIT_BUILD_ERROR


class ConfigError(BundlewiseError):
    """Invalid configuration or command-line usage (exit 2)."""

    exit_code = EXIT_CONFIG_ERROR


class EsbuildError(BuildError):
    """The esbuild binary is missing, broken, of the wrong version, or crashed."""


@dataclass
class MessageLog:
    """Collects errors, warnings and information during a build, so a step can report all it
    found at once."""

    messages: list[Message] = field(default_factory=list)

    def error(self, text: str, location: Location | None = None, **kw: object) -> None:
        self.messages.append(Message(text, location, "error", **kw))  # type: ignore[arg-type]

    def warning(self, text: str, location: Location | None = None, **kw: object) -> None:
        self.messages.append(Message(text, location, "warning", **kw))  # type: ignore[arg-type]

    def info(self, text: str, location: Location | None = None, **kw: object) -> None:
        self.messages.append(Message(text, location, "info", **kw))  # type: ignore[arg-type]

    def extend(self, messages: Iterable[Message]) -> None:
        self.messages.extend(messages)

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.severity == "error"]

    @property
    def warnings(self) -> list[Message]:
        return [m for m in self.messages if m.severity == "warning"]

    @property
    def infos(self) -> list[Message]:
        return [m for m in self.messages if m.severity == "info"]

    def raise_if_errors(self, error_type: type[BundlewiseError] = BuildError) -> None:
        if self.errors:
            raise error_type(self.errors)
