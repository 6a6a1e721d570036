"""Calls to the remote cache that can never fail a build, nor slow it down for long.

Each call either answers or, on any `RemoteError`, returns a default (a miss, no write). The first
failure gives one warning naming the remote and the cause; after `max_failures` failures in a row
the circuit opens and the rest of the build no longer asks the remote at all, so a dead or
stalled server costs at most a few timeouts, never one per image.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

from bundlewise.cache.remote import RemoteError, RemoteStore

T = TypeVar("T")


class Breaker:
    def __init__(
        self, store: RemoteStore, url: str, max_failures: int, warn: Callable[[str], None]
    ) -> None:
        self.store = store
        self.url = url
        self.max_failures = max(1, max_failures)
        self.warn = warn
        self.errors = 0
        self.open = False
        self._in_a_row = 0
        self._lock = threading.Lock()

    def call(self, action: Callable[[RemoteStore], T], default: T) -> T:
        if self.open:
            return default
        try:
            result = action(self.store)
        except RemoteError as exc:
            self._failed(str(exc))
            return default
        with self._lock:
            self._in_a_row = 0
        return result

    def _failed(self, reason: str) -> None:
        with self._lock:
            self.errors += 1
            self._in_a_row += 1
            first = self.errors == 1
            if self._in_a_row >= self.max_failures:
                self.open = True
        if first:
            self.warn(f"remote cache {self.url}: {reason}; the build goes on with local work")

    def close(self) -> None:
        # A connection already broken has nothing left to release.
        with contextlib.suppress(Exception):
            self.store.close()
