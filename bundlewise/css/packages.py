"""`@import "pkg"` in a stylesheet: the package's stylesheet, as Vite and postcss-import find it.

A package that ships CSS names it with the `style` condition of its `exports` (`".": {"style":
"./dist/pkg.css", "default": "./index.js"}`) or with a `style` field. esbuild resolves `@import`
like a JS import and lands on the package's JS, which a stylesheet cannot import. Passing
`--conditions=style` (or an alias) would change how JS imports resolve too, so instead each such
`@import` of the app's stylesheets is resolved here, and a resolve callback that answers only for
`@import` hands esbuild the file (`bundlewise.builtins.style_packages`).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from bundlewise.config import Config
from bundlewise.css.app_sheets import AppStylesheets, app_stylesheets

_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(["'])(?P<spec>[^"']+)\1""", re.IGNORECASE)
_PACKAGE = re.compile(r"^(?P<name>(?:@[\w.-]+/)?[\w.-]+)(?:/(?P<sub>.+))?$")


def style_aliases(config: Config) -> dict[str, str]:
    """Bare `@import` specifier → its package's stylesheet, relative to the root (`./...`)."""
    scan = app_stylesheets(config)
    if scan.aliases is None:
        scan.aliases = _find_aliases(config, scan)
    return scan.aliases


def _find_aliases(config: Config, scan: AppStylesheets) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for path in scan.paths:
        text = scan.text(path)
        if "@import" not in text:
            continue
        for m in _IMPORT.finditer(text):
            spec = m["spec"]
            if spec in aliases or not _PACKAGE.match(spec) or ":" in spec:
                continue
            target = style_entry(config.root, path.parent, spec)
            if target is not None:
                aliases[spec] = "./" + target.relative_to(config.root).as_posix()
    return dict(sorted(aliases.items()))


def style_entry(root: Path, folder: Path, spec: str) -> Path | None:
    """The stylesheet package import `spec`, written in `folder`, names; None if it names none."""
    m = _PACKAGE.match(spec)
    if m is None:
        return None
    package = _package_dir(root, folder, m["name"])
    if package is None:
        return None
    try:
        manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    sub = m["sub"]
    target = _style_export(manifest.get("exports"), "./" + sub if sub else ".")
    if target is None and not sub and isinstance(manifest.get("style"), str):
        target = manifest["style"]
    if target is None:
        return None
    path = Path(os.path.normpath(package / target))
    if path.suffix.lower() != ".css" or not path.is_file() or not path.is_relative_to(root):
        return None
    return path


def _package_dir(root: Path, folder: Path, name: str) -> Path | None:
    """`node_modules/NAME` in `folder` or the nearest parent, up to the root."""
    current = folder
    while True:
        candidate = current / "node_modules" / name
        if (candidate / "package.json").is_file():
            return candidate
        if current == root or root not in current.parents:
            return None
        current = current.parent


def _style_export(exports: Any, key: str) -> str | None:
    """The `style` condition of `exports[key]` (or of `exports` itself, for `.`)."""
    if isinstance(exports, dict) and any(k.startswith(".") for k in exports):
        exports = exports.get(key)
    elif key != ".":
        return None
    return _condition(exports, "style")


def _condition(entry: Any, name: str) -> str | None:
    if isinstance(entry, dict):
        if isinstance(entry.get(name), str):
            return str(entry[name])
        for value in entry.values():  # nested conditions: {"import": {"style": ...}}
            found = _condition(value, name)
            if found is not None:
                return found
    return None
