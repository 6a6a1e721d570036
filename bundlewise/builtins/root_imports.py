"""`@import "/src/base.css"` in a stylesheet: a root-absolute import of a file of the app.

Browsers and Vite read a root-absolute URL as one of the site; esbuild reads it as a path on the
file system and fails. Here such an `@import` resolves to the file in the app root, so that it is
bundled like a relative one. A file of `public/` is left to esbuild, which keeps it as a URL (see
`bundlewise.css.refs`).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from bundlewise.esbuild.callbacks import PluginSetup, ResolveArgs, ResolveResult
from bundlewise.plugins.base import Build, Plugin


class RootImports(Plugin):
    """Root-absolute `@import`s of the app's own stylesheets."""

    def on_esbuild_setup(self, esbuild: PluginSetup, *, build: Build) -> None:
        root, public = build.config.root, build.config.public_dir

        def resolve(args: ResolveArgs) -> ResolveResult | None:
            if args.kind != "import-rule":
                return None
            rel = unquote(args.path.split("?", 1)[0].split("#", 1)[0]).lstrip("/")
            if not rel or (public / rel).is_file():
                return None  # a public file: kept as a URL
            target = Path(root, rel)
            if not target.is_file() or not target.resolve().is_relative_to(root):
                return None  # esbuild reports what it cannot resolve, with its location
            return ResolveResult(path=str(target))

        esbuild.on_resolve(r"^/[^/]", resolve)
