"""One build at a time per output folder, across processes (a CI step and an editor task at once).

The lock is `flock` on the output folder's parent directory, the folder where the staging and
swap renames happen. It is held on a file descriptor, so it needs no lock file, leaves nothing
behind, and the kernel releases it whatever way the process ends (exit, signal, crash).
The output folder itself cannot carry it: every build replaces that folder by a rename.
A second build waits, saying which process it waits for, then builds on the first one's output.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable
from pathlib import Path


class OutputLock:
    """`lock = OutputLock(out_dir, notice).acquire()` … `lock.release()`.

    `acquire` creates the output folder's missing parents (`-o static/dist` in a fresh checkout),
    and calls `notice` once when it has to wait. Raises `OSError` when the parent cannot be made.
    """

    def __init__(self, out_dir: Path, notice: Callable[[str], None]) -> None:
        self.out_dir = out_dir
        self.notice = notice
        self._fd: int | None = None

    def acquire(self) -> OutputLock:
        parent = self.out_dir.parent
        parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)  # not inherited by esbuild
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = lock_holder(fd)
                by = f" (pid {holder})" if holder else ""
                self.notice(f"waiting for another build of {self.out_dir}{by}…")
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor drops the lock
            self._fd = None


def lock_holder(fd: int) -> int | None:
    """The pid holding a `flock` on `fd`'s file, from `/proc/locks` (Linux); None if unknown.

    A line reads `1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF`; waiting processes are listed
    too, after a `->`, and are skipped.
    """
    stat = os.fstat(fd)
    device = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    with contextlib.suppress(OSError):
        for line in Path("/proc/locks").read_text().splitlines():
            fields = line.split()
            if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == device:
                return int(fields[4])
    return None
