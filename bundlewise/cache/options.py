"""The `[cache]` table, and where the cache settings come from: config, environment, command line.

The remote's URL is `cache_url` in the config or `BUNDLEWISE_CACHE_URL` (which wins, so a CI job
can point a checked-in config at its own store). Credentials and the signing secret come from
the environment only, never from a file that is committed: `BUNDLEWISE_CACHE_TOKEN` (bearer),
`BUNDLEWISE_CACHE_USER` / `BUNDLEWISE_CACHE_PASSWORD` (basic auth, or Redis ACL user and
password), `BUNDLEWISE_CACHE_SECRET` (HMAC signing of entries).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit

from bundlewise.errors import Location, Message

SCHEMES = ("redis", "rediss", "http", "https")
DEFAULT_MAX_SIZE = 1_000_000_000


@dataclass(frozen=True)
class CacheOptions:
    """How the build cache behaves. Every field is a key of the `[cache]` table."""

    #: Cap of the local folder, in bytes (the table takes "1 GB", "500 MB" ...). Least recently
    #: used entries are evicted after a build that goes over it.
    max_size: int = DEFAULT_MAX_SIZE
    #: Seconds a remote (Redis) entry lives; 0 keeps entries until the server evicts them.
    ttl: int = 14 * 24 * 3600
    #: Prefix of every Redis key, so that one server can hold other data or other projects.
    prefix: str = "bundlewise"
    #: Seconds allowed to connect to the remote, and to wait for each read from it.
    timeout: float = 2.0
    #: Consecutive remote failures after which the build stops asking the remote.
    max_failures: int = 3
    #: Read the remote but never write to it (pull requests from forks). Also
    #: `--cache-read-only` and `BUNDLEWISE_CACHE_READ_ONLY=1`.
    read_only: bool = False

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], where: str
    ) -> tuple[CacheOptions, list[Message]]:
        """Options from a `[cache]` table, and a message for every unknown key or bad value."""
        messages: list[Message] = []
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                close = difflib.get_close_matches(key, sorted(known), n=1)
                notes = (f"did you mean {close[0]!r}?",) if close else ()
                messages.append(
                    Message(f"[cache] unknown key {key!r}", Location(where), notes=notes)
                )
                continue
            checked, problem = _check(key, value)
            if problem:
                messages.append(Message(f"[cache] {key}: {problem}", Location(where)))
            else:
                values[key] = checked
        return replace(cls(), **values), messages


def _check(key: str, value: Any) -> tuple[Any, str]:
    if key == "max_size":
        from bundlewise.report.units import parse_size

        try:
            return parse_size(value), ""
        except ValueError as exc:
            return None, str(exc)
    if key in ("ttl", "max_failures"):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value, ""
        return None, f"expected an integer ≥ 0, got {value!r}"
    if key == "timeout":
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value), ""
        return None, f"expected a positive number of seconds, got {value!r}"
    if key == "prefix":
        if isinstance(value, str) and value and not any(c.isspace() for c in value):
            return value, ""
        return None, f"expected a non-empty string without spaces, got {value!r}"
    if isinstance(value, bool):  # read_only
        return value, ""
    return None, f"expected true or false, got {value!r}"


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
