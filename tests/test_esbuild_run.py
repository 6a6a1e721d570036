"""Running esbuild: real builds, safe arguments, and crash/hang handling with no process left."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
from esbuild_fixture import real_esbuild

from bundlewise.errors import EsbuildError
from bundlewise.esbuild import entry_arg, run_esbuild

FAKES = Path(__file__).parent / "fake_esbuild"
FLAGS = ["--bundle", "--color=false", "--log-level=warning", "--log-limit=0"]


@pytest.fixture(scope="session")
def esbuild() -> Path:
    return real_esbuild()


def fake(name: str, tmp_path: Path) -> Path:
    """A copy of a fake binary, executable whatever mode the checkout gave it."""
    path = tmp_path / "bin" / "esbuild"
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(FAKES / name, path)
    path.chmod(0o755)
    return path


def group_alive(pgid: int) -> bool:
    """Whether any live (non-zombie) process is still in process group `pgid`."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # Orphans re-parented to an init that does not reap stay as zombies: those are dead.
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def wait_gone(pgid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while group_alive(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def assert_reaped(pid: int) -> None:
    """Our direct child was waited for: no zombie of ours is left."""
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_builds_and_returns_output(esbuild: Path, tmp_path: Path) -> None:
    (tmp_path / "main.js").write_text("import {n} from './n.js'\nconsole.log(n * 2)\n")
    (tmp_path / "n.js").write_text("export const n = 21\n")
    result = run_esbuild(esbuild, [*FLAGS, "main.js", "--outfile=out.js"], tmp_path, timeout=30)
    assert result.returncode == 0
    assert result.messages == ()
    bundle = (tmp_path / "out.js").read_text()
    assert "var n = 21;" in bundle and "console.log(n * 2);" in bundle


def test_stdout_is_returned_and_stdin_is_closed(esbuild: Path, tmp_path: Path) -> None:
    # With no entry point esbuild reads stdin: it must see end-of-file at once, not wait.
    result = run_esbuild(esbuild, ["--loader=js", "--log-level=warning"], tmp_path, timeout=10)
    assert result.returncode == 0
    assert result.stdout == ""


def test_errors_are_returned_as_messages(esbuild: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.ts").write_text("let a: number = ;\n")
    result = run_esbuild(esbuild, [*FLAGS, "bad.ts", "--outdir=out"], tmp_path, timeout=30)
    assert result.returncode == 1
    (error,) = result.errors
    assert str(error.location) == "bad.ts:1:16"
    assert result.warnings == ()


def test_warnings_on_a_successful_build(esbuild: Path, tmp_path: Path) -> None:
    (tmp_path / "w.js").write_text("export const isZero = (a) => a == -0\n")
    result = run_esbuild(esbuild, [*FLAGS, "w.js", "--outdir=out"], tmp_path, timeout=30)
    assert result.returncode == 0
    assert [w.text for w in result.warnings] == [
        'Comparison with -0 using the "==" operator will also match 0 [equals-negative-zero]'
    ]


def test_d19_dash_file_name_is_an_entry_not_a_flag(esbuild: Path, tmp_path: Path) -> None:
    (tmp_path / "-weird.js").write_text("console.log('dash')\n")
    assert entry_arg("-weird.js") == "./-weird.js"
    args = [*FLAGS, entry_arg("-weird.js"), "--outdir=out"]
    result = run_esbuild(esbuild, args, tmp_path, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "dash" in (tmp_path / "out" / "-weird.js").read_text()


def test_equals_in_a_name_gets_an_explicit_output_name(esbuild: Path, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a=b.js").write_text("console.log('equals')\n")
    arg = entry_arg("src/a=b.js")
    assert arg == "src/a_b=src/a=b.js"
    args = [*FLAGS, arg, "--outdir=out", "--outbase=."]
    result = run_esbuild(esbuild, args, tmp_path, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "equals" in (tmp_path / "out" / "src" / "a_b.js").read_text()


def test_leading_dash_and_equals_together(esbuild: Path, tmp_path: Path) -> None:
    (tmp_path / "-x=y.js").write_text("console.log('both')\n")
    args = [*FLAGS, entry_arg("-x=y.js"), "--outdir=out"]
    result = run_esbuild(esbuild, args, tmp_path, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "both" in (tmp_path / "out" / "-x_y.js").read_text()


def test_wildcard_in_a_name_is_refused() -> None:
    with pytest.raises(EsbuildError, match=r"a\*\.js: esbuild reads '\*'"):
        entry_arg("a*.js")


def test_d19_no_shell_is_involved(esbuild: Path, tmp_path: Path) -> None:
    name = "$(touch pwned); `touch pwned2` 'q\" é.js"
    (tmp_path / name).write_text("console.log('safe')\n")
    result = run_esbuild(
        esbuild, [*FLAGS, entry_arg(name), "--outfile=out.js"], tmp_path, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "safe" in (tmp_path / "out.js").read_text()
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()


def test_missing_binary(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "esbuild"
    with pytest.raises(EsbuildError, match=f"cannot run esbuild at {path}: No such file"):
        run_esbuild(path, ["x.js"], tmp_path, timeout=5)


def test_g33_death_by_signal_names_binary_signal_and_stderr(tmp_path: Path) -> None:
    path = fake("crash", tmp_path)
    with pytest.raises(EsbuildError) as caught:
        run_esbuild(path, ["main.js"], tmp_path, timeout=5)
    text = caught.value.format_message()
    assert f"esbuild ({path}) was killed by signal 11 (SIGSEGV)" in text
    assert "fatal error: fault" in text


def test_non_zero_exit_without_messages(tmp_path: Path) -> None:
    path = fake("exit_quietly", tmp_path)
    with pytest.raises(EsbuildError) as caught:
        run_esbuild(path, ["main.js"], tmp_path, timeout=5)
    text = caught.value.format_message()
    assert f"esbuild ({path}) exited with code 3" in text
    assert "some internal trouble" in text


def test_g33_hang_is_stopped_with_its_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_ESBUILD_PIDS", str(pids))
    path = fake("hang", tmp_path)
    started = time.monotonic()
    with pytest.raises(EsbuildError) as caught:
        run_esbuild(path, ["main.js"], tmp_path, timeout=0.5)
    assert time.monotonic() - started < 5
    text = caught.value.format_message()
    assert f"esbuild ({path}) did not finish within 0.5 s and was stopped" in text
    assert "working..." in text
    leader, child = map(int, pids.read_text().split())
    assert wait_gone(leader)
    assert_reaped(leader)
    assert os.getpgid(os.getpid()) != leader and child != leader


def test_ctrl_c_ends_the_group_and_propagates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_ESBUILD_PIDS", str(pids))
    path = fake("hang", tmp_path)

    def interrupt_once_started() -> None:
        deadline = time.monotonic() + 5
        while not pids.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_once_started, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        run_esbuild(path, ["main.js"], tmp_path, timeout=10)
    leader, _child = map(int, pids.read_text().split())
    assert wait_gone(leader)
    assert_reaped(leader)


def test_child_left_by_a_finished_run_is_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_ESBUILD_PIDS", str(pids))
    result = run_esbuild(fake("leaves_child", tmp_path), [], tmp_path, timeout=5)
    assert result.returncode == 0
    leader, _child = map(int, pids.read_text().split())
    assert wait_gone(leader)
