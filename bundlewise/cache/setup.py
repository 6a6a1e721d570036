"""The cache of a build, put together from the config and the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bundlewise.cache import Cache
from bundlewise.cache.options import CacheOptions, check_url, env_flag, redact
from bundlewise.cache.remote import RemoteError, RemoteStore
from bundlewise.errors import ConfigError, Message

if TYPE_CHECKING:
    from bundlewise.config import Config


def remote_url(config: Config, environ: Mapping[str, str]) -> str | None:
    """`BUNDLEWISE_CACHE_URL`, else `cache_url` from the config; ConfigError when unusable."""
    url = environ.get("BUNDLEWISE_CACHE_URL") or None
    if url is not None:
        problem = check_url(url, from_file=False)
        if problem:
            raise ConfigError(Message(f"BUNDLEWISE_CACHE_URL: {problem}"))
        return url
    return config.cache_url or None  # checked with the rest of the config when it was loaded


def open_cache(config: Config, environ: Mapping[str, str] | None = None) -> Cache:
    environ = os.environ if environ is None else environ
    options = config.cache
    url = remote_url(config, environ)
    secret = environ.get("BUNDLEWISE_CACHE_SECRET") or None
    cache = Cache(
        config.cache_dir,
        remote_url=redact(url) if url else "",
        secret=secret.encode() if secret else None,
        read_only=options.read_only or env_flag(environ.get("BUNDLEWISE_CACHE_READ_ONLY")),
        max_size=options.max_size,
        max_failures=options.max_failures,
    )
    if url:
        try:
            store = connect(url, options, environ)
        except RemoteError as exc:  # e.g. the redis package missing: local work, one warning
            cache.warn_once(f"remote cache {redact(url)}: {exc}; the build goes on with local work")
        else:
            cache.attach_remote(store, redact(url), options.max_failures)
    return cache


def connect(url: str, options: CacheOptions, environ: Mapping[str, str]) -> RemoteStore:
    """The backend for `url` (already checked by `options.check_url`). Connects lazily."""
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss"):
        from bundlewise.cache.redis_store import RedisStore

        return RedisStore(url, options, environ)
    from bundlewise.cache.http_store import HttpStore

    return HttpStore(url, options.timeout, environ)
