"""The watcher's parts alone: esbuild's packet format, argument split, debouncer, path filter."""

from __future__ import annotations

import errno
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bundlewise.config import load_config
from bundlewise.esbuild.bundler import split_args, to_message
from bundlewise.esbuild.protocol import Packet, decode_packet, encode_packet
from bundlewise.watch import dev_config
from bundlewise.watch.events import Debouncer, PathFilter, own_dirs, own_prefixes
from bundlewise.watch.observer import start_observer


def test_packets_round_trip() -> None:
    value = {"command": "build", "key": 3, "ok": True, "none": None, "data": b"\x00\xff",
             "list": ["é", -5, {"nested": []}]}  # fmt: skip
    framed = encode_packet(Packet(7, True, value))
    assert int.from_bytes(framed[:4], "little") == len(framed) - 4
    assert decode_packet(framed[4:]) == Packet(7, True, value)
    assert decode_packet(encode_packet(Packet(7, False, {}))[4:]).is_request is False


def test_a_truncated_packet_is_an_error() -> None:
    framed = encode_packet(Packet(1, True, {"command": "rebuild"}))
    with pytest.raises(ValueError, match="truncated"):
        decode_packet(framed[4:-2])


def test_split_args_for_the_service() -> None:
    flags, pairs = split_args(
        ["--bundle", "--metafile=dist/m.json", "--log-level=warning", "src/a.ts", "./-b.ts",
         "x_y=src/x=y.ts"]
    )  # fmt: skip
    assert flags == ["--bundle", "--metafile", "--log-level=silent"]
    assert pairs == [("", "src/a.ts"), ("", "./-b.ts"), ("x_y", "src/x=y.ts")]


def test_esbuild_messages_become_ours() -> None:
    data = {"text": "Unexpected \"}\"", "pluginName": "",
            "location": {"file": "src/a.ts", "line": 2, "column": 5, "lineText": "let x = }"},
            "notes": [{"text": "see here", "location": None}]}  # fmt: skip
    message = to_message(data, "error")
    assert message.format().startswith('src/a.ts:2:5: error: Unexpected "}"')
    assert "let x = }" in message.format()
    assert message.notes == ("see here",)


def test_a_burst_is_one_batch() -> None:
    debouncer = Debouncer(0.1)

    def burst() -> None:
        for i in range(300):
            debouncer.add(f"/app/f{i}.ts")

    thread = threading.Thread(target=burst)
    thread.start()
    batch = debouncer.wait(timeout=30)
    thread.join()
    assert len(batch) == 300
    assert debouncer.wait(timeout=0.3) == set()


def test_the_quiet_period_is_waited_for() -> None:
    debouncer = Debouncer(0.2)
    debouncer.add("/app/a.ts")
    started = time.monotonic()
    assert debouncer.wait(timeout=5) == {"/app/a.ts"}
    assert time.monotonic() - started >= 0.19


def test_own_folders_and_editor_files_are_ignored(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    allowed = PathFilter(
        tmp_path, own_dirs(dist, tmp_path / ".bundlewise-cache"), own_prefixes(dist)
    )
    assert allowed(str(tmp_path / "src" / "a.ts"))
    assert allowed(str(tmp_path / "bundlewise.toml"))
    assert allowed(str(tmp_path / "dist.trash-1.js"))
    for path in ("dist/a.js", ".dist.staging/x", ".dist.old", ".bundlewise-cache/images/ab",
                 ".dist.trash-12-3", ".dist.trash-12-3/assets/a.js",
                 "src/.a.ts.swp", "src/a.ts~", ".git/index", "node_modules/x/y.js"):  # fmt: skip
        assert not allowed(str(tmp_path / path)), path


def test_dev_profile(tmp_path: Path) -> None:
    config = dev_config(load_config(tmp_path))
    assert not config.minify and not config.hash_names
    assert config.images is None or not config.images.enabled
    assert config.compress is None or not config.compress.enabled


def test_c16_no_file_events_falls_back_to_polling(tmp_path: Path, monkeypatch: Any) -> None:
    import watchdog.observers

    class Broken(watchdog.observers.Observer):  # type: ignore[misc,valid-type]
        def start(self) -> None:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watchdog.observers, "Observer", Broken)
    notices: list[str] = []
    seen: list[str] = []
    observer = start_observer(tmp_path, seen.append, poll=False, notice=notices.append)
    try:
        assert "polling" in notices[0] and "inotify watch limit reached" in notices[0]
        (tmp_path / "new.ts").write_text("x")
        deadline = time.monotonic() + 30
        while not any(p.endswith("new.ts") for p in seen) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(p.endswith("new.ts") for p in seen)
    finally:
        observer.stop()
        observer.join()
