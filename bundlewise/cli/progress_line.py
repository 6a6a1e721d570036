"""The CLI's progress line for long stages: `images 12/40 src/photo.jpg`, rewritten in place.

The stages only report (see `bundlewise.progress`); this draws, on the terminal the CLI chose
(stderr when it is one, never in CI, with `--json` or `-q`). Short runs finish before a line
would help: it shows only once a stage has run for `SHOW_AFTER` seconds.
"""

from __future__ import annotations

import os
import time
from typing import TextIO

SHOW_AFTER = 1.0
MIN_INTERVAL = 0.1  # redraws at most ten times a second


def on_terminal(stream: TextIO) -> bool:
    """Whether a progress line can be drawn on `stream`: a terminal, and not in CI (whose logs
    keep every redraw)."""
    return stream.isatty() and not os.environ.get("CI")


class ProgressLine:
    """A `ProgressCallback` drawing one line on `stream` when `enabled`; `close()` clears it
    (`with contextlib.closing(ProgressLine(...))`)."""

    def __init__(self, stream: TextIO, *, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled
        self._start = time.monotonic()
        self._last = 0.0
        self._shown = False

    def __call__(self, stage: str, done: int, total: int, item: str) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done == 0:
            self._start = now  # a stage starts: its own delay before showing
            return
        if done >= total:
            self.close()
            return
        if now - self._start < SHOW_AFTER or now - self._last < MIN_INTERVAL:
            return
        self._last = now
        self._shown = True
        text = f"{stage} {done}/{total} {item}"[: max(10, _columns() - 1)]
        self.stream.write("\r" + text.ljust(40) + "\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        """Leave the terminal line clean for what prints next."""
        if self._shown:
            self._shown = False
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _columns() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 80
