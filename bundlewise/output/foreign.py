"""Files in the output folder that no build wrote: carried into each new output, never deleted.

A deployed `dist/` often holds files of its own: the `.git` of a `gh-pages` checkout, a `CNAME`,
notes. Every build replaces the whole folder (see `staging`), so these would be lost.
The marker file records the files the last build wrote; anything else in the folder is foreign.

- `.git` is always kept (Vite's `emptyOutDir` spares it too), even with `--empty-out-dir`.
- Other foreign files are carried over unchanged when the folder is ours (it has a marker with
  the list). A folder without a marker is refused unless `--empty-out-dir`, which empties it.
- A foreign file at a path the build now writes fails the build, naming the file, before the swap.
- A marker without the list (written by an older version) counts everything but `.git` as ours.

They are carried at the swap, after every step, so the report, the stats, the manifest and the
compression step never see them. Hard links make carrying a large `.git` cheap; the old output's
links are deleted with it, so the new output ends up the only owner.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from bundlewise.errors import BuildError, Location, Message

# Written into every output folder, so that we know we may replace it and what we wrote there.
MARKER = ".bundlewise-output"
GIT = ".git"


def marker_text(written: Iterable[str]) -> str:
    """The marker's content: sorted, so that the output stays deterministic."""
    files = sorted(f for f in written if f != MARKER)
    return json.dumps({"tool": "bundlewise", "files": files}, indent=1) + "\n"


def written_files(out_dir: Path) -> frozenset[str] | None:
    """The files the last build wrote in `out_dir`; None without a marker listing them."""
    try:
        data = json.loads((out_dir / MARKER).read_text())
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return frozenset(files)


def list_files(folder: Path) -> list[str]:
    """Every file and symlink under `folder` (POSIX paths), each `.git` folder as one entry."""
    found = []
    for here, dirs, files in os.walk(folder):
        rel = Path(here).relative_to(folder)
        if GIT in dirs:
            dirs.remove(GIT)
            found.append((rel / GIT).as_posix())
        links = [d for d in dirs if os.path.islink(os.path.join(here, d))]
        dirs[:] = [d for d in dirs if d not in links]
        found.extend((rel / name).as_posix() for name in [*files, *links])
    return sorted(found)


def foreign_files(out_dir: Path) -> list[str]:
    """What to carry from `out_dir` into the next output: `.git`, and files no build wrote."""
    if not out_dir.is_dir():
        return []
    written = written_files(out_dir)
    return [
        path
        for path in list_files(out_dir)
        if path != MARKER and (_is_git(path) or (written is not None and path not in written))
    ]


def _is_git(path: str) -> bool:
    return GIT in path.split("/")


def carry_foreign(out_dir: Path, staging: Path, paths: list[str]) -> None:
    """Put `paths` (from `foreign_files`) into `staging`; fail on one the build also wrote."""
    for path in paths:
        clash = _clash(staging, path)
        if clash:
            raise BuildError(
                Message(
                    f"{path} in the output folder was not written by bundlewise, and this build "
                    f"writes {clash} there too; move the file away (or into public/) and build "
                    "again",
                    Location(str(out_dir / path)),
                )
            )
    for path in paths:
        source, target = out_dir / path, staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(source), str(target))


def _clash(staging: Path, path: str) -> str | None:
    """The build output that takes `path` (or a folder of it) in `staging`, if any."""
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        here = staging.joinpath(*parts[:depth])
        if here.is_symlink() or here.is_file():
            return "/".join(parts[:depth])
        if not here.exists():
            return None
    return path  # a folder of the build's own


def _link_or_copy(source: str, target: str) -> None:
    """A hard link (no bytes copied), a copy where links are not possible; symlinks as links."""
    if os.path.islink(source):
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
