"""The remote half of the cache: what a backend offers (`setup.connect` picks one by its URL).

A backend stores opaque entries by name (`<namespace>/<key>`); the check of what comes back is
the caller's (`bundlewise.cache.entry`). Every failure, whatever the library raised, reaches the
caller as one `RemoteError` with a short reason for the warning.
"""

from __future__ import annotations

from typing import Protocol


class RemoteError(Exception):
    """The remote could not answer; the text says why, in a few words."""


class RemoteStore(Protocol):
    def get(self, name: str) -> bytes | None: ...
    def exists(self, name: str) -> bool: ...
    def put(self, name: str, entry: bytes) -> None: ...
    def close(self) -> None: ...
