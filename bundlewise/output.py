"""The output folder: safety checks, a staging folder, and an all-or-nothing swap.

A build writes into `.NAME.staging` beside the output folder and swaps it in only when every step
succeeded, so the previous output stays byte-identical on any failure. The swap is two renames;
if the process dies between them, the next run finds `.NAME.old` and puts it back first.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from types import TracebackType

from bundlewise.config import Config
from bundlewise.errors import ConfigError, Location, Message

# Written into every output folder, so that we know we may replace it.
MARKER = ".bundlewise-output"


def check_out_dir(config: Config, page_sources: list[str]) -> None:
    """Refuse output folders that would overwrite or delete the user's files."""
    out, root = config.out_dir, config.root
    where = Location(str(config.config_file) if config.config_file else "command line")
    problem = None
    real_out = Path(os.path.realpath(out))
    if real_out == root or real_out in root.parents:
        problem = f"out_dir {out} is the app root or one of its parents: building there would replace your sources"
    elif real_out in (config.public_dir, *config.public_dir.parents) and config.public_dir.exists():
        problem = f"out_dir {out} contains the public folder {config.public_dir}"
    elif any((root / s).resolve().is_relative_to(real_out) for s in page_sources):
        problem = f"out_dir {out} contains source pages; pick a folder that holds no sources"
    elif out.exists() and not out.is_dir():
        problem = f"out_dir {out} exists and is not a folder"
    elif _foreign(out) and not config.empty_out_dir:
        problem = (
            f"out_dir {out} holds files bundlewise did not write; "
            "pass --empty-out-dir to replace it anyway"
        )
    if problem:
        raise ConfigError(Message(problem, where))


def _foreign(out: Path) -> bool:
    """True when `out` exists, is not empty, and was not written by bundlewise."""
    return out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file()


class Staging:
    """`with Staging(out) as folder: ...` then `commit()`; anything else removes the folder."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir.parent / f".{out_dir.name}.staging"
        self.old = out_dir.parent / f".{out_dir.name}.old"
        self.committed = False

    def __enter__(self) -> Staging:
        recover(self.out_dir)
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        (self.path / MARKER).write_text(json.dumps({"tool": "bundlewise"}) + "\n")
        return self

    def commit(self) -> None:
        if self.out_dir.exists():
            os.replace(self.out_dir, self.old)
        os.replace(self.path, self.out_dir)
        shutil.rmtree(self.old, ignore_errors=True)
        self.committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.committed:
            shutil.rmtree(self.path, ignore_errors=True)


def recover(out_dir: Path) -> None:
    """Finish or undo a swap that an earlier run did not complete."""
    old = out_dir.parent / f".{out_dir.name}.old"
    if old.exists():
        if out_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(old, out_dir)
