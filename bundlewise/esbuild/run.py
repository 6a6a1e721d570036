"""Running the esbuild CLI once and reading its log, and making arguments it cannot misread.

The child is run by `process.run_process` (a list of arguments, no shell, its own session,
killed and reaped on every path out).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from bundlewise.errors import EsbuildError, Message
from bundlewise.esbuild.messages import parse_messages
from bundlewise.esbuild.process import describe_signal, run_process, stderr_tail

if TYPE_CHECKING:
    from bundlewise.esbuild.locate import EsbuildBinary


@dataclass(frozen=True)
class EsbuildResult:
    """What one esbuild run printed, with its log read as messages."""

    returncode: int
    stdout: str
    stderr: str
    messages: tuple[Message, ...]

    @property
    def errors(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if m.severity == "error")

    @property
    def warnings(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if m.severity == "warning")


def run_esbuild(
    binary: EsbuildBinary | Path | str,
    args: Sequence[str],
    cwd: Path,
    timeout: float | None = None,
) -> EsbuildResult:
    """Run `binary args...` in `cwd` and read its log.

    Returns the result when esbuild exited normally, or exited 1 having reported its errors (the
    caller turns those into a BuildError). Raises `EsbuildError`, naming the binary, for a run
    that cannot start, times out, dies by a signal, or fails without saying why.
    """
    path = Path(binary) if isinstance(binary, (str, Path)) else binary.path
    try:
        done = run_process([str(path), *args], cwd=cwd, timeout=timeout)
    except OSError as exc:
        raise EsbuildError(Message(f"cannot run esbuild at {path}: {exc.strerror or exc}")) from exc
    messages = tuple(parse_messages(done.stderr, cwd))
    if done.timed_out:
        raise _failure(path, f"did not finish within {timeout:g} s and was stopped", done.stderr)
    if done.returncode < 0:
        raise _failure(path, f"was killed by {describe_signal(-done.returncode)}", done.stderr)
    if done.returncode != 0 and not any(m.severity == "error" for m in messages):
        raise _failure(path, f"exited with code {done.returncode}", done.stderr)
    return EsbuildResult(done.returncode, done.stdout, done.stderr, messages)


def _failure(path: Path, what: str, stderr: str) -> EsbuildError:
    tail = stderr_tail(stderr)
    notes = (f"esbuild's stderr ended with:\n{tail}",) if tail else ("esbuild printed nothing",)
    return EsbuildError(Message(f"esbuild ({path}) {what}", notes=notes))


def entry_arg(path: str, *, outbase: str = ".") -> str:
    """`path` as an esbuild entry-point argument that cannot be misread.

    esbuild reads an argument starting with `-` as a flag, so `-x.js` becomes `./-x.js`. It reads
    `out=in` as an output name for an input, splitting at the first `=`, so a name holding `=` gets
    an explicit output name: its path relative to `outbase` without the extension, with `=` turned
    into `_` (an output name cannot hold `=`). A `*` is always expanded as a wildcard and cannot be
    escaped, so such a name is refused.
    """
    if "*" in path:
        raise EsbuildError(
            Message(f"{path}: esbuild reads '*' in an entry point as a wildcard; rename the file")
        )
    arg = f"./{path}" if path.startswith("-") else path
    if "=" not in path:
        return arg
    relative = PurePosixPath(os.path.relpath(path, outbase).replace(os.sep, "/"))
    out = str(relative.with_suffix("")).replace("=", "_")
    if out.startswith("-"):
        out = f"./{out}"
    return f"{out}={arg}"
