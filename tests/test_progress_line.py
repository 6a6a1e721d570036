"""The progress line: the stages report, the CLI draws (on a terminal, not in CI, not with
`--json` or `-q`). The CLI is run on a real pseudo-terminal."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from PIL import Image

from bundlewise.cli import progress_line


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_line_draws_on_a_terminal_and_is_cleared_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(progress_line, "SHOW_AFTER", 0.0)
    monkeypatch.setattr(progress_line, "MIN_INTERVAL", 0.0)
    screen = FakeTerminal()
    with closing(progress_line.ProgressLine(screen)) as line:
        line("images", 0, 3, "")
        line("images", 1, 3, "a.png")
        line("images", 2, 3, "b.png")
    assert "images 1/3 a.png" in screen.getvalue()
    assert "images 2/3 b.png" in screen.getvalue()
    assert screen.getvalue().endswith("\r\x1b[K")  # the line is cleared at the end
    off = FakeTerminal()
    with closing(progress_line.ProgressLine(off, enabled=False)) as line:
        line("images", 0, 3, "")
        line("images", 1, 3, "a.png")
    assert off.getvalue() == ""


def test_the_line_waits_before_showing_a_short_run() -> None:
    screen = FakeTerminal()
    with closing(progress_line.ProgressLine(screen)) as line:
        line("images", 0, 3, "")
        line("images", 1, 3, "a.png")  # well within SHOW_AFTER of the start
    assert screen.getvalue() == ""


def test_only_a_terminal_outside_ci_gets_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert progress_line.on_terminal(FakeTerminal())
    assert not progress_line.on_terminal(io.StringIO())
    monkeypatch.setenv("CI", "true")
    assert not progress_line.on_terminal(FakeTerminal())


# The CLI as `python -m bundlewise` runs it, with the line's delay off so that a small build
# shows it.
_CLI = """
from bundlewise.cli import progress_line
progress_line.SHOW_AFTER = progress_line.MIN_INTERVAL = 0.0
from bundlewise.cli import main
main(prog_name="bundlewise")
"""


def run_on_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal; (exit code, stdout, what the terminal got)."""
    master, slave = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-c", _CLI, *args],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env,
    ) as child:  # fmt: skip
        os.close(slave)
        screen = b""
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            screen += data
        os.close(master)
        assert child.stdout is not None
        out = child.stdout.read().decode()
        code = child.wait(timeout=60)
    return code, out, screen.decode("utf-8", "replace")


@pytest.fixture
def photo_app(make_project) -> Path:  # type: ignore[no-untyped-def]
    files: dict[str, str | bytes] = {}
    images = []
    for index, colour in enumerate(("red", "green", "blue")):
        out = io.BytesIO()
        Image.new("RGB", (64, 48), colour).save(out, "PNG")
        files[f"img/{index}.png"] = out.getvalue()
        images.append(f'<img src="img/{index}.png" alt="">')
    files["index.html"] = "<!doctype html>\n<title>t</title>\n" + "\n".join(images) + "\n"
    return make_project(files)  # type: ignore[no-any-return]


def test_the_cli_draws_the_image_progress_line_on_a_terminal(
    photo_app: Path, env: dict[str, str]
) -> None:
    quiet_env = {k: v for k, v in env.items() if k != "CI"}
    code, _, screen = run_on_terminal(["build", str(photo_app), "--no-compress"], quiet_env)
    assert code == 0, screen
    assert "images 1/3 img/" in screen and "images 2/3 img/" in screen
    assert "\r\x1b[K" in screen  # cleared before the size table


@pytest.mark.parametrize(
    ("flags", "extra_env"),
    [(["--json"], {}), (["-q"], {}), ([], {"CI": "true"})],
    ids=["json", "quiet", "ci"],
)
def test_the_cli_draws_no_line_with_json_quiet_or_in_ci(
    photo_app: Path, env: dict[str, str], flags: list[str], extra_env: dict[str, str]
) -> None:
    environ = {**{k: v for k, v in env.items() if k != "CI"}, **extra_env}
    code, out, screen = run_on_terminal(["build", str(photo_app), "--no-compress", *flags], environ)
    assert code == 0, screen
    assert "images 1/3" not in screen
    if flags == ["--json"]:
        assert (
            json.loads(out)["images"]["optimized"] + json.loads(out)["images"]["kept_source"] == 3
        )


def test_watch_production_draws_the_image_progress_line_on_a_terminal(
    photo_app: Path, env: dict[str, str]
) -> None:
    from tests.esbuild_fixture import real_esbuild

    environ = {k: v for k, v in env.items() if k != "CI"}
    argv = ["watch", str(photo_app), "--production"]
    master, slave = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-c", _CLI, *argv, "--esbuild", str(real_esbuild())],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, env=environ,
    ) as child:  # fmt: skip
        os.close(slave)
        screen = b""
        deadline = time.monotonic() + 300
        try:
            while b"built in" not in screen and time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 1.0)
                if ready:
                    screen += os.read(master, 65536)
        finally:
            child.send_signal(signal.SIGINT)
            child.wait(timeout=60)
            os.close(master)
    text = screen.decode("utf-8", "replace")
    assert "built in" in text, text
    assert "images 1/3 img/" in text and "images 2/3 img/" in text, text
