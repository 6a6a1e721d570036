"""The cache's own parts: entry sealing, the local folder's cap, settings, and `bundlewise cache`."""

from __future__ import annotations

import base64
import http.server
import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bundlewise.cache import Cache
from bundlewise.cache.entry import EntryRejected, Rejected, seal, unseal
from bundlewise.cache.http_store import HttpStore
from bundlewise.cache.local import LocalStore
from bundlewise.cache.options import CacheOptions, check_url, redact
from bundlewise.cache.setup import open_cache
from bundlewise.config import load_config
from bundlewise.errors import ConfigError

KEY_A, KEY_B = "a" * 64, "b" * 64


def rejected(entry: bytes, key: str = KEY_A, secret: bytes | None = None) -> Rejected:
    with pytest.raises(EntryRejected) as info:
        unseal("images", key, entry, secret)
    return info.value.reason


def test_an_entry_opens_only_under_its_own_key_and_namespace() -> None:
    entry = seal("images", KEY_A, b"payload")
    assert unseal("images", KEY_A, entry) == b"payload"
    assert rejected(entry, KEY_B) is Rejected.CORRUPT
    with pytest.raises(EntryRejected):
        unseal("compress", KEY_A, entry)


def test_truncated_flipped_and_other_version_entries_are_rejected() -> None:
    entry = seal("images", KEY_A, b"payload" * 100)
    assert rejected(entry[:-1]) is Rejected.CORRUPT
    assert rejected(entry[:10]) is Rejected.CORRUPT
    flipped = bytearray(entry)
    flipped[-3] ^= 1
    assert rejected(bytes(flipped)) is Rejected.CORRUPT
    assert rejected(b"bwc1" + entry[4:]) is Rejected.OTHER_VERSION


def test_with_a_secret_only_entries_signed_with_it_open() -> None:
    signed = seal("images", KEY_A, b"payload", b"ours")
    assert unseal("images", KEY_A, signed, b"ours") == b"payload"
    assert unseal("images", KEY_A, signed) == b"payload"  # no secret: the digest still binds
    assert rejected(signed, secret=b"theirs") is Rejected.WRONGLY_SIGNED
    assert rejected(seal("images", KEY_A, b"payload"), secret=b"ours") is Rejected.UNSIGNED


def test_eviction_drops_the_least_recently_used_first(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    for i, key in enumerate((KEY_A, KEY_B, "c" * 64)):
        store.write(f"images/{key}", b"x" * 1000)
        os.utime(store.path(f"images/{key}"), (1000 + i, 1000 + i))
    cache = Cache(tmp_path)
    assert cache.get("images", KEY_A) is None  # not a sealed entry: rejected and dropped
    store.write(f"images/{KEY_A}", seal("images", KEY_A, b"y" * 900))
    os.utime(store.path(f"images/{KEY_A}"), (1, 1))
    assert Cache(tmp_path).get("images", KEY_A) == b"y" * 900  # a hit makes it the newest
    evicted = store.evict(2100)
    assert evicted.names == {f"images/{KEY_B}"}
    (tmp_path / "images" / "notes.txt").write_text("not ours")
    assert store.clear().entries == 2
    assert (tmp_path / "images" / "notes.txt").exists(), "files that are not entries are kept"


def test_a_local_hit_never_asks_the_remote_and_a_miss_counts(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put("compress", KEY_A, b"zz")
    assert cache.get("compress", KEY_A) == b"zz"
    assert cache.get("compress", KEY_B) is None
    assert cache.counts()["compress"] == {"local": 1, "remote": 0, "misses": 1}
    assert cache.finish()["remote"] is None
    assert json.loads((tmp_path / "last-build.json").read_text())["compress"]["local"] == 1


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("redis://127.0.0.1:6379/0", ""),
        ("https://cache.example/bw", ""),
        ("ftp://cache.example", "expected redis://"),
        ("https://user:pw@cache.example", "credentials do not belong in a config file"),
        ("redis://:pw@cache.example", "credentials do not belong in a config file"),
        ("http://cache.example:99999", "invalid URL"),
    ],
)
def test_cache_url_in_a_config_file(url: str, problem: str) -> None:
    found = check_url(url, from_file=True)
    assert found.startswith(problem) if problem else found == ""


def test_credentials_are_redacted_from_messages() -> None:
    assert redact("https://me:secret@cache.example:8443/x") == "https://***@cache.example:8443/x"


def test_a_config_with_credentials_in_cache_url_is_an_error_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "bundlewise.toml").write_text('cache_url = "https://me:pw@cache.example/bw"\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "cache_url" in info.value.messages[0].format()


def test_cache_table_is_validated(tmp_path: Path) -> None:
    (tmp_path / "bundlewise.toml").write_text('[cache]\nmax_size = "lots"\nttl = -1\nmaxsize = 1\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    text = "\n".join(m.format() for m in info.value.messages)
    assert text.splitlines() == [
        'error: bundlewise.toml: [cache].max_size: "lots" is not a size (write e.g. "200 kB", '
        '"1.5 MB" or "150 KiB")',
        "error: bundlewise.toml: [cache].ttl: expected an integer ≥ 0, got -1",
        "error: bundlewise.toml: [cache].maxsize: unknown key (did you mean max_size?)",
    ]
    (tmp_path / "bundlewise.toml").write_text('[cache]\nmax_size = "200 MB"\n')
    assert load_config(tmp_path).cache == CacheOptions(max_size=200_000_000)


def test_the_environment_wins_and_a_bad_env_url_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "bundlewise.toml").write_text('cache_url = "http://127.0.0.1:9/from-file"\n')
    config = load_config(tmp_path)
    cache = open_cache(config, {"BUNDLEWISE_CACHE_URL": "http://127.0.0.1:9/from-env"})
    assert cache.remote is not None and cache.remote.url.endswith("/from-env")
    with pytest.raises(ConfigError, match="BUNDLEWISE_CACHE_URL"):
        open_cache(config, {"BUNDLEWISE_CACHE_URL": "nope://x"})


class _Recorder(http.server.BaseHTTPRequestHandler):
    """A loopback store that keeps what is PUT and records each request's Authorization."""

    store: ClassVar[dict[str, bytes]] = {}
    seen: ClassVar[list[tuple[str, str]]] = []

    def _answer(self, status: int, body: bytes = b"") -> None:
        self.seen.append((self.command, self.headers.get("Authorization", "")))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        data = self.store.get(self.path)
        self._answer(200 if data is not None else 404, data or b"")

    def do_HEAD(self) -> None:
        self._answer(200 if self.path in self.store else 404)

    def do_PUT(self) -> None:
        self.store[self.path] = self.rfile.read(int(self.headers["Content-Length"]))
        self._answer(201)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    _Recorder.store, _Recorder.seen = {}, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/bw"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"BUNDLEWISE_CACHE_TOKEN": "t0k"}, "Bearer t0k"),
        (
            {"BUNDLEWISE_CACHE_USER": "ci", "BUNDLEWISE_CACHE_PASSWORD": "pw"},
            "Basic " + base64.b64encode(b"ci:pw").decode(),
        ),
        ({}, ""),
    ],
)
def test_http_auth_comes_from_the_environment(
    recorder: str, environ: dict[str, str], expected: str
) -> None:
    store = HttpStore(recorder, 2.0, environ)
    assert store.get("images/" + KEY_A) is None
    assert not store.exists("images/" + KEY_A)
    store.put("images/" + KEY_A, b"entry")
    assert store.get("images/" + KEY_A) == b"entry"
    store.close()
    assert [m for m, _ in _Recorder.seen] == ["GET", "HEAD", "PUT", "GET"]
    assert {a for _, a in _Recorder.seen} == {expected}
    assert "/bw/images/" + KEY_A in _Recorder.store


def test_put_skips_the_upload_when_head_finds_the_entry(recorder: str, tmp_path: Path) -> None:
    cache = Cache(tmp_path / "a", HttpStore(recorder, 2.0, {}), remote_url=recorder)
    cache.put("images", KEY_A, b"payload")
    other = Cache(tmp_path / "b", HttpStore(recorder, 2.0, {}), remote_url=recorder)
    assert other.get("images", KEY_A) == b"payload"  # a remote hit ...
    assert (tmp_path / "b" / "images" / KEY_A[:2] / KEY_A).is_file()  # ... copied locally
    _Recorder.seen.clear()
    other.put("images", KEY_A, b"payload")
    assert [m for m, _ in _Recorder.seen] == ["HEAD"]


def test_cache_commands(
    tmp_path: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    cache = Cache(app / ".bundlewise-cache")
    for key in (KEY_A, KEY_B):
        cache.put("images", key, b"x" * 5000)
    cache.get("images", KEY_A)
    cache.get("images", "c" * 64)
    cache.finish()
    info = run_cli("cache", "info", app, "--json")
    assert info.returncode == 0, info.stderr
    data = json.loads(info.stdout)
    assert (data["entries"], data["namespaces"]["images"]["entries"]) == (2, 2)
    assert data["last_build"]["images"] == {"local": 1, "remote": 0, "misses": 1}
    text = run_cli("cache", "info", app).stdout
    assert "last build hit rate: images 50% (1 local + 0 remote of 2)" in text
    pruned = run_cli("cache", "prune", app, "--max-size", "6 kB")
    assert pruned.returncode == 0 and "pruned 1 entries" in pruned.stderr
    assert run_cli("cache", "prune", app, "--max-size", "lots").returncode == 2
    cleared = run_cli("cache", "clear", app)
    assert cleared.returncode == 0 and "removed 1 entries" in cleared.stderr
    assert json.loads(run_cli("cache", "info", app, "--json").stdout)["entries"] == 0


def test_get_many_asks_the_remote_for_a_batch_and_keeps_each_answer_with_its_key(
    recorder: str, tmp_path: Path
) -> None:
    keys = [f"{i:064x}" for i in range(20)]
    writer = Cache(tmp_path / "a", HttpStore(recorder, 2.0, {}), remote_url=recorder)
    for key in keys[:15]:
        writer.put("images", key, key.encode())
    reader = Cache(tmp_path / "b", HttpStore(recorder, 2.0, {}), remote_url=recorder)
    found = reader.get_many("images", keys)
    assert found == {key: key.encode() if i < 15 else None for i, key in enumerate(keys)}
    assert reader.counts()["images"] == {"local": 0, "remote": 15, "misses": 5}
    reader.finish()
