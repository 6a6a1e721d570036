"""The plugin API: the `Plugin` base class, whose hooks are documented here, and `Build`.

A plugin is a class deriving from `Plugin`, or a plain module (a "hooks" file) with `on_*`
functions of the same names and arguments (without `self`). bundlewise calls each hook between two
fixed steps of the build. A hook receives the value first and context as keyword-only arguments,
and returns a new value, or `None` to keep the value it was given.

A hook declares only the keyword arguments it uses (or `**kwargs`): bundlewise passes each hook
just the ones it names, so adding context later never breaks an existing plugin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from bundlewise.errors import Location, Message, MessageLog

if TYPE_CHECKING:
    from bundlewise.config import Config
    from bundlewise.errors import BundlewiseError
    from bundlewise.esbuild.callbacks import PluginSetup
    from bundlewise.esbuild.graph import BuildGraph
    from bundlewise.images import OptimizedImage
    from bundlewise.report.record import Stats
    from bundlewise.result import BuildResult, PageResult

Order = Literal["pre", "normal", "post"]

HOOKS = (
    "on_config",
    "on_esbuild_args",
    "on_esbuild_setup",
    "on_graph",
    "on_image",
    "on_html",
    "on_manifest",
    "on_post_build",
    "on_build_error",
    "on_watch_event",
)
"""Every hook, in the order a build calls them."""


@dataclass(frozen=True)
class Build:
    """The build in progress, passed to every hook as `build=`.

    `out_dir` is the folder this build writes into: a staging folder that replaces
    `config.out_dir` only when every step (and every plugin) succeeded. Read and write output files
    there, never in `config.out_dir`. It is `None` in `on_config`, `on_build_error` and
    `on_watch_event`, which run outside a build's staging folder.
    """

    config: Config
    out_dir: Path | None
    log: MessageLog = field(default_factory=MessageLog, repr=False)
    plugin: str = ""
    """The name of the plugin being called (set by bundlewise for each call)."""

    def warning(
        self, text: str, location: Location | None = None, *, notes: tuple[str, ...] = ()
    ) -> None:
        """Report a warning. It is shown after the build; `--strict` makes the build fail."""
        self.log.messages.append(Message(text, location, "warning", notes, self.plugin))

    def error(
        self, text: str, location: Location | None = None, *, notes: tuple[str, ...] = ()
    ) -> None:
        """Report an error. The build fails once the hook returns (the output stays unchanged);
        report several before returning to show them all at once."""
        self.log.messages.append(Message(text, location, "error", notes, self.plugin))

    def url(self, path: str, page: str) -> str:
        """The URL under which output `path` is written into page `page` (honours `base`)."""
        from bundlewise.pages.rewrite import public_url

        return public_url(self.config, path, page)


class Plugin:
    """Base class of bundlewise plugins. Override the hooks you need; every one is optional.

    Set `order` to `"pre"` or `"post"` to run before or after the plugins in `"normal"` order;
    within one order, plugins run in the order of the `plugins` list in the config.

    Options come from the config table `[plugin.NAME]`. Declare them as a frozen dataclass named
    `Options` in the class (or module): its fields are the keys, their types are checked and their
    defaults apply, and the validated instance is `self.options`. A plugin without `Options` takes
    no options.
    """

    order: ClassVar[Order] = "normal"
    Options: ClassVar[type | None] = None

    def __init__(self, name: str = "", options: Any = None) -> None:
        self.name = name or type(self).__name__
        self.options = options

    def on_config(self, config: Config, *, build: Build) -> Config | None:
        """Called first, with the validated config. Return a changed copy
        (`dataclasses.replace(config, minify=False)`) to change the build. The list of plugins
        itself is read before this hook and cannot be changed here."""
        return None

    def on_esbuild_args(
        self, args: list[str], *, entries: list[str], build: Build
    ) -> list[str] | None:
        """Called with esbuild's command-line arguments (without the binary), just before it runs.
        `entries` are the entry points (source paths relative to the app root). Return a new list
        to add flags (`--drop:console`, `--legal-comments=none`, more `--define:`s). The arguments
        are passed to esbuild as a list: no shell is involved."""
        return None

    def on_esbuild_setup(self, esbuild: PluginSetup, *, build: Build) -> None:
        """Called once per build, before esbuild runs, to register callbacks that take part in
        esbuild's module graph, with esbuild's own plugin semantics:

        - `esbuild.on_resolve(filter, callback, namespace="")`: `callback(args: ResolveArgs)` is
          called for each import whose path (as written, query included) matches `filter`, and
          returns a `ResolveResult(path=..., namespace=..., external=..., suffix=...,
          watch_files=...)`, or `None` to let the next callback or esbuild resolve it.
        - `esbuild.on_load(filter, callback, namespace="")`: `callback(args: LoadArgs)` is called
          for each module whose resolved path matches `filter` and returns a
          `LoadResult(contents=..., loader="js"|"css"|..., resolve_dir=..., watch_files=...)`, or
          `None` to let esbuild read the file.

        `filter` is a regular expression in Go's syntax (RE2: no look-around), matched by esbuild
        itself: only the paths that match cross over to Python, so a narrow filter costs nothing
        for the rest of the app. `namespace` restricts a callback to one namespace (`"file"` for
        files on disk; a resolve callback may return another one to make a virtual module that
        only its own `on_load` can load). Results may carry `errors` and `warnings`
        (`bundlewise.errors.Message`, with a `Location` for file:line:column); a callback that
        raises fails the build with an error naming the plugin and the file, and the output
        folder stays as it was. In watch mode a change to any `watch_files` entry rebuilds.
        The types are in `bundlewise.esbuild.callbacks`; docs/plugins.md has examples."""
        return None

    def on_graph(self, graph: BuildGraph, *, build: Build) -> BuildGraph | None:
        """Called after esbuild ran and its metafile was read into a `BuildGraph`: every output
        with its kind, size, static and dynamic imports, CSS bundle and inputs. Output paths are
        relative to `build.out_dir`; the files are there. Names change later if a step changes a
        file's bytes (images, the lazy-CSS helper), so read file contents in later hooks."""
        return None

    def on_image(
        self, image: OptimizedImage, *, source: str, build: Build
    ) -> OptimizedImage | None:
        """Called for each optimized image before its files are written. For an image a page
        shows, `source` is its path relative to the app root, `image.primary` the file served at
        its URL and `image.variants` the modern formats and smaller widths. For an image that CSS
        or JS refers to, `source` is esbuild's copy in `build.out_dir` and only `image.primary`
        is used (same format, when `kept_source` is false). Return a changed copy
        (`dataclasses.replace`) to change the bytes: file names are hashes of what you return."""
        return None

    def on_html(self, html: str, *, page: PageResult, build: Build) -> str | None:
        """Called for each page with its final text, after bundlewise rewrote URLs and added its
        stylesheets, modulepreloads and hints, just before the page is written to
        `build.out_dir / page.output`. Every script, stylesheet and chunk the page loads is
        already written under its final name (`page.scripts`, `page.preloads`,
        `page.stylesheets`), so their bytes may be read. Return the new text. `bundlewise.pages`
        (`scan_tags`, `PageEditor`) edits tags at exact offsets and keeps every other byte."""
        return None

    def on_manifest(self, manifest: dict[str, Any], *, build: Build) -> dict[str, Any] | None:
        """Called with the Vite-format manifest (key → `{"file", "src", "imports", "css", ...}`)
        before it is written; every output file is final. Return a changed manifest to add
        fields; keep the ones that exist, backend integrations read them."""
        return None

    def on_post_build(
        self, result: BuildResult, *, stats: Stats, build: Build
    ) -> BuildResult | None:
        """Called when every file is written, compressed siblings (`.br`, `.gz`) included, before
        the staging folder replaces the output folder. Files written into `build.out_dir` now
        ship with the build; `result.out_dir` is where they will end up. `stats` is the size
        record of the build (`bundlewise.report.Stats`; `stats.to_dict()` is the JSON document
        `bundlewise-stats.json` holds). Raising, or reporting an error, leaves the old output in place."""
        return None

    def on_build_error(self, error: BundlewiseError, *, build: Build) -> None:
        """Called when the build fails, with the error about to be shown (its `messages`). The
        output folder is unchanged. For notification and clean-up: the return value is
        ignored and the error is raised as it is."""
        return None

    def on_watch_event(self, paths: list[Path], *, build: Build) -> list[Path] | None:
        """Called by `bundlewise watch` with the changed files (absolute paths) before it
        rebuilds. Return a filtered list to ignore some changes; an empty list skips the
        rebuild."""
        return None
