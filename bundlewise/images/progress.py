"""A one-line progress display for long image runs, on a terminal only."""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import TextIO

# Short runs finish before a display would help; only show one after this many seconds.
_SHOW_AFTER = 1.0
_MIN_INTERVAL = 0.1


class Progress:
    """`images 12/40` rewritten in place on stderr; silent in CI, off a TTY or when disabled."""

    def __init__(self, total: int, *, enabled: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.active = enabled and total > 0 and not os.environ.get("CI") and self.stream.isatty()
        self._start = time.monotonic()
        self._last = 0.0
        self._shown = False

    def __enter__(self) -> Progress:
        return self

    def advance(self, label: str) -> None:
        self.done += 1
        now = time.monotonic()
        if not self.active or now - self._start < _SHOW_AFTER or now - self._last < _MIN_INTERVAL:
            return
        self._last = now
        self._shown = True
        width = 40
        text = f"images {self.done}/{self.total} {label}"[: max(10, _columns() - 1)]
        self.stream.write("\r" + text.ljust(width) + "\x1b[K")
        self.stream.flush()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._shown:  # leave the terminal line clean for what prints next
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _columns() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 80
