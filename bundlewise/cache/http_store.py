"""A remote cache over plain HTTP: `GET`/`PUT` of content-addressed keys, `HEAD` to probe.

The protocol of Gradle's and Bazel's HTTP build caches, so any server that keeps what is `PUT`
and serves it back works: nginx with WebDAV `PUT`, bazel-remote, a CDN bucket with write access.
Entries live at `<url>/<namespace>/<key>`. One keep-alive connection per worker thread.
"""

from __future__ import annotations

import base64
import http.client
import socket
import threading
from collections.abc import Mapping
from urllib.parse import urlsplit

from bundlewise.cache.remote import RemoteError


class HttpStore:
    def __init__(self, url: str, timeout: float, environ: Mapping[str, str]) -> None:
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port
        self.base = parts.path.rstrip("/")
        self.timeout = timeout
        self.headers = {
            "User-Agent": "bundlewise",
            **_auth(parts.username, parts.password, environ),
        }
        self._local = threading.local()
        self._opened: list[http.client.HTTPConnection] = []  # every thread's, closed at the end
        self._lock = threading.Lock()

    def get(self, name: str) -> bytes | None:
        status, body = self._request("GET", name)
        if status == 200:
            return body
        if status == 404:
            return None
        raise RemoteError(f"GET answered HTTP {status}")

    def exists(self, name: str) -> bool:
        status, _ = self._request("HEAD", name)
        if status in (200, 404):
            return status == 200
        raise RemoteError(f"HEAD answered HTTP {status}")

    def put(self, name: str, entry: bytes) -> None:
        status, _ = self._request("PUT", name, entry)
        if status not in (200, 201, 204):
            raise RemoteError(f"PUT answered HTTP {status}")

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()

    def _request(self, method: str, name: str, body: bytes | None = None) -> tuple[int, bytes]:
        path = f"{self.base}/{name}"
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/octet-stream"
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self._drop()
                if method == "GET" and response.status == 200:
                    _check_length(response, data)
                return response.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                # A keep-alive connection the server closed while idle: one fresh try.
                self._drop()
                if attempt == 2:
                    raise RemoteError(_reason(exc)) from None
            except (OSError, http.client.HTTPException) as exc:
                self._drop()
                raise RemoteError(_reason(exc)) from None
        raise AssertionError("unreachable")

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            # The timeout bounds the connect and every read: a stalled server costs seconds.
            conn = kind(self.host, self.port, timeout=self.timeout)
            self._local.conn = conn
            with self._lock:
                self._opened.append(conn)
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            with self._lock:
                self._opened = [c for c in self._opened if c is not conn]
        self._local.conn = None


def _check_length(response: http.client.HTTPResponse, data: bytes) -> None:
    expected = response.getheader("Content-Length")
    if expected is not None and expected.isdigit() and int(expected) != len(data):
        raise RemoteError(f"GET returned {len(data)} of {expected} bytes")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _auth(user: str | None, password: str | None, environ: Mapping[str, str]) -> dict[str, str]:
    """Bearer token or basic auth, from the environment (or the URL set in the environment)."""
    token = environ.get("BUNDLEWISE_CACHE_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = environ.get("BUNDLEWISE_CACHE_USER") or user
    password = environ.get("BUNDLEWISE_CACHE_PASSWORD") or password
    if user or password:
        pair = f"{user or ''}:{password or ''}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
    return {}
