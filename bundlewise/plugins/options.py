"""Validate a `[plugin.NAME]` table against the plugin's `Options` dataclass.

Like the rest of the config: unknown keys, wrong types and missing required keys are all
reported, each naming the file and the key, before the build aborts once.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any

from bundlewise.errors import Location, Message

_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


def validate_options(
    options_cls: type | None,
    table: Mapping[str, Any],
    name: str,
    where: str,
    problems: list[Message],
) -> Any:
    """The validated options instance (`None` for a plugin without `Options`)."""
    if options_cls is None:
        if table:
            problems.append(
                Message(f"plugin {name!r} takes no options", _at(where, f"plugin.{name}"))
            )
        return None
    if not dataclasses.is_dataclass(options_cls):
        problems.append(Message(f"plugin {name!r}: Options must be a dataclass"))
        return None
    hints = typing.get_type_hints(options_cls)
    fields = {f.name: f for f in dataclasses.fields(options_cls) if f.init}
    values: dict[str, Any] = {}
    count = len(problems)
    for key, value in table.items():
        if key not in fields:
            problems.append(
                Message(
                    f"unknown option {key!r} for plugin {name!r}",
                    _at(where, f"plugin.{name}.{key}"),
                    notes=(f"options: {', '.join(fields) or 'none'}",),
                )
            )
            continue
        checked = _check(value, hints[key])
        if checked is _BAD:
            problems.append(
                Message(
                    f"expected {_describe(hints[key])}, got {value!r}",
                    _at(where, f"plugin.{name}.{key}"),
                )
            )
        else:
            values[key] = checked
    for key, f in fields.items():
        missing = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if missing and key not in table:
            problems.append(
                Message(f"plugin {name!r} needs option {key!r}", _at(where, f"plugin.{name}.{key}"))
            )
    if len(problems) > count:
        return None
    return options_cls(**values)


_BAD = object()


def _check(value: Any, kind: Any) -> Any:
    """`value` converted to `kind` (a TOML array to a tuple), or `_BAD`."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(kind):
            if option is type(None) and value is None:
                return None
            checked = _check(value, option)
            if checked is not _BAD:
                return checked
        return _BAD
    if origin in (tuple, list):
        args = [a for a in typing.get_args(kind) if a is not Ellipsis] or [Any]
        if not isinstance(value, list):
            return _BAD
        items = [_check(v, args[0]) for v in value]
        if any(i is _BAD for i in items):
            return _BAD
        return tuple(items) if origin is tuple else items
    if origin in (dict, Mapping) or kind in (dict, Mapping):
        return dict(value) if isinstance(value, dict) else _BAD
    if kind is Any:
        return value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool) and kind is not bool:
        return _BAD
    return value if isinstance(kind, type) and isinstance(value, kind) else _BAD


def _describe(kind: Any) -> str:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(kind) if a is not type(None))
    if origin in (tuple, list):
        args = [a for a in typing.get_args(kind) if a is not Ellipsis]
        item = _describe(args[0]).removeprefix("an ").removeprefix("a ") if args else ""
        return f"a list of {item}s" if item else "a list"
    return _NAMES.get(kind, getattr(kind, "__name__", str(kind)))


def _at(where: str, key: str) -> Location:
    return Location(f"{where}: {key}")
