"""`@import "pkg"` in a stylesheet resolves to the package's stylesheet (see `css.packages`).

A resolve callback, not an esbuild alias or `--conditions=style`: it answers only for `@import`
(kind `import-rule`), so a JS import of the same package still gets the package's JS. Only the
names the app's stylesheets `@import` cross to Python.
"""

from __future__ import annotations

import re

from bundlewise.esbuild.callbacks import PluginSetup, ResolveArgs, ResolveResult
from bundlewise.plugins.base import Build, Plugin


class StylePackages(Plugin):
    """Bare `@import`s of packages that ship a stylesheet (`style` condition or field)."""

    def on_esbuild_setup(self, esbuild: PluginSetup, *, build: Build) -> None:
        from bundlewise.css.packages import style_aliases

        root = build.config.root
        targets = {name: root / path for name, path in style_aliases(build.config).items()}
        if not targets:
            return

        def resolve(args: ResolveArgs) -> ResolveResult | None:
            if args.kind != "import-rule":
                return None  # JS imports of the package resolve as esbuild always does
            return ResolveResult(path=str(targets[args.path]))

        names = "|".join(re.escape(name) for name in targets)
        esbuild.on_resolve(f"^(?:{names})$", resolve)
