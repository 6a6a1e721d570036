"""Finding the esbuild binary to run, and installing the pinned version when there is none.

Lookup order (the first usable one wins):

1. an explicit path (the CLI's `--esbuild PATH`), then the `BUNDLEWISE_ESBUILD` environment
   variable. A name without a slash is looked up on PATH;
2. the app's own npm install: `node_modules/@esbuild/<platform>/bin/esbuild`, then
   `node_modules/.bin/esbuild`, in the app root or the nearest parent that has one (as Node
   resolves it, so a hoisted monorepo install counts);
3. bundlewise's managed copy: `<cache>/esbuild/<version>/node_modules/...`, where `<cache>` is
   `BUNDLEWISE_CACHE_DIR` or else the user cache dir (platformdirs);
4. `esbuild` on PATH;
5. with `auto_install`, and npm present: `install_esbuild()` into the managed cache.

Versions. Only the pinned `ESBUILD_VERSION` is used, because the metafile layout and the log
format are relied on. A path the user gave (explicit or env) must work and be that version, or
it is an error, unless other versions are allowed (`allow_other_version=True` or
`BUNDLEWISE_ESBUILD_ANY_VERSION=1`), in which case a notice says loudly which version is used.
A binary in node_modules or on PATH that is broken or of another version is skipped with a
notice (the app may pin its own esbuild for other tools), and the search goes on; if nothing
usable is found the error lists what was skipped and why.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import platformdirs

from bundlewise import ESBUILD_VERSION
from bundlewise.errors import EsbuildError, Message
from bundlewise.esbuild.process import describe_signal, run_process, stderr_tail

ENV_BINARY = "BUNDLEWISE_ESBUILD"
ENV_CACHE_DIR = "BUNDLEWISE_CACHE_DIR"
ENV_ANY_VERSION = "BUNDLEWISE_ESBUILD_ANY_VERSION"
VERSION_TIMEOUT = 10.0  # `esbuild --version` answers in milliseconds; a stuck one is broken
INSTALL_TIMEOUT = 600.0
STALE_AFTER = 3600.0  # a staging dir this old belongs to an install that was killed

Source = Literal["explicit", "env", "node_modules", "managed", "path"]
Notice = Callable[[str], None]
logger = logging.getLogger(__name__)

_VERSION = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")
_OS = {"linux": "linux", "darwin": "darwin", "win32": "win32", "cygwin": "win32"}
_ARCH = {
    "x86_64": "x64",
    "amd64": "x64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "i386": "ia32",
    "i686": "ia32",
    "x86": "ia32",
    "armv7l": "arm",
    "armv6l": "arm",
    "ppc64le": "ppc64",
    "s390x": "s390x",
    "riscv64": "riscv64",
    "loongarch64": "loong64",
    "mips64": "mips64el",
}


@dataclass(frozen=True)
class EsbuildBinary:
    """A checked esbuild binary: where it is, what `--version` said, and how it was found."""

    path: Path
    version: str
    source: Source


def install_hint(version: str = ESBUILD_VERSION) -> str:
    return f"run `bundlewise esbuild install`, or `npm install -D esbuild@{version}` in the app"


def managed_dir() -> Path:
    """Where bundlewise keeps the esbuild versions it installed, one folder per version."""
    root = os.environ.get(ENV_CACHE_DIR) or platformdirs.user_cache_dir("bundlewise")
    return Path(root).absolute() / "esbuild"


def platform_package() -> str:
    """esbuild's npm package holding the native binary for this machine, e.g. `linux-x64`."""
    system = next((v for k, v in _OS.items() if sys.platform.startswith(k)), sys.platform)
    for prefix in ("freebsd", "openbsd", "netbsd"):
        if sys.platform.startswith(prefix):
            system = prefix
    machine = platform.machine().lower()
    return f"{system}-{_ARCH.get(machine, machine)}"


def node_modules_binaries(root: Path) -> list[Path]:
    """The places an npm install under `root` puts esbuild, native binary first."""
    modules = root / "node_modules"
    if sys.platform == "win32":
        return [modules / "@esbuild" / platform_package() / "esbuild.exe"]
    return [
        modules / "@esbuild" / platform_package() / "bin" / "esbuild",
        modules / ".bin" / "esbuild",
    ]


def probe_esbuild(
    path: Path,
    source: Source,
    *,
    expected: str = ESBUILD_VERSION,
    allow_other_version: bool = False,
    timeout: float = VERSION_TIMEOUT,
) -> EsbuildBinary:
    """Run `path --version` and check the answer; raise `EsbuildError` saying what is wrong."""
    found = read_version(path, expected, timeout)
    if found != expected and not allow_other_version:
        raise EsbuildError(
            Message(
                f"esbuild at {path} is version {found}, but bundlewise needs {expected}",
                notes=(install_hint(expected), f"or set {ENV_ANY_VERSION}=1 to use it anyway"),
            )
        )
    return EsbuildBinary(path, found, source)


def read_version(
    path: Path, expected: str = ESBUILD_VERSION, timeout: float = VERSION_TIMEOUT
) -> str:
    """What `path --version` prints; `EsbuildError` if it is missing, broken or not esbuild."""

    def fail(what: str, *notes: str) -> EsbuildError:
        hint = install_hint(expected)
        text = f"esbuild at {path} {what} (bundlewise needs version {expected})"
        return EsbuildError(Message(text, notes=(*notes, hint)))

    if not path.exists():
        raise fail("does not exist")
    if path.is_dir():
        raise fail("is a directory, not the esbuild binary")
    try:
        done = run_process([str(path), "--version"], cwd=None, timeout=timeout)
    except PermissionError as exc:
        raise fail("is not executable", f"try `chmod +x {path}`") from exc
    except OSError as exc:
        # ENOEXEC and friends: typically a binary for another platform (copied node_modules).
        raise fail(
            f"cannot be run: {exc.strerror or exc}", "is it built for another platform?"
        ) from exc
    tail = stderr_tail(done.stderr)
    details = (f"its stderr ended with:\n{tail}",) if tail else ()
    if done.timed_out:
        raise fail(f"did not answer `--version` within {timeout:g} s", *details)
    if done.returncode < 0:
        raise fail(f"was killed by {describe_signal(-done.returncode)} on `--version`", *details)
    if done.returncode != 0:
        raise fail(f"exited with code {done.returncode} on `--version`", *details)
    version = done.stdout.strip()
    if not _VERSION.match(version):
        raise fail(f"printed {version[:80]!r} for `--version`, which is not an esbuild version")
    return version


def find_esbuild(
    app_root: Path,
    explicit: str | Path | None = None,
    *,
    auto_install: bool = True,
    on_notice: Notice | None = None,
    allow_other_version: bool = False,
) -> EsbuildBinary:
    """The esbuild binary to use for the app at `app_root` (see the module docstring for the order)."""
    allow = allow_other_version or os.environ.get(ENV_ANY_VERSION, "") not in ("", "0")
    given = _given_path(explicit)
    if given is not None:
        found = probe_esbuild(given[0], given[1], allow_other_version=allow)
        if found.version != ESBUILD_VERSION:
            _notify(on_notice, _other_version_warning(found), logging.WARNING)
        return found
    skipped: list[str] = []
    for path, source in _search_paths(Path(app_root)):
        candidate = _try(path, source, skipped, on_notice)
        if candidate is not None:
            return candidate
    if auto_install and shutil.which("npm"):
        return install_esbuild(on_notice=on_notice)
    notes = [f"skipped {reason}" for reason in skipped]
    notes.append(install_hint())
    text = (
        f"esbuild {ESBUILD_VERSION} was not found (looked in node_modules, {managed_dir()}, PATH)"
    )
    raise EsbuildError(Message(text, notes=tuple(notes)))


def _given_path(explicit: str | Path | None) -> tuple[Path, Source] | None:
    source: Source = "explicit"
    if explicit is None or str(explicit) == "":
        explicit, source = os.environ.get(ENV_BINARY) or None, "env"
    if explicit is None:
        return None
    text = str(explicit)
    if os.sep not in text and "/" not in text and not Path(text).exists():
        text = shutil.which(text) or text  # a bare command name, like `esbuild`
    return Path(os.path.abspath(text)), source


def _search_paths(app_root: Path) -> list[tuple[Path, Source]]:
    paths: list[tuple[Path, Source]] = []
    for folder in [app_root.absolute(), *app_root.absolute().parents]:
        found = [p for p in node_modules_binaries(folder) if p.exists()]
        if found:
            # Only the first: `.bin/esbuild` is the same install, and one notice is enough.
            paths.append((found[0], "node_modules"))
            break  # the nearest node_modules with esbuild is the one Node would use
    paths += [(p, "managed") for p in node_modules_binaries(managed_dir() / ESBUILD_VERSION)]
    on_path = shutil.which("esbuild")
    if on_path:
        paths.append((Path(os.path.abspath(on_path)), "path"))
    return paths


def _try(
    path: Path, source: Source, skipped: list[str], on_notice: Notice | None
) -> EsbuildBinary | None:
    if not path.exists():
        return None
    try:
        return probe_esbuild(path, source)
    except EsbuildError as exc:
        reason = f"{source} esbuild: {exc.messages[0].text}"
        skipped.append(reason)
        _notify(on_notice, f"bundlewise: skipping {reason}; looking further")
        return None


def _other_version_warning(found: EsbuildBinary) -> str:
    return (
        f"bundlewise: WARNING: using esbuild {found.version} at {found.path}, not the pinned "
        f"{ESBUILD_VERSION}; output and error reports may differ"
    )


def _notify(on_notice: Notice | None, text: str, level: int = logging.INFO) -> None:
    if on_notice is not None:
        on_notice(text)
    else:
        logger.log(level, text)


def install_esbuild(
    version: str = ESBUILD_VERSION, *, force: bool = False, on_notice: Notice | None = None
) -> EsbuildBinary:
    """Install `esbuild@version` with npm into the managed cache and return it, checked.

    npm installs into a fresh staging folder beside the target, which is then renamed into place
    in one step: a concurrent install either wins that rename or finds the winner's copy, and an
    interrupted one leaves only a staging folder that a later install sweeps away.
    """
    target = managed_dir() / version
    if not force:
        existing = _installed(target, version)
        if existing is not None:
            return existing
    npm = shutil.which("npm")
    if npm is None:
        raise EsbuildError(
            Message(
                f"cannot install esbuild {version}: npm was not found on PATH",
                notes=("install Node.js (which brings npm), or pass --esbuild PATH",),
            )
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep_stale(target.parent)
    _notify(on_notice, f"bundlewise: installing esbuild {version} with npm into {target}")
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", suffix=".tmp", dir=target.parent))
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would hide the copy from a shared cache's other users
        _npm_install(npm, staging, version)
        binary = _installed(staging, version)
        if binary is None:
            raise EsbuildError(
                Message(
                    f"npm installed esbuild {version}, but not its binary for {platform_package()}",
                    notes=(f"look for @esbuild/{platform_package()} under {staging}/node_modules",),
                )
            )
        _swap_into_place(staging, target, version, replace=force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # Checked in staging already; a concurrent install may have put its own, equally checked,
    # copy in place instead, with the same layout.
    return EsbuildBinary(target / binary.path.relative_to(staging), binary.version, "managed")


def _installed(root: Path, version: str) -> EsbuildBinary | None:
    for path in node_modules_binaries(root):
        if path.exists():
            try:
                return probe_esbuild(path, "managed", expected=version)
            except EsbuildError:
                return None
    return None


def _npm_install(npm: str, staging: Path, version: str) -> None:
    # A package.json makes npm install here rather than in a parent project. Scripts are not
    # run: the native binary comes from the optional @esbuild/<platform> package itself.
    manifest = {"name": "bundlewise-esbuild", "version": "0.0.0", "private": True}
    (staging / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
    argv = [npm, "install", f"esbuild@{version}", "--ignore-scripts", "--include=optional"]
    argv += ["--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"]
    try:
        done = run_process(argv, cwd=staging, timeout=INSTALL_TIMEOUT)
    except OSError as exc:
        raise EsbuildError(Message(f"cannot run npm at {npm}: {exc.strerror or exc}")) from exc
    if done.timed_out or done.returncode != 0:
        what = "timed out" if done.timed_out else f"failed with exit code {done.returncode}"
        tail = stderr_tail(done.stderr) or stderr_tail(done.stdout)
        raise EsbuildError(
            Message(f"`npm install esbuild@{version}` {what}", notes=(f"npm said:\n{tail}",))
        )


def _swap_into_place(staging: Path, target: Path, version: str, *, replace: bool) -> None:
    """Rename `staging` to `target`; an existing good copy wins unless `replace`."""
    for _ in range(3):
        try:
            os.rename(staging, target)  # atomic, and refuses a non-empty existing target
            return
        except OSError:
            if not target.exists():
                raise
        if not replace and _installed(target, version) is not None:
            return  # a concurrent install finished first: keep its copy
        aside = Path(tempfile.mkdtemp(prefix=f".{version}-old-", suffix=".tmp", dir=target.parent))
        # If someone else moved it away first, just try our rename again.
        with contextlib.suppress(FileNotFoundError):
            os.rename(target, aside / "old")
        shutil.rmtree(aside, ignore_errors=True)
    raise EsbuildError(Message(f"could not put esbuild {version} in place at {target}"))


def _sweep_stale(folder: Path) -> None:
    """Remove staging folders left by installs that were killed long ago."""
    now = time.time()
    for entry in folder.glob(".*.tmp"):
        try:
            if now - entry.stat().st_mtime > STALE_AFTER:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue
