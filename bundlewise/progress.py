"""How a long stage says how far it got, without printing: a callback the caller passes in.

A stage calls it with (stage, done, total, item): once with `done == 0` when it starts work on
`total` items, then after each item (`item` names it, e.g. an image's source path). Whether and
how that is shown (a line on a terminal, nothing in CI) is the CLI's choice (`cli.progress_line`).
"""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[str, int, int, str], None]


def no_progress(stage: str, done: int, total: int, item: str) -> None:
    """The callback of a caller that does not want to hear."""
