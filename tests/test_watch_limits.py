"""Watch mode when the kernel's inotify limits are reached: a clear message, then polling.

The limits are really reached, without touching the machine's own settings: the watcher runs in a
user namespace of its own (`unshare --user`), whose inotify limits (`/proc/sys/user/`) are set
to 0 there, so `inotify_init` fails with EMFILE and `inotify_add_watch` with ENOSPC, as they do
on a machine where other programs hold every instance or watch.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.out_dir_fixture import Child, assert_whole, processes_under
from tests.watch_fixture import make_project


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
    watcher = Child("watch", root, env=env, prefix=_limited(setting))
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
