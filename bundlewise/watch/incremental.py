"""The watcher's esbuild step: the same arguments as a one-off build, on a long-lived context.

`IncrementalBundler` has `bundle.run_bundle`'s signature, so `pipeline.build(config,
bundler=IncrementalBundler())` runs the usual pipeline with it. It keeps one esbuild context open
while the arguments stay the same (a new page entry, a config change or a plugin edit opens a new
one). esbuild writes every output of every rebuild (checked: it rewrites all files into a
removed folder even when nothing changed), so the fresh staging folder of each build gets them all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bundlewise.bundle import esbuild_args, metafile_json
from bundlewise.config import Config
from bundlewise.errors import BuildError, EsbuildError, Location, Message
from bundlewise.graph import BuildGraph, parse_metafile
from bundlewise.watch.service import EsbuildService, RebuildResult

EntryPair = tuple[str, str]


class IncrementalBundler:
    """Call it like `run_bundle`; call `close()` when done (ends the esbuild child)."""

    def __init__(self) -> None:
        self.service: EsbuildService | None = None
        self._where: tuple[Any, ...] = ()
        self._context: tuple[Any, ...] | None = None

    def __call__(
        self,
        config: Config,
        entries: Sequence[str],
        outdir: Path,
        out_root: Path,
        edit_args: Callable[[list[str]], list[str]] | None = None,
    ) -> tuple[BuildGraph, list[Message]]:
        args = esbuild_args(config, entries, outdir)
        flags, pairs = split_args(edit_args(args) if edit_args else args)
        context = (config.root, tuple(flags), tuple(pairs))
        try:
            result = self._rebuild(config, context)
        except EsbuildError:
            # The child died (killed, out of memory): one more try on a fresh one.
            result = self._rebuild(config, context)
        if result.errors:
            from bundlewise.casing import with_case_warnings

            errors = [to_message(e, "error") for e in result.errors]
            warnings = [to_message(w, "warning") for w in result.warnings]
            raise BuildError(with_case_warnings(errors, warnings))
        prefix = os.path.relpath(out_root, config.root).replace(os.sep, "/")
        assert self.service is not None
        meta = metafile_json(result.metafile, self.service.binary)
        graph = parse_metafile(meta, prefix, list(entries))
        return graph, [to_message(w, "warning") for w in result.warnings]

    def _rebuild(self, config: Config, context: tuple[Any, ...]) -> RebuildResult:
        service = self._service_for(config)
        try:
            if context != self._context:
                self._context = None
                service.open_context(config.root, context[1], context[2])
                self._context = context
            return service.rebuild()
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
            self.service = EsbuildService(binary.path, binary.version)
            self._where = where
        return self.service

    def close(self) -> None:
        if self.service is not None:
            self.service.close()
            self.service = None
            self._context = None


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
