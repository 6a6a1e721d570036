"""Pre-compression on real files with the real encoders: every sibling is decompressed and compared."""

from __future__ import annotations

import argparse
import errno
import functools
import gzip
import json.decoder
import os
import random
import shutil
import struct
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import brotli
import pytest
import zstandard

from bundlewise.cache import Cache
from bundlewise.compress import CompressOptions, CompressStats, Sizes, compress_outputs
from bundlewise.errors import BuildError, ConfigError

SAMPLE_APP = Path(__file__).resolve().parents[1] / "sample_app"

DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "br": brotli.decompress,
    "gz": gzip.decompress,
    "zst": lambda data: zstandard.ZstdDecompressor().decompress(data),
}


@functools.cache
def source_text() -> str:
    """Real, stable text to compress: source code of the standard library (about 100 KB)."""
    modules = (argparse, textwrap, json.decoder)
    return "\n".join(Path(str(m.__file__)).read_text() for m in modules)


def random_bytes(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


def write(out: Path, files: dict[str, bytes | str]) -> list[str]:
    for name, content in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content)
        else:
            path.write_bytes(content)
    return list(files)


def siblings(out: Path) -> set[str]:
    return {
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.suffix in (".br", ".gz", ".zst")
    }


def run(
    out: Path, files: list[str], cache: Cache | None = None, **options: Any
) -> tuple[dict[str, Sizes], CompressStats]:
    stats = CompressStats()
    sizes = compress_outputs(
        out, files, CompressOptions(**options), cache or Cache(None), stats=stats
    )
    return sizes, stats


@pytest.fixture
def text_app(tmp_path: Path) -> tuple[Path, list[str]]:
    """An output folder with one file of every text type, each big enough to be worth it."""
    text = source_text()
    out = tmp_path / "dist"
    files = write(
        out,
        {
            "index.html": f"<!doctype html><html><body><pre>{text[:20000]}</pre></body></html>",
            "assets/app-ABCD1234.js": text,
            "assets/app-ABCD1234.css": "body { color: red; margin: 0 auto; }\n" * 300,
            "assets/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>\n' * 50,
            ".vite/manifest.json": '{"src/main.ts": {"file": "assets/app.js"}}\n' * 40,
            "sitemap.xml": "<url><loc>https://example.com/</loc></url>\n" * 40,
            "robots.txt": "User-agent: *\nDisallow:\n" * 40,
            "site.webmanifest": '{"name": "app", "icons": []}\n' * 20,
            "favicon.ico": b"\x00\x00\x01\x00" + bytes(4000),
            "assets/add.wasm": b"\x00asm\x01\x00\x00\x00" + bytes(range(256)) * 20,
            "name with spaces é.js": text[:8000],
        },
    )
    return out, files


def test_every_sibling_decompresses_to_the_original(text_app: tuple[Path, list[str]]) -> None:
    out, files = text_app
    run(out, files, formats=("br", "gz", "zst"))

    assert siblings(out) == {f"{name}.{fmt}" for name in files for fmt in ("br", "gz", "zst")}
    for name in files:
        original = (out / name).read_bytes()
        for fmt, decode in DECODERS.items():
            assert decode((out / f"{name}.{fmt}").read_bytes()) == original, (name, fmt)


def test_g34_sizes_are_those_of_the_bytes_written(text_app: tuple[Path, list[str]]) -> None:
    out, files = text_app
    sizes, _ = run(out, files, formats=("br", "gz", "zst"))

    assert set(sizes) == set(files)
    for name in files:
        assert sizes[name] == Sizes(
            raw=(out / name).stat().st_size,
            gzip=(out / f"{name}.gz").stat().st_size,
            brotli=(out / f"{name}.br").stat().st_size,
            zstd=(out / f"{name}.zst").stat().st_size,
        )


def test_b8_gzip_header_has_mtime_zero_and_no_file_name(text_app: tuple[Path, list[str]]) -> None:
    out, files = text_app
    run(out, files)

    header = (out / "assets/app-ABCD1234.js.gz").read_bytes()[:10]
    magic, method, flags, mtime = struct.unpack("<2sBBI", header[:8])
    assert (magic, method) == (b"\x1f\x8b", 8)
    assert flags == 0  # in particular no FNAME (0x08) and no FCOMMENT (0x10)
    assert mtime == 0
    assert header[9] == 255  # OS "unknown": the same byte on every platform


def test_doesnt_compress_incompressible_file(tmp_path: Path) -> None:
    files = write(tmp_path, {"random.js": random_bytes(20000)})
    sizes, _ = run(tmp_path, files, formats=("br", "gz", "zst"))

    assert siblings(tmp_path) == set()
    # Still measured for the report: what each encoding would have produced.
    assert sizes["random.js"].raw == 20000
    assert sizes["random.js"].brotli > 0.95 * 20000
    assert sizes["random.js"].gzip > 0.95 * 20000
    assert sizes["random.js"].zstd is not None


@pytest.mark.parametrize(("max_ratio", "kept"), [(0.95, True), (0.5, False)])
def test_keeps_sibling_only_below_the_ratio(tmp_path: Path, max_ratio: float, kept: bool) -> None:
    # Two thirds random, one third zeros: compresses to roughly 0.67 of the original.
    files = write(tmp_path, {"half.js": random_bytes(20000) + bytes(10000)})
    sizes, _ = run(tmp_path, files, max_ratio=max_ratio)

    assert 0.5 * 30000 < sizes["half.js"].brotli <= 0.95 * 30000
    assert siblings(tmp_path) == ({"half.js.br", "half.js.gz"} if kept else set())


def test_doesnt_compress_already_compressed_types(tmp_path: Path) -> None:
    # Compressible content on purpose: the type alone decides.
    zeros = bytes(10000)
    files = write(
        tmp_path,
        {"a.png": zeros, "b.jpg": zeros, "c.woff2": zeros, "d.mp4": zeros, "e.zip": zeros},
    )
    sizes, stats = run(tmp_path, files)

    assert siblings(tmp_path) == set()
    assert stats.candidates == 0
    assert all(s == Sizes(10000, 10000, 10000, None) for s in sizes.values())


def test_real_images_and_fonts_are_left_alone(tmp_path: Path) -> None:
    shutil.copy(SAMPLE_APP / "images" / "chelsea.png", tmp_path / "cat.png")
    shutil.copy(SAMPLE_APP / "fonts" / "inter-latin-400-normal.woff2", tmp_path / "inter.woff2")
    sizes, _ = run(tmp_path, ["cat.png", "inter.woff2"])

    assert siblings(tmp_path) == set()
    assert sizes["cat.png"].brotli == sizes["cat.png"].raw == (tmp_path / "cat.png").stat().st_size


def test_small_files_get_no_sibling_but_are_measured(tmp_path: Path) -> None:
    files = write(tmp_path, {"tiny.js": "export const a = 1;\n" * 10})  # 200 bytes
    sizes, _ = run(tmp_path, files)

    assert siblings(tmp_path) == set()
    assert sizes["tiny.js"].brotli < sizes["tiny.js"].raw == 200


def test_min_size_is_configurable(tmp_path: Path) -> None:
    files = write(tmp_path, {"tiny.js": "export const a = 1;\n" * 10})
    run(tmp_path, files, min_size=0)

    assert siblings(tmp_path) == {"tiny.js.br", "tiny.js.gz"}


def test_include_exclude_globs(tmp_path: Path) -> None:
    text = source_text()[:5000]
    files = write(
        tmp_path,
        {
            "shaders/water.glsl": text,  # unknown type, added by include
            "data/big.bin": text,  # added by a glob with a folder
            "vendor/lib.js": text,  # excluded by folder
            "vendor/keep.glsl": text,  # include loses to exclude
            "app.js": text,
            "legal.txt": text,  # excluded by name anywhere
        },
    )
    run(
        tmp_path,
        files,
        include=("*.glsl", "/data/*.bin"),
        exclude=("vendor/*", "legal.txt"),
    )

    assert siblings(tmp_path) == {
        f"{name}.{fmt}"
        for name in ("shaders/water.glsl", "data/big.bin", "app.js")
        for fmt in ("br", "gz")
    }


@pytest.mark.parametrize("sourcemaps", [False, True])
def test_source_maps_only_when_asked(tmp_path: Path, sourcemaps: bool) -> None:
    files = write(tmp_path, {"app.js.map": '{"version":3,"mappings":"AAAA;AACA"}' * 100})
    sizes, _ = run(tmp_path, files, sourcemaps=sourcemaps)

    assert bool(siblings(tmp_path)) is sourcemaps
    assert (sizes["app.js.map"].brotli < sizes["app.js.map"].raw) is sourcemaps


def test_warm_cache_compresses_nothing(tmp_path: Path, text_app: tuple[Path, list[str]]) -> None:
    out, files = text_app
    cache = Cache(tmp_path / "cache")
    first_sizes, first = run(out, files, cache)
    first_bytes = {name: (out / name).read_bytes() for name in siblings(out)}
    for name in siblings(out):
        (out / name).unlink()

    sizes, second = run(out, files, Cache(tmp_path / "cache"))

    assert first.encoded == 2 * len(files) and first.cached == 0
    assert second.encoded == 0 and second.cached == 2 * len(files)
    assert sizes == first_sizes
    assert {name: (out / name).read_bytes() for name in siblings(out)} == first_bytes


def test_g35_corrupt_cache_entry_is_recompressed(tmp_path: Path) -> None:
    text = source_text()[:20000]
    files = write(tmp_path / "out", {"app.js": text})
    run(tmp_path / "out", files, Cache(tmp_path / "cache"), formats=("br",))
    [entry] = [p for p in (tmp_path / "cache" / "compress").rglob("*") if p.is_file()]
    entry.write_bytes(entry.read_bytes()[:-10])  # truncated, as by a crash

    cache = Cache(tmp_path / "cache")
    _, stats = run(tmp_path / "out", files, cache, formats=("br",))

    assert stats.encoded == 1 and cache.stats.corrupt == 1
    assert brotli.decompress((tmp_path / "out" / "app.js.br").read_bytes()) == text.encode()


def test_g35_other_level_is_not_served_from_cache(tmp_path: Path) -> None:
    files = write(tmp_path / "out", {"app.js": source_text()[:20000]})
    run(tmp_path / "out", files, Cache(tmp_path / "cache"))
    _, stats = run(tmp_path / "out", files, Cache(tmp_path / "cache"), brotli_quality=5)

    assert (stats.encoded, stats.cached) == (1, 1)  # brotli redone, gzip reused


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    """Cold and warm cache, pool and serial: the same bytes every time."""
    results = []
    for run_number, workers in enumerate([1, 4, 4]):
        out = tmp_path / f"out{run_number}"
        files = write(out, {f"chunk{i}.js": source_text()[i * 3000 :] for i in range(6)})
        compress_outputs(
            out, files, CompressOptions(formats=("br", "gz", "zst")), Cache(tmp_path / "cache"),
            workers=workers,
        )  # fmt: skip
        results.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert results[0] == results[1] == results[2]
    assert len(results[0]) == 6 * 4


def test_siblings_have_the_original_mode_and_mtime(tmp_path: Path) -> None:
    files = write(tmp_path, {"app.js": source_text()[:5000]})
    os.chmod(tmp_path / "app.js", 0o644)
    os.utime(tmp_path / "app.js", (1_000_000_000, 1_000_000_000))
    run(tmp_path, files)

    for name in ("app.js.br", "app.js.gz"):
        info = (tmp_path / name).stat()
        assert (info.st_mode & 0o777, info.st_mtime) == (0o644, 1_000_000_000)


def test_stale_sibling_is_removed_when_no_longer_kept(tmp_path: Path) -> None:
    files = write(tmp_path, {"app.js": source_text()[:5000]})
    run(tmp_path, files)
    write(tmp_path, {"app.js": random_bytes(5000)})
    run(tmp_path, files)

    assert siblings(tmp_path) == set()


def test_shipped_precompressed_file_is_not_overwritten(tmp_path: Path) -> None:
    ours = gzip.compress(b"the project's own bytes")
    files = write(tmp_path, {"app.js": source_text()[:5000], "app.js.gz": ours})
    sizes, _ = run(tmp_path, files)

    assert (tmp_path / "app.js.gz").read_bytes() == ours
    assert sizes["app.js"].gzip == len(ours)
    assert sizes["app.js.gz"] == Sizes(len(ours), len(ours), len(ours))
    assert siblings(tmp_path) == {"app.js.br", "app.js.gz"}


def test_disabled_writes_nothing(text_app: tuple[Path, list[str]]) -> None:
    out, files = text_app
    sizes, stats = run(out, files, enabled=False)

    assert siblings(out) == set() and stats.encoded == 0
    assert all(s.gzip == s.brotli == s.raw for s in sizes.values())


def test_missing_file_is_a_build_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as caught:
        run(tmp_path, ["assets/gone.js"])
    assert "cannot read assets/gone.js" in caught.value.format_message()


@pytest.mark.parametrize("workers", [1, 2])
def test_unreadable_file_is_a_build_error_naming_it(tmp_path: Path, workers: int) -> None:
    (tmp_path / "assets" / "broken.js").mkdir(parents=True)  # exists, but cannot be read
    files = write(tmp_path, {"ok.js": source_text()[:3000]})
    with pytest.raises(BuildError) as caught:
        compress_outputs(
            tmp_path, [*files, "assets/broken.js"], CompressOptions(), Cache(None), workers=workers
        )
    [message] = caught.value.messages
    assert message.location is not None and message.location.file == "assets/broken.js"
    assert message.text.startswith("cannot read assets/broken.js: ")


def test_full_disk_leaves_no_partial_sibling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write(tmp_path, {"app.js": source_text()[:30000]})
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, fd: int, mode: str) -> None:
            self.file = real_fdopen(fd, mode)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> int:
            self.file.write(data[:100])  # part of it lands on disk, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("bundlewise.compress.run.os.fdopen", FullDisk)
    with pytest.raises(BuildError) as caught:
        run(tmp_path, files)

    assert "cannot write app.js.br: No space left on device" in caught.value.format_message()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.js"]


def test_zstd_missing_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = write(tmp_path, {"app.js": source_text()[:3000]})
    monkeypatch.setitem(sys.modules, "zstandard", None)  # makes the import fail
    with pytest.raises(ConfigError) as caught:
        run(tmp_path, files, formats=("br", "zst"))

    assert "pip install bundlewise[zstd]" in caught.value.format_message()
    assert siblings(tmp_path) == set()
