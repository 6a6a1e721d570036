"""The real esbuild for the test suite, installed once and shared.

`real_esbuild()` installs the pinned esbuild with npm (through `install_esbuild`) into a cache
folder kept between runs, `.bundlewise-cache/test-esbuild` at the repository root (or
`BUNDLEWISE_TEST_CACHE_DIR`), so only the first run pays for it. Call it from a session fixture.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bundlewise import ESBUILD_VERSION
from bundlewise.esbuild import install_esbuild

SHARED_CACHE = Path(__file__).resolve().parents[1] / ".bundlewise-cache" / "test-esbuild"


def shared_cache_dir() -> Path:
    return Path(os.environ.get("BUNDLEWISE_TEST_CACHE_DIR") or SHARED_CACHE)


@functools.cache
def real_esbuild() -> Path:
    """Path to a checked esbuild binary of the pinned version."""
    with cache_dir_env(shared_cache_dir()):
        binary = install_esbuild(ESBUILD_VERSION)
    assert binary.version == ESBUILD_VERSION
    return binary.path


@contextmanager
def cache_dir_env(folder: Path) -> Iterator[None]:
    """Point bundlewise's managed cache at `folder` for the duration, then restore it."""
    old = os.environ.get("BUNDLEWISE_CACHE_DIR")
    os.environ["BUNDLEWISE_CACHE_DIR"] = str(folder)
    try:
        yield
    finally:
        if old is None:
            del os.environ["BUNDLEWISE_CACHE_DIR"]
        else:
            os.environ["BUNDLEWISE_CACHE_DIR"] = old
