"""`on_resolve` / `on_load` callbacks that run inside esbuild's module graph, in Python.

esbuild runs JS plugins through its `--service` protocol: the build request lists each plugin's
callbacks as (id, filter, namespace), esbuild matches every import path (on-resolve) and every
module to load (on-load) against the filters in Go, and asks the host only for paths that match.
This module is that host side, with esbuild's semantics:

- a filter is a regular expression in Go's syntax (RE2: no look-around or back-references),
  matched against the import path (on-resolve) or the resolved path (on-load); a namespace, when
  given, must match too (`"file"` is the namespace of files on disk);
- the callbacks that match are tried in registration order; the first one to return a result
  wins, `None` passes the path on to the next one (and in the end to esbuild's own resolver or
  loader);
- a callback that raises becomes a build error naming the plugin, the callback and the file.

    plugins = EsbuildPlugins(root)
    setup = plugins.plugin("txt")
    setup.on_load(r"\\.txt$", lambda args: LoadResult(contents="...", loader="js"))
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bundlewise.errors import Location, Message
from bundlewise.raised_at import frame_in


@dataclass(frozen=True)
class ResolveArgs:
    """An import esbuild is about to resolve (esbuild's `OnResolveArgs`)."""

    path: str
    """The path as written in the import, query included (`./logo.svg?url`)."""
    importer: str
    """The importing module: an absolute path in the `file` namespace, `""` for an entry."""
    namespace: str
    """The importer's namespace (`file` for files on disk)."""
    resolve_dir: str
    """The folder relative paths resolve in (the importer's folder for files)."""
    kind: str
    """`entry-point`, `import-statement`, `dynamic-import`, `require-call`, `require-resolve`,
    `import-rule` (CSS `@import`), `composes-from` or `url-token` (CSS `url()`)."""
    plugin_data: Any = None
    """What the callback that loaded the importer returned as `plugin_data`."""
    with_: dict[str, str] = field(default_factory=dict)
    """The import attributes (`with { type: "json" }`)."""


@dataclass(frozen=True)
class ResolveResult:
    """Where an import leads (esbuild's `OnResolveResult`). Every field is optional."""

    path: str = ""
    """An absolute path for the `file` namespace; any string for another namespace."""
    namespace: str = ""
    """`""` means `file`. Another namespace keeps the module out of the file system: only an
    `on_load` callback for that namespace can load it."""
    external: bool = False
    """Leave the import as it is in the output."""
    suffix: str = ""
    """A query or hash kept with the path (`?url`), handed to `on_load` as `suffix`."""
    side_effects: bool | None = None
    plugin_data: Any = None
    """Anything, handed to the `on_load` callback of this module."""
    errors: Sequence[Message] = ()
    warnings: Sequence[Message] = ()
    watch_files: Sequence[str] = ()
    """Files (absolute paths) whose change must rebuild in watch mode."""
    watch_dirs: Sequence[str] = ()
    """Folders (absolute paths) where a change to any file, at any depth, must rebuild."""


@dataclass(frozen=True)
class LoadArgs:
    """A module esbuild is about to load (esbuild's `OnLoadArgs`)."""

    path: str
    namespace: str
    suffix: str = ""
    plugin_data: Any = None
    with_: dict[str, str] = field(default_factory=dict)


Loader = Literal[
    "js", "jsx", "ts", "tsx", "css", "local-css", "global-css", "json", "text", "base64",
    "dataurl", "binary", "file", "copy", "empty", "default",
]  # fmt: skip


@dataclass(frozen=True)
class LoadResult:
    """A module's contents (esbuild's `OnLoadResult`). Every field is optional."""

    contents: str | bytes | None = None
    loader: Loader | str = ""
    """How esbuild reads `contents`; `""` picks by the file's extension."""
    resolve_dir: str = ""
    """Where the module's own imports resolve (the file's folder is the default for files)."""
    plugin_data: Any = None
    errors: Sequence[Message] = ()
    warnings: Sequence[Message] = ()
    watch_files: Sequence[str] = ()
    """Files (absolute paths) whose change must rebuild in watch mode."""
    watch_dirs: Sequence[str] = ()
    """Folders (absolute paths) where a change to any file, at any depth, must rebuild."""


ResolveCallback = Callable[[ResolveArgs], ResolveResult | None]
LoadCallback = Callable[[LoadArgs], LoadResult | None]


@dataclass(frozen=True)
class _Registered:
    id: int
    kind: str
    plugin: str
    file: str | None
    filter: str
    namespace: str
    callback: Callable[[Any], Any]


class EsbuildPlugins:
    """The `on_resolve` / `on_load` callbacks of one build, in registration order."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._resolve: list[_Registered] = []
        self._load: list[_Registered] = []
        self._by_id: dict[int, _Registered] = {}
        self._stash: dict[int, Any] = {}
        self.watch_files: set[str] = set()
        """Every `watch_files` entry callbacks returned since `start()` (for the watcher)."""
        self.watch_dirs: set[str] = set()
        """Every `watch_dirs` entry callbacks returned since `start()` (for the watcher)."""

    def plugin(self, name: str, file: str | None = None) -> PluginSetup:
        """The registration handle for plugin `name` (`file` is where its code lives)."""
        return PluginSetup(self, name, file)

    def __bool__(self) -> bool:
        return bool(self._by_id)

    def signature(self) -> tuple[tuple[str, str, str, str], ...]:
        """What esbuild knows of the callbacks: equal signatures can share a build context."""
        return tuple((r.plugin, r.kind, r.filter, r.namespace) for r in self._by_id.values())

    def start(self) -> None:
        """Called before each build: forget the previous build's data."""
        self._stash.clear()
        self.watch_files.clear()
        self.watch_dirs.clear()

    def request(self) -> list[dict[str, Any]]:
        """The `plugins` field of esbuild's build request."""
        plugins: dict[str, dict[str, Any]] = {}
        for kind, items in (("onResolve", self._resolve), ("onLoad", self._load)):
            for r in items:
                entry = plugins.setdefault(
                    r.plugin,
                    {"name": r.plugin, "onStart": False, "onEnd": False,
                     "onResolve": [], "onLoad": []},
                )  # fmt: skip
                entry[kind].append({"id": r.id, "filter": r.filter, "namespace": r.namespace})
        return list(plugins.values())

    def _add(self, items: list[_Registered], **fields: Any) -> None:
        registered = _Registered(id=len(self._by_id), **fields)
        items.append(registered)
        self._by_id[registered.id] = registered

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        """esbuild's `on-resolve` or `on-load` request, answered by the first callback that
        returns a result."""
        is_load = request.get("command") == "on-load"
        for id in request.get("ids") or []:
            registered = self._by_id.get(id)
            if registered is None:
                continue
            args = self._load_args(request) if is_load else self._resolve_args(request)
            try:
                result = registered.callback(args)
                if result is None:
                    continue
                expected = LoadResult if is_load else ResolveResult
                if not isinstance(result, expected):
                    raise TypeError(
                        f"returned {type(result).__name__}, expected {expected.__name__} or None"
                    )
            except Exception as exc:
                return {"id": id, "errors": [self._failure(registered, is_load, args, exc)]}
            return self._response(id, registered.plugin, result)
        return {}

    def _resolve_args(self, request: dict[str, Any]) -> ResolveArgs:
        return ResolveArgs(
            path=str(request.get("path", "")),
            importer=str(request.get("importer", "")),
            namespace=str(request.get("namespace", "")),
            resolve_dir=str(request.get("resolveDir", "")),
            kind=str(request.get("kind", "")),
            plugin_data=self._stash.get(request.get("pluginData", -1)),
            with_=dict(request.get("with") or {}),
        )

    def _load_args(self, request: dict[str, Any]) -> LoadArgs:
        return LoadArgs(
            path=str(request.get("path", "")),
            namespace=str(request.get("namespace", "")),
            suffix=str(request.get("suffix", "")),
            plugin_data=self._stash.get(request.get("pluginData", -1)),
            with_=dict(request.get("with") or {}),
        )

    def _response(self, id: int, plugin: str, result: ResolveResult | LoadResult) -> dict[str, Any]:
        response: dict[str, Any] = {"id": id, "pluginName": plugin}
        if isinstance(result, ResolveResult):
            for key, value in (("path", result.path), ("namespace", result.namespace),
                               ("suffix", result.suffix)):  # fmt: skip
                if value:
                    response[key] = value
            if result.external:
                response["external"] = True
            if result.side_effects is not None:
                response["sideEffects"] = result.side_effects
        else:
            if result.contents is not None:
                contents = result.contents
                response["contents"] = (
                    contents.encode("utf-8", "surrogateescape")
                    if isinstance(contents, str)
                    else bytes(contents)
                )
            if result.loader:
                response["loader"] = result.loader
            if result.resolve_dir:
                response["resolveDir"] = str(result.resolve_dir)
        if result.plugin_data is not None:
            stash_id = len(self._stash)
            self._stash[stash_id] = result.plugin_data
            response["pluginData"] = stash_id
        if result.errors:
            response["errors"] = [wire_message(m, plugin) for m in result.errors]
        if result.warnings:
            response["warnings"] = [wire_message(m, plugin) for m in result.warnings]
        if result.watch_files:
            files = [str(f) for f in result.watch_files]
            self.watch_files.update(files)
            response["watchFiles"] = files
        if result.watch_dirs:
            dirs = [str(d) for d in result.watch_dirs]
            self.watch_dirs.update(dirs)
            response["watchDirs"] = dirs
        return response

    def _failure(
        self, registered: _Registered, is_load: bool, args: Any, exc: Exception
    ) -> dict[str, Any]:
        hook = "on_load" if is_load else "on_resolve"
        subject = self._show(args.path)
        if not is_load and args.importer:
            subject = f"{subject!r} imported from {self._show(args.importer)}"
        text = f"plugin {registered.plugin!r} failed in {hook} for {subject}: "
        text += f"{type(exc).__name__}: {exc}"
        where = frame_in(exc, registered.file)
        notes = (f"at {where}",) if where is not None else ()
        location = Location(self._show(args.path)) if is_load else None
        return wire_message(Message(text, location, notes=notes), registered.plugin)

    def _show(self, path: str) -> str:
        """`path` relative to the app root when it is inside it."""
        if os.path.isabs(path):
            try:
                return Path(path).relative_to(self.root).as_posix()
            except ValueError:
                return path
        return path


class PluginSetup:
    """What a plugin registers its callbacks with (esbuild's `build` object in `setup`)."""

    def __init__(self, plugins: EsbuildPlugins, name: str, file: str | None) -> None:
        self._plugins = plugins
        self.name = name
        self._file = file

    @property
    def root(self) -> Path:
        return self._plugins.root

    def on_resolve(self, filter: str, callback: ResolveCallback, *, namespace: str = "") -> None:
        """Call `callback(ResolveArgs)` for each import whose path matches `filter` (Go regexp
        syntax) in an importer of `namespace` (any when empty)."""
        self._plugins._add(
            self._plugins._resolve, kind="resolve", **self._fields(filter, namespace, callback)
        )

    def on_load(self, filter: str, callback: LoadCallback, *, namespace: str = "") -> None:
        """Call `callback(LoadArgs)` for each module whose resolved path matches `filter` (Go
        regexp syntax) in `namespace` (any when empty; `file` for files on disk)."""
        self._plugins._add(
            self._plugins._load, kind="load", **self._fields(filter, namespace, callback)
        )

    def _fields(self, filter: str, namespace: str, callback: Any) -> dict[str, Any]:
        if not isinstance(filter, str) or not filter:
            raise TypeError("the filter must be a non-empty regular expression string")
        return {"plugin": self.name, "file": self._file, "filter": filter,
                "namespace": namespace, "callback": callback}  # fmt: skip


def wire_message(message: Message, plugin: str) -> dict[str, Any]:
    """One of our messages as esbuild's service expects it (every field present)."""
    return {
        "id": "",
        "pluginName": message.plugin or plugin,
        "text": message.text,
        "location": _wire_location(message.location),
        "notes": [{"text": note, "location": None} for note in message.notes],
        "detail": -1,
    }


def _wire_location(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {
        "file": location.file,
        "namespace": "file",
        "line": location.line,
        "column": location.column,
        "length": 0,
        "lineText": location.line_text,
        "suggestion": "",
    }
