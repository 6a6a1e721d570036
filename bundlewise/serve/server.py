"""The dev server: the output folder over HTTP, with live reload pushed as Server-Sent Events.

Every HTML page gets one `<script>` tag for `/__bundlewise/client.js`, which listens on
`/__bundlewise/events`: `reload` (scripts or pages changed), `css` (only stylesheets changed:
swap them without a reload), `build-error` (show the overlay) and `ok` (hide it).
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import queue
import re
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bundlewise.errors import ConfigError, Message
from bundlewise.watch.loop import BuildOutcome

PREFIX = "/__bundlewise/"
CLIENT_TAG = b'<script type="module" src="/__bundlewise/client.js"></script>'
KEEPALIVE = 15.0
_HEAD_END = re.compile(rb"</head\s*>|</body\s*>", re.IGNORECASE)


def check_host(host: str, explicit: bool) -> None:
    """Refuse to listen beyond this machine unless the user named the host themselves."""
    if host == "localhost" or explicit:
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigError(Message(f"refusing to serve on {host}: pass --host {host} to allow it"))


def inject_client(html: bytes) -> bytes:
    """`html` with the live-reload client before `</head>` (or `</body>`, or at the end)."""
    match = _HEAD_END.search(html)
    at = match.start() if match else len(html)
    return html[:at] + CLIENT_TAG + html[at:]


class EventHub:
    """The open event streams, and the last build's event for pages that connect later."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: list[queue.Queue[bytes | None]] = []
        self.current: bytes | None = None

    def subscribe(self) -> queue.Queue[bytes | None]:
        q: queue.Queue[bytes | None] = queue.Queue()
        with self._lock:
            self._queues.append(q)
            if self.current is not None:
                q.put(self.current)
        return q

    def unsubscribe(self, q: queue.Queue[bytes | None]) -> None:
        with self._lock:
            self._queues.remove(q)

    def publish(self, outcome: BuildOutcome) -> None:
        name, data = event_for(outcome)
        event = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
        with self._lock:
            # A page that opens while the build is broken must show the overlay at once.
            self.current = event if name == "build-error" else None
            for q in self._queues:
                q.put(event)

    def close(self) -> None:
        with self._lock:
            for q in self._queues:
                q.put(None)


def event_for(outcome: BuildOutcome) -> tuple[str, dict[str, Any]]:
    if not outcome.ok:
        return "build-error", {"text": "\n\n".join(m.format() for m in outcome.errors)}
    if not outcome.changed:
        return "ok", {}
    if all(p.endswith(".css") for p in outcome.changed):
        return "css", {"files": list(outcome.changed)}
    return "reload", {"files": list(outcome.changed)}


class DevServer(ThreadingHTTPServer):
    """`DevServer(out_dir, host, port, base)`; `start()` serves from a thread, `close()` stops."""

    daemon_threads = True

    def __init__(self, out_dir: Path, host: str, port: int, base: str = "/") -> None:
        self.out_dir = out_dir
        self.base = base if base.startswith("/") else "/"
        self.hub = EventHub()
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{self.base}"

    def start(self) -> None:
        threading.Thread(target=self.serve_forever, name="bundlewise-serve", daemon=True).start()

    def close(self) -> None:
        self.hub.close()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: DevServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the watcher's output is about builds, not requests

    def do_HEAD(self) -> None:
        self._get(send_body=False)

    def do_GET(self) -> None:
        self._get(send_body=True)

    def _get(self, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == PREFIX + "events":
            self._events()
        elif path == PREFIX + "client.js":
            body = files("bundlewise.serve").joinpath("client.js").read_bytes()
            self._send(HTTPStatus.OK, "text/javascript", body, send_body)
        elif not path.startswith(self.server.base):
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found\n", send_body)
        else:
            self._file(path[len(self.server.base) :], send_body)

    def _file(self, rel: str, send_body: bool) -> None:
        data, file = _read(self.server.out_dir, rel)
        if data is None or file is None:
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found\n", send_body)
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if file.suffix in (".js", ".mjs"):
            kind = "text/javascript"
        if kind == "text/html":
            data = inject_client(data)
        self._send(HTTPStatus.OK, kind, data, send_body)

    def _send(self, status: HTTPStatus, kind: str, body: bytes, send_body: bool) -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if kind.startswith("text/") else ""
        self.send_header("Content-Type", kind + charset)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        q = self.server.hub.subscribe()
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                try:
                    event = q.get(timeout=KEEPALIVE)
                except queue.Empty:
                    event = b": keep-alive\n\n"
                if event is None:
                    return
                self.wfile.write(event)
                self.wfile.flush()
        except OSError:
            return  # the page went away
        finally:
            self.server.hub.unsubscribe(q)


def _read(out_dir: Path, rel: str) -> tuple[bytes | None, Path | None]:
    """The file for URL path `rel` inside `out_dir`; retried once across a build's folder swap."""
    root = out_dir.resolve()
    for attempt in range(2):
        for candidate in _candidates(root, rel):
            target = candidate.resolve()
            if not target.is_relative_to(root):
                return None, None  # `..` or a symlink out of the output folder
            try:
                return target.read_bytes(), target
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                continue
        if attempt == 0:
            time.sleep(0.05)  # the swap renames the folder twice; the gap is short
    return None, None


def _candidates(root: Path, rel: str) -> list[Path]:
    path = root / rel.lstrip("/")
    if rel == "" or rel.endswith("/"):
        return [path / "index.html"]
    return [path, path / "index.html", path.with_name(path.name + ".html")]
