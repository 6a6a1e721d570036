"""The esbuild room and the rooms around it have no import cycle, counting imports inside
functions and type-only ones, and the watcher uses nothing of esbuild but the bundler."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import bundlewise

PACKAGE = Path(bundlewise.__file__).parent
ROOMS = ("bundlewise.esbuild", "bundlewise.watch", "bundlewise.builtins", "bundlewise.plugins")


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> Iterator[str]:
    """Every bundlewise module `path` imports, anywhere in it (`from a import b` may name a
    module `a.b`)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        yield from (n for n in names if n in known)


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(imports(path, known)) - {name} for name, path in known.items()}


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = list(edges[start])
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(edges[name])
    return seen


def in_rooms(name: str) -> bool:
    return any(name == room or name.startswith(room + ".") for room in ROOMS)


def test_no_import_cycle_through_the_esbuild_watch_builtins_and_plugins_rooms() -> None:
    edges = graph()
    cycles = sorted(name for name in edges if in_rooms(name) and name in reachable(edges, name))
    assert cycles == []


def test_the_watcher_uses_nothing_of_esbuild_but_the_bundler() -> None:
    edges = graph()
    used = {
        target
        for name, targets in edges.items()
        if name.startswith("bundlewise.watch")
        for target in targets
        if target.startswith("bundlewise.esbuild")
    }
    assert used == {"bundlewise.esbuild.bundler"}
