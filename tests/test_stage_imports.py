"""Each stage is its own room: importing it does not bring in the pipeline, the CLI or the
watcher (not even for a type), so it can be read, tested and reused without them."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import bundlewise

PACKAGE = Path(bundlewise.__file__).parent
STAGES = (
    "bundlewise.images",
    "bundlewise.compress",
    "bundlewise.hints",
    "bundlewise.report",
    "bundlewise.manifest",
    "bundlewise.css",
    "bundlewise.pages",
    "bundlewise.esbuild",
    "bundlewise.output",
    "bundlewise.sources",
)
OUTSIDE = ("bundlewise.pipeline", "bundlewise.cli", "bundlewise.watch")

# In a fresh interpreter: import the stage and every module in it, then list what got loaded.
_LOAD = """
import importlib, json, pkgutil, sys
stage = importlib.import_module(sys.argv[1])
for info in pkgutil.walk_packages(getattr(stage, "__path__", []), stage.__name__ + "."):
    importlib.import_module(info.name)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(module: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, module], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_alone_without_the_pipeline_cli_or_watcher(stage: str) -> None:
    loaded = loaded_by(stage)
    assert stage in loaded
    assert [m for m in OUTSIDE if m in loaded or any(n.startswith(m + ".") for n in loaded)] == []


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, wherever the import is (in a function, under TYPE_CHECKING)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_stage_module_names_the_pipeline_cli_or_watcher_even_for_types() -> None:
    stage_files = []
    for stage in STAGES:
        rel = stage.removeprefix("bundlewise.").replace(".", "/")
        folder = PACKAGE / rel
        stage_files += sorted(folder.rglob("*.py")) if folder.is_dir() else [PACKAGE / f"{rel}.py"]
    stage_files += [PACKAGE / "state.py", PACKAGE / "progress.py"]
    found = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in stage_files
        for name in _imports(path)
        if any(name == m or name.startswith(m + ".") for m in OUTSIDE)
    }
    assert sorted(found) == []


def test_the_hints_read_no_image_themselves() -> None:
    """The hints take the image stage's records: no Pillow, no decoder, no image stage."""
    loaded = loaded_by("bundlewise.hints")
    assert "bundlewise.images.records" in loaded  # the shared record
    assert not {m for m in loaded if m == "PIL" or m.startswith("PIL.")}
    heavy = {"decode", "encode", "optimize", "pool", "ship", "size", "step", "svg"}
    assert not {m for m in loaded if m.rsplit(".", 1)[-1] in heavy and "images" in m}
