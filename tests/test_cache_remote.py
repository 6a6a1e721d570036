"""The shared build cache against real servers: redis-server and nginx with WebDAV PUT.

Every build here runs the real CLI on an app with real photos. What a test asserts is what a CI
user relies on: the build succeeds, its output is byte-identical to a build without any cache,
and the warnings name the cause.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cache_servers import Server, serve_500s, serve_nginx, serve_redis

from bundlewise.cache.entry import seal

PHOTOS = Path(__file__).parent / "data" / "images"
RunCli = Callable[..., subprocess.CompletedProcess[str]]

redis_server = pytest.fixture(serve_redis, name="redis_server")
nginx_server = pytest.fixture(serve_nginx, name="nginx_server")
failing_server = pytest.fixture(serve_500s, name="failing_server")

FAST_IMAGES = """
[images]
formats = ["webp"]
widths = [320]
"""


def make_app(folder: Path, *, config: str = FAST_IMAGES, extra: str = "") -> Path:
    """A small app with three real photos, a script and a stylesheet."""
    (folder / "src").mkdir(parents=True)
    (folder / "img").mkdir()
    for name in ("rocket.jpg", "hubble_deep_field.jpg", "chelsea.png"):
        shutil.copyfile(PHOTOS / name, folder / "img" / name)
    (folder / "index.html").write_text(
        "<!doctype html><html><head><title>Photos</title>\n"
        '<link rel="stylesheet" href="src/site.css">\n'
        '<script type="module" src="src/main.js"></script></head><body>\n'
        '<img src="img/rocket.jpg" alt="rocket">\n'
        '<img src="img/hubble_deep_field.jpg" alt="deep field">\n'
        '<img src="img/chelsea.png" alt="cat">\n</body></html>\n'
    )
    (folder / "src" / "main.js").write_text(
        "const items = Array.from({ length: 40 }, (_, i) => `photo number ${i}`);\n"
        "document.title = items.join(', ');\nconsole.log('gallery ready', items.length);\n"
    )
    (folder / "src" / "site.css").write_text(
        "body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; }\n"
        "img { display: block; max-width: 100%; height: auto; margin: 1rem 0; }\n" * 4
    )
    (folder / "bundlewise.toml").write_text(config + extra)
    return folder


def build(run_cli: RunCli, app: Path, *args: str, **env: str) -> tuple[dict[str, Any], str]:
    """Build `app` with `--json`; the stats (with the cache counts) and stderr."""
    env.setdefault("BUNDLEWISE_CACHE_URL", "")
    env.setdefault("BUNDLEWISE_CACHE_SECRET", "")
    proc = run_cli("build", app, "--json", *args, **env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout), proc.stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def dist(app: Path) -> dict[str, bytes]:
    return tree(app / "dist")


def misses(stats: dict[str, Any]) -> tuple[int, int]:
    cache = stats["cache"]
    return cache["images"]["misses"], cache["compress"]["misses"]


def remote_hits(stats: dict[str, Any]) -> tuple[int, int]:
    cache = stats["cache"]
    return cache["images"]["remote"], cache["compress"]["remote"]


@pytest.fixture
def reference(tmp_path: Path, run_cli: RunCli) -> Callable[[str], dict[str, bytes]]:
    """The output of a build without any remote cache and with an empty local one."""
    built: dict[str, dict[str, bytes]] = {}

    def get(config: str = FAST_IMAGES) -> dict[str, bytes]:
        if config not in built:
            app = make_app(tmp_path / f"reference-{len(built)}", config=config)
            build(run_cli, app)
            built[config] = dist(app)
        return built[config]

    return get


# --- the two-runner case ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["redis_server", "nginx_server"])
def test_a_second_runner_encodes_no_image_and_compresses_no_file(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, run_cli: RunCli
) -> None:
    server: Server = request.getfixturevalue(backend)
    # The image options as a user leaves them (AVIF, WebP, three widths): the slow case.
    first = make_app(tmp_path / "runner1" / "app", config="")
    second = make_app(tmp_path / "runner2" / "app", config="")
    cold, _ = build(run_cli, first, BUNDLEWISE_CACHE_URL=server.url)
    assert misses(cold) == (3, cold["cache"]["compress"]["misses"]) and misses(cold)[1] > 0
    warm, stderr = build(run_cli, second, BUNDLEWISE_CACHE_URL=server.url)
    assert misses(warm) == (0, 0), "the second runner encoded or compressed something"
    assert remote_hits(warm) == (3, misses(cold)[1])
    assert "warning" not in stderr
    assert dist(second) == dist(first)
    assert "cache: images 3/3 hits (0 local, 3 remote)" in stderr
    # Remote hits were written to the local folder: without the remote, all hits are local.
    server.stop()
    again, stderr = build(run_cli, second, BUNDLEWISE_CACHE_URL=server.url)
    assert misses(again) == (0, 0) and remote_hits(again) == (0, 0)
    assert "warning" not in stderr, "a warm local cache never asks the remote"


def test_redis_keys_are_namespaced_and_expire(
    redis_server: Server, tmp_path: Path, run_cli: RunCli
) -> None:
    import redis

    app = make_app(tmp_path / "app", extra='\n[cache]\nprefix = "shop-frontend"\nttl = 3600\n')
    build(run_cli, app, BUNDLEWISE_CACHE_URL=redis_server.url)
    client = redis.Redis.from_url(redis_server.url)
    keys = sorted(k.decode() for k in client.keys("*"))
    assert keys and all(
        k.startswith(("shop-frontend:images:", "shop-frontend:compress:")) for k in keys
    )
    assert all(0 < client.ttl(k) <= 3600 for k in keys)
    client.close()


def test_read_only_reads_the_remote_and_never_writes(
    redis_server: Server, tmp_path: Path, run_cli: RunCli
) -> None:
    import redis

    client = redis.Redis.from_url(redis_server.url)
    fork = make_app(tmp_path / "fork")
    stats, _ = build(run_cli, fork, "--cache-read-only", BUNDLEWISE_CACHE_URL=redis_server.url)
    assert misses(stats)[0] == 3 and client.dbsize() == 0
    build(run_cli, make_app(tmp_path / "main"), BUNDLEWISE_CACHE_URL=redis_server.url)
    filled = client.dbsize()
    pr = make_app(tmp_path / "pr")
    stats, _ = build(
        run_cli, pr, BUNDLEWISE_CACHE_URL=redis_server.url, BUNDLEWISE_CACHE_READ_ONLY="1"
    )
    assert misses(stats) == (0, 0) and client.dbsize() == filled
    client.close()


# --- faults -----------------------------------------------------------------------------------

STOP_PLUGIN = """
import os, signal

def on_image(image, **kwargs):
    # The remote dies between the image step and the compression step.
    try:
        os.kill(int(os.environ["REMOTE_PID"]), signal.SIGKILL)
    except ProcessLookupError:
        pass
    return image
"""


def test_remote_stopped_mid_build(
    redis_server: Server, tmp_path: Path, run_cli: RunCli, reference: Callable[..., Any]
) -> None:
    assert redis_server.process is not None
    app = make_app(tmp_path / "app", config='plugins = ["stop_remote.py"]\n' + FAST_IMAGES)
    (app / "stop_remote.py").write_text(STOP_PLUGIN)
    stats, stderr = build(
        run_cli, app, BUNDLEWISE_CACHE_URL=redis_server.url,
        REMOTE_PID=str(redis_server.process.pid),
    )  # fmt: skip
    assert redis_server.process.wait(timeout=10) == -signal.SIGKILL
    assert stderr.count(f"remote cache {redis_server.url}") == 1, stderr
    assert "Connection refused" in stderr or "Connection reset" in stderr or "closed" in stderr
    assert "the build goes on with local work" in stderr
    assert stats["cache"]["remote_errors"] >= 1
    assert dist(app) == reference()


def test_remote_answering_500s(
    failing_server: Any, tmp_path: Path, run_cli: RunCli, reference: Callable[..., Any]
) -> None:
    app = make_app(tmp_path / "app")
    stats, stderr = build(run_cli, app, BUNDLEWISE_CACHE_URL=failing_server.url)
    assert stderr.count("warning") == 1, stderr
    assert f"remote cache {failing_server.url}: GET answered HTTP 500" in stderr
    lookups = sum(sum(stats["cache"][ns].values()) for ns in ("images", "compress"))
    # The circuit opened after 3 failures in a row (a few more were already in flight).
    assert failing_server.hits < lookups and failing_server.hits <= 3 + 8
    assert dist(app) == reference()


def test_truncated_and_tampered_remote_entries_are_rebuilt_and_replaced(
    nginx_server: Server, tmp_path: Path, run_cli: RunCli, reference: Callable[..., Any]
) -> None:
    url = nginx_server.url
    build(run_cli, make_app(tmp_path / "first"), BUNDLEWISE_CACHE_URL=url)
    images = sorted((nginx_server.folder / "store" / "cache" / "images").iterdir())
    assert len(images) == 3
    images[0].write_bytes(images[0].read_bytes()[:-1000])  # truncated
    tampered = bytearray(images[1].read_bytes())
    tampered[-500] ^= 0xFF  # one flipped byte in the pixels
    images[1].write_bytes(bytes(tampered))
    second = make_app(tmp_path / "second")
    stats, stderr = build(run_cli, second, BUNDLEWISE_CACHE_URL=url)
    assert "remote entry images/" in stderr and "does not match its key" in stderr
    assert stats["cache"]["images"] == {"local": 0, "remote": 1, "misses": 2}
    assert stats["cache"]["rejected"] == 2
    assert dist(second) == reference()
    # The rebuilt entries replaced the bad ones: a third runner gets every image remotely.
    third, stderr = build(run_cli, make_app(tmp_path / "third"), BUNDLEWISE_CACHE_URL=url)
    assert misses(third) == (0, 0) and "warning" not in stderr


def test_wrongly_signed_and_forged_entries_never_reach_dist(
    redis_server: Server, tmp_path: Path, run_cli: RunCli, reference: Callable[..., Any]
) -> None:
    import redis

    url = redis_server.url
    build(run_cli, make_app(tmp_path / "signed"), BUNDLEWISE_CACHE_URL=url,
          BUNDLEWISE_CACHE_SECRET="ours")  # fmt: skip
    other = make_app(tmp_path / "other")
    stats, stderr = build(
        run_cli, other, BUNDLEWISE_CACHE_URL=url, BUNDLEWISE_CACHE_SECRET="theirs"
    )
    assert "is signed with another secret" in stderr and stderr.count("warning") == 1
    assert misses(stats)[0] == 3 and dist(other) == reference()
    # A forger without the secret stores a well-formed entry (right key, right digest) whose
    # payload is another image's: readers with the secret ignore it.
    client = redis.Redis.from_url(url)
    image_keys = sorted(k for k in client.keys("bundlewise:images:*"))
    victim, donor = image_keys[0], image_keys[1]
    key = victim.decode().rsplit(":", 1)[1]
    donor_payload = _payload(client.get(donor))
    client.set(victim, seal("images", key, donor_payload))
    victim_app = make_app(tmp_path / "victim")
    stats, stderr = build(run_cli, victim_app, BUNDLEWISE_CACHE_URL=url,
                          BUNDLEWISE_CACHE_SECRET="theirs")  # fmt: skip
    assert "is not signed, and BUNDLEWISE_CACHE_SECRET is set" in stderr
    assert dist(victim_app) == reference()
    client.close()


def _payload(entry: bytes) -> bytes:
    """The payload of a signed entry (magic, flags, digest, mac, payload)."""
    return entry[4 + 1 + 32 + 32 :]


def test_a_full_local_cap_evicts_and_says_so(
    tmp_path: Path, run_cli: RunCli, reference: Callable[..., Any]
) -> None:
    app = make_app(tmp_path / "app", extra='\n[cache]\nmax_size = "20 kB"\n')
    for _ in range(2):
        stats, stderr = build(run_cli, app)
        assert "smaller than what this build uses" in stderr and "max_size" in stderr
        assert stats["cache"]["evicted"] > 0
        assert dist(app) == reference()
    entries = [p for p in (app / ".bundlewise-cache").rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in entries if p.name != "last-build.json") <= 20_000


def test_two_builds_writing_the_same_keys_at_once(
    redis_server: Server, tmp_path: Path, env: dict[str, str], reference: Callable[..., Any]
) -> None:
    shared = tmp_path / "shared-cache"
    extra = f'cache_dir = "{shared.as_posix()}"\n'
    apps = [make_app(tmp_path / name, config=extra + FAST_IMAGES) for name in ("one", "two")]
    environ = {**env, "BUNDLEWISE_CACHE_URL": redis_server.url, "BUNDLEWISE_CACHE_SECRET": ""}
    procs = [
        subprocess.Popen([sys.executable, "-m", "bundlewise", "-q", "build", str(app)],
                         env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for app in apps
    ]  # fmt: skip
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0 and "warning" not in err, err
    assert dist(apps[0]) == dist(apps[1]) == reference()
    assert not [p for p in shared.rglob(".tmp-*")], "no temp file left behind"
    # Every entry either build left is whole: a third build reads them all, rejecting none.
    third = make_app(tmp_path / "three", config=extra + FAST_IMAGES)
    stats, _ = build(run_cli_for(environ), third, BUNDLEWISE_CACHE_URL=redis_server.url)
    assert misses(stats) == (0, 0) and stats["cache"]["rejected"] == 0


def run_cli_for(environ: dict[str, str]) -> RunCli:
    def run(*args: str | Path, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bundlewise", *map(str, args)],
            env={**environ, **extra}, capture_output=True, text=True, timeout=600,
        )  # fmt: skip

    return run


def test_h39_a_build_over_swapped_local_entries_ships_the_right_images(
    tmp_path: Path, run_cli: RunCli, reference: Callable[..., Any]
) -> None:
    app = make_app(tmp_path / "app")
    build(run_cli, app)
    entries = sorted((app / ".bundlewise-cache" / "images").rglob("*"))
    a, b = [p for p in entries if p.is_file()][:2]
    a_bytes, b_bytes = a.read_bytes(), b.read_bytes()
    a.write_bytes(b_bytes)
    b.write_bytes(a_bytes)
    stats, stderr = build(run_cli, app)
    assert stats["cache"]["images"]["misses"] == 2 and stats["cache"]["rejected"] == 2
    assert "does not match its key" in stderr
    assert dist(app) == reference()  # right bytes, right width/height in the page
