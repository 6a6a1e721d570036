"""`on_resolve` / `on_load` callbacks in real builds: custom file types, virtual modules, errors,
filters that match nothing, and the esbuild child that must not outlive the build."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from plugin_fixture import node_output, snapshot, write_config, write_plugin

from tests.watch_fixture import alive

RunCli = Callable[..., subprocess.CompletedProcess[str]]

PAGE = '<!doctype html>\n<title>t</title>\n<script type="module" src="./src/main.js"></script>\n'

# A custom file type: `.greet` files hold "name: text" lines; the plugin turns them into a module.
GREET_PLUGIN = """
    from pathlib import Path
    from bundlewise.esbuild.callbacks import LoadResult

    def on_esbuild_setup(esbuild, *, build):
        def load(args):
            lines = Path(args.path).read_text().splitlines()
            pairs = dict(line.split(": ", 1) for line in lines if line)
            body = "".join(f"export const {k} = {v.upper()!r};\\n" for k, v in pairs.items())
            return LoadResult(contents=body, loader="js")
        esbuild.on_load(r"\\.greet$", load)
"""


@pytest.fixture
def app(make_project: Callable[..., Path]) -> Path:
    return make_project(
        {
            "index.html": PAGE,
            "src/main.js": "import { hello } from './words.greet';\nconsole.log(hello);\n",
            "src/words.greet": "hello: good morning\n",
        }
    )


def test_without_a_plugin_a_custom_file_type_fails(app: Path, run_cli: RunCli) -> None:
    write_config(app, [])
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 1
    assert "words.greet" in done.stderr


@pytest.mark.skipif(not shutil.which("node"), reason="needs Node to run the built module")
def test_an_on_load_plugin_transforms_a_custom_file_type(app: Path, run_cli: RunCli) -> None:
    write_config(app, [write_plugin(app, "greet", GREET_PLUGIN)])
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 0, done.stderr
    assert node_output(app / "dist") == "GOOD MORNING\n"


def test_a_virtual_module_resolves_its_imports_in_the_folder_it_names(
    make_project: Callable[..., Path], run_cli: RunCli
) -> None:
    app = make_project(
        {
            "index.html": PAGE,
            "src/main.js": "import msg from 'virtual:message';\nconsole.log(msg);\n",
            "pages/blog/helper.js": "export const where = 'blog';\n",
        }
    )
    plugin = write_plugin(
        app,
        "virtual",
        """
        from bundlewise.esbuild.callbacks import LoadResult, ResolveResult

        def on_esbuild_setup(esbuild, *, build):
            folder = str(build.config.root / "pages" / "blog")
            esbuild.on_resolve(
                "^virtual:message$",
                lambda args: ResolveResult(path="message", namespace="virtual"),
            )
            esbuild.on_load(
                ".*",
                lambda args: LoadResult(
                    contents="import { where } from './helper.js'; export default 'from ' + where;",
                    loader="js",
                    resolve_dir=folder,
                ),
                namespace="virtual",
            )
        """,
    )
    write_config(app, [plugin])
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 0, done.stderr
    assert node_output(app / "dist") == "from blog\n"


def test_a_filter_that_matches_nothing_changes_nothing(app: Path, run_cli: RunCli) -> None:
    write_config(app, [write_plugin(app, "greet", GREET_PLUGIN)])
    assert run_cli("build", app, "--no-compress").returncode == 0
    before = snapshot(app / "dist")
    calls = app / "calls.txt"
    never = write_plugin(
        app,
        "never",
        f"""
        from pathlib import Path

        def record(args):
            with Path({str(calls)!r}).open("a") as f:
                f.write(args.path + "\\n")

        def on_esbuild_setup(esbuild, *, build):
            esbuild.on_resolve(r"\\.nothing$", record)
            esbuild.on_load(r"\\.nothing$", record)
            esbuild.on_load(".*", record, namespace="no-such-namespace")
        """,
    )
    write_config(app, [never, "plugins/greet.py"])
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 0, done.stderr
    assert not calls.exists()
    assert snapshot(app / "dist") == before


def test_a_raising_callback_is_a_clean_error_and_keeps_dist(app: Path, run_cli: RunCli) -> None:
    write_config(app, [write_plugin(app, "greet", GREET_PLUGIN)])
    assert run_cli("build", app, "--no-compress").returncode == 0
    before = snapshot(app / "dist")
    broken = write_plugin(
        app,
        "broken",
        """
        def on_esbuild_setup(esbuild, *, build):
            def load(args):
                raise ValueError("cannot read this greeting")
            esbuild.on_load(r"\\.greet$", load)
        """,
    )
    write_config(app, [broken, "plugins/greet.py"])
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 1
    assert "plugin 'broken' failed in on_load for src/words.greet" in done.stderr
    assert "ValueError: cannot read this greeting" in done.stderr
    assert "plugins/broken.py:4" in done.stderr  # the plugin's own line
    assert "Traceback" not in done.stderr
    assert snapshot(app / "dist") == before
    assert not any(p.name.endswith(".staging") for p in app.iterdir())


def test_errors_a_callback_returns_carry_their_location(app: Path, run_cli: RunCli) -> None:
    plugin = write_plugin(
        app,
        "strict_greet",
        """
        from bundlewise.errors import Location, Message
        from bundlewise.esbuild.callbacks import LoadResult

        def on_esbuild_setup(esbuild, *, build):
            def load(args):
                where = Location(args.path, 1, 7, "hello: good morning")
                return LoadResult(errors=[Message("greetings must be short", where)])
            esbuild.on_load(r"\\.greet$", load)
        """,
    )
    write_config(app, [plugin])
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 1
    assert "words.greet:1:7" in done.stderr and "greetings must be short" in done.stderr
    assert "strict_greet" in done.stderr


def test_a_filter_esbuild_cannot_compile_names_the_plugin(app: Path, run_cli: RunCli) -> None:
    plugin = write_plugin(
        app,
        "lookahead",
        """
        def on_esbuild_setup(esbuild, *, build):
            esbuild.on_load(r"(?=x)\\.greet$", lambda args: None)
        """,
    )
    write_config(app, [plugin])
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 1
    assert "lookahead" in done.stderr and "Traceback" not in done.stderr


def test_on_esbuild_args_still_applies(app: Path, run_cli: RunCli) -> None:
    plugin = write_plugin(
        app,
        "define",
        """
        def on_esbuild_args(args, *, entries, build):
            return [*args, '--define:GREETING="hi"']
        """,
    )
    (app / "src/main.js").write_text("console.log(GREETING);\n")
    write_config(app, [plugin])
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 0, done.stderr
    assert node_output(app / "dist") == "hi\n"


@pytest.fixture
def recording_esbuild(tmp_path: Path, esbuild_path: Path) -> tuple[Path, Path]:
    """The real esbuild behind a wrapper that writes each run's pid (exec keeps the pid)."""
    pids = tmp_path / "esbuild-pids"
    wrapper = tmp_path / "esbuild"
    wrapper.write_text(f'#!/bin/sh\necho $$ >> "{pids}"\nexec "{esbuild_path}" "$@"\n')
    wrapper.chmod(0o755)
    return wrapper, pids


@pytest.mark.parametrize("outcome", ["success", "failure"])
def test_the_esbuild_child_never_outlives_the_build(
    app: Path, run_cli: RunCli, recording_esbuild: tuple[Path, Path], outcome: str
) -> None:
    wrapper, pids = recording_esbuild
    write_config(app, [write_plugin(app, "greet", GREET_PLUGIN)])
    if outcome == "failure":
        (app / "src/main.js").write_text("import './missing.js';\n")
    done = run_cli("build", app, "--no-compress", BUNDLEWISE_ESBUILD=str(wrapper))
    assert done.returncode == (0 if outcome == "success" else 1), done.stderr
    started = [int(p) for p in pids.read_text().split()]
    assert len(started) >= 2  # `--version`, then the service
    assert not [pid for pid in started if alive(pid)]


def test_a_killed_bundlewise_leaves_no_esbuild(
    app: Path, env: dict[str, str], recording_esbuild: tuple[Path, Path], tmp_path: Path
) -> None:
    """SIGKILL gives no chance to clean up: the child must end when its stdin closes."""
    wrapper, pids = recording_esbuild
    waiting = tmp_path / "in-callback"
    plugin = write_plugin(
        app,
        "slow",
        f"""
        import time
        from pathlib import Path

        def on_esbuild_setup(esbuild, *, build):
            def load(args):
                Path({str(waiting)!r}).write_text("yes")
                time.sleep(600)
            esbuild.on_load(r"\\.greet$", load)
        """,
    )
    write_config(app, [plugin])
    process = subprocess.Popen(
        [sys.executable, "-m", "bundlewise", "build", str(app), "--no-compress"],
        env={**env, "BUNDLEWISE_ESBUILD": str(wrapper)},
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not waiting.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert waiting.exists(), "the callback was never called"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    started = [int(p) for p in pids.read_text().split()]
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in started if alive(pid)]
