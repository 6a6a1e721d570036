"""The esbuild step of a build, on the service: production builds and the watcher alike.

`ServiceBundler` is the pipeline's `Bundler`. A production build makes one, `start()`s
it as soon as the config is known (so the esbuild child boots while Python reads the pages), runs
one build and `close()`s it: the child never outlives the build. The watcher makes one with
`incremental=True`: it keeps a build context open while the arguments and the shape of the plugin
callbacks stay the same, and esbuild re-reads only what changed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bundlewise.errors import BuildError, EsbuildError, Location, Message
from bundlewise.esbuild.callbacks import EsbuildPlugins
from bundlewise.esbuild.service import EsbuildService, ServiceResult

if TYPE_CHECKING:
    from bundlewise.config import Config
    from bundlewise.esbuild.graph import BuildGraph

EntryPair = tuple[str, str]

# The esbuild step as the pipeline calls it: (config, entries, outdir, out_root, edit_args,
# plugins) → the graph and esbuild's warnings. A `ServiceBundler` is one.
Bundler = Callable[..., "tuple[BuildGraph, list[Message]]"]


class ServiceBundler:
    """A `Bundler`; call `close()` when done (ends the esbuild child)."""

    def __init__(self, *, incremental: bool = False) -> None:
        self.incremental = incremental
        self.service: EsbuildService | None = None
        self._where: tuple[Any, ...] = ()
        self._context: tuple[Any, ...] | None = None
        self._closing: list[threading.Thread] = []
        self.watch_files: frozenset[str] = frozenset()
        """The `watch_files` plugin callbacks returned in the last build."""
        self.watch_dirs: frozenset[str] = frozenset()
        """The `watch_dirs` plugin callbacks returned in the last build."""

    def start(self, config: Config) -> None:
        """Start the esbuild child now, without waiting for it (it boots in the background)."""
        self._service_for(config)

    def __call__(
        self,
        config: Config,
        entries: Sequence[str],
        outdir: Path,
        out_root: Path,
        edit_args: Callable[[list[str]], list[str]] | None = None,
        plugins: EsbuildPlugins | None = None,
    ) -> tuple[BuildGraph, list[Message]]:
        from bundlewise.esbuild.args import esbuild_args, metafile_json
        from bundlewise.esbuild.graph import parse_metafile

        args = esbuild_args(config, entries, outdir)
        flags, pairs = split_args(edit_args(args) if edit_args else args)
        binary = self._service_for(config).binary
        try:
            result = self._build(config, flags, pairs, plugins)
        except EsbuildError:
            if not self.incremental:
                raise
            # The watcher's child died (killed, out of memory): one more try on a fresh one.
            result = self._build(config, flags, pairs, plugins)
        if plugins is not None:
            self.watch_files = frozenset(plugins.watch_files)
            self.watch_dirs = frozenset(plugins.watch_dirs)
        if result.errors:
            from bundlewise.js.frameworks import explain
            from bundlewise.sources.casing import with_case_warnings

            errors = [to_message(e, "error") for e in result.errors]
            warnings = [to_message(w, "warning") for w in result.warnings]
            raise BuildError(explain(with_case_warnings(errors, warnings)))
        prefix = os.path.relpath(out_root, config.root).replace(os.sep, "/")
        graph = parse_metafile(metafile_json(result.metafile, binary), prefix, list(entries))
        return graph, [to_message(w, "warning") for w in result.warnings]

    def _build(
        self,
        config: Config,
        flags: list[str],
        pairs: list[EntryPair],
        plugins: EsbuildPlugins | None,
    ) -> ServiceResult:
        service = self._service_for(config)
        timeout = config.esbuild_timeout
        try:
            if not self.incremental:
                result = service.build(config.root, flags, pairs, plugins, timeout)
                self._retire()
                return result
            shape = plugins.signature() if plugins else ()
            context = (config.root, tuple(flags), tuple(pairs), shape)
            if context != self._context:
                self._context = None
                service.open_context(config.root, flags, pairs, plugins)
                self._context = context
            service.plugins = plugins  # same shape: this build's callbacks answer
            return service.rebuild(timeout)
        except BaseException:
            # Dead, or interrupted mid-conversation: the next build starts a fresh child.
            self.close()
            raise

    def _service_for(self, config: Config) -> EsbuildService:
        from bundlewise.esbuild import find_esbuild

        # Finding the binary runs `esbuild --version` (~7 ms): once per root and setting.
        where = (config.root, config.esbuild, os.environ.get("BUNDLEWISE_ESBUILD"))
        if self.service is None or where != self._where:
            binary = find_esbuild(config.root, config.esbuild)
            self.close()
            self.service = EsbuildService(binary.path, binary.version, one_off=not self.incremental)
            self._where = where
        return self.service

    def _retire(self) -> None:
        """End the one-off build's child in the background: the kernel takes a while (~0.2 s) to
        free esbuild's heap, time the rest of the build can use. `close()` waits for it."""
        if self.service is not None:
            closing = threading.Thread(target=self.service.close, daemon=True)
            closing.start()
            self._closing.append(closing)
            self.service = None
            self._context = None

    def close(self) -> None:
        if self.service is not None:
            self.service.close()
            self.service = None
            self._context = None
        for closing in self._closing:
            closing.join()
        self._closing.clear()


def split_args(args: Sequence[str]) -> tuple[list[str], list[EntryPair]]:
    """esbuild's command line as the service wants it: flags, and (output name, input) pairs.

    The metafile comes back in the response rather than as a file, and the log is returned as data
    instead of printed. `entry_arg` made every entry an argument not starting with `-`.
    """
    flags: list[str] = []
    pairs: list[EntryPair] = []
    for arg in args:
        if arg.startswith("--metafile="):
            flags.append("--metafile")
        elif arg.startswith("--log-level="):
            flags.append("--log-level=silent")
        elif arg.startswith("-"):
            flags.append(arg)
        else:
            out, sep, source = arg.partition("=")
            pairs.append((out, source) if sep else ("", arg))
    return flags, pairs


def to_message(data: dict[str, Any], severity: str) -> Message:
    """An esbuild message object (`{text, location, notes, pluginName}`) as our `Message`."""
    notes = tuple(_note(n) for n in data.get("notes") or [])
    return Message(
        str(data.get("text", "")),
        _location(data.get("location")),
        "error" if severity == "error" else "warning",
        notes,
        str(data.get("pluginName") or ""),
    )


def _location(data: Any) -> Location | None:
    if not isinstance(data, dict) or not data.get("file"):
        return None
    return Location(
        str(data["file"]), int(data.get("line") or 0), int(data.get("column") or 0),
        str(data.get("lineText") or ""),
    )  # fmt: skip


def _note(data: dict[str, Any]) -> str:
    location = _location(data.get("location"))
    text = str(data.get("text", ""))
    return f"{text} {location}" if location else text
