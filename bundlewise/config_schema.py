"""One validator for every config table: the core keys, each `[section]` and each `[plugin.NAME]`.

A table is checked against a dataclass: its fields are the keys and their annotations the types
(`bool`, `int`, `float`, `str`, `Path`, `Literal[...]`, `X | None`, `tuple[X, ...]`, `list[X]`,
`Mapping[K, V]`). `Annotated` adds what a type cannot say: `Between(0, 9)` for a range,
`Check(fn)` for a rule on the converted value, `Parse(fn)` for values people write as text
("200 kB"). Every problem of the whole file goes into one `Problems`, and the build stops once,
listing each in one shape (exit code 2):

    bundlewise.toml: minfy: unknown key (did you mean minify?)
    bundlewise.toml: [images].qualty: unknown key (did you mean quality?)
    pyproject.toml: [tool.bundlewise.compress].levl: unknown key (did you mean gzip_level?)
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from bundlewise.errors import ConfigError, Message

T = TypeVar("T")

# Field metadata. A field marked NOT_A_KEY is filled by the program, never read from the file; a
# field marked with `section(...)` is a table that its own reader checks (the core check only
# knows its name, to suggest it for a typo).
NOT_A_KEY: Mapping[str, Any] = types.MappingProxyType({"config_key": False})


def section(name: str = "") -> Mapping[str, Any]:
    """Metadata of a field that holds a `[name]` table (default: the field's name)."""
    return types.MappingProxyType({"config_section": name})


def alias(*names: str) -> Mapping[str, Any]:
    """Metadata of a field that is also accepted under other names (the one users reach for)."""
    return types.MappingProxyType({"config_aliases": names})


@dataclass(frozen=True)
class Between:
    """A number in a range; `low_open`/`high_open` leave that end out."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def describe(self, noun: str) -> str:
        closed = not (self.low_open or self.high_open)
        if noun == "an integer" and None not in (self.low, self.high) and closed:
            return f"an integer from {self.low} to {self.high}"
        ends = []
        if self.low is not None:
            ends.append(f"{'>' if self.low_open else '≥'} {self.low}")
        if self.high is not None:
            ends.append(f"{'<' if self.high_open else '≤'} {self.high}")
        return f"{noun} {' and '.join(ends)}"

    def holds(self, value: float) -> bool:
        low, high = self.low, self.high
        above = low is None or (value > low if self.low_open else value >= low)
        below = high is None or (value < high if self.high_open else value <= high)
        return above and below


@dataclass(frozen=True)
class Check:
    """A rule on the converted value: `fn` returns the value to keep or raises ValueError(why)."""

    fn: Callable[[Any], Any]


@dataclass(frozen=True)
class Parse:
    """Converts the raw TOML value instead of the type check (`"200 kB"` → 200000); raises
    ValueError with what is wrong. `what` describes the values it takes, for messages."""

    fn: Callable[[Any], Any]
    what: str = ""


class Problems:
    """Every problem of one config file, each reported as `file: [section].key: problem`."""

    def __init__(self, file: str = "command line", table: str = "") -> None:
        self.file = file
        self.table = table  # "tool.bundlewise" for pyproject.toml: every key lives under it
        self.messages: list[Message] = []

    @classmethod
    def for_file(cls, config_file: Path | None, root: Path) -> Problems:
        """Problems of `config_file` (None: no file), named relative to the app root when inside."""
        if config_file is None:
            return cls()
        name = config_file.as_posix()
        if config_file.is_relative_to(root):
            name = config_file.relative_to(root).as_posix()
        table = "tool.bundlewise" if config_file.name == "pyproject.toml" else ""
        return cls(name, table)

    def where(self, section: str, key: str = "") -> str:
        """`[images].quality`, `minify`, or `[tool.bundlewise].minify` in pyproject.toml."""
        table = ".".join(part for part in (self.table, section) if part)
        if not table:
            return key
        return f"[{table}].{key}" if key else f"[{table}]"

    def add(self, section: str, key: str, problem: str, notes: tuple[str, ...] = ()) -> None:
        """One problem of the `key` of `[section]` ("" for the top level; key "" for the table)."""
        text = f"{self.file}: {self.where(section, key)}: {problem}"
        self.messages.append(Message(text, notes=notes))

    def unknown(self, section: str, key: str, known: Iterable[str]) -> None:
        self.add(section, key, f"unknown key {suggest(key, known)}")

    def raise_if_any(self) -> None:
        if self.messages:
            raise ConfigError(self.messages)


def suggest(word: str, known: Iterable[str]) -> str:
    """`(did you mean X?)` for a close known name, else the known names.

    A word close to one part of a longer name counts too: `levl` → `gzip_level or zstd_level`.
    """
    choices = sorted(known)
    close = difflib.get_close_matches(word, choices, n=1)
    if not close:
        close = [c for c in choices if difflib.get_close_matches(word, c.split("_"), cutoff=0.75)]
    if close and len(close) <= 3:
        return f"(did you mean {' or '.join(close)}?)"
    return f"(expected one of {', '.join(choices)})" if choices else "(this table takes no keys)"


def read_section(schema: type[T], table: object, problems: Problems, name: str) -> T:
    """An instance of `schema` from the `[name]` table; a bad value keeps its field's default."""
    return schema(**check_table(schema, table, problems, name))


def check_table(
    schema: type, table: object, problems: Problems, name: str = "", *, partial: bool = False
) -> dict[str, Any]:
    """The keys of `table` converted to the field types of `schema`, by field name.

    Unknown keys, bad values and (unless `partial`: the caller fills them) missing required
    keys are added to `problems`.
    """
    if not isinstance(table, Mapping):
        problems.add("", name, f"expected a table, got {table!r}")
        return {}
    hints = typing.get_type_hints(schema, include_extras=True)
    fields = [f for f in dataclasses.fields(schema) if f.init]
    keys = {f.name: f for f in fields if f.metadata.get("config_key", True)}
    by_key = {k: f for k, f in keys.items() if "config_section" not in f.metadata}
    sections = {
        f.metadata["config_section"] or f.name for f in keys.values() if f.name not in by_key
    }
    by_key.update({a: f for f in by_key.values() for a in f.metadata.get("config_aliases", ())})
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in sections:
            continue
        if key not in by_key:
            problems.unknown(name, key, [*by_key, *sections])
            continue
        target = by_key[key].name
        try:
            values[target] = convert(value, hints[target])
        except Invalid as bad:
            for path, problem in bad.problems:
                problems.add(name, ".".join((key, *path)), problem)
    for f in keys.values():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required and not partial and f.name not in table:
            problems.add(name, f.name, "missing (this key is required)")
    return values


class Invalid(Exception):
    """A value that does not fit its type: (path below the key, problem) pairs."""

    def __init__(self, problems: list[tuple[tuple[str, ...], str]]) -> None:
        super().__init__(problems)
        self.problems = problems


def _bad(value: Any, kind: Any) -> Invalid:
    return Invalid([((), f"expected {describe(kind)}, got {value!r}")])


def convert(value: Any, kind: Any) -> Any:
    """`value` (as TOML gives it) as `kind`: a list becomes a tuple where the type says so."""
    if typing.get_origin(kind) is typing.Annotated:
        return _annotated(value, kind)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        for option in args:
            if option is type(None) and value is None:
                return None
            try:
                return convert(value, option)
            except Invalid:
                continue
        raise _bad(value, kind)
    if origin is Literal:
        if value in args and type(value) in {type(a) for a in args}:
            return value
        raise _bad(value, kind)
    if origin in (tuple, list):
        if not isinstance(value, list | tuple):
            raise _bad(value, kind)
        item = args[0] if args else Any
        try:
            items = [convert(v, item) for v in value]
        except Invalid:
            raise _bad(value, kind) from None
        return tuple(items) if origin is tuple else items
    if origin in (dict, Mapping) or kind in (dict, Mapping):
        return _mapping(value, kind, args)
    return _scalar(value, kind)


def _annotated(value: Any, kind: Any) -> Any:
    base, *rules = typing.get_args(kind)
    parse = next((r for r in rules if isinstance(r, Parse)), None)
    raw = value  # messages show what the file says: `0`, not `0.0`
    try:
        value = parse.fn(value) if parse else convert(value, base)
    except Invalid as bad:
        if [path for path, _ in bad.problems] == [()]:
            raise _bad(raw, kind) from None  # say the range too: "an integer from 1 to 9"
        raise
    except ValueError as exc:
        raise Invalid([((), str(exc))]) from None
    try:
        for rule in rules:
            if isinstance(rule, Between) and value is not None and not rule.holds(value):
                raise _bad(raw, kind)
            if isinstance(rule, Check) and value is not None:
                value = rule.fn(value)
    except ValueError as exc:
        raise Invalid([((), str(exc))]) from None
    return value


def _mapping(value: Any, kind: Any, args: tuple[Any, ...]) -> dict[Any, Any]:
    if not isinstance(value, Mapping):
        raise _bad(value, kind)
    key_kind, item_kind = args if args else (str, Any)
    result: dict[Any, Any] = {}
    problems: list[tuple[tuple[str, ...], str]] = []
    for key, item in value.items():
        try:
            convert(key, key_kind)
        except Invalid as bad:
            if typing.get_origin(key_kind) is Literal:
                known = typing.get_args(key_kind)
                problems.append(((str(key),), f"unknown key {suggest(str(key), known)}"))
            else:  # a Check on the key said what is wrong with it
                problems.extend(((str(key), *path), problem) for path, problem in bad.problems)
            continue
        try:
            result[key] = convert(item, item_kind)
        except Invalid as bad:
            problems.extend(((str(key), *path), problem) for path, problem in bad.problems)
    if problems:
        raise Invalid(problems)
    return result


def _scalar(value: Any, kind: Any) -> Any:
    if kind is Any:
        return value
    if isinstance(value, bool) and kind is not bool:
        raise _bad(value, kind)  # bool is an int in Python, but `level = true` is a mistake
    if kind is float and isinstance(value, int):
        return float(value)
    if kind is Path and isinstance(value, str):
        return Path(value)
    if isinstance(kind, type) and isinstance(value, kind):
        return value
    raise _bad(value, kind)


_NAMES: dict[Any, str] = {
    bool: "true or false",
    int: "an integer",
    float: "a number",
    str: "a string",
    Path: "a path",
}


def describe(kind: Any) -> str:
    """What a value of `kind` looks like, for "expected ..., got ..."."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Annotated:
        said = [r.what for r in args[1:] if isinstance(r, Parse) and r.what]
        ranges = [r for r in args[1:] if isinstance(r, Between)]
        if said:
            return said[0]
        return ranges[0].describe(describe(args[0])) if ranges else describe(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe(a) for a in args if a is not type(None))
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (tuple, list):
        item = describe(args[0]) if args else ""
        return f"a list of {_plural(item)}" if item else "a list"
    if origin in (dict, Mapping) or kind in (dict, Mapping):
        return (
            f"a table of {_plural(describe(args[1]))}" if args and args[1] is not Any else "a table"
        )
    return _NAMES.get(kind, getattr(kind, "__name__", str(kind)))


def _plural(noun: str) -> str:
    """ "an integer from 1 to 9" → "integers from 1 to 9", "one of 'a', 'b'" stays."""
    if noun.startswith("one of "):
        return noun.removeprefix("one of ")
    head, _, rest = noun.removeprefix("an ").removeprefix("a ").partition(" ")
    return f"{head}s {rest}".rstrip() if head not in ("true",) else "booleans"
