"""The compression, stats and manifest stages called alone, on the real outputs of a build: plain
records in, plain records out, no pipeline and no build state."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import brotli
import pytest
from esbuild_fixture import real_esbuild

from bundlewise.cache import Cache
from bundlewise.compress import CompressOptions, OutputToCompress, compress_files, is_candidate
from bundlewise.images.records import ImagesSummary
from bundlewise.manifest import build_manifest, keys_by_file, write_manifest
from bundlewise.report import BudgetConfig, compute_stats
from bundlewise.result import STATS_FILE, BuildResult

APP = {
    "index.html": (
        '<!doctype html>\n<link rel="stylesheet" href="./style.css">\n'
        '<img src="./logo.svg" alt="">\n<script type="module" src="./main.js"></script>\n'
    ),
    "style.css": "body { margin: 0; color: #123456; }\n" * 40,
    "logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>\n',
    "main.js": "import('./lazy.js').then((m) => m.run());\n"
    + "".join(f"export const value{i} = 'a longer string, number {i}';\n" for i in range(60)),
    "lazy.js": "export function run() { document.title = 'lazy'.repeat(3); }\n",
}
DECODE = {".br": brotli.decompress, ".gz": gzip.decompress}


@pytest.fixture
def built(make_project, tmp_path: Path) -> BuildResult:  # type: ignore[no-untyped-def]
    """A real build (real esbuild) with compression on, as the reference for the stages."""
    from bundlewise.config import load_config
    from bundlewise.pipeline import build

    root = make_project(APP)
    overrides = {"esbuild": str(real_esbuild()), "cache_dir": tmp_path / "cache"}
    return build(load_config(root, overrides=overrides))


def test_compress_alone_writes_siblings_that_decompress_to_the_outputs(
    built: BuildResult, tmp_path: Path
) -> None:
    out = tmp_path / "copy"
    for f in built.files:
        (out / f.path).parent.mkdir(parents=True, exist_ok=True)
        (out / f.path).write_bytes((built.out_dir / f.path).read_bytes())
    done = compress_files(out, [f.path for f in built.files], CompressOptions())
    assert set(done.sizes) == {f.path for f in built.files}
    assert done.written == tuple(
        sorted(p.relative_to(out).as_posix() for p in out.rglob("*.[bg][rz]"))
    )
    assert len(done.written) >= 4
    for sibling in done.written:
        original = (out / sibling[:-3]).read_bytes()
        assert DECODE[sibling[-3:]]((out / sibling).read_bytes()) == original
        field = "brotli" if sibling.endswith(".br") else "gzip"
        assert getattr(done.sizes[sibling[:-3]], field) == (out / sibling).stat().st_size
    # What the pipeline measured is what the stage measures alone.
    stats = built.stats
    assert stats is not None
    assert {p: (f.raw, f.gzip, f.brotli) for p, f in stats.files.items()} == {
        p: (s.raw, s.gzip, s.brotli) for p, s in done.sizes.items()
    }


def test_compress_alone_takes_bytes_held_in_memory(tmp_path: Path) -> None:
    data = b"const answer = 42;\n" * 400
    done = compress_files(tmp_path, [OutputToCompress("assets/app.js", data)], CompressOptions())
    assert done.written == ("assets/app.js.br", "assets/app.js.gz")
    assert brotli.decompress((tmp_path / "assets/app.js.br").read_bytes()) == data
    assert gzip.decompress((tmp_path / "assets/app.js.gz").read_bytes()) == data
    assert done.sizes["assets/app.js"].raw == len(data)
    assert not (tmp_path / "assets/app.js").exists()  # the stage writes siblings only


def test_compress_alone_with_compression_off_measures_raw_sizes(tmp_path: Path) -> None:
    data = b"body { color: red }\n" * 100
    options = CompressOptions(enabled=False)
    done = compress_files(tmp_path, [OutputToCompress("a.css", data)], options, Cache(None))
    assert done.written == () and list(tmp_path.iterdir()) == []
    assert (done.sizes["a.css"].gzip, done.sizes["a.css"].brotli) == (len(data), len(data))


def test_stats_alone_are_the_stats_the_build_wrote(built: BuildResult) -> None:
    """compute_stats from the build's result and the compression stage's sizes gives, byte for
    byte, the stats file the pipeline wrote."""
    assert built.stats is not None
    sizes = compress_files(built.out_dir, [f.path for f in built.files], CompressOptions()).sizes
    stats = compute_stats(
        built, sizes, budget=BudgetConfig(), images=built.stats.images or ImagesSummary(), env={}
    )
    written = json.loads((built.out_dir / STATS_FILE).read_text(encoding="utf-8"))
    assert stats.to_dict() == written
    assert stats == replace(built.stats, cache=None)


def test_manifest_alone_is_the_manifest_the_build_wrote(built: BuildResult, tmp_path: Path) -> None:
    manifest = build_manifest(built.graph, {"logo.svg": built.manifest["logo.svg"]["file"]})
    assert manifest == built.manifest
    assert manifest["main.js"]["isEntry"] is True
    lazy = manifest["main.js"]["dynamicImports"][0]
    assert manifest[lazy]["isDynamicEntry"] is True
    assert keys_by_file(manifest)[manifest["main.js"]["file"]] == "main.js"
    write_manifest(tmp_path / ".vite" / "manifest.json", manifest)
    assert (tmp_path / ".vite/manifest.json").read_bytes() == (
        built.out_dir / ".vite/manifest.json"
    ).read_bytes()
    assert all(
        is_candidate(p, CompressOptions()) for p in ("index.html", manifest["main.js"]["file"])
    )


@pytest.mark.parametrize(
    "module",
    ["bundlewise.compress", "bundlewise.report.stats", "bundlewise.report", "bundlewise.manifest"],
)
def test_a_stage_imports_alone_without_the_pipeline(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = [m for m in sys.modules if m in ('bundlewise.pipeline', 'bundlewise.state')"
        " or m.startswith(('bundlewise.cli', 'bundlewise.watch'))]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
