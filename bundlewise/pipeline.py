"""The build, top to bottom.

    pages → esbuild → initial CSS → lazy-chunk CSS → images → final names → pages (+ hints) → manifest
          → compress → stats → swap

Plugin hooks run between the steps (`on_config`, `on_esbuild_args`, `on_graph`, `on_image`,
`on_html`, `on_manifest`, `on_post_build`; see `bundlewise.plugins.Plugin`).
Each step is a function of plain data; this module only runs them in order inside a staging
folder, so that the output folder changes only when every step succeeded.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import replace

from bundlewise.cache.setup import open_cache
from bundlewise.config import Config
from bundlewise.css.app_sheets import one_scan_per_build
from bundlewise.errors import BuildError, BundlewiseError, Message, MessageLog
from bundlewise.esbuild.bundler import Bundler, ServiceBundler
from bundlewise.esbuild.graph import BuildGraph, Output
from bundlewise.finish import compress, make_result, post_build, write_manifest, write_stats
from bundlewise.js.lazy_chunk_css import wrap_dynamic_imports
from bundlewise.output.staging import (
    Staging,
    check_build_sources,
    check_graph_sources,
    check_out_dir,
)
from bundlewise.pages.read import Page, find_pages, read_page
from bundlewise.pages.webmanifest import add_manifest_files, write_manifests
from bundlewise.plugins import Build, PluginRunner, load_plugins
from bundlewise.plugins.esbuild_setup import esbuild_plugins
from bundlewise.progress import ProgressCallback, no_progress
from bundlewise.rehash import rehash, rewrite_references
from bundlewise.result import BuildResult
from bundlewise.sources.casing import page_source_collisions, raise_on_import_case_collisions
from bundlewise.sources.confine import confine
from bundlewise.state import BuildState


def build(
    config: Config,
    plugins: PluginRunner | None = None,
    bundler: Bundler | None = None,
    notice: Callable[[str], None] = lambda text: None,
    progress: ProgressCallback = no_progress,
) -> BuildResult:
    """Build the app described by `config` into `config.out_dir`; raise on any error.

    `plugins` are loaded from the config unless given (the watcher loads them once). Without a
    `bundler`, the build runs esbuild on a service child of its own, ended before this returns.
    `notice` hears progress worth a line (waiting for another build of the same output folder);
    `progress` hears how far the long stages got (see `bundlewise.progress`). Nothing here prints.
    """
    if plugins is None:
        plugins = load_plugins(config)
    own = None
    if bundler is None:
        bundler = own = ServiceBundler()
    try:
        return run_steps(config, plugins, bundler, notice, progress)
    except BundlewiseError as error:
        raise plugins.notify_error(error, Build(config, None)) from None
    finally:
        if own is not None:
            own.close()


def run_steps(
    config: Config,
    plugins: PluginRunner,
    bundler: Bundler,
    notice: Callable[[str], None] = lambda text: None,
    progress: ProgressCallback = no_progress,
) -> BuildResult:
    log = MessageLog()
    config = plugins.run("on_config", config, build=Build(config, None, log))
    start_early(bundler, config)
    pages = add_manifest_files(config, [read_page(p, config, log) for p in find_pages(config)], log)
    log.raise_if_errors()
    check_out_dir(config, [p.source for p in pages])
    entries = collect_entries(config, pages, log)
    check_build_sources(config, pages, entries)
    log.extend(page_source_collisions(pages, entries))
    log.raise_if_errors()
    if not pages and not entries:
        raise BuildError(
            Message(f"nothing to build: no HTML pages and no entries in {config.root}")
        )
    cache = open_cache(config)
    with Staging(config.out_dir, notice) as staging, one_scan_per_build():
        state = BuildState(config, staging.path, cache, log, pages, plugins=plugins)
        copy_public(state)
        state.graph = run_esbuild(state, bundler, entries)
        check_graph_sources(config, state.graph)
        raise_on_import_case_collisions(state.graph, config.root)
        confine(state)  # files from outside the app root: refused, or renamed and kept out of maps
        state.graph = state.hook("on_graph", state.graph)
        link_urls(state)
        check_scripts(state)
        keep_lazy_css_lazy(state)
        resolve_image_set_strings(state)
        check_shipped_css(state)
        preload_lazy_css(state)
        optimize_images(state, progress)
        modern_css_images(state)
        add_font_fallbacks(state)
        finalize_names(state)
        copy_page_assets(state)
        write_manifests(state)
        write_pages(state)
        manifest = write_manifest(state)
        result = make_result(state, manifest)
        sizes = compress(state, result)
        result = write_stats(state, result, sizes)
        result = post_build(state, result)
        staging.commit()
    # The cache counts go to `--json` and the summary, not to the stats file in the output:
    # the output of a build must not depend on where its results came from.
    assert result.stats is not None
    stats = replace(result.stats, cache=cache.finish())
    return replace(result, kept=staging.kept, stats=stats)


def start_early(bundler: Bundler, config: Config) -> None:
    """Start the esbuild child now: it boots while Python reads the pages (~10-20 ms saved).
    A failure here is reported where esbuild runs, after any problem with the pages."""
    start = getattr(bundler, "start", None)
    if start is not None:
        with contextlib.suppress(BundlewiseError):
            start(config)


def _import_late_steps() -> None:
    """Import what the steps after esbuild use while esbuild runs (~60 ms off every build).
    Started once the plugin callbacks are set up, so that it does not hold up esbuild's start."""
    for name in ("bundlewise.js.urls_step", "bundlewise.js.checks", "bundlewise.css.initial",
                 "bundlewise.css.written_urls", "bundlewise.css.check", "bundlewise.css.image_set",
                 "bundlewise.css.font_fallbacks", "bundlewise.pages.rewrite", "bundlewise.report",
                 "bundlewise.report.record", "bundlewise.report.stats", "bundlewise.hints",
                 "bundlewise.images.step", "bundlewise.compress"):  # fmt: skip
        importlib.import_module(name)


def collect_entries(config: Config, pages: list[Page], log: MessageLog) -> list[str]:
    """Script and stylesheet entries of every page, then `entries` from the config, in order."""
    entries: dict[str, None] = {}
    for page in pages:
        entries.update(dict.fromkeys(page.scripts + page.styles))
    for entry in config.entries:
        path = (config.root / entry).resolve()
        if not path.is_file() or not path.is_relative_to(config.root):
            where = config.config_file or "command line"
            log.error(
                f"entry {entry!r} not found in {config.root}", None, notes=(f"set in {where}",)
            )
            continue
        entries.setdefault(config.rel(path))
    return list(entries)


def run_esbuild(state: BuildState, bundler: Bundler, entries: list[str]) -> BuildGraph:
    """One esbuild run for all entries, plus the scripts they reference with `new URL(...)`.

    Those (workers) are found in the sources of the first run's outputs; when there are any, the
    build runs again with them as entries, so that they share chunks with the rest.
    """
    from bundlewise.js.meta_urls import worker_entries

    config = state.config
    if not entries:
        return BuildGraph(outputs={}, entries={})  # esbuild would bundle an empty `stdin`
    for round in range(MAX_WORKER_ROUNDS):
        edit = functools.partial(_edit_esbuild_args, state, entries)
        plugins = esbuild_plugins(state.plugins, Build(config, state.staging, state.log))
        if round == 0:  # esbuild is about to run: the steps after it are imported meanwhile
            threading.Thread(target=_import_late_steps, daemon=True).start()
        graph, warnings = bundler(
            config,
            entries,
            state.staging / config.assets_dir,
            state.staging,
            edit_args=edit,
            plugins=plugins,
        )
        more = worker_entries(config, graph, entries, state.read)
        if not more:
            break
        for out in graph:
            (state.staging / out.path).unlink(missing_ok=True)
        entries = [*entries, *more]
    state.log.extend(warnings)
    return graph


MAX_WORKER_ROUNDS = 5  # workers that start workers that start workers...


def _edit_esbuild_args(state: BuildState, entries: list[str], args: list[str]) -> list[str]:
    return state.hook("on_esbuild_args", args, entries=entries)


def link_urls(state: BuildState) -> None:
    """Files named from JS (`import url from './x.png'`, `new URL(..., import.meta.url)`) load."""
    from bundlewise.js import urls_step

    urls_step.run(state)


def check_scripts(state: BuildState) -> None:
    """Warn about emitted scripts that will not run (JSX calling a global React nobody defines)."""
    from bundlewise.js.checks import check_scripts as find_problems

    assert state.graph is not None
    state.log.extend(find_problems(state.config, state.graph, state.read))


def copy_public(state: BuildState) -> None:
    """`public/` is copied verbatim to the output root."""
    public = state.config.public_dir
    if public.is_dir():
        shutil.copytree(public, state.staging, dirs_exist_ok=True, symlinks=False)


def keep_lazy_css_lazy(state: BuildState) -> None:
    """Each script's CSS bundle holds only its static imports' stylesheets (see `css.initial`)."""
    from bundlewise.css import initial

    initial.run(state)


def resolve_image_set_strings(state: BuildState) -> None:
    """`image-set()` strings and root-absolute URLs, which esbuild leaves as written."""
    from bundlewise.css import written_urls
    from bundlewise.css.refs import check_js_externals, css_externals, missing_url_warnings

    assert state.graph is not None
    state.log.extend(check_js_externals(state.graph, css_externals(state.config)))
    state.log.raise_if_errors()
    state.log.extend(missing_url_warnings(state.config, state.graph))
    written_urls.run(state)


def check_shipped_css(state: BuildState) -> None:
    """Warn about preprocessor syntax (`@apply`, `$var`) left in the CSS we ship (`css.check`)."""
    from bundlewise.css.check import check_css

    assert state.graph is not None
    out = os.path.relpath(state.config.out_dir, state.config.root).replace(os.sep, "/")
    state.log.extend(check_css(state.graph, state.read, state.config.root, out + "/"))


def preload_lazy_css(state: BuildState) -> None:
    """Lazy chunks load their CSS: wrap `import()` calls in the preload helper."""
    assert state.graph is not None
    result = wrap_dynamic_imports(state.graph, state.read)
    state.changed.update(result.files)
    for path, names in result.references.items():
        state.references[path] = state.references.get(path, frozenset()) | names
    state.graph = result.graph


def optimize_images(state: BuildState, progress: ProgressCallback) -> None:
    """Re-encode images referenced from CSS/JS (same format) and from HTML (with variants)."""
    from bundlewise.images import step as image_step

    image_step.run(state, progress)


def modern_css_images(state: BuildState) -> None:
    """CSS background images get `image-set()` with their AVIF/WebP variants."""
    from bundlewise.css import image_set

    image_set.run(state)


def add_font_fallbacks(state: BuildState) -> None:
    """Metric-matched fallback faces for web fonts (no layout shift when they swap in)."""
    from bundlewise.css import font_fallbacks

    font_fallbacks.run(state)


def finalize_names(state: BuildState) -> None:
    """Rename changed outputs (and all that refer to them) by the hash of their final bytes."""
    assert state.graph is not None
    if not state.changed:
        return
    refs = {out.path: _references(state, out) for out in state.graph}
    renames = rehash(refs, set(state.changed), state.read)
    for old, new in renames.items():
        data = rewrite_references(state.read(old), renames)
        (state.staging / old).unlink(missing_ok=True)
        state.changed.pop(old, None)
        state.changed[new] = data
    for path, data in state.changed.items():
        target = state.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    sizes = {p: len(d) for p, d in state.changed.items()}
    state.graph = state.graph.renamed(renames, sizes)
    state.changed.clear()


def _references(state: BuildState, out: Output) -> set[str]:
    """Every output whose name appears in `out`'s bytes."""
    assert state.graph is not None
    refs = {*out.imports, *out.dynamic_imports, *out.assets, *state.references.get(out.path, ())}
    if out.path + ".map" in state.graph.outputs:
        refs.add(out.path + ".map")  # the `sourceMappingURL` comment
    return refs


def copy_page_assets(state: BuildState) -> None:
    """Files referenced from HTML that no step produced: copied under a content-hashed name.

    A file esbuild already emitted (a font both the CSS and a `<link rel=preload>` use) is
    reused, so the page and the CSS point at the same URL and it downloads once.
    """
    assert state.graph is not None
    config = state.config
    emitted = state.graph.asset_sources()
    for page in state.pages:
        for ref in page.refs:
            if ref.kind in ("script", "style", "manifest", "public"):
                continue
            if ref.source in state.page_files:
                continue
            if ref.source in emitted:
                state.page_files[ref.source] = emitted[ref.source]
                continue
            state.emit_page_file(ref.source, (config.root / ref.source).read_bytes())


def write_pages(state: BuildState) -> None:
    assert state.graph is not None
    from bundlewise import hints
    from bundlewise.pages.rewrite import rewrite_page

    for page in state.pages:
        rewrite = rewrite_page(state.config, page, state.graph, state.page_files)
        hints.apply(state, rewrite)
        text = hints.finish(state, rewrite)  # edits applied, small stylesheets inlined
        rewrite.result = replace(rewrite.result, changes=tuple(rewrite.editor.changes))
        text = state.hook("on_html", text, page=rewrite.result)
        target = state.staging / page.source
        if target.exists():
            raise BuildError(
                Message(f"page {page.source} collides with a file of the public folder")
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8", "surrogateescape"))
        state.rewrites.append(rewrite)
