"""A long-lived `esbuild --service` child that keeps its parsed modules between rebuilds.

This is the process esbuild's own JS API talks to. A build *context* keeps esbuild's incremental
state; each `rebuild()` re-reads only the files that changed. The child gets its own session (a
Ctrl-C in the terminal reaches us alone, and `close()` kills its whole group), and it exits by
itself when its stdin closes, so even a killed watcher leaves no esbuild behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bundlewise.errors import EsbuildError, Message
from bundlewise.watch.protocol import Packet, decode_packet, encode_packet


@dataclass(frozen=True)
class RebuildResult:
    """One rebuild as esbuild reported it: messages as plain dicts, and the metafile."""

    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    metafile: bytes


class EsbuildService:
    """`esbuild --service=VERSION` with at most one build context at a time."""

    def __init__(self, binary: Path, version: str) -> None:
        self.binary = binary
        self.process = subprocess.Popen(
            [str(binary), f"--service={version}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._next_id = 0
        self._key = 0
        self._context: int | None = None
        self._on_end: dict[str, Any] | None = None
        found = self._read_frame().decode("utf-8", "replace")
        if found != version:
            self.close()
            raise EsbuildError(
                Message(f"esbuild at {binary} speaks service version {found!r}, not {version!r}")
            )

    def open_context(
        self, cwd: Path, flags: Sequence[str], entries: Sequence[tuple[str, str]]
    ) -> None:
        """Start a new build context (disposing the previous one). Raises on invalid flags."""
        self.dispose()
        self._key += 1
        response = self._request(
            {
                "command": "build",
                "key": self._key,
                "entries": [list(e) for e in entries],
                "flags": list(flags),
                "write": True,
                "stdinContents": None,
                "stdinResolveDir": None,
                "absWorkingDir": str(cwd),
                "nodePaths": [],
                "context": True,
            }
        )
        errors = response.get("errors") or []
        if errors:
            raise EsbuildError([Message(str(e.get("text", e))) for e in errors])
        self._context = self._key

    def rebuild(self) -> RebuildResult:
        """Rebuild the open context; esbuild re-reads only what changed since the last build."""
        assert self._context is not None, "open_context() first"
        self._on_end = None
        self._request({"command": "rebuild", "key": self._context})
        end: dict[str, Any] = self._on_end or {}
        return RebuildResult(
            errors=list(end.get("errors") or []),
            warnings=list(end.get("warnings") or []),
            metafile=_as_bytes(end.get("metafile")),
        )

    def dispose(self) -> None:
        if self._context is not None:
            self._context = None
            self._request({"command": "dispose", "key": self._key})

    def close(self) -> None:
        """End the child and everything in its group; reap it (no zombie)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        self.process.wait()

    def _request(self, value: dict[str, Any]) -> dict[str, Any]:
        """Send one request and serve esbuild's own requests until its response arrives."""
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

    def _answer(self, packet: Packet) -> None:
        command = packet.value.get("command") if isinstance(packet.value, dict) else None
        if command == "on-end":
            # The result of a context's build comes as this request, before "rebuild" returns.
            self._on_end = packet.value
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

    def _died(self) -> EsbuildError:
        code = self.process.poll()
        how = "stopped" if code is None else f"exited with code {code}"
        return EsbuildError(Message(f"the esbuild service ({self.binary}) {how} unexpectedly"))


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value or "").encode()
