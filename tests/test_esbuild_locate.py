"""Finding esbuild (lookup order, version policy, broken binaries) and installing it with npm."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from esbuild_fixture import real_esbuild

from bundlewise import ESBUILD_VERSION
from bundlewise.errors import EsbuildError
from bundlewise.esbuild import find_esbuild, install_esbuild, managed_dir, probe_esbuild
from bundlewise.esbuild.locate import node_modules_binaries, platform_package

FAKES = Path(__file__).parent / "fake_esbuild"
HINT = f"run `bundlewise esbuild install`, or `npm install -D esbuild@{ESBUILD_VERSION}`"


@pytest.fixture(scope="session")
def esbuild() -> Path:
    return real_esbuild()


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated world: empty managed cache, no env override, a PATH with only `sleep`."""
    monkeypatch.setenv("BUNDLEWISE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BUNDLEWISE_ESBUILD", raising=False)
    monkeypatch.delenv("BUNDLEWISE_ESBUILD_ANY_VERSION", raising=False)
    folder = tmp_path / "tools"
    folder.mkdir()
    (folder / "sleep").symlink_to(shutil.which("sleep") or "/bin/sleep")
    monkeypatch.setenv("PATH", str(folder))
    return folder


def place(target: Path, source: Path) -> Path:
    """Put `source` at `target` as a symlink (a real binary) or an executable copy (a fake)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.parent == FAKES:
        shutil.copyfile(source, target)
        target.chmod(0o755 if source.name != "not_executable" else 0o644)
    else:
        target.symlink_to(source)
    return target


def app_with_node_modules(root: Path, binary: Path, *, dot_bin: bool = False) -> Path:
    native, bin_link = node_modules_binaries(root)
    place(bin_link if dot_bin else native, binary)
    return bin_link if dot_bin else native


def managed_copy(binary: Path) -> Path:
    native, _ = node_modules_binaries(managed_dir() / ESBUILD_VERSION)
    return place(native, binary)


# --- lookup order ------------------------------------------------------------------------


def test_explicit_path_wins_over_everything(
    esbuild: Path, tools: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_with_node_modules(tmp_path / "app", esbuild)
    managed_copy(esbuild)
    place(tools / "esbuild", esbuild)
    explicit = place(tmp_path / "mine" / "esbuild", esbuild)
    monkeypatch.setenv("BUNDLEWISE_ESBUILD", str(FAKES / "old_version"))  # explicit beats env
    found = find_esbuild(tmp_path / "app", explicit)
    assert (found.path, found.version, found.source) == (explicit, ESBUILD_VERSION, "explicit")


def test_env_variable_comes_next(
    esbuild: Path, tools: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_with_node_modules(tmp_path / "app", esbuild)
    env = place(tmp_path / "env" / "esbuild", esbuild)
    monkeypatch.setenv("BUNDLEWISE_ESBUILD", str(env))
    found = find_esbuild(tmp_path / "app")
    assert (found.path, found.source) == (env, "env")


def test_relative_explicit_path_is_made_absolute(
    esbuild: Path, tools: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(tmp_path / "bin" / "esbuild", esbuild)
    monkeypatch.chdir(tmp_path)
    found = find_esbuild(tmp_path, "bin/esbuild")
    assert found.path == tmp_path / "bin" / "esbuild"


def test_apps_node_modules_before_managed_and_path(
    esbuild: Path, tools: Path, tmp_path: Path
) -> None:
    installed = app_with_node_modules(tmp_path / "app", esbuild)
    assert installed.parts[-4:] == ("@esbuild", platform_package(), "bin", "esbuild")
    managed_copy(esbuild)
    place(tools / "esbuild", esbuild)
    found = find_esbuild(tmp_path / "app")
    assert (found.path, found.source) == (installed, "node_modules")


def test_node_modules_dot_bin(esbuild: Path, tools: Path, tmp_path: Path) -> None:
    link = app_with_node_modules(tmp_path / "app", esbuild, dot_bin=True)
    found = find_esbuild(tmp_path / "app")
    assert (found.path, found.source) == (link, "node_modules")


def test_hoisted_monorepo_install(esbuild: Path, tools: Path, tmp_path: Path) -> None:
    installed = app_with_node_modules(tmp_path / "repo", esbuild)
    app = tmp_path / "repo" / "packages" / "web"
    app.mkdir(parents=True)
    assert find_esbuild(app).path == installed


def test_managed_copy_before_path(esbuild: Path, tools: Path, tmp_path: Path) -> None:
    managed = managed_copy(esbuild)
    assert managed.is_relative_to(tmp_path / "cache" / "esbuild" / ESBUILD_VERSION)
    place(tools / "esbuild", esbuild)
    found = find_esbuild(tmp_path)
    assert (found.path, found.source) == (managed, "managed")


def test_path_last(esbuild: Path, tools: Path, tmp_path: Path) -> None:
    on_path = place(tools / "esbuild", esbuild)
    found = find_esbuild(tmp_path, auto_install=False)
    assert (found.path, found.source) == (on_path, "path")


def test_cache_dir_override(tools: Path, tmp_path: Path) -> None:
    assert managed_dir() == tmp_path / "cache" / "esbuild"


# --- versions ----------------------------------------------------------------------------


def test_wrong_version_in_node_modules_is_skipped_for_the_managed_copy(
    esbuild: Path, tools: Path, tmp_path: Path
) -> None:
    old = app_with_node_modules(tmp_path / "app", FAKES / "old_version")
    managed = managed_copy(esbuild)
    notices: list[str] = []
    found = find_esbuild(tmp_path / "app", on_notice=notices.append)
    assert found.path == managed
    assert notices == [
        f"bundlewise: skipping node_modules esbuild: esbuild at {old} is version 0.19.0, "
        f"but bundlewise needs {ESBUILD_VERSION}; looking further"
    ]


def test_nothing_usable_lists_what_was_skipped(tools: Path, tmp_path: Path) -> None:
    place(tools / "esbuild", FAKES / "old_version")
    with pytest.raises(EsbuildError) as caught:
        find_esbuild(tmp_path, auto_install=False, on_notice=lambda _: None)
    text = caught.value.format_message()
    assert f"esbuild {ESBUILD_VERSION} was not found" in text
    assert f"skipped path esbuild: esbuild at {tools / 'esbuild'} is version 0.19.0" in text
    assert HINT in text


def test_b10_explicit_wrong_version_is_an_error(tools: Path, tmp_path: Path) -> None:
    old = place(tmp_path / "old" / "esbuild", FAKES / "old_version")
    with pytest.raises(EsbuildError) as caught:
        find_esbuild(tmp_path, old)
    text = caught.value.format_message()
    assert f"esbuild at {old} is version 0.19.0, but bundlewise needs {ESBUILD_VERSION}" in text
    assert HINT in text
    assert "BUNDLEWISE_ESBUILD_ANY_VERSION=1" in text


@pytest.mark.parametrize("how", ["argument", "env"])
def test_b10_explicit_wrong_version_when_allowed_warns_loudly(
    how: str, tools: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = place(tmp_path / "old" / "esbuild", FAKES / "old_version")
    if how == "env":
        monkeypatch.setenv("BUNDLEWISE_ESBUILD_ANY_VERSION", "1")
    notices: list[str] = []
    found = find_esbuild(
        tmp_path, old, on_notice=notices.append, allow_other_version=how == "argument"
    )
    assert (found.version, found.source) == ("0.19.0", "explicit")
    assert notices == [
        f"bundlewise: WARNING: using esbuild 0.19.0 at {old}, not the pinned {ESBUILD_VERSION}; "
        "output and error reports may differ"
    ]


# --- broken binaries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fake", "problem"),
    [
        ("crash", "was killed by signal 11 (SIGSEGV) on `--version`"),
        ("not_executable", "is not executable"),
        (
            "not_esbuild",
            "printed 'usage: something-else [options]' for `--version`, which is not an esbuild version",
        ),
    ],
)
def test_broken_explicit_binary(fake: str, problem: str, tools: Path, tmp_path: Path) -> None:
    path = place(tmp_path / "b" / "esbuild", FAKES / fake)
    with pytest.raises(EsbuildError) as caught:
        find_esbuild(tmp_path, path)
    text = caught.value.format_message()
    assert f"esbuild at {path} {problem} (bundlewise needs version {ESBUILD_VERSION})" in text
    assert HINT in text


def test_crash_shows_the_stderr_tail(tools: Path, tmp_path: Path) -> None:
    path = place(tmp_path / "b" / "esbuild", FAKES / "crash")
    with pytest.raises(EsbuildError, match="fatal error: fault"):
        probe_esbuild(path, "explicit")


def test_missing_explicit_binary(tools: Path, tmp_path: Path) -> None:
    with pytest.raises(EsbuildError, match=f"esbuild at {tmp_path / 'none'} does not exist"):
        find_esbuild(tmp_path, tmp_path / "none")


def test_g33_binary_for_another_platform(tools: Path, tmp_path: Path) -> None:
    path = tmp_path / "esbuild"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00not really a program")
    path.chmod(0o755)
    with pytest.raises(EsbuildError, match=r"cannot be run: Exec format error"):
        find_esbuild(tmp_path, path)


def test_hanging_version_check_times_out(tools: Path, tmp_path: Path) -> None:
    path = place(tmp_path / "b" / "esbuild", FAKES / "hang")
    started = time.monotonic()
    with pytest.raises(EsbuildError, match=r"did not answer `--version` within 0\.3 s"):
        probe_esbuild(path, "explicit", timeout=0.3)
    assert time.monotonic() - started < 5


def test_nothing_found_and_no_npm(tools: Path, tmp_path: Path) -> None:
    with pytest.raises(EsbuildError) as caught:
        find_esbuild(tmp_path)  # auto_install is on, but there is no npm on PATH
    text = caught.value.format_message()
    assert (
        f"esbuild {ESBUILD_VERSION} was not found (looked in node_modules, {managed_dir()}, PATH)"
        in text
    )
    assert HINT in text


def test_install_without_npm(tools: Path) -> None:
    with pytest.raises(EsbuildError, match="npm was not found on PATH"):
        install_esbuild()


# --- installing with npm -----------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.slow
def test_auto_install_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUNDLEWISE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BUNDLEWISE_ESBUILD", raising=False)
    monkeypatch.setenv(
        "PATH", os.pathsep.join(str(Path(shutil.which(t) or t).parent) for t in ("npm", "node"))
    )
    # A killed earlier install left a staging folder behind: it is swept away.
    stale = managed_dir() / f".{ESBUILD_VERSION}-killed.tmp"
    stale.mkdir(parents=True)
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    notices: list[str] = []
    found = find_esbuild(tmp_path / "app", on_notice=notices.append)
    target = managed_dir() / ESBUILD_VERSION
    assert (found.source, found.version) == ("managed", ESBUILD_VERSION)
    assert found.path.is_relative_to(target)
    assert notices == [f"bundlewise: installing esbuild {ESBUILD_VERSION} with npm into {target}"]
    assert leftovers(managed_dir()) == []
    out = subprocess.run([found.path, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ESBUILD_VERSION
    # Found again without installing, even when npm is gone.
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_esbuild(tmp_path / "app", on_notice=notices.append) == found
    assert len(notices) == 1


@pytest.mark.slow
def test_broken_managed_copy_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUNDLEWISE_CACHE_DIR", str(tmp_path / "cache"))
    broken = managed_copy(FAKES / "crash")
    found = install_esbuild()
    assert found.path == broken and found.version == ESBUILD_VERSION
    assert leftovers(managed_dir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("force", [False, True])
def test_concurrent_installs_do_not_corrupt_each_other(force: bool, tmp_path: Path) -> None:
    env = {**os.environ, "BUNDLEWISE_CACHE_DIR": str(tmp_path / "cache")}
    code = f"from bundlewise.esbuild import install_esbuild as i; print(i(force={force}).path)"
    root = Path(__file__).resolve().parents[1]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0]
    assert len(set(outputs)) == 1
    path = Path(outputs[0])
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ESBUILD_VERSION
    assert leftovers(path.parents[5]) == []
