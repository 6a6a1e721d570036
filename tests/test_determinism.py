"""Same input, byte-identical output: whatever the location, cwd, hash seed, time zone, locale or
mtimes; and names that change only where the bytes do."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import copy_sample_app
from helpers import snapshot


def test_b7_two_builds_in_different_places_are_byte_identical(
    tmp_path: Path,
    run_cli,
    warm_image_cache: Path,  # type: ignore[no-untyped-def]
) -> None:
    first = copy_sample_app(tmp_path / "one" / "sample_app")
    second = copy_sample_app(tmp_path / "two" / "deeper" / "sample_app")
    os.utime(second / "src/main.ts", (1, 1))  # mtimes must not matter
    shutil.copytree(warm_image_cache, first / ".bundlewise-cache")
    done = run_cli("build", first, cwd=tmp_path, PYTHONHASHSEED="1", TZ="UTC", LC_ALL="C")
    assert done.returncode == 0, done.stderr
    # The second build starts cold: optimized images must come out the same without the cache.
    done = run_cli(
        "build", "sample_app", cwd=second.parent,
        PYTHONHASHSEED="2", TZ="Asia/Tokyo", LC_ALL="C.utf8",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    one, two = snapshot(first / "dist"), snapshot(second / "dist")
    assert one.keys() == two.keys()
    different = [name for name in one if one[name] != two[name]]
    assert different == []
    assert any(name.endswith(".br") for name in one) and any(name.endswith(".avif") for name in one)


def test_b9_adding_an_unrelated_entry_changes_no_other_name(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project({
        "index.html": '<script type="module" src="./src/main.js"></script>\n'
                      '<link rel="stylesheet" href="./src/site.css">\n',
        "src/main.js": 'import { two } from "./dep.js";\nimport("./lazy.js");\nconsole.log(two);\n',
        "src/dep.js": "export const two = 2;\n",
        "src/lazy.js": "export const lazy = 1;\n",
        "src/site.css": "body { color: red; }\n",
        "src/other.js": 'console.log("unrelated");\n',
    })  # fmt: skip
    assert run_cli("build", root).returncode == 0
    before = snapshot(root / "dist")
    (root / "bundlewise.toml").write_text('entries = ["src/other.js"]\n')
    done = run_cli("build", root)
    assert done.returncode == 0, done.stderr
    after = snapshot(root / "dist")
    added = sorted(set(after) - set(before))
    assert added and all("other" in name for name in added), added
    assert set(before) - set(after) == set(), "no earlier name changed"
    for name in before:
        if name.startswith("assets/"):
            assert after[name] == before[name], name
