"""The `[cache]` table, and where the cache settings come from: config, environment, command line.

The remote's URL is `cache_url` in the config or `BUNDLEWISE_CACHE_URL` (which wins, so a CI job
can point a checked-in config at its own store). Credentials and the signing secret come from
the environment only, never from a file that is committed: `BUNDLEWISE_CACHE_TOKEN` (bearer),
`BUNDLEWISE_CACHE_USER` / `BUNDLEWISE_CACHE_PASSWORD` (basic auth, or Redis ACL user and
password), `BUNDLEWISE_CACHE_SECRET` (HMAC signing of entries).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from bundlewise.config_schema import Between, Check, Parse
from bundlewise.report.units import parse_size

SCHEMES = ("redis", "rediss", "http", "https")
DEFAULT_MAX_SIZE = 1_000_000_000


def _no_spaces(value: str) -> str:
    if not value or any(c.isspace() for c in value):
        raise ValueError(f"expected a non-empty string without spaces, got {value!r}")
    return value


@dataclass(frozen=True)
class CacheOptions:
    """How the build cache behaves. Every field is a key of the `[cache]` table."""

    #: Cap of the local folder, in bytes (the table takes "1 GB", "500 MB" ...). Least recently
    #: used entries are evicted after a build that goes over it.
    max_size: Annotated[int, Parse(parse_size)] = DEFAULT_MAX_SIZE
    #: Seconds a remote (Redis) entry lives; 0 keeps entries until the server evicts them.
    ttl: Annotated[int, Between(0)] = 14 * 24 * 3600
    #: Prefix of every Redis key, so that one server can hold other data or other projects.
    prefix: Annotated[str, Check(_no_spaces)] = "bundlewise"
    #: Seconds allowed to connect to the remote, and to wait for each read from it.
    timeout: Annotated[float, Between(0, low_open=True)] = 2.0
    #: Consecutive remote failures after which the build stops asking the remote.
    max_failures: Annotated[int, Between(0)] = 3
    #: Read the remote but never write to it (pull requests from forks). Also
    #: `--cache-read-only` and `BUNDLEWISE_CACHE_READ_ONLY=1`.
    read_only: bool = False


def check_url(url: str, *, from_file: bool) -> str:
    """'' when `url` is a usable remote cache URL, else what is wrong with it."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as exc:
        return f"invalid URL ({exc})"
    if parts.scheme not in SCHEMES or not parts.hostname:
        return "expected redis://, rediss://, http:// or https:// and a host"
    if from_file and (parts.username or parts.password):
        return (
            "credentials do not belong in a config file: set BUNDLEWISE_CACHE_TOKEN, or "
            "BUNDLEWISE_CACHE_USER and BUNDLEWISE_CACHE_PASSWORD, in the environment"
        )
    return ""


def redact(url: str) -> str:
    """`url` without its credentials, for messages."""
    parts = urlsplit(url)
    if not (parts.username or parts.password):
        return url
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def env_flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")
