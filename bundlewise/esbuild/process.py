"""Running a child process (esbuild, Dart Sass) so that nothing of it outlives the call.

The child always gets its arguments as a list (never a shell), stdin from /dev/null (esbuild reads
its input from stdin when it is given no entry point, which would otherwise wait forever), and its
own session, so that a timeout or Ctrl-C can end it together with anything it started, and the
terminal's SIGINT reaches us alone. The group is killed and the child reaped on every path out.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# How much of a failed child's stderr goes into the error: enough for a Go panic's first frames.
STDERR_TAIL_LINES = 20
STDERR_TAIL_CHARS = 2000
_POSIX = os.name == "posix"


@dataclass(frozen=True)
class Completed:
    """A finished (or timed-out and killed) child process."""

    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


def run_process(argv: Sequence[str], *, cwd: Path | None, timeout: float | None) -> Completed:
    """Run `argv` in its own process group; on timeout or any interruption, kill the group.

    Raises OSError when the program cannot be started (missing, not executable, wrong format).
    """
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=_POSIX,
        creationflags=0 if _POSIX else getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
    )
    timed_out = False
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        out, err = _kill_and_reap(process)
    except BaseException:
        # KeyboardInterrupt, SystemExit...: leave nothing running behind us.
        _kill_and_reap(process)
        raise
    finally:
        # Whatever the leader left in its group (a forked helper) goes with it.
        _kill_group(process)
    return Completed(process.returncode, _decode(out), _decode(err), timed_out)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    if _POSIX:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        process.kill()


def _kill_and_reap(process: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    """Kill the whole group, then collect what it printed and reap the leader (no zombie)."""
    _kill_group(process)
    try:
        return process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        # Something outside the group still holds our pipes open: stop waiting for output.
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        process.wait()
        return b"", b""


def _decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


def describe_signal(number: int) -> str:
    """`signal 11 (SIGSEGV)`, or just the number for one Python does not know."""
    try:
        return f"signal {number} ({signal.Signals(number).name})"
    except ValueError:
        return f"signal {number}"


def stderr_tail(stderr: str) -> str:
    """The last lines of a child's stderr, bounded, for an error message."""
    lines = stderr.strip().splitlines()[-STDERR_TAIL_LINES:]
    tail = "\n".join(lines)
    return tail[-STDERR_TAIL_CHARS:]
