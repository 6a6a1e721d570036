"""Real cache servers for the tests, on 127.0.0.1: Debian's `redis-server`, nginx with WebDAV `PUT`,
and a tiny server of our own that answers every request with HTTP 500.

Each server gets a free port, a private temp folder, and is stopped (and its folder removed)
when the test ends. Test modules make fixtures of the `serve_*` generators:
`redis_server = pytest.fixture(serve_redis, name="redis_server")`. Without the binary the test is skipped with a reason, except under CI=true,
where `.ci/run` installs both packages and a missing one is a failure.
"""

from __future__ import annotations

import grp
import http.server
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")


def _require(name: str, *candidates: str) -> str:
    for candidate in candidates or (name,):
        found = shutil.which(candidate) or (candidate if os.path.isfile(candidate) else None)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is required when CI=true (the CI script installs it)")
    pytest.skip(f"{name} not found (apt-get install {name}); CI runs these tests")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {port}")


@dataclass
class Server:
    url: str
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _start(argv: list[str], port: int, folder: Path, url: str) -> Server:
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=folder)
    server = Server(url, folder, process)
    try:
        _wait_for_port(port, process, log)
    except BaseException:
        server.stop()
        raise
    return server


def start_redis(folder: Path) -> Server:
    binary = _require("redis-server")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(folder), "--protected-mode", "yes"]  # fmt: skip
    return _start(argv, port, folder, f"redis://127.0.0.1:{port}/0")


def start_nginx(folder: Path) -> Server:
    """nginx serving `folder/store` with WebDAV PUT: Gradle's and Bazel's HTTP cache protocol."""
    binary = _require("nginx", *NGINX_CANDIDATES)
    store = folder / "store"
    store.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # As root, nginx's workers would drop to `nobody` and could not write our private folder.
    user = f"user root {grp.getgrgid(os.getegid()).gr_name};" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"  {kind}_temp_path {folder}/{kind}_temp;"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(f"""
{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
{temp}
  server {{
    listen 127.0.0.1:{port};
    root {store};
    client_max_body_size 0;
    location / {{
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw;
    }}
  }}
}}
""")
    argv = [binary, "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(conf)]
    return _start(argv, port, folder, f"http://127.0.0.1:{port}/cache")


class _Failing(http.server.BaseHTTPRequestHandler):
    """Every method answers 500, as a cache server with a broken disk would."""

    def _fail(self) -> None:
        self.server.hits += 1  # type: ignore[attr-defined]
        body = b"internal error"
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._fail()

    def do_HEAD(self) -> None:
        self._fail()

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._fail()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_redis(tmp_path: Path) -> Iterator[Server]:
    server = start_redis(tmp_path / "redis")
    yield server
    server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)


def serve_nginx(tmp_path: Path) -> Iterator[Server]:
    server = start_nginx(tmp_path / "nginx")
    yield server
    server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)


def serve_500s() -> Iterator[Any]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    server.hits = 0  # type: ignore[attr-defined]
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/cache"  # type: ignore[attr-defined]
    yield server
    server.shutdown()
    server.server_close()
