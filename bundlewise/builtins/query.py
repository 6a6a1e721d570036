"""Vite's query imports: `?url`, `?raw` and `?inline`, as a plugin on the public callback API.

- `import href from './worker.js?url'`: the URL of the file, emitted as an asset (whatever its
  type: a script or stylesheet is copied, not bundled).
- `import text from './README.md?raw'`: the file's contents as a string.
- `import css from './card.css?inline'`: the stylesheet bundled (its `@import`s followed, its
  `url()`s inlined as data URLs, minified like the rest) as a string, not added to the page.
  Any other file: a `data:` URL.

Each kind resolves into a namespace of its own (`bundlewise-url:` ...), so no other callback and
no esbuild loader claims the module, and the paths esbuild keeps in comments and the metafile are
relative to the app root (the output does not depend on where the app lives).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from bundlewise.esbuild.callbacks import (
    LoadArgs,
    LoadResult,
    PluginSetup,
    ResolveArgs,
    ResolveResult,
)
from bundlewise.plugins.base import Build, Plugin

QUERY = re.compile(r"\?(url|raw|inline)$")
NAMESPACE = "bundlewise-"


class QueryImports(Plugin):
    """`?url`, `?raw`, `?inline` imports, as Vite reads them."""

    def on_esbuild_setup(self, esbuild: PluginSetup, *, build: Build) -> None:
        root = build.config.root

        def resolve(args: ResolveArgs) -> ResolveResult | None:
            match = QUERY.search(args.path)
            if match is None or args.namespace != "file":
                return None
            path = Path(args.resolve_dir, args.path[: match.start()])
            if not path.is_file():
                return None  # esbuild reports the import it cannot resolve, with its location
            return ResolveResult(
                path=_relative(path, root),
                namespace=NAMESPACE + match.group(1),
                watch_files=(str(path),),
            )

        esbuild.on_resolve(r"\?(url|raw|inline)$", resolve)
        esbuild.on_load(".*", lambda args: _url(args, root), namespace=NAMESPACE + "url")
        esbuild.on_load(".*", lambda args: _raw(args, root), namespace=NAMESPACE + "raw")
        esbuild.on_load(".*", lambda args: _inline(args, build), namespace=NAMESPACE + "inline")


def _relative(path: Path, root: Path) -> str:
    """`path` relative to `root` (posix), or absolute when it is outside."""
    absolute = Path(os.path.normpath(path.absolute()))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return str(absolute)


def _file(args: LoadArgs, root: Path) -> Path:
    return root / args.path


def _url(args: LoadArgs, root: Path) -> LoadResult:
    path = _file(args, root)
    return LoadResult(contents=path.read_bytes(), loader="file", resolve_dir=str(path.parent))


def _raw(args: LoadArgs, root: Path) -> LoadResult:
    return LoadResult(contents=_file(args, root).read_bytes(), loader="text")


def _inline(args: LoadArgs, build: Build) -> LoadResult:
    path = _file(args, build.config.root)
    if path.suffix.lower() != ".css":
        return LoadResult(contents=path.read_bytes(), loader="dataurl")
    return _bundle_css(path, build)


def _bundle_css(path: Path, build: Build) -> LoadResult:
    """The stylesheet bundled by esbuild on its own (a second, small run), as text."""
    from bundlewise.esbuild import find_esbuild, run_esbuild
    from bundlewise.file_kinds import ASSETS

    config = build.config
    binary = find_esbuild(config.root, config.esbuild)
    args = ["--bundle", f"--target={config.target}", "--color=false", "--log-level=warning",
            "--log-limit=0", *(f"--loader:{ext}=dataurl" for ext in ASSETS),
            *(["--minify"] if config.minify else []), _relative(path, config.root)]  # fmt: skip
    result = run_esbuild(binary, args, cwd=config.root, timeout=config.esbuild_timeout)
    return LoadResult(
        contents=result.stdout, loader="text", errors=result.errors, warnings=result.warnings
    )
