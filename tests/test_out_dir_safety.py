"""The output folder: never delete what is not ours, and never a traceback where a message belongs.

Each failing case checks RELIABILITY.md's invariants G1–G5 (`out_dir_fixture.assert_failed_cleanly`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import snapshot

from tests.out_dir_fixture import (
    APP,
    assert_failed_cleanly,
    assert_whole,
    gated_esbuild,
    processes_under,
    state,
)
from tests.watch_fixture import BundlewiseChild, wait_for

FAKES = Path(__file__).parent / "fake_esbuild"


@pytest.fixture
def app(make_project, run_cli) -> Path:  # type: ignore[no-untyped-def]
    """A project with a good build in dist/."""
    root = make_project(APP)
    done = run_cli("build", root)
    assert done.returncode == 0, done.stderr
    return root


def refused(run_cli, app: Path, *args: str | Path, code: int = 2, **env: str) -> str:  # type: ignore[no-untyped-def]
    """Build with `args`; expect exit `code` and nothing changed anywhere (G1, G3–G5)."""
    top = app.parent
    before = state(top)
    done = run_cli("build", app, *args, **env)
    assert_failed_cleanly(done, code, before, top)
    return str(done.stderr)


# --- Never delete what is not ours -------------------------------------------------------------


def test_a1_out_dir_reaching_the_root_through_a_symlink_or_dotdot_is_refused(
    app: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    (app.parent / "root-link").symlink_to(app)
    for out_dir in (app.parent / "root-link", app / "src" / "..", app.parent / "root-link" / ".."):
        err = refused(run_cli, app, "-o", out_dir, "--empty-out-dir")
        assert "is the app root or one of its parents" in err, out_dir


def test_a3_out_dir_holding_sources_is_refused_even_with_empty_out_dir(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    err = refused(run_cli, app, "-o", app / "src", "--empty-out-dir")
    assert f"{app / 'src/main.js'}: error: src/main.js (script of index.html)" in err
    assert f"inside the output folder {app / 'src'}" in err


def test_a3_out_dir_holding_a_file_only_imports_reach_is_refused(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """lib/dep.js is known from esbuild's graph only: refused before the swap all the same."""
    err = refused(run_cli, app, "-o", app / "lib", "--empty-out-dir")
    assert f"{app / 'lib/dep.js'}: error: lib/dep.js (imported file)" in err
    assert f"inside the output folder {app / 'lib'}" in err


def test_a3_entry_inside_out_dir_is_refused(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "dist/extra.js").write_text("console.log('extra')\n")
    (app / "bundlewise.toml").write_text('entries = ["dist/extra.js"]\n')
    err = refused(run_cli, app)
    assert (
        f"{app / 'dist/extra.js'}: error: dist/extra.js (entry) is inside the output folder" in err
    )


def test_a3_page_inside_out_dir_is_refused(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "dist/entry.html").write_text("<p>a page kept in dist</p>\n")
    (app / "bundlewise.toml").write_text('pages = ["index.html", "dist/entry.html"]\n')
    err = refused(run_cli, app)
    assert "dist/entry.html (page) is inside the output folder" in err


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def _deploy_checkout(dist: Path) -> None:
    """What a gh-pages deploy leaves in dist/: a repository, a CNAME, a note in a folder."""
    if shutil.which("git") is None:
        pytest.skip("git not installed (apt-get install git)")
    (dist / "CNAME").write_text("www.example.com\n")
    (dist / "notes").mkdir()
    (dist / "notes/deploy.txt").write_text("deployed by hand\n")
    _git(dist, "init", "-q", "-b", "gh-pages")
    _git(dist, "add", "-A")
    _git(dist, "commit", "-q", "-m", "deploy")


def test_h40_git_and_files_no_build_wrote_are_carried_over(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    dist = app / "dist"
    _deploy_checkout(dist)
    git_before = state(dist / ".git")
    head = _git(dist, "rev-parse", "HEAD")
    (app / "src/main.js").write_text('console.log("changed");\n')  # lib/dep.js is gone now
    done = run_cli("-v", "build", app)
    assert done.returncode == 0, done.stderr
    assert "kept 3 file(s) in" in done.stderr and "that no build wrote" in done.stderr
    listed = [line.strip() for line in done.stderr.splitlines() if line.startswith("  kept ")]
    assert [line.rsplit("dist/", 1)[1] for line in listed] == [".git", "CNAME", "notes/deploy.txt"]
    assert state(dist / ".git") == git_before, "the repository is byte-identical"
    assert _git(dist, "rev-parse", "HEAD") == head
    assert (dist / "CNAME").read_text() == "www.example.com\n"
    assert (dist / "notes/deploy.txt").read_text() == "deployed by hand\n"
    # The repository sees the new build as a change of the built files only.
    changed = {line[3:] for line in _git(dist, "status", "--porcelain").splitlines()}
    assert changed and not changed & {"CNAME", "notes/", "notes/deploy.txt"}
    # Carried files are not build outputs: not compressed, counted, listed or in the manifest.
    assert not (dist / "CNAME.gz").exists() and not (dist / "CNAME.br").exists()
    assert not (dist / "notes/deploy.txt.gz").exists()
    stats = (dist / "bundlewise-stats.json").read_text()
    manifest = (dist / ".vite/manifest.json").read_text()
    for text in (stats, manifest):
        assert "CNAME" not in text and "deploy.txt" not in text and ".git" not in text
    marker = json.loads((dist / ".bundlewise-output").read_text())
    assert marker["files"] == sorted(marker["files"])
    assert not {"CNAME", "notes/deploy.txt", ".git"} & set(marker["files"])
    assert not any("dep" in f for f in marker["files"]), "outputs of a removed source are gone"
    assert_whole(dist)


def test_h40_a_build_output_on_a_foreign_file_fails_before_the_swap(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "dist/CNAME").write_text("www.example.com\n")
    (app / "public").mkdir()
    (app / "public/CNAME").write_text("other.example.com\n")
    before = state(app.parent)
    done = run_cli("build", app)
    del before["app/public"], before["app/public/CNAME"]
    after = state(app.parent)
    del after["app/public"], after["app/public/CNAME"]
    assert done.returncode == 1, done.stderr
    assert f"{app / 'dist/CNAME'}: error: CNAME in the output folder was not written" in done.stderr
    assert "Traceback" not in done.stderr
    assert after == before
    assert processes_under(app.parent) == []


def test_h40_empty_out_dir_empties_a_foreign_folder_but_keeps_git(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    site = app.parent / "site"
    site.mkdir()
    _deploy_checkout(site)
    git_before = state(site / ".git")
    refused(run_cli, app, "-o", site)  # not ours: refused without the flag
    done = run_cli("build", app, "-o", site, "--empty-out-dir")
    assert done.returncode == 0, done.stderr
    assert state(site / ".git") == git_before
    assert not (site / "CNAME").exists() and not (site / "notes").exists()
    assert (site / "index.html").is_file()
    assert_whole(site)


def test_h40_a_fresh_checkout_holding_only_git_is_built_into(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """`git clone -b gh-pages … site` then build: nothing to empty, so no flag is needed."""
    site = app.parent / "site"
    site.mkdir()
    if shutil.which("git") is None:
        pytest.skip("git not installed (apt-get install git)")
    _git(site, "init", "-q", "-b", "gh-pages")
    git_before = state(site / ".git")
    done = run_cli("build", app, "-o", site)
    assert done.returncode == 0, done.stderr
    assert state(site / ".git") == git_before
    assert_whole(site)


# --- Never a traceback -------------------------------------------------------------------------


def test_h36_out_dir_whose_parents_do_not_exist_is_created(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    done = run_cli("build", app, "-o", "static/dist", cwd=app.parent)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    out = app.parent / "static/dist"
    assert (out / "index.html").is_file()
    assert_whole(out)
    assert sorted(p.name for p in (app.parent / "static").iterdir()) == ["dist"]


def test_h37_two_builds_at_once_run_one_after_the_other(app: Path, env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gate = tmp_path / "gate"
    gate.mkdir()
    gated = gated_esbuild(gate, Path(env["BUNDLEWISE_ESBUILD"]))
    (app / "src/main.js").write_text(
        'import { two } from "../lib/dep.js";\nconsole.log(two + 1);\n'
    )
    first = BundlewiseChild("build", app, env={**env, "BUNDLEWISE_ESBUILD": str(gated)})
    wait_for(lambda: (gate / "started").exists(), f"the first build's esbuild: {first.text()}")
    second = BundlewiseChild("build", app, env=env)
    line = second.wait_line(lambda s: s.startswith("waiting for another build"), "the wait")
    assert line == f"waiting for another build of {app / 'dist'} (pid {first.process.pid})…"
    assert not (gate / "go").exists()  # the second waits while the first holds esbuild
    (gate / "go").touch()
    assert first.finish() == 0, first.text()
    assert second.finish() == 0, second.text()
    assert "Traceback" not in first.text() + second.text()
    assert_whole(app / "dist")
    built = snapshot(app / "dist")
    assert any(b"two+1" in data or b"two + 1" in data for data in built.values())
    assert processes_under(app.parent) == []


def test_h37_a_build_while_the_watcher_builds_waits_for_it(app: Path, env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import signal

    gate = tmp_path / "gate"
    gate.mkdir()
    gated = gated_esbuild(gate, Path(env["BUNDLEWISE_ESBUILD"]))
    build = BundlewiseChild("build", app, env={**env, "BUNDLEWISE_ESBUILD": str(gated)})
    wait_for(lambda: (gate / "started").exists(), f"the build's esbuild: {build.text()}")
    watcher = BundlewiseChild("watch", app, env=env)
    try:
        watcher.wait_line(lambda s: s.startswith("waiting for another build"), "the wait")
        (gate / "go").touch()
        assert build.finish() == 0, build.text()
        watcher.wait_line(lambda s: s.startswith("built in"), "the watcher's first build")
        # A build right after a change the watcher rebuilds for: whichever runs last, the
        # output folder is one whole build.
        (app / "lib/dep.js").write_text("export const two = 22;\n")
        again = BundlewiseChild("build", app, env=env)
        assert again.finish() == 0, again.text()
        watcher.wait_line(lambda s: s.startswith("rebuilt in"), "the watcher's rebuild")
    finally:
        watcher.process.send_signal(signal.SIGINT)
        code = watcher.finish()
    assert code == 130, watcher.text()
    assert "Traceback" not in build.text() + watcher.text()
    assert_whole(app / "dist")
    assert processes_under(app.parent) == []


def test_a4_read_only_output_file_system_is_one_clear_error(
    make_project, run_cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_project(APP)
    site = tmp_path / "site"
    site.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(site)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        done = run_cli("build", app, "-o", site / "dist")
        assert done.returncode == 0, done.stderr
        subprocess.run(["mount", "-o", "remount,ro", str(site)], check=True)
        (app / "lib/dep.js").write_text("export const two = 3;\n")
        before = state(tmp_path)
        done = run_cli("build", app, "-o", site / "dist")
        assert_failed_cleanly(done, 1, before, tmp_path)
        assert f"{site / '.dist.staging'}: error: Read-only file system" in done.stderr
    finally:
        subprocess.run(["umount", "-l", str(site)], check=True)


def test_g33_esbuild_exiting_0_without_a_metafile_is_a_clean_error(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    fake = FAKES / "no_metafile"
    err = refused(run_cli, app, code=1, BUNDLEWISE_ESBUILD=str(fake))
    # esbuild runs as a service: a child that exits 0 without a word never answers the build.
    assert f"esbuild {fake} exited 0 without answering" in err
