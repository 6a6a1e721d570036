"""esbuild's command line for a build, and reading the metafile it writes."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bundlewise.config import Config
from bundlewise.css.refs import css_externals
from bundlewise.errors import BuildError, Message
from bundlewise.file_kinds import ASSETS
from bundlewise.js.args import script_args

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
    # Files CSS/JS refer to (`url()`, `new URL(...)`, imports) are copied as assets.
    args.extend(f"--loader:{ext}=file" for ext in ASSETS)
    args.extend(script_args(config))
    args.extend(f"--define:{key}={value}" for key, value in sorted(config.define.items()))
    args.extend(f"--external:{name}" for name in config.external)
    args.extend(f"--external:{text}" for text in css_externals(config))  # see `css.refs`
    args.extend(entry_arg(e) for e in entries)
    return args


def metafile_json(data: bytes, binary: Path) -> dict[str, Any]:
    """esbuild's metafile as JSON; a clean error naming the binary when it is not."""
    try:
        meta = json.loads(data)
    except ValueError:
        meta = None
    if not isinstance(meta, dict):
        raise BuildError(
            Message(f"esbuild {binary} exited 0 but its metafile is not JSON; {REAL_ESBUILD}")
        )
    return meta


REAL_ESBUILD = "is it a real esbuild of the pinned version? (`bundlewise esbuild which`)"
