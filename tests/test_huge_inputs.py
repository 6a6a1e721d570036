"""Huge inputs: a script of tens of megabytes and 10,000 modules build with bounded memory, and an
error deep inside the big file names it with its line.

Memory is the peak resident size of the bundlewise process itself (esbuild's own is esbuild's
business), over the peak of a tiny build in the same way: it must stay within a small multiple of
the largest output, i.e. no step may hold every output, or many copies of one, at once.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.out_dir_fixture import assert_whole

BIG_LINES = 100_000
MODULES = 10_000
PEAK = re.compile(r"^peak-rss-kb (\d+)$", re.M)
# Runs the CLI and prints the process's own peak resident size on the way out.
MEASURED = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: print('peak-rss-kb', "
    "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))\n"
    "from bundlewise.cli import main\n"
    "main(sys.argv[1:])\n"
)


def _huge_app(root: Path) -> Path:
    (root / "src/many").mkdir(parents=True)
    (root / "index.html").write_text('<script type="module" src="./src/main.js"></script>\n')
    filler = "x" * 200
    with (root / "src/big.js").open("w") as big:
        for i in range(BIG_LINES):
            big.write(f'export const v{i} = "{filler}{i}";\n')
    names = [f"n{i}" for i in range(MODULES)]
    imports = "".join(
        f'import {{ n as {n} }} from "./many/m{i}.js";\n' for i, n in enumerate(names)
    )
    (root / "src/main.js").write_text(
        f'import * as big from "./big.js";\n{imports}'
        f"console.log(Object.keys(big).length, {' + '.join(names)});\n"
    )
    for i in range(MODULES):
        (root / f"src/many/m{i}.js").write_text(f"export const n = {i};\n")
    return root


def _build(root: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], int]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, "-q", "build", str(root), "--no-compress", "--no-images",
         "--no-fail-on-budget"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    peak = PEAK.search(done.stderr)
    assert peak, done.stderr
    return done, int(peak.group(1)) * 1024


def test_d21_a_huge_script_and_10000_modules_build_with_bounded_memory(
    make_project,  # type: ignore[no-untyped-def]
    env: dict[str, str],
) -> None:
    tiny = make_project({"index.html": '<script type="module" src="./m.js"></script>\n',
                         "m.js": "console.log(1);\n"}, name="tiny")  # fmt: skip
    done, baseline = _build(tiny, env)
    assert done.returncode == 0, done.stderr
    root = _huge_app(make_project({}, name="huge"))
    done, peak = _build(root, env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    outputs = [p for p in (root / "dist").rglob("*") if p.is_file()]
    largest = max(p.stat().st_size for p in outputs)
    assert largest > 20_000_000, "the big script made it into the output"
    assert peak - baseline < 3 * largest, f"peak {peak} B over a tiny build's {baseline} B"
    assert_whole(root / "dist")


def test_d21_an_error_at_the_end_of_a_huge_script_names_file_and_line(
    make_project,  # type: ignore[no-untyped-def]
    env: dict[str, str],
) -> None:
    root = _huge_app(make_project({}, name="huge"))
    with (root / "src/big.js").open("a") as big:
        big.write("export const broken = ;\n")
    done, _ = _build(root, env)
    assert done.returncode == 1, done.stderr
    assert f"src/big.js:{BIG_LINES + 1}:22: error:" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (root / "dist").exists()
