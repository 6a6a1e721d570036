"""A long-lived `esbuild --service` child: one-off builds, build contexts, and plugin callbacks.

This is the process esbuild's own JS API talks to, and the only way bundlewise runs a build.
`build()` is a one-off build; a *context* (`open_context()` + `rebuild()`, for the watcher) keeps
esbuild's parsed modules between rebuilds. While a build runs, esbuild asks us for the `on-resolve`
/ `on-load` callbacks whose filters match (see `callbacks.py`); they are answered on this thread.

The child is started without waiting for it (`EsbuildService(...)` returns at once, so it boots
while Python reads pages), gets its own session (a Ctrl-C in the terminal reaches us alone, and
`close()` kills its whole group), and exits by itself when its stdin closes, so even a killed
bundlewise leaves no esbuild behind.
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bundlewise.errors import EsbuildError, Message
from bundlewise.esbuild.callbacks import EsbuildPlugins
from bundlewise.esbuild.protocol import Packet, decode_packet, encode_packet

STDERR_TAIL_LINES = 20


@dataclass(frozen=True)
class ServiceResult:
    """One build as esbuild reported it: messages as plain dicts, and the metafile."""

    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    metafile: bytes


# The watcher's name for it.
RebuildResult = ServiceResult


class EsbuildService:
    """`esbuild --service=VERSION`, with at most one build context at a time."""

    def __init__(self, binary: Path, version: str, *, one_off: bool = False) -> None:
        """`one_off`: the child runs a single build and exits, so Go's garbage collector is
        turned off in it, as esbuild's own CLI does for a build (measured on three.js ×10: the
        service with the collector on took ~35% more CPU than the CLI)."""
        self.binary = binary
        self.version = version
        try:
            self.process = subprocess.Popen(
                [str(binary), f"--service={version}"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env={**os.environ, "GOGC": "off"} if one_off else None,
            )
        except OSError as exc:
            raise EsbuildError(
                Message(f"cannot run esbuild at {binary}: {exc.strerror or exc}")
            ) from exc
        # esbuild prints only a crash there (the log comes back as data): keep its last lines.
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
        assert self.process.stderr is not None
        self._drainer = threading.Thread(
            target=self._drain, args=(self.process.stderr,), daemon=True
        )
        self._drainer.start()
        self._ready = False
        self._next_id = 0
        self._key = 0
        self._context: int | None = None
        self._on_end: dict[str, Any] | None = None
        self._timed_out: float | None = None
        self.plugins: EsbuildPlugins | None = None
        """The callbacks esbuild's requests are answered with (swapped between rebuilds)."""

    def build(
        self,
        cwd: Path,
        flags: Sequence[str],
        entries: Sequence[tuple[str, str]],
        plugins: EsbuildPlugins | None = None,
        timeout: float | None = None,
    ) -> ServiceResult:
        """One build, written to disk; the metafile comes back when `--metafile` is a flag."""
        self._key += 1
        self.plugins = plugins
        if plugins is not None:
            plugins.start()
        response = self._request(self._build_request(cwd, flags, entries, False), timeout)
        return _result(response)

    def open_context(
        self,
        cwd: Path,
        flags: Sequence[str],
        entries: Sequence[tuple[str, str]],
        plugins: EsbuildPlugins | None = None,
    ) -> None:
        """Start a new build context (disposing the previous one). Raises on invalid flags."""
        self.dispose()
        self._key += 1
        self.plugins = plugins
        response = self._request(self._build_request(cwd, flags, entries, True))
        errors = response.get("errors") or []
        if errors:
            raise EsbuildError([Message(str(e.get("text", e))) for e in errors])
        self._context = self._key

    def rebuild(self, timeout: float | None = None) -> ServiceResult:
        """Rebuild the open context; esbuild re-reads only what changed since the last build."""
        assert self._context is not None, "open_context() first"
        self._on_end = None
        if self.plugins is not None:
            self.plugins.start()
        self._request({"command": "rebuild", "key": self._context}, timeout)
        return _result(self._on_end or {})

    def dispose(self) -> None:
        if self._context is not None:
            self._context = None
            self._request({"command": "dispose", "key": self._key})

    def close(self) -> None:
        """End the child and everything in its group; reap it (no zombie)."""
        self._kill()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        self.process.wait()
        # The group is dead, so stderr is at its end: the drainer closes it and stops.
        self._drainer.join(timeout=5)

    def _build_request(
        self, cwd: Path, flags: Sequence[str], entries: Sequence[tuple[str, str]], context: bool
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "command": "build",
            "key": self._key,
            "entries": [list(e) for e in entries],
            "flags": list(flags),
            "write": True,
            "stdinContents": None,
            "stdinResolveDir": None,
            "absWorkingDir": str(cwd),
            "nodePaths": [],
            "context": context,
        }
        if self.plugins:
            request["plugins"] = self.plugins.request()
        return request

    def _handshake(self) -> None:
        """esbuild's first packet is its protocol version, unframed by any id."""
        found = self._read_frame().decode("utf-8", "replace")
        if found != self.version:
            raise EsbuildError(
                Message(
                    f"esbuild at {self.binary} speaks service version {found!r}, "
                    f"not {self.version!r}"
                )
            )
        self._ready = True

    def _request(self, value: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Send one request and serve esbuild's own requests until its response arrives."""
        timer = None
        if timeout:
            timer = threading.Timer(timeout, self._stop_after, args=(timeout,))
            timer.daemon = True
            timer.start()
        try:
            if not self._ready:
                self._handshake()
            self._next_id += 1
            my_id = self._next_id
            self._write(Packet(my_id, True, value))
            while True:
                packet = decode_packet(self._read_frame())
                if packet.is_request:
                    self._answer(packet)
                elif packet.id == my_id:
                    response: dict[str, Any] = packet.value or {}
                    if response.get("error"):
                        raise EsbuildError(Message(f"esbuild: {response['error']}"))
                    return response
        finally:
            if timer is not None:
                timer.cancel()

    def _answer(self, packet: Packet) -> None:
        request = packet.value if isinstance(packet.value, dict) else {}
        command = request.get("command")
        if command in ("on-resolve", "on-load") and self.plugins is not None:
            self._write(Packet(packet.id, False, self.plugins.answer(request)))
        elif command == "on-end":
            # The result of a context's build comes as this request, before "rebuild" returns.
            self._on_end = request
            self._write(Packet(packet.id, False, {"errors": [], "warnings": []}))
        elif command == "on-start":
            self._write(Packet(packet.id, False, {"errors": [], "warnings": []}))
        else:
            self._write(Packet(packet.id, False, {}))  # "ping", and anything we did not ask for

    def _write(self, packet: Packet) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(encode_packet(packet))
            self.process.stdin.flush()
        except OSError as exc:
            raise self._died() from exc

    def _read_frame(self) -> bytes:
        size = int.from_bytes(self._read_exactly(4), "little")
        return self._read_exactly(size)

    def _read_exactly(self, size: int) -> bytes:
        assert self.process.stdout is not None
        data = self.process.stdout.read(size)
        if data is None or len(data) != size:
            raise self._died()
        return data

    def _stop_after(self, timeout: float) -> None:
        self._timed_out = timeout
        self._kill()

    def _kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def _drain(self, stream: IO[bytes]) -> None:
        with contextlib.suppress(OSError, ValueError), stream:
            for line in stream:
                self._stderr.append(line.decode("utf-8", "replace").rstrip())

    def _died(self) -> EsbuildError:
        from bundlewise.esbuild.process import describe_signal

        try:
            code: int | None = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        if self._timed_out is not None:
            how = f"did not finish within {self._timed_out:g} s and was stopped"
        elif code is None:
            how = "stopped answering"
        elif code < 0:
            how = f"was killed by {describe_signal(-code)}"
        elif code == 0:
            from bundlewise.esbuild.args import REAL_ESBUILD

            return EsbuildError(
                Message(f"esbuild {self.binary} exited 0 without answering; {REAL_ESBUILD}")
            )
        else:
            how = f"exited with code {code} unexpectedly"
        tail = "\n".join(self._stderr)
        notes = (f"esbuild's stderr ended with:\n{tail}",) if tail else ()
        return EsbuildError(Message(f"esbuild ({self.binary}) {how}", notes=notes))


def _result(response: dict[str, Any]) -> ServiceResult:
    metafile = response.get("metafile")
    return ServiceResult(
        errors=list(response.get("errors") or []),
        warnings=list(response.get("warnings") or []),
        metafile=metafile if isinstance(metafile, bytes) else str(metafile or "").encode(),
    )
