"""Serve a built output folder on a loopback port the way a production host does.

- A request accepting brotli or gzip gets the `.br`/`.gz` sibling with its `Content-Encoding`
  and `Vary: Accept-Encoding` (nginx `gzip_static`/`brotli_static`, Netlify, Cloudflare Pages).
- URLs live under the build's `base` (`/static/` → `http://127.0.0.1:PORT/static/...`).
- `/about/` serves `about/index.html`, and `/about` serves `about.html` when it exists.
- Cache headers come from the `_headers` file the `cache_headers` plugin writes, when present;
  HTTP/1.1 keep-alive, so the browser reuses connections as it would with a real host.
"""

from __future__ import annotations

import http.server
import posixpath
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

from bundlewise.file_kinds import content_type

ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
HEADERS_FILE = "_headers"


@dataclass(frozen=True)
class HeaderRule:
    """One `_headers` block: a URL pattern (`*` matches anything) and the headers it sets."""

    pattern: re.Pattern[str]
    headers: tuple[tuple[str, str], ...]


def read_header_rules(path: Path) -> tuple[HeaderRule, ...]:
    """Parse a Netlify/Cloudflare `_headers` file; an absent file gives no rules."""
    if not path.is_file():
        return ()
    rules: list[HeaderRule] = []
    pattern: str | None = None
    headers: list[tuple[str, str]] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.lstrip().startswith("#"):
            continue
        if (line and not line[0].isspace()) or not line:
            if pattern is not None:
                regex = ".*".join(re.escape(p) for p in pattern.split("*"))
                rules.append(HeaderRule(re.compile(regex + "$"), tuple(headers)))
            pattern, headers = (line.strip() or None), []
        elif ":" in line:
            name, _, value = line.strip().partition(":")
            headers.append((name.strip(), value.strip()))
    return tuple(rules)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # the audit reports requests from the browser's side

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def do_GET(self) -> None:
        self._respond(body=True)

    def _respond(self, body: bool) -> None:
        url_path = unquote(urlsplit(self.path).path)
        file = self.server.site.resolve(url_path)
        if file is None:
            self._send(404, b"not found\n", [("Content-Type", "text/plain; charset=utf-8")], body)
            return
        headers = [("Content-Type", content_type(file.name))]
        data_path = file
        accepted = self.headers.get("Accept-Encoding", "")
        for encoding, suffix in ENCODINGS:
            sibling = file.with_name(file.name + suffix)
            if encoding in accepted and sibling.is_file():
                headers.append(("Content-Encoding", encoding))
                data_path = sibling
                break
        if any(file.with_name(file.name + s).is_file() for _, s in ENCODINGS):
            headers.append(("Vary", "Accept-Encoding"))
        headers.extend(self.server.site.extra_headers(url_path))
        self._send(200, data_path.read_bytes(), headers, body)

    def _send(self, status: int, data: bytes, headers: list[tuple[str, str]], body: bool) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


@dataclass(frozen=True)
class Site:
    root: Path
    base: str
    """URL path prefix the folder is served under, starting and ending with "/"."""
    rules: tuple[HeaderRule, ...]

    def resolve(self, url_path: str) -> Path | None:
        """The file a URL path names, never outside the folder."""
        if not url_path.startswith(self.base):
            return None
        rel = posixpath.normpath(url_path[len(self.base) :] or ".")
        if rel.startswith("..") or "\0" in rel:
            return None
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root):
            return None
        for candidate in (target, target / "index.html", target.with_name(target.name + ".html")):
            if candidate.is_file():
                return candidate
        return None

    def extra_headers(self, url_path: str) -> list[tuple[str, str]]:
        headers: dict[str, str] = {}
        for rule in self.rules:
            if rule.pattern.match(url_path):
                headers.update(rule.headers)
        return [
            (k, v)
            for k, v in headers.items()
            if k.lower() not in ("content-type", "content-encoding")
        ]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    site: Site


def url_base(base: str) -> str:
    """The URL path a build's `base` serves under: "/static/" as is, "./" or "" as "/"."""
    path = urlsplit(base).path if "://" in base else base
    if not path.startswith("/"):
        return "/"
    return path if path.endswith("/") else path + "/"


class StaticServer:
    """`with StaticServer(dist, base) as server:` → `server.url("index.html")`."""

    def __init__(self, root: Path, base: str = "/") -> None:
        root = root.resolve()
        self.site = Site(root, url_base(base), read_header_rules(root / HEADERS_FILE))
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> StaticServer:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.site = self.site
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    @property
    def origin(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, output: str) -> str:
        """The URL of a page written at `output` (relative to the folder)."""
        from urllib.parse import quote

        if output == "index.html" or output.endswith("/index.html"):
            output = output[: -len("index.html")]
        return self.origin + self.site.base + quote(output)
