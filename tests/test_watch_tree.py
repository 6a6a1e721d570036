"""The watcher watches the app's tree but not its own outputs, and follows folders as they come."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bundlewise.watch.events import PathFilter, own_dirs, own_prefixes
from bundlewise.watch.observer import start_observer

Seen = list[str]


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture(params=[False, True], ids=["inotify", "polling"])
def watched(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, Seen, object]]:
    """An app with sources, an output folder and a cache, watched as the watcher does."""
    root = tmp_path / "app"
    for rel in ("src/a.ts", "src/deep/b.ts", "dist/assets/a.js", ".bundlewise-cache/x"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    dist = root / "dist"
    allowed = PathFilter(root, own_dirs(dist, root / ".bundlewise-cache"), own_prefixes(dist))
    seen: Seen = []
    observer = start_observer(root, seen.append, request.param, lambda _: None, allowed)
    try:
        yield root, seen, observer
    finally:
        observer.stop()
        observer.join()


def watched_paths(observer: object) -> dict[str, bool]:
    emitters = list(observer.emitters)  # type: ignore[attr-defined]
    return {e.watch.path: e.watch.is_recursive for e in emitters}


def test_outputs_and_cache_are_not_watched(watched: tuple[Path, Seen, object]) -> None:
    root, _, observer = watched
    assert watched_paths(observer) == {str(root): False, str(root / "src"): True}


def test_sources_deep_and_at_the_root_are_seen(watched: tuple[Path, Seen, object]) -> None:
    root, seen, _ = watched
    (root / "src/deep/b.ts").write_text("y")
    (root / "index.html").write_text("<p>")
    assert wait_until(lambda: {str(root / "src/deep/b.ts"), str(root / "index.html")} <= {*seen})


def test_a_folder_made_later_is_followed(watched: tuple[Path, Seen, object]) -> None:
    root, seen, observer = watched
    (root / "lib").mkdir()
    assert wait_until(lambda: str(root / "lib") in watched_paths(observer))
    (root / "lib" / "c.ts").write_text("z")
    assert wait_until(lambda: str(root / "lib" / "c.ts") in seen)


def test_a_folder_removed_and_made_again_is_followed(watched: tuple[Path, Seen, object]) -> None:
    root, seen, observer = watched
    (root / "src/deep/b.ts").unlink()
    (root / "src/a.ts").unlink()
    (root / "src/deep").rmdir()
    (root / "src").rmdir()
    assert wait_until(lambda: str(root / "src") not in watched_paths(observer))
    (root / "src").mkdir()
    assert wait_until(lambda: str(root / "src") in watched_paths(observer))
    (root / "src" / "again.ts").write_text("z")
    assert wait_until(lambda: str(root / "src" / "again.ts") in seen)


def test_output_churn_reaches_no_one(watched: tuple[Path, Seen, object]) -> None:
    root, seen, _ = watched
    for i in range(20):
        (root / "dist" / "assets" / f"{i}.js").write_text("x")
    (root / "src" / "marker.ts").write_text("x")  # events arrive in order: this one comes last
    assert wait_until(lambda: str(root / "src" / "marker.ts") in seen)
    assert not [p for p in seen if "/dist/" in p]
