"""Finding Dart Sass, or installing the pinned version with npm, the way esbuild is found.

Order (the first that works wins):

1. `BUNDLEWISE_SASS`: a path to a Dart Sass executable;
2. the app's own npm install, in the app root or the nearest parent that has one: the native
   executable that `sass-embedded` ships in its platform package
   (`node_modules/sass-embedded-linux-x64/dart-sass/sass`);
3. bundlewise's managed copy: `<cache>/sass/<version>/node_modules/sass-embedded-<platform>/...`;
4. `sass` on PATH (a Dart Sass install);
5. with npm present: `npm install sass-embedded-<platform>@<version>` into the managed cache;
6. only when none of these can be had: the app's npm `sass` (the same compiler built to
   JavaScript), run with Node.

An app that has npm's `sass` (what Vite asks for) thus still compiles with the native executable:
same language and output, a twelfth of the time.

Why the native executable: on Bootstrap 5's SCSS it compiled in 0.24 s of CPU where npm's `sass`
(the same Dart Sass compiled to JavaScript) took 2.9 s under Node, with byte-identical CSS; it
needs no Node at run time, and npm provisions and pins it like esbuild's own platform package.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bundlewise.errors import BuildError, Message

SASS_VERSION = "1.105.0"
ENV_BINARY = "BUNDLEWISE_SASS"
INSTALL_TIMEOUT = 600.0
_OS = {"linux": "linux", "darwin": "darwin", "win32": "win32"}
_ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64", "armv7l": "arm"}


@dataclass(frozen=True)
class SassCompiler:
    """How to run Dart Sass: the command (`argv`) before the arguments, and where it came from."""

    argv: tuple[str, ...]
    source: str


def platform_package() -> str:
    """`sass-embedded-linux-x64` and the like: the npm package holding the native executable."""
    system = _OS.get(sys.platform, sys.platform)
    arch = _ARCH.get(platform.machine().lower(), platform.machine().lower())
    if system == "linux" and platform.libc_ver()[0] not in ("glibc", ""):
        system = "linux-musl"
    return f"sass-embedded-{system}-{arch}"


def _native(node_modules: Path) -> Path:
    name = "sass.bat" if sys.platform == "win32" else "sass"
    return node_modules / platform_package() / "dart-sass" / name


def managed_dir() -> Path:
    from bundlewise.esbuild.locate import managed_dir as esbuild_dir

    return esbuild_dir().parent / "sass"


def find_sass(root: Path, *, auto_install: bool = True) -> SassCompiler:
    """The Dart Sass to run for the app at `root` (see the module docstring for the order)."""
    given = os.environ.get(ENV_BINARY)
    if given:
        path = Path(given)
        if not path.is_file():
            raise BuildError(Message(f"{ENV_BINARY}={given}: no such file"))
        return SassCompiler((str(path),), "env")
    folders = [root, *root.parents]
    for folder in folders:
        if _native(folder / "node_modules").is_file():
            return SassCompiler((str(_native(folder / "node_modules")),), "node_modules")
    managed = _native(managed_dir() / SASS_VERSION / "node_modules")
    if managed.is_file():
        return SassCompiler((str(managed),), "managed")
    on_path = shutil.which("sass")
    if on_path and not _is_npm_shim(Path(on_path)):
        return SassCompiler((on_path,), "path")
    if auto_install and shutil.which("npm"):
        return SassCompiler((str(install_sass()),), "managed")
    node = shutil.which("node")
    for folder in folders:
        script = folder / "node_modules" / "sass" / "sass.js"
        if script.is_file() and node:
            return SassCompiler((node, str(script)), "node_modules")
    raise BuildError(
        Message(
            f"Dart Sass was not found (looked in node_modules, {managed_dir()}, PATH), and npm is "
            "not there to install it",
            notes=(
                f"run `npm install -D sass-embedded@{SASS_VERSION}` in the app, or install "
                "Node.js (which brings npm) and build again",
            ),
        )
    )


def _is_npm_shim(path: Path) -> bool:
    """`sass` on PATH from a global `npm install -g sass`: the JavaScript build, not native."""
    return "node_modules" in str(path.resolve())


def install_sass(version: str = SASS_VERSION) -> Path:
    """Install the native Dart Sass with npm into the managed cache (atomically) and return it."""
    from bundlewise.esbuild.process import run_process, stderr_tail

    target = managed_dir() / version
    binary = _native(target / "node_modules")
    if binary.is_file():
        return binary
    npm = shutil.which("npm")
    assert npm is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", suffix=".tmp", dir=target.parent))
    try:
        staging.chmod(0o755)
        manifest = {"name": "bundlewise-sass", "version": "0.0.0", "private": True}
        (staging / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
        argv = [npm, "install", f"{platform_package()}@{version}", "--ignore-scripts",
                "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"]  # fmt: skip
        done = run_process(argv, cwd=staging, timeout=INSTALL_TIMEOUT)
        if (
            done.timed_out
            or done.returncode != 0
            or not _native(staging / "node_modules").is_file()
        ):
            tail = stderr_tail(done.stderr) or stderr_tail(done.stdout)
            raise BuildError(
                Message(
                    f"`npm install {platform_package()}@{version}` failed",
                    notes=(f"npm said:\n{tail}" if tail else "npm printed nothing",),
                )
            )
        try:
            os.rename(staging, target)
        except OSError:
            if not binary.is_file():  # not a concurrent install that finished first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return binary
