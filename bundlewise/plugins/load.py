"""Find the plugins a config names, load them, and validate their `[plugin.NAME]` options.

A name in `plugins` is, in this order:
- a path to a `.py` file (it contains `/` or ends in `.py`), relative to the config file;
- a first-party plugin (`sri`, `cache_headers`), shipped with bundlewise;
- an entry point of an installed package in the `bundlewise.plugins` group.

Every problem is collected first and reported once, as a config error (exit 2).
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from bundlewise.config import Config
from bundlewise.config_schema import Problems
from bundlewise.errors import ConfigError, Location, Message
from bundlewise.plugins.base import HOOKS, Order, Plugin
from bundlewise.plugins.options import validate_options
from bundlewise.raised_at import frame_in

ENTRY_POINT_GROUP = "bundlewise.plugins"
FIRST_PARTY = ("cache_headers", "sri")


@dataclass(frozen=True)
class LoadedPlugin:
    """A plugin ready to run: its hooks, bound to the instance or taken from the module."""

    name: str
    order: Order
    hooks: Mapping[str, Callable[..., Any]]
    file: str | None
    """The file the plugin's code lives in (to point at the line where a hook failed)."""


def first_party_dir() -> Path:
    """Where the first-party plugins are: in the wheel, or the checkout's top-level `plugins/`."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "_first_party_plugins"
    return installed if installed.is_dir() else package.parent / "plugins"


def load_plugins(config: Config) -> list[LoadedPlugin]:
    """Load and order the plugins of `config`: `pre`, `normal`, `post`, then config order."""
    base_dir = config.config_file.parent if config.config_file else config.root
    problems = Problems.for_file(config.config_file, config.root)
    loaded: list[LoadedPlugin] = []
    names: set[str] = set()
    for spec in config.plugins:
        plugin = _load_one(spec, base_dir, config.plugin_options, problems)
        if plugin is None:
            continue
        if plugin.name in names:
            problems.add("", "plugins", f"plugin {plugin.name!r} is listed twice")
        names.add(plugin.name)
        loaded.append(plugin)
    for name in config.plugin_options:
        if name not in names and not any(p.name == name for p in loaded):
            problems.add(f"plugin.{name}", "", f"options for plugin {name!r}, not in `plugins`")
    problems.raise_if_any()
    rank = {"pre": 0, "normal": 1, "post": 2}
    return sorted(loaded, key=lambda p: rank[p.order])


def plugin_problems(config: Config, problems: Problems) -> None:
    """Add what loading the plugins of `config` finds wrong (their options, a missing plugin) to
    `problems`, so that a config with other problems is reported whole, in one go."""
    try:
        load_plugins(config)
    except ConfigError as error:
        problems.messages.extend(error.messages)


def _load_one(
    spec: str,
    base_dir: Path,
    all_options: Mapping[str, Mapping[str, Any]],
    problems: Problems,
) -> LoadedPlugin | None:
    target, name = _resolve(spec, base_dir, problems)
    if target is None:
        return None
    table = all_options.get(name, {})
    if isinstance(target, type):
        return _from_class(target, name, table, problems)
    return _from_module(target, name, table, problems)


def _resolve(spec: str, base_dir: Path, problems: Problems) -> tuple[type | ModuleType | None, str]:
    """The class or module `spec` names, and the plugin's name (file stem or entry-point name)."""
    if "/" in spec or "\\" in spec or spec.endswith(".py"):
        path = (base_dir / spec).resolve()
        return _import_file(path, spec, problems), path.stem
    if spec in FIRST_PARTY:
        return _import_file(first_party_dir() / f"{spec}.py", spec, problems), spec
    from importlib import metadata  # slow to import (~15 ms): only for installed plugins

    entry_points = metadata.entry_points(group=ENTRY_POINT_GROUP, name=spec)
    if not entry_points:
        known = sorted({*FIRST_PARTY, *metadata.entry_points(group=ENTRY_POINT_GROUP).names})
        problems.add(
            "",
            "plugins",
            f"plugin {spec!r} not found: not a file, not a first-party plugin, and no "
            f"installed package declares it in the {ENTRY_POINT_GROUP!r} entry-point group",
            notes=(f"available: {', '.join(known)}", "a path must contain '/' or end in .py"),
        )
        return None, spec
    entry_point = next(iter(entry_points))
    try:
        loaded = entry_point.load()
    except Exception as exc:
        problems.add(
            "",
            "plugins",
            f"plugin {spec!r} failed to import: {type(exc).__name__}: {exc}",
            notes=(f"entry point {entry_point.value}", *_origin(exc)),
        )
        return None, spec
    if not isinstance(loaded, type | ModuleType):
        problems.add(
            "",
            "plugins",
            f"plugin {spec!r}: entry point {entry_point.value} is neither a module nor a class",
        )
        return None, spec
    return loaded, spec


def _import_file(path: Path, spec: str, problems: Problems) -> ModuleType | None:
    if not path.is_file():
        problems.add("", "plugins", f"plugin file {spec!r} not found ({path})")
        return None
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    module_name = f"bundlewise_plugin_{path.stem}_{digest}"
    module_spec = importlib.util.spec_from_file_location(module_name, path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    # Registered by name, so that dataclasses and typing find the module's globals.
    sys.modules[module_name] = module
    try:
        module_spec.loader.exec_module(module)
    except SyntaxError as exc:
        loc = Location(str(path), exc.lineno or 0, max((exc.offset or 1) - 1, 0), exc.text or "")
        problems.messages.append(Message(f"plugin {spec!r}: {exc.msg}", loc))
        sys.modules.pop(module_name, None)
        return None
    except Exception as exc:
        problems.messages.append(
            Message(
                f"plugin {spec!r} failed to import: {type(exc).__name__}: {exc}",
                frame_in(exc, str(path)) or Location(str(path)),
            )
        )
        sys.modules.pop(module_name, None)
        return None
    return module


def _from_class(
    cls: type, name: str, table: Mapping[str, Any], problems: Problems
) -> LoadedPlugin | None:
    if not issubclass(cls, Plugin):
        problems.messages.append(
            Message(f"plugin {name!r}: {cls.__name__} is not a bundlewise Plugin")
        )
        return None
    options = validate_options(cls.Options, table, name, problems)
    instance = cls(name, options)
    hooks = {
        hook: getattr(instance, hook)
        for hook in HOOKS
        if getattr(cls, hook, None) is not getattr(Plugin, hook)
    }
    import inspect

    return LoadedPlugin(name, _order(cls.order, name, problems), hooks, inspect.getsourcefile(cls))


def _from_module(
    module: ModuleType, name: str, table: Mapping[str, Any], problems: Problems
) -> LoadedPlugin | None:
    classes = [
        c
        for c in vars(module).values()
        if isinstance(c, type)
        and issubclass(c, Plugin)
        and c is not Plugin
        and c.__module__ == module.__name__
    ]
    if len(classes) > 1:
        problems.messages.append(
            Message(
                f"plugin {name!r} defines {len(classes)} Plugin classes; keep one per module",
                Location(module.__file__ or name),
            )
        )
        return None
    if classes:
        return _from_class(classes[0], name, table, problems)
    hooks = {h: f for h in HOOKS if callable(f := getattr(module, h, None))}
    if not hooks:
        problems.messages.append(
            Message(
                f"plugin {name!r} has no hooks: define on_* functions or a Plugin subclass",
                Location(module.__file__ or name),
                notes=(f"hooks: {', '.join(HOOKS)}",),
            )
        )
        return None
    # A hooks module reads its validated options as the module global `options`.
    options = validate_options(getattr(module, "Options", None), table, name, problems)
    setattr(module, "options", options)  # noqa: B010
    order = _order(getattr(module, "order", "normal"), name, problems)
    return LoadedPlugin(name, order, hooks, module.__file__)


def _order(value: Any, name: str, problems: Problems) -> Order:
    if value in ("pre", "normal", "post"):
        return value  # type: ignore[no-any-return]
    problems.messages.append(Message(f"plugin {name!r}: order must be 'pre', 'normal' or 'post'"))
    return "normal"


def _origin(exc: BaseException) -> tuple[str, ...]:
    frames = traceback.extract_tb(exc.__traceback__)
    return (f"at {frames[-1].filename}:{frames[-1].lineno}",) if frames else ()
