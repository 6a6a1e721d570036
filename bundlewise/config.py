"""Configuration: `bundlewise.toml` or `[tool.bundlewise]` in `pyproject.toml`, plus CLI overrides.

Both files share one schema: the fields of `Config` and of each section's frozen dataclass
(`[images]` → `ImageOptions`, ...), which live beside the code that uses them. Paths are resolved
relative to the file that sets them (the app root when there is no file). `bundlewise.config_schema`
checks every table and reports *every* problem, `file: [section].key: problem`, before the build
stops once with exit code 2.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Annotated, Any

from bundlewise.cache.options import CacheOptions, check_url
from bundlewise.compress.options import CompressOptions, compress_problems
from bundlewise.config_schema import (
    NOT_A_KEY,
    Between,
    Check,
    Problems,
    check_table,
    read_section,
    section,
)
from bundlewise.errors import ConfigError, Location, Message
from bundlewise.hints.options import HintOptions
from bundlewise.images.options import ImageOptions
from bundlewise.js.jsx import JsxOptions
from bundlewise.report.budget import BudgetConfig, read_budget

CONFIG_FILE = "bundlewise.toml"

# Vite's default: the browsers of the "Baseline widely available" set (features supported
# everywhere for 30 months), as esbuild targets. For CSS this means native nesting is flattened
# (Safari 16 and Firefox 104 do not have it) and `oklch()`/`lab()` colours get sRGB fallbacks.
DEFAULT_TARGET = "chrome107,edge107,firefox104,safari16"

TARGET_PREFIXES = ("es20", "esnext", "chrome", "firefox", "safari", "edge", "ios", "node", "opera")


def _target(value: str) -> str:
    if not all(t.strip().lower().startswith(TARGET_PREFIXES) for t in value.split(",")):
        raise ValueError(f"unknown esbuild target {value!r} (write e.g. 'es2020' or 'chrome107')")
    return value


def _base(value: str) -> str:
    if value and not value.startswith(("/", "./", "http://", "https://")):
        raise ValueError(f"expected a path starting with '/' or './', or a full URL, got {value!r}")
    return value


def _mode(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
        raise ValueError(f"expected letters, digits, '-' or '_', got {value!r}")
    return value


def _cache_url(value: str) -> str:
    if value and (problem := check_url(value, from_file=True)):
        raise ValueError(problem)
    return value


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know. Paths are absolute. Each field not marked NOT_A_KEY is a
    key of the config file (a section field: a `[table]`)."""

    root: Path
    """Where sources live and what paths are relative to (default: the app folder)."""
    config_file: Path | None = field(default=None, metadata=NOT_A_KEY)
    out_dir: Path = Path("dist")
    public_dir: Path = Path("public")
    """Copied verbatim to the output root."""
    cache_dir: Path = Path(".bundlewise-cache")
    cache_url: Annotated[str | None, Check(_cache_url)] = None
    """Remote build cache (redis://, rediss://, http://, https://); BUNDLEWISE_CACHE_URL wins."""
    pages: tuple[str, ...] = ("**/*.html",)
    """Globs (relative to root) of HTML pages to build."""
    entries: tuple[str, ...] = ()
    """Extra script/style entries that no page references (backend-rendered HTML)."""
    base: Annotated[str, Check(_base)] = "/"
    """Public URL the output folder is served from ("/", "/static/", or "./" for relative URLs)."""
    assets_dir: str = "assets"
    """Folder for hashed outputs inside `out_dir`."""
    manifest: str = ".vite/manifest.json"
    """Manifest path inside `out_dir`."""
    target: Annotated[str, Check(_target)] = DEFAULT_TARGET
    """Browsers the JS *and* CSS must work in (esbuild's `--target`, used for both)."""
    mode: Annotated[str, Check(_mode)] = "production"
    """`import.meta.env.MODE`, and which `.env.[mode]` files are read."""
    minify: bool = True
    hash_names: bool = field(default=True, metadata=NOT_A_KEY)
    """Content hashes in entry and asset names (off in the watcher's dev builds)."""
    sourcemap: bool = True
    define: Mapping[str, str] = field(default_factory=dict)
    """Extra `--define` replacements (JS expressions)."""
    external: tuple[str, ...] = ()
    """Imports left unbundled."""
    esbuild: str | None = None
    """Path to an esbuild binary (default: found, see `bundlewise.esbuild.locate`)."""
    esbuild_timeout: Annotated[float, Between(0, None, low_open=True)] = 600.0
    """Seconds before a hanging esbuild is stopped."""
    empty_out_dir: bool = field(default=False, metadata=NOT_A_KEY)
    """Empty an output folder that holds files bundlewise did not write (CLI only)."""
    plugins: tuple[str, ...] = ()
    """Plugins by path ("plugins/sri.py") or by installed name."""
    plugin_options: Mapping[str, Mapping[str, Any]] = field(
        default_factory=dict, metadata=section("plugin")
    )
    """The `[plugin.NAME]` tables, checked against each plugin's `Options` when it loads."""
    strict: bool = False
    """Fail the build on warnings."""
    fs_allow: tuple[Path, ...] | None = None
    """Folders outside the root whose files may be built; None: the workspace root (see
    `bundlewise.sources.workspace`)."""
    images: ImageOptions = field(default_factory=ImageOptions, metadata=section())
    compress: CompressOptions = field(default_factory=CompressOptions, metadata=section())
    budget: BudgetConfig = field(default_factory=BudgetConfig, metadata=section())
    html: HintOptions = field(default_factory=HintOptions, metadata=section())
    """`[html]`: the performance hints pages get."""
    cache: CacheOptions = field(default_factory=CacheOptions, metadata=section())
    jsx: JsxOptions = field(default_factory=JsxOptions, metadata=section())

    def rel(self, path: Path) -> str:
        """`path` as a POSIX path relative to the root (for messages and manifest keys)."""
        return path.relative_to(self.root).as_posix()


_PATH_KEYS = ("root", "out_dir", "public_dir", "cache_dir")


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
    *,
    more_checks: Callable[[Config, Problems], None] | None = None,
) -> Config:
    """Read, merge and validate the configuration for the app in `root`.

    `overrides` come from the command line (already typed) and win over the file. When the file
    has problems, `more_checks` adds its own before the one report (the build passes the check
    of the plugins' options, which otherwise runs only once the rest is valid).
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
    problems = Problems.for_file(config_path, root)
    values = check_table(Config, data, problems, partial=True)
    # Paths in a file are relative to that file; the CLI passes absolute paths.
    for key in _PATH_KEYS:
        if key in values:
            values[key] = (base_dir / values[key]).resolve()
    if "fs_allow" in values and values["fs_allow"] is not None:
        values["fs_allow"] = tuple((base_dir / p).resolve() for p in values["fs_allow"])
    if "esbuild" in values and ("/" in values["esbuild"] or values["esbuild"].startswith(".")):
        values["esbuild"] = str((base_dir / values["esbuild"]).resolve())
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    root = values.pop("root", root)
    sections = _read_sections(data, problems, base_dir)
    # Bad values are left out, so the defaults stand in for them and the record can be made.
    config = _absolute(Config(root=root, config_file=config_path, **_typed(values), **sections))
    if problems.messages and more_checks is not None:
        more_checks(config, problems)
    problems.raise_if_any()
    return config


def _read_sections(data: Mapping[str, Any], problems: Problems, base_dir: Path) -> dict[str, Any]:
    """Each `[section]` read by its own schema; all problems go to `problems`."""
    images = read_section(ImageOptions, data.get("images", {}), problems, "images")
    compress = read_section(CompressOptions, data.get("compress", {}), problems, "compress")
    for key, problem in compress_problems(compress):
        problems.add("compress", key, problem)
    budget = read_budget(data.get("budget", {}), problems, base_dir)
    html = read_section(HintOptions, data.get("html", {}), problems, "html")
    cache = read_section(CacheOptions, data.get("cache", {}), problems, "cache")
    jsx = read_section(JsxOptions, data.get("jsx", {}), problems, "jsx")
    if jsx.is_set:
        jsx = replace(jsx, origin=f"[jsx] in {problems.file}")
    return {
        "images": images,
        "compress": compress,
        "budget": budget,
        "html": html,
        "cache": cache,
        "jsx": jsx,
        "plugin_options": _plugin_tables(data.get("plugin", {}), problems),
    }


def _plugin_tables(tables: object, problems: Problems) -> dict[str, Mapping[str, Any]]:
    """`[plugin.NAME]` tables, kept for the plugin loader (it knows each plugin's options)."""
    if not isinstance(tables, Mapping):
        problems.add("", "plugin", "expected [plugin.NAME] tables")
        return {}
    good = {}
    for name, table in tables.items():
        if isinstance(table, Mapping):
            good[name] = table
        else:
            problems.add("", f"plugin.{name}", f"expected a table of options, got {table!r}")
    return good


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
