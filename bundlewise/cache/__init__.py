"""A persistent, content-addressed cache shared by the slow stages (images, compression).

Entries live in `<cache_dir>/<namespace>/<key[:2]>/<key>`. The key is a digest of everything that
determines the result (source bytes, options, library versions), so an entry never goes stale: a
change of input simply asks for another key. Each entry carries a digest binding its payload to
its key and to the entry layout's version (see `bundlewise.cache.entry`), so a truncated,
tampered, moved or outdated entry is detected on read, discarded and rebuilt by the caller.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bundlewise.cache.entry import EntryRejected, seal, unseal


def cache_key(*parts: bytes | str) -> str:
    """A hex digest of `parts`, length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    corrupt: int = 0


@dataclass
class Cache:
    """The cache folder; `None` as root turns caching off (every `get` misses, `put` is a no-op)."""

    root: Path | None
    stats: CacheStats = field(default_factory=CacheStats)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _path(self, namespace: str, key: str) -> Path:
        assert self.root is not None
        return self.root / namespace / key[:2] / key

    def get(self, namespace: str, key: str) -> bytes | None:
        if self.root is None:
            return None
        path = self._path(namespace, key)
        try:
            raw = path.read_bytes()
        except OSError:
            self._count("misses")
            return None
        try:
            payload = unseal(namespace, key, raw)
        except EntryRejected:
            # Truncated by a crash, tampered with, moved, or from another layout: drop it so
            # that the caller rebuilds it.
            path.unlink(missing_ok=True)
            self._count("corrupt")
            self._count("misses")
            return None
        self._count("hits")
        return payload

    def put(self, namespace: str, key: str, payload: bytes) -> None:
        if self.root is None:
            return
        path = self._path(namespace, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temp file in the same folder, then rename: readers never see half an entry.
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(seal(namespace, key, payload))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _count(self, what: str) -> None:
        with self._lock:
            setattr(self.stats, what, getattr(self.stats, what) + 1)
