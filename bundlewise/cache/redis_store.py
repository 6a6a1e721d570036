"""A remote cache on Redis (or anything speaking its protocol: Valkey, KeyDB, managed services).

Keys are `<prefix>:<namespace>:<key>`, set with a TTL so the server forgets what no build has
asked for in a while; with `maxmemory-policy allkeys-lru` Redis evicts the same way. The client
library is `redis` (it speaks TLS for `rediss://`, ACL users and connection pooling, which a
hand-written client would have to redo); it is imported only when a Redis URL is configured.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from bundlewise.cache.options import CacheOptions
from bundlewise.cache.remote import RemoteError

T = TypeVar("T")

REDIS_INSTALL_HINT = "install the redis client with: pip install 'bundlewise[redis]'"


class RedisStore:
    def __init__(self, url: str, options: CacheOptions, environ: Mapping[str, str]) -> None:
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError:
            raise RemoteError(
                f"the redis package is not installed ({REDIS_INSTALL_HINT})"
            ) from None
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self.prefix = options.prefix
        self.ttl = options.ttl or None
        auth: dict[str, Any] = {}
        if environ.get("BUNDLEWISE_CACHE_USER"):
            auth["username"] = environ["BUNDLEWISE_CACHE_USER"]
        if environ.get("BUNDLEWISE_CACHE_PASSWORD"):
            auth["password"] = environ["BUNDLEWISE_CACHE_PASSWORD"]
        # No retries: the circuit breaker decides when to give up, and a retry with backoff
        # would turn a dead server into seconds of waiting per look-up.
        self.client = redis.Redis.from_url(
            url,
            socket_connect_timeout=options.timeout,
            socket_timeout=options.timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=0,
            **auth,
        )

    def _key(self, name: str) -> str:
        return f"{self.prefix}:{name.replace('/', ':')}"

    def get(self, name: str) -> bytes | None:
        value = self._call(lambda: self.client.get(self._key(name)))
        if value is None or isinstance(value, bytes):
            return value
        raise RemoteError(f"unexpected reply of type {type(value).__name__}")

    def exists(self, name: str) -> bool:
        return bool(self._call(lambda: self.client.exists(self._key(name))))

    def put(self, name: str, entry: bytes) -> None:
        self._call(lambda: self.client.set(self._key(name), entry, ex=self.ttl))

    def close(self) -> None:
        self.client.close()

    def _call(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except self._errors as exc:
            raise RemoteError(_reason(exc)) from None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
