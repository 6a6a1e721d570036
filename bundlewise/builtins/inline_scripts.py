"""Inline `<script type="module">` elements bundled like module entries, without temp files.

Each inline module script that imports something (or reads `import.meta.env`) becomes an entry
named `bundlewise-inline-script:PAGE-inline-N.js` (the N-th such script of the page). This plugin resolves that name
into a namespace of its own and loads the script's code from the page, with the page's folder as
the folder its imports resolve in: `./lib.js` means what it meant in the page, and bare package
names resolve from `node_modules` as in any module. So the code is bundled with the page's other
scripts (chunks they share are shared) and nothing is written into the app's folder.
"""

from __future__ import annotations

from bundlewise.errors import MessageLog
from bundlewise.esbuild.callbacks import (
    LoadArgs,
    LoadResult,
    PluginSetup,
    ResolveArgs,
    ResolveResult,
)
from bundlewise.js.inline import INLINE_PREFIX, parse_inline_id
from bundlewise.plugins.base import Build, Plugin

NAMESPACE = INLINE_PREFIX.rstrip(":")


class InlineScripts(Plugin):
    """Virtual entries for a page's inline module scripts."""

    def on_esbuild_setup(self, esbuild: PluginSetup, *, build: Build) -> None:
        config = build.config

        def resolve(args: ResolveArgs) -> ResolveResult | None:
            if args.kind != "entry-point":
                return None
            return ResolveResult(path=args.path[len(INLINE_PREFIX) :], namespace=NAMESPACE)

        def load(args: LoadArgs) -> LoadResult | None:
            from bundlewise.js.inline import to_bundle
            from bundlewise.pages.read import read_page

            page_source, index = parse_inline_id(INLINE_PREFIX + args.path)
            page_path = config.root / page_source
            page = read_page(page_path, config, MessageLog())
            code = to_bundle(page.tags, page.text)[index].code
            return LoadResult(
                contents=code,
                loader="js",
                resolve_dir=str(page_path.parent),
                watch_files=(str(page_path),),
            )

        esbuild.on_resolve("^" + INLINE_PREFIX, resolve)
        esbuild.on_load(".*", load, namespace=NAMESPACE)
