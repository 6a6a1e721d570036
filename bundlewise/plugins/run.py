"""Call a hook on every plugin in order, threading the value through them.

A plugin that raises does not crash bundlewise: the exception becomes a `BuildError` naming the
plugin, the hook and the plugin's line, raised inside the build's staging block so the output
folder stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bundlewise.config import Config
from bundlewise.errors import BuildError, BundlewiseError, Message, MessageLog
from bundlewise.plugins.base import HOOKS, Build
from bundlewise.plugins.load import LoadedPlugin
from bundlewise.raised_at import frame_in

if TYPE_CHECKING:
    from bundlewise.esbuild.callbacks import EsbuildPlugins

T = TypeVar("T")


class PluginRunner:
    """The loaded plugins of one config, in call order."""

    def __init__(self, plugins: Sequence[LoadedPlugin] = ()) -> None:
        self.plugins = tuple(plugins)
        self.warnings: list[Message] = []
        """Warnings reported outside a build (`on_watch_event`), for the watcher to show."""
        self._accepts: dict[tuple[str, str], Callable[[dict[str, Any]], dict[str, Any]]] = {}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.plugins)

    def has(self, hook: str) -> bool:
        return any(hook in p.hooks for p in self.plugins)

    def run(self, hook: str, value: T, *, build: Build, **context: Any) -> T:
        """`value` passed through `hook` of every plugin that has it; `None` keeps the value.

        Errors a plugin reports through `build.error()` fail the build when its hook returns.
        """
        assert hook in HOOKS, hook
        for plugin in self.plugins:
            function = plugin.hooks.get(hook)
            if function is None:
                continue
            bound = replace(build, plugin=plugin.name)
            kwargs = self._filter(plugin, hook, function)({"build": bound, **context})
            before = len(build.log.errors)
            try:
                returned = function(value, **kwargs)
            except BundlewiseError:
                raise
            except Exception as exc:
                raise plugin_failure(plugin, hook, exc) from exc
            if len(build.log.errors) > before:
                raise BuildError(build.log.errors[before:])
            if returned is not None:
                check_returned(plugin, hook, returned)
                value = returned
        return value

    def setup_esbuild(self, esbuild: EsbuildPlugins, build: Build) -> None:
        """Let every plugin with `on_esbuild_setup` register its `on_resolve` / `on_load`
        callbacks, in plugin order (the first callback to return a result wins)."""
        for plugin in self.plugins:
            function = plugin.hooks.get("on_esbuild_setup")
            if function is None:
                continue
            bound = replace(build, plugin=plugin.name)
            kwargs = self._filter(plugin, "on_esbuild_setup", function)({"build": bound})
            before = len(build.log.errors)
            try:
                function(esbuild.plugin(plugin.name, plugin.file), **kwargs)
            except BundlewiseError:
                raise
            except Exception as exc:
                raise plugin_failure(plugin, "on_esbuild_setup", exc) from exc
            if len(build.log.errors) > before:
                raise BuildError(build.log.errors[before:])

    def watch_event(self, paths: list[Path], config: Config) -> list[Path]:
        """For the watcher: the changed paths after every plugin's `on_watch_event` filter.
        An empty list means: do not rebuild. Raises `BuildError` when a plugin fails."""
        log = MessageLog()
        kept = self.run("on_watch_event", list(paths), build=Build(config, None, log))
        self.warnings.extend(log.warnings)
        return kept

    def notify_error(self, error: BundlewiseError, build: Build) -> BundlewiseError:
        """Run `on_build_error`; returns the error to raise (with any plugin failure added)."""
        try:
            self.run("on_build_error", error, build=build)
        except BundlewiseError as failure:
            return type(error)([*error.messages, *failure.messages])
        return error

    def _filter(
        self, plugin: LoadedPlugin, hook: str, function: Callable[..., Any]
    ) -> Callable[[dict[str, Any]], dict[str, Any]]:
        """Keep only the keyword arguments `function` declares (all of them for `**kwargs`)."""
        key = (plugin.name, hook)
        if key not in self._accepts:
            import inspect  # ~4 ms to import: only when a plugin is loaded

            params = inspect.signature(function).parameters.values()
            if any(p.kind is p.VAR_KEYWORD for p in params):
                self._accepts[key] = lambda kw: kw
            else:
                names = {
                    p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
                }
                self._accepts[key] = lambda kw: {k: v for k, v in kw.items() if k in names}
        return self._accepts[key]


def check_returned(plugin: LoadedPlugin, hook: str, value: Any) -> None:
    """A hook's return value must be what the next step reads: fail here, naming the plugin."""
    expected = _return_types()[hook]
    problem = None
    if not isinstance(value, expected):
        problem = f"returned {type(value).__name__}, expected {expected.__name__} or None"
    elif isinstance(value, list) and not all(isinstance(a, str | Path) for a in value):
        problem = "returned a list that holds something else than strings or paths"
    elif isinstance(value, dict) and not all(
        isinstance(e, dict) and isinstance(e.get("file"), str) for e in value.values()
    ):
        problem = "returned a manifest entry without a 'file' string"
    if problem:
        raise BuildError(Message(f"plugin {plugin.name!r}: {hook} {problem}"))


def _return_types() -> dict[str, type]:
    from bundlewise.config import Config
    from bundlewise.esbuild.graph import BuildGraph
    from bundlewise.images import OptimizedImage
    from bundlewise.result import BuildResult

    return {
        "on_config": Config,
        "on_esbuild_args": list,
        "on_esbuild_setup": object,
        "on_graph": BuildGraph,
        "on_image": OptimizedImage,
        "on_html": str,
        "on_manifest": dict,
        "on_post_build": BuildResult,
        "on_build_error": object,
        "on_watch_event": list,
    }


def plugin_failure(plugin: LoadedPlugin, hook: str, exc: BaseException) -> BuildError:
    """The error shown when a plugin's hook raised: plugin, hook, exception and line."""
    return BuildError(
        Message(
            f"plugin {plugin.name!r} failed in {hook}: {type(exc).__name__}: {exc}",
            frame_in(exc, plugin.file),
        )
    )
