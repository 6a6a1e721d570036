"""Bad input: a clear error naming the file and line, the right exit code, the old dist intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import snapshot, tree

from tests.watch_fixture import alive

FAKES = Path(__file__).parent / "fake_esbuild"

APP = {
    "index.html": '<!doctype html>\n<title>t</title>\n<script type="module" src="./src/main.ts"></script>\n',
    "src/main.ts": 'import { two } from "./two";\nconsole.log(two);\n',
    "src/two.ts": "export const two: number = 2;\n",
}


@pytest.fixture
def app(make_project, run_cli) -> Path:  # type: ignore[no-untyped-def]
    """A project with a good build in dist/, to check that failures leave it untouched."""
    root = make_project(APP)
    done = run_cli("build", root, "--no-compress")
    assert done.returncode == 0, done.stderr
    return root


def fails(run_cli, root: Path, *args: str, code: int = 1, **env: str) -> str:  # type: ignore[no-untyped-def]
    """Build again, expect failure with `code`; the old dist and the project are unchanged."""
    dist_before = snapshot(root / "dist")
    tree_before = tree(root.parent) - {p for p in tree(root.parent) if "user-cache" in p}
    done = run_cli("build", root, "--no-compress", *args, **env)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(root / "dist") == dist_before
    tree_after = tree(root.parent) - {p for p in tree(root.parent) if "user-cache" in p}
    assert tree_after - tree_before <= {"app/.bundlewise-cache"}, "nothing else written"
    return done.stderr


def test_a4_typescript_syntax_error_names_file_line_and_column(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "src/two.ts").write_text("export const two: number = ;\n")
    err = fails(run_cli, app)
    assert "src/two.ts:1:27: error:" in err
    assert "export const two: number = ;" in err, "the code frame"


def test_a4_missing_import_names_file_line_and_column(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "src/main.ts").write_text('import { three } from "./three";\nconsole.log(three);\n')
    err = fails(run_cli, app)
    assert "src/main.ts:1:22: error:" in err and "./three" in err


def test_missing_script_names_the_page_and_line(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "index.html").write_text(
        '<!doctype html>\n\n<script type="module" src="./src/gone.ts"></script>\n'
    )
    err = fails(run_cli, app)
    assert "index.html:3" in err and "src/gone.ts" in err and "not found" in err


def test_f30_stylesheet_outside_the_root_is_refused(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app.parent / "secret.css").write_text("body{}")
    (app / "index.html").write_text(
        '<!doctype html>\n<link rel="stylesheet" href="../secret.css">\n'
    )
    err = fails(run_cli, app)
    assert "index.html:2" in err and "outside the app root" in err


def test_f30_script_symlinked_out_of_the_root_is_refused(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app.parent / "outside.js").write_text("console.log(1)")
    (app / "src/link.js").symlink_to(app.parent / "outside.js")
    (app / "index.html").write_text('<script type="module" src="./src/link.js"></script>\n')
    err = fails(run_cli, app)
    assert "index.html:1" in err and "outside the app root" in err


def test_invalid_config_lists_every_problem(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "bundlewise.toml").write_text('minify = "yes"\ncolour = true\ntarget = "es1999x"\n')
    err = fails(run_cli, app, code=2)
    assert "bundlewise.toml: minify: expected true or false, got 'yes'" in err
    assert "bundlewise.toml: colour: unknown key (" in err
    assert "bundlewise.toml: target: unknown esbuild target 'es1999x'" in err


def test_config_that_is_not_toml(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "bundlewise.toml").write_text("minify = \n")
    err = fails(run_cli, app, code=2)
    assert "bundlewise.toml" in err and "invalid TOML" in err


@pytest.mark.parametrize("out_dir", [".", "..", "src"])
def test_a1_dangerous_out_dir_is_refused(app: Path, run_cli, out_dir: str) -> None:  # type: ignore[no-untyped-def]
    (app / "bundlewise.toml").write_text(
        f'out_dir = "{out_dir}"\npages = ["*.html", "src/*.html"]\n'
    )
    if out_dir == "src":
        (app / "src/page.html").write_text("<p>a page in src</p>\n")
    err = fails(run_cli, app, code=2)
    assert "out_dir" in err


def test_a2_out_dir_with_foreign_files_is_kept_unless_asked(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    other = app / "static"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    err = fails(run_cli, app, "--out-dir", str(other), code=2)
    assert "did not write" in err and "--empty-out-dir" in err
    assert (other / "notes.txt").read_text() == "mine"
    done = run_cli("build", app, "--no-compress", "--out-dir", str(other), "--empty-out-dir")
    assert done.returncode == 0, done.stderr
    assert not (other / "notes.txt").exists() and (other / "index.html").is_file()


def test_g33_missing_esbuild_names_the_path(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    missing = app.parent / "no-such-esbuild"
    err = fails(run_cli, app, BUNDLEWISE_ESBUILD=str(missing))
    assert str(missing) in err and "bundlewise esbuild install" in err


def test_g33_esbuild_that_crashes_names_binary_and_signal(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    crash = FAKES / "crash"
    err = fails(run_cli, app, BUNDLEWISE_ESBUILD=str(crash))
    assert str(crash) in err and "SIGSEGV" in err


def test_b10_esbuild_of_another_version_is_refused(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    old = FAKES / "old_version"
    err = fails(run_cli, app, BUNDLEWISE_ESBUILD=str(old))
    assert str(old) in err and "0.19.0" in err and "0.28.2" in err


def test_a4_late_stage_failure_keeps_old_dist(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """A broken image fails the image step, after esbuild already wrote into staging."""
    (app / "index.html").write_text(APP["index.html"] + '<img src="./broken.png" alt="">\n')
    (app / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    dist_before = snapshot(app / "dist")
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 1 and "broken.png" in done.stderr
    assert snapshot(app / "dist") == dist_before
    assert not any(p.name.endswith(".staging") for p in app.iterdir())


def test_a5_sigterm_during_esbuild_leaves_nothing_behind(app: Path, env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import signal
    import subprocess
    import sys
    import time

    pids = tmp_path / "pids"
    fake = tmp_path / "slow-esbuild"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = "--version" ]; then echo 0.28.2; exit 0; fi\n'
        'sleep 600 &\necho "$$ $!" > "$FAKE_ESBUILD_PIDS"\nwait\n'
    )
    fake.chmod(0o755)
    dist_before = snapshot(app / "dist")
    process = subprocess.Popen(
        [sys.executable, "-m", "bundlewise", "build", str(app), "--no-compress"],
        env={**env, "BUNDLEWISE_ESBUILD": str(fake), "FAKE_ESBUILD_PIDS": str(pids)},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (pids.exists() and pids.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert snapshot(app / "dist") == dist_before
    assert not any(p.name.endswith(".staging") for p in app.iterdir())
    for pid in map(int, pids.read_text().split()):
        assert not alive(pid), f"process {pid} survived"


def test_d20_html_references_that_differ_only_in_case_are_an_error(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (app / "Logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>')
    (app / "index.html").write_text(
        APP["index.html"] + '<img src="logo.svg"><img src="Logo.svg">\n'
    )
    err = fails(run_cli, app)
    assert "'Logo.svg' and 'logo.svg' differ only in case" in err
