"""Run esbuild once for every script and stylesheet entry, and read back its build graph."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bundlewise.config import Config
from bundlewise.errors import BuildError, Message
from bundlewise.graph import BuildGraph, parse_metafile
from bundlewise.js.args import script_args

# Files referenced from CSS/JS (`url()`, `new URL(...)`, imports) that esbuild copies as assets.
ASSET_LOADERS = (
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico", ".bmp",
    ".woff", ".woff2", ".ttf", ".otf", ".eot",
    ".mp4", ".webm", ".mp3", ".ogg", ".wav", ".wasm", ".pdf", ".txt",
)  # fmt: skip

METAFILE = ".bundlewise-metafile.json"


def esbuild_args(config: Config, entries: Sequence[str], outdir: Path) -> list[str]:
    """The esbuild command line (without the binary), always as a list: no shell is involved."""
    from bundlewise.esbuild import entry_arg

    rel_out = os.path.relpath(outdir, config.root)
    # Chunks always carry a hash: they are all called "chunk". Entries and assets drop it in dev
    # builds, so that a backend keeps valid URLs while the watcher rebuilds.
    named = "[dir]/[name]-[hash]" if config.hash_names else "[dir]/[name]"
    args = [
        "--bundle",
        "--splitting",
        "--format=esm",
        f"--outdir={rel_out}",
        "--outbase=.",
        f"--entry-names={named}",
        "--chunk-names=[name]-[hash]",
        f"--asset-names={named}",
        f"--metafile={os.path.join(rel_out, METAFILE)}",
        f"--target={config.target}",
        '--define:process.env.NODE_ENV="production"',
        "--color=false",
        "--log-level=warning",
        "--log-limit=0",
    ]
    if config.minify:
        args.append("--minify")
    if config.sourcemap:
        args.append("--sourcemap")
    args.extend(f"--loader:{ext}=file" for ext in ASSET_LOADERS)
    args.extend(script_args(config))
    args.extend(f"--define:{key}={value}" for key, value in sorted(config.define.items()))
    args.extend(f"--external:{name}" for name in config.external)
    args.extend(entry_arg(e) for e in entries)
    return args


def run_bundle(
    config: Config,
    entries: Sequence[str],
    outdir: Path,
    out_root: Path,
    edit_args: Callable[[list[str]], list[str]] | None = None,
) -> tuple[BuildGraph, list[Message]]:
    """Bundle `entries` (paths relative to the root) into `outdir`, a folder of `out_root`.

    `edit_args` may change esbuild's arguments (the plugins' `on_esbuild_args`). Returns the graph,
    with output paths relative to `out_root`, and esbuild's warnings.
    """
    from bundlewise.esbuild import find_esbuild, run_esbuild

    binary = find_esbuild(config.root, config.esbuild)
    args = esbuild_args(config, entries, outdir)
    result = run_esbuild(
        binary,
        edit_args(args) if edit_args else args,
        cwd=config.root,
        timeout=config.esbuild_timeout,
    )
    if result.errors:
        from bundlewise.casing import with_case_warnings

        raise BuildError(with_case_warnings(result.errors, result.warnings))
    meta = read_metafile(outdir / METAFILE, binary.path)
    prefix = os.path.relpath(out_root, config.root).replace(os.sep, "/")
    graph = parse_metafile(meta, prefix, list(entries))
    return graph, list(result.warnings)


def read_metafile(path: Path, binary: Path) -> dict[str, Any]:
    """The metafile esbuild wrote (removed once read); a clean error when it did not write one."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BuildError(
            Message(f"esbuild {binary} exited 0 but wrote no metafile ({path}); {_REAL_ESBUILD}")
        ) from None
    path.unlink()
    return metafile_json(data, binary)


def metafile_json(data: bytes, binary: Path) -> dict[str, Any]:
    """esbuild's metafile as JSON; a clean error naming the binary when it is not."""
    try:
        meta = json.loads(data)
    except ValueError:
        meta = None
    if not isinstance(meta, dict):
        raise BuildError(
            Message(f"esbuild {binary} exited 0 but its metafile is not JSON; {_REAL_ESBUILD}")
        )
    return meta


_REAL_ESBUILD = "is it a real esbuild of the pinned version? (`bundlewise esbuild which`)"
