"""Where files outside the app root may come from: the workspace, and dependencies.

A build reads files outside its app root in two legitimate ways:

- **the workspace**: a monorepo's app imports `../../packages/ui/button.js`. Allowed inside the
  workspace root, the nearest folder at or above the app root holding `.git`, a
  `pnpm-workspace.yaml`, or a `package.json` with `workspaces` (Vite's `searchForWorkspaceRoot`
  uses the same markers); `fs_allow = [...]` in the config replaces it with a list of folders.
- **dependencies**: a package reached through `node_modules` is one wherever its real path lies
  (a symlinked `node_modules`, `npm link`, a hoisted `node_modules` above the app). esbuild
  reports the real path, so a package is recognized by the bare import (`@scope/pkg`) that
  reached it: the folder holding its `package.json` with that name is the package's root, and a
  file under it is named `node_modules/@scope/pkg/<path inside the package>`, the name it would
  have if `node_modules` were a plain folder inside the app.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bundlewise.esbuild.graph import SourceImport

_WORKSPACE_MARKERS = (".git", "pnpm-workspace.yaml")


def workspace_root(root: Path) -> Path:
    """The nearest folder at or above `root` that marks a workspace; `root` itself if none does."""
    for folder in (root, *root.parents):
        if any((folder / marker).exists() for marker in _WORKSPACE_MARKERS):
            return folder
        if _declares_workspaces(folder / "package.json"):
            return folder
    return root


def _declares_workspaces(package_json: Path) -> bool:
    try:
        data = json.loads(package_json.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and bool(data.get("workspaces"))


def allowed_folders(root: Path, fs_allow: Iterable[Path] | None) -> list[Path]:
    """Folders whose files a build may read: the app root and the workspace (or `fs_allow`)."""
    extra = list(fs_allow) if fs_allow is not None else [workspace_root(root)]
    return [root, *(folder.resolve() for folder in extra)]


@dataclass(frozen=True)
class Package:
    """A dependency: its name and the real folder of its `package.json`."""

    name: str
    folder: Path


def package_name(specifier: str) -> str | None:
    """`@scope/pkg/x.css` → `@scope/pkg`, `pkg/x` → `pkg`; None for a path or a URL."""
    if specifier.startswith((".", "/", "\\")) or ":" in specifier.split("/")[0]:
        return None
    parts = specifier.split("/")
    if parts[0].startswith("@"):
        return "/".join(parts[:2]) if len(parts) > 1 and parts[1] else None
    return parts[0] or None


def find_packages(root: Path, sources: Mapping[str, tuple[SourceImport, ...]]) -> list[Package]:
    """Every package a bare import reached, outermost folders first (nested copies after)."""
    found: dict[Path, str] = {}
    for refs in sources.values():
        for ref in refs:
            name = package_name(ref.original)
            if ref.external or name is None:
                continue
            folder = _package_folder(Path(os.path.normpath(root / ref.path)).parent, name)
            if folder is not None:
                found.setdefault(folder, name)
    for source in sources:  # files whose real path runs through a node_modules folder
        folder, name = _node_modules_package(Path(os.path.normpath(root / source)))
        if folder is not None and name is not None:
            found.setdefault(folder, name)
    return [Package(n, f) for f, n in sorted(found.items(), key=lambda i: len(i[0].parts))]


def _package_folder(start: Path, name: str) -> Path | None:
    """The nearest folder at or above `start` whose `package.json` is named `name`."""
    for folder in (start, *start.parents):
        try:
            data = json.loads((folder / "package.json").read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("name") == name:
            return folder
    return None


def _node_modules_package(path: Path) -> tuple[Path | None, str | None]:
    parts = path.parts
    if "node_modules" not in parts[:-1]:
        return None, None
    i = len(parts) - 1 - parts[::-1].index("node_modules")
    rest = parts[i + 1 : -1]
    count = 2 if rest and rest[0].startswith("@") else 1
    if len(rest) < count:
        return None, None
    return Path(*parts[: i + 1 + count]), "/".join(rest[:count])


def dependency_name(path: Path, packages: list[Package]) -> str | None:
    """`node_modules/<pkg>/<path inside it>` for a file under a package's folder, else None.

    The outermost package wins, so a copy nested in another package's own `node_modules` keeps
    that path (`node_modules/a/node_modules/b/x.js`) and never clashes with a hoisted `b`.
    """
    for package in packages:
        if path.is_relative_to(package.folder):
            inner = path.relative_to(package.folder).as_posix()
            return f"node_modules/{package.name}/{inner}"
    return None
