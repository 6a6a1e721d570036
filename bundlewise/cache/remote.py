"""The remote half of the cache: what a backend offers, and how it is chosen by its URL.

A backend stores opaque entries by name (`<namespace>/<key>`); the check of what comes back is
the caller's (`bundlewise.cache.entry`). Every failure, whatever the library raised, reaches the
caller as one `RemoteError` with a short reason for the warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urlsplit

from bundlewise.cache.options import CacheOptions


class RemoteError(Exception):
    """The remote could not answer; the text says why, in a few words."""


class RemoteStore(Protocol):
    def get(self, name: str) -> bytes | None: ...
    def exists(self, name: str) -> bool: ...
    def put(self, name: str, entry: bytes) -> None: ...
    def close(self) -> None: ...


def connect(url: str, options: CacheOptions, environ: Mapping[str, str]) -> RemoteStore:
    """The backend for `url` (already checked by `options.check_url`). Connects lazily."""
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss"):
        from bundlewise.cache.redis_store import RedisStore

        return RedisStore(url, options, environ)
    from bundlewise.cache.http_store import HttpStore

    return HttpStore(url, options.timeout, environ)
