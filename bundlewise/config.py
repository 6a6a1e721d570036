"""Configuration: `bundlewise.toml` or `[tool.bundlewise]` in `pyproject.toml`, plus CLI overrides.

Both files share one schema. Paths are resolved relative to the file that sets them (the app root
when there is no file). Validation reports *every* problem, each naming the file and the key,
before aborting once with exit code 2. Sections owned by a stage (`[images]`, `[compress]`,
`[budget]`) are validated by that stage's own options class, so the schema lives beside the code
that uses it.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from bundlewise.errors import ConfigError, Location, Message

CONFIG_FILE = "bundlewise.toml"

# Stage sections: key → "module:Class" whose `from_mapping(data, where)` validates the table.
# Imported lazily so that loading a config does not import Pillow or brotli.
SECTIONS: dict[str, str] = {
    "images": "bundlewise.images:ImageOptions",
    "compress": "bundlewise.compress:CompressOptions",
    "budget": "bundlewise.report.budget:BudgetConfig",
    "html": "bundlewise.hints:HintOptions",
    "cache": "bundlewise.cache.options:CacheOptions",
    "jsx": "bundlewise.js.jsx:JsxOptions",
}

# Vite's default: the browsers of the "Baseline widely available" set (features supported
# everywhere for 30 months), as esbuild targets. For CSS this means native nesting is flattened
# (Safari 16 and Firefox 104 do not have it) and `oklch()`/`lab()` colours get sRGB fallbacks.
DEFAULT_TARGET = "chrome107,edge107,firefox104,safari16"

TARGET_PREFIXES = ("es20", "esnext", "chrome", "firefox", "safari", "edge", "ios", "node", "opera")


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know. Paths are absolute."""

    root: Path
    config_file: Path | None = None
    out_dir: Path = Path("dist")
    public_dir: Path = Path("public")
    cache_dir: Path = Path(".bundlewise-cache")
    cache_url: str | None = None
    """Remote build cache (redis://, rediss://, http://, https://); BUNDLEWISE_CACHE_URL wins."""
    pages: tuple[str, ...] = ("**/*.html",)
    """Globs (relative to root) of HTML pages to build."""
    entries: tuple[str, ...] = ()
    """Extra script/style entries that no page references (backend-rendered HTML)."""
    base: str = "/"
    """Public URL the output folder is served from ("/", "/static/", or "./" for relative URLs)."""
    assets_dir: str = "assets"
    manifest: str = ".vite/manifest.json"
    target: str = DEFAULT_TARGET
    mode: str = "production"
    """`import.meta.env.MODE`, and which `.env.[mode]` files are read."""
    """Browsers the JS *and* CSS must work in (esbuild's `--target`, used for both)."""
    minify: bool = True
    hash_names: bool = True
    """Content hashes in entry and asset names (off in the watcher's dev builds)."""
    sourcemap: bool = True
    define: Mapping[str, str] = field(default_factory=dict)
    external: tuple[str, ...] = ()
    esbuild: str | None = None
    esbuild_timeout: float = 600.0
    empty_out_dir: bool = False
    """Empty an output folder that holds files bundlewise did not write (CLI only)."""
    plugins: tuple[str, ...] = ()
    plugin_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    strict: bool = False
    fs_allow: tuple[Path, ...] | None = None
    """Folders outside the root whose files may be built; None: the workspace root (see
    `bundlewise.workspace`)."""
    images: Any = None
    compress: Any = None
    budget: Any = None
    html: Any = None
    cache: Any = None
    jsx: Any = None

    def rel(self, path: Path) -> str:
        """`path` as a POSIX path relative to the root (for messages and manifest keys)."""
        return path.relative_to(self.root).as_posix()


# Simple keys: name → (type check, description used in messages).
_SCALARS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "root": (str, "a path"),
    "out_dir": (str, "a path"),
    "public_dir": (str, "a path"),
    "cache_dir": (str, "a path"),
    "cache_url": (str, "a URL such as 'redis://host:6379/0' or 'https://cache.example/bw'"),
    "base": (str, "a URL path such as '/' or '/static/'"),
    "assets_dir": (str, "a folder name"),
    "manifest": (str, "a path relative to out_dir"),
    "target": (str, "esbuild targets such as 'es2020' or 'chrome107,safari16'"),
    "mode": (str, "a mode name such as 'production' (selects .env.[mode] files)"),
    "minify": (bool, "true or false"),
    "sourcemap": (bool, "true or false"),
    "esbuild": (str, "a path to an esbuild binary"),
    "esbuild_timeout": ((int, float), "a number of seconds"),
    "strict": (bool, "true or false"),
}
_LISTS = ("pages", "entries", "external", "plugins", "fs_allow")
_PATH_KEYS = ("root", "out_dir", "public_dir", "cache_dir", "esbuild")


def find_config_file(root: Path) -> tuple[Path | None, Mapping[str, Any]]:
    """The config file in `root` and its bundlewise table: `bundlewise.toml` wins over pyproject."""
    dedicated = root / CONFIG_FILE
    if dedicated.is_file():
        return dedicated, _read_toml(dedicated)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("bundlewise")
        if isinstance(table, dict):
            return pyproject, table
    return None, {}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        # tomllib says where: "... (at line 3, column 9)"; columns there are 1-based.
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(at[1]), int(at[2]) - 1) if at else (0, 0)
        text = re.sub(r"\s*\(at line .*\)$", "", str(exc))
        where = Location(str(path), line, column, _line_text(path, line))
        raise ConfigError(Message(f"invalid TOML: {text}", where)) from None
    except OSError as exc:
        raise ConfigError(
            Message(f"cannot read config: {exc.strerror}", Location(str(path)))
        ) from None
    return data


def _line_text(path: Path, line: int) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def load_config(
    root: Path,
    config_path: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Read, merge and validate the configuration for the app in `root`.

    `overrides` come from the command line (already typed) and win over the file.
    """
    root = root.resolve()
    data: Mapping[str, Any]
    if config_path is not None:
        config_path = config_path.resolve()
        data = _read_toml(config_path)
        if config_path.name == "pyproject.toml":
            data = data.get("tool", {}).get("bundlewise", {})
        base_dir = config_path.parent
    else:
        config_path, data = find_config_file(root)
        base_dir = root
    where = str(config_path) if config_path else "command line"
    problems: list[Message] = []
    values = _validate_top_level(data, where, problems)
    # Paths in a file are relative to that file; the CLI passes absolute paths.
    for key in _PATH_KEYS:
        if key in values and key != "esbuild":
            values[key] = (base_dir / values[key]).resolve()
    if "fs_allow" in values:
        values["fs_allow"] = tuple((base_dir / p).resolve() for p in values["fs_allow"])
    if "esbuild" in values and ("/" in values["esbuild"] or values["esbuild"].startswith(".")):
        values["esbuild"] = str((base_dir / values["esbuild"]).resolve())
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    root = values.pop("root", root)
    sections = _validate_sections(data, where, problems)
    if problems:
        raise ConfigError(problems)
    config = Config(root=root, config_file=config_path, **_typed(values), **sections)
    return _absolute(config)


def _validate_top_level(
    data: Mapping[str, Any], where: str, problems: list[Message]
) -> dict[str, Any]:
    known = set(_SCALARS) | set(_LISTS) | set(SECTIONS) | {"define", "plugin"}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            problems.append(Message(f"unknown key '{key}'", _loc_key(where, key)))
        elif key in _SCALARS:
            kind, what = _SCALARS[key]
            if not isinstance(value, kind) or (
                isinstance(value, bool) and bool not in _as_tuple(kind)
            ):
                problems.append(Message(f"expected {what}, got {value!r}", _loc_key(where, key)))
            else:
                values[key] = value
        elif key in _LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(
                    Message(f"expected a list of strings, got {value!r}", _loc_key(where, key))
                )
            else:
                values[key] = tuple(value)
        elif key == "define":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                problems.append(
                    Message("expected a table of strings (JS expressions)", _loc_key(where, key))
                )
            else:
                values[key] = dict(value)
    _check_values(values, where, problems)
    return values


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _check_values(values: dict[str, Any], where: str, problems: list[Message]) -> None:
    target = values.get("target")
    if target is not None and not all(
        t.strip().lower().startswith(TARGET_PREFIXES) for t in target.split(",")
    ):
        problems.append(Message(f"unknown esbuild target {target!r}", _loc_key(where, "target")))
    base = values.get("base")
    if base is not None and not (base.startswith(("/", "./", "http://", "https://")) or base == ""):
        problems.append(
            Message("base must start with '/', './' or be a full URL", _loc_key(where, "base"))
        )
    if values.get("cache_url"):
        from bundlewise.cache.options import check_url

        if problem := check_url(values["cache_url"], from_file=True):
            problems.append(Message(problem, _loc_key(where, "cache_url")))
    mode = values.get("mode")
    if mode is not None and not re.fullmatch(r"[A-Za-z0-9_-]+", mode):
        problems.append(
            Message("mode must be letters, digits, '-' or '_'", _loc_key(where, "mode"))
        )
    timeout = values.get("esbuild_timeout")
    if timeout is not None and timeout <= 0:
        problems.append(Message("must be a positive number", _loc_key(where, "esbuild_timeout")))


def _validate_sections(
    data: Mapping[str, Any], where: str, problems: list[Message]
) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for key, target in SECTIONS.items():
        table = data.get(key, {})
        if not isinstance(table, dict):
            problems.append(Message(f"[{key}] must be a table", _loc_key(where, key)))
            table = {}
        options_class = _load_section_class(target)
        if options_class is None:
            continue
        options, messages = options_class.from_mapping(table, where)
        problems.extend(messages)
        sections[key] = options
    plugin_tables = data.get("plugin", {})
    if plugin_tables and not isinstance(plugin_tables, dict):
        problems.append(Message("[plugin.NAME] tables expected", _loc_key(where, "plugin")))
        plugin_tables = {}
    sections["plugin_options"] = dict(plugin_tables)
    return sections


def _load_section_class(target: str) -> Any:
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None  # stage not installed in this build of bundlewise
        raise
    return getattr(module, class_name)


def _loc_key(where: str, key: str) -> Location:
    """Config problems are located by file and key: `bundlewise.toml: minify: error: ...`."""
    return Location(f"{where}: {key}")


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(Config)}
    out = {k: v for k, v in values.items() if k in names}
    if "esbuild_timeout" in out:
        out["esbuild_timeout"] = float(out["esbuild_timeout"])
    return out


def _absolute(config: Config) -> Config:
    def resolve(p: Path) -> Path:
        return p if p.is_absolute() else (config.root / p).resolve()

    return replace(
        config,
        out_dir=resolve(config.out_dir),
        public_dir=resolve(config.public_dir),
        cache_dir=resolve(config.cache_dir),
    )
