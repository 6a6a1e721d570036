"""Watch mode on a hostile machine: inotify limits reached, symlink loops and dangling links.

The inotify limits are really reached, without touching the machine's own settings: the watcher runs in a
user namespace of its own (`unshare --user`), whose inotify limits (`/proc/sys/user/`) are set
to 0 there, so `inotify_init` fails with EMFILE and `inotify_add_watch` with ENOSPC, as they do
on a machine where other programs hold every instance or watch.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.out_dir_fixture import assert_whole, processes_under
from tests.watch_fixture import BundlewiseChild, WatchProcess, make_project, wait_for


def _limited(setting: str) -> list[str]:
    """A command prefix running the rest in a user namespace where `setting` is 0."""
    script = f'echo 0 > /proc/sys/user/{setting} && exec "$0" "$@"'
    prefix = ["unshare", "--user", "--map-root-user", "sh", "-c", script]
    if shutil.which("unshare") is None:
        pytest.skip("unshare not installed (util-linux)")
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot set inotify limits in a user namespace: {probe.stderr.strip()}")
    return prefix


@pytest.mark.parametrize(
    ("setting", "reason", "advice"),
    [
        ("max_inotify_instances", "inotify instance limit reached", "max_user_instances"),
        ("max_inotify_watches", "inotify watch limit reached", "max_user_watches"),
    ],
    ids=["instances", "watches"],
)
def test_c16_inotify_limit_reached_falls_back_to_polling(  # type: ignore[no-untyped-def]
    tmp_path: Path, env, setting: str, reason: str, advice: str
) -> None:
    root = make_project(tmp_path / "app")
    watcher = BundlewiseChild("watch", root, env=env, prefix=_limited(setting))
    try:
        notice = watcher.wait_line(lambda s: "polling" in s, "the fallback notice")
        assert f"file events unavailable ({reason}); polling every" in notice
        assert f"raise fs.inotify.{advice}" in notice
        watcher.wait_line(lambda s: s.startswith("built in"), "the first build")
        (root / "src/util.ts").write_text('export function label(s: string): string {\n  return "v2:" + s;\n}\n')  # fmt: skip
        watcher.wait_line(lambda s: s.startswith("rebuilt in"), "a rebuild seen by polling")
        assert "v2:" in next((root / "dist/assets/src").glob("main*.js")).read_text()
    finally:
        watcher.process.send_signal(signal.SIGINT)
        code = watcher.finish()
    assert code == 130, watcher.text()
    assert "Traceback" not in watcher.text()
    assert_whole(root / "dist")
    assert processes_under(tmp_path) == []


@pytest.mark.parametrize("mode", [(), ("--poll",)], ids=["inotify", "polling"])
def test_c15_symlink_loops_and_dangling_links_give_no_rebuild_loop(
    tmp_path: Path, mode: tuple[str, ...]
) -> None:
    """A link back up the tree, two links naming each other, and a link to nothing."""
    root = make_project(tmp_path / "app")
    (root / "src/loop").symlink_to("..")
    (root / "src/a").symlink_to("b")
    (root / "src/b").symlink_to("a")
    (root / "src/gone.ts").symlink_to("missing.ts")
    watcher = WatchProcess(root, *mode)
    try:
        assert watcher.lines[-1].startswith("built in"), watcher.text()
        assert "src/a is a symlink loop; not followed" in watcher.lines
        assert "src/b is a symlink loop; not followed" in watcher.lines
        assert "src/gone.ts is a dangling symlink (to missing.ts); not followed" in watcher.lines
        assert "src/loop is a symlink to a folder that holds it (..); not followed" in watcher.lines
        time.sleep(1.5)  # three polls: stray rebuilds from our own outputs would show by now
        before = watcher.rebuilds()
        util = root / "src/util.ts"
        util.write_text('export function label(s: string): string {\n  return "v2:" + s;\n}\n')
        watcher.wait_line(lambda s: s.startswith("rebuilt in"), "the rebuild for the edit")
        time.sleep(1.5)
        assert watcher.rebuilds() == before + 1, watcher.text()
        assert "v2:" in (root / "dist/assets/src/main.js").read_text()
    finally:
        code = watcher.stop(signal.SIGINT)
    assert code == 130, watcher.text()
    assert "Traceback" not in watcher.text()
    wait_for(lambda: processes_under(tmp_path) == [], "no process left")
