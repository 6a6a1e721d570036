"""Pre-compression in real builds: stale siblings, and serving through whitenoise over loopback."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import brotli
import pytest
from whitenoise import WhiteNoise

RunCli = Callable[..., subprocess.CompletedProcess[str]]
SIBLINGS = (".br", ".gz", ".zst")

pytestmark = pytest.mark.slow


def build(run_cli: RunCli, app: Path, *args: str) -> Path:
    done = run_cli("build", app, *args)
    assert done.returncode == 0, done.stderr
    return app / "dist"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def script(name: str) -> str:
    # Big enough to be worth compressing.
    lines = [f"export function {name}{i}() {{ return document.title + {i}; }}" for i in range(80)]
    return "\n".join(lines) + f"\nconsole.log({name}0());\n"


def test_a6_renamed_source_leaves_no_stale_sibling(run_cli: RunCli, make_project: Any) -> None:
    page = '<!doctype html><script type="module" src="./src/{}.js"></script>'
    app = make_project({"index.html": page.format("first"), "src/first.js": script("first")})
    before = tree(build(run_cli, app))
    assert any(name.startswith("assets/") and name.endswith(".js.br") for name in before)

    (app / "src" / "first.js").rename(app / "src" / "second.js")
    (app / "index.html").write_text(page.format("second"))
    after = tree(build(run_cli, app))

    assert not [name for name in after if "first" in name]
    assert any("second" in name and name.endswith(".js.br") for name in after)
    for name in after:
        if name.endswith(SIBLINGS):
            assert name.rsplit(".", 1)[0] in after, f"{name} has no original"


def test_two_builds_are_byte_identical(run_cli: RunCli, sample_app: Path, tmp_path: Path) -> None:
    first = tree(build(run_cli, sample_app, "--no-images"))
    (sample_app / "dist").rename(tmp_path / "first-dist")
    # A cold cache the second time: the bytes must not depend on where they came from.
    shutil.rmtree(sample_app / ".bundlewise-cache")
    second = tree(build(run_cli, sample_app, "--no-images"))

    assert first == second
    assert any(name.endswith(".br") for name in first)


@pytest.fixture
def whitenoise_server() -> Iterator[Callable[[Path], str]]:
    """`start(folder)` → base URL of whitenoise serving `folder` from a WSGI server on loopback."""
    servers: list[WSGIServer] = []

    def not_found(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    def start(folder: Path) -> str:
        app = WhiteNoise(not_found, root=folder, index_file=True)
        server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def fetch(url: str, accept_encoding: str) -> tuple[str | None, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers.get("Content-Encoding"), response.read()


def test_whitenoise_serves_the_siblings(
    run_cli: RunCli, sample_app: Path, whitenoise_server: Callable[[Path], str]
) -> None:
    dist = build(run_cli, sample_app, "--no-images")
    base = whitenoise_server(dist)
    scripts = sorted(
        p for p in (dist / "assets").rglob("*.js") if p.with_name(p.name + ".br").exists()
    )
    assert scripts, "the sample app has a script big enough to compress"
    for path in [*scripts, dist / "index.html"]:
        url = f"{base}/{path.relative_to(dist).as_posix()}"
        original = path.read_bytes()

        encoding, body = fetch(url, "gzip, deflate, br")
        assert encoding == "br"
        assert body == path.with_name(path.name + ".br").read_bytes()
        assert brotli.decompress(body) == original

        encoding, body = fetch(url, "gzip")
        assert encoding == "gzip"
        assert body == path.with_name(path.name + ".gz").read_bytes()
        assert gzip.decompress(body) == original

        assert fetch(url, "identity") == (None, original)
