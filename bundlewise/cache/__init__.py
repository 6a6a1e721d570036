"""A persistent, content-addressed cache shared by the slow stages (images, compression).

A key is a digest of everything that determines a result (source bytes, options, codec and
library versions, the stage's format version), so an entry never goes stale: a change of input
asks for another key. Entries are looked up in the local folder first, then in the remote store
when one is configured (Redis or an HTTP cache server); a remote hit is copied to the local
folder, a new result goes to both. Every entry is checked against its key before use (see
`bundlewise.cache.entry`), and the cache never fails a build: what goes wrong is a warning and
a rebuild.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bundlewise.cache.breaker import Breaker
from bundlewise.cache.entry import EntryRejected, Rejected, seal, unseal
from bundlewise.cache.local import LocalStore
from bundlewise.cache.options import DEFAULT_MAX_SIZE
from bundlewise.cache.remote import RemoteStore

_log = logging.getLogger("bundlewise")
# Remote look-ups in flight at once: enough to hide the latency of a remote in the same region,
# few enough not to swamp a small Redis or a server's connection limit.
_REMOTE_LOOKUPS = 8


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
    by_namespace: dict[str, dict[str, int]] = field(default_factory=dict)
    """namespace → {"local": hits, "remote": hits, "misses": n}."""


class Cache:
    """The cache of one build. `root=None` and no remote turns caching off."""

    def __init__(
        self,
        root: Path | None,
        remote: RemoteStore | None = None,
        *,
        remote_url: str = "",
        secret: bytes | None = None,
        read_only: bool = False,
        max_size: int = DEFAULT_MAX_SIZE,
        max_failures: int = 3,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.root = root
        self.local = LocalStore(root) if root is not None else None
        self.secret = secret
        self.read_only = read_only
        self.max_size = max_size
        self.stats = CacheStats()
        self.warnings: list[str] = []
        self._warn_sink = warn or (lambda text: _log.warning("warning: cache: %s", text))
        self.remote = (
            Breaker(remote, remote_url, max_failures, self._warn) if remote is not None else None
        )
        self._lock = threading.Lock()
        self._warned: set[str] = set()
        self._used: set[str] = set()
        self._written: set[str] = set()
        self._rejected_remote: set[str] = set()
        self._evicted = 0

    def attach_remote(self, store: RemoteStore, url: str, max_failures: int) -> None:
        self.remote = Breaker(store, url, max_failures, self._warn)

    def warn_once(self, text: str) -> None:
        self._warn(text)

    def get(self, namespace: str, key: str) -> bytes | None:
        """The payload stored under `namespace`/`key`, or None (then the caller builds it)."""
        name = f"{namespace}/{key}"
        if self.local is not None:
            entry = self.local.read(name)
            payload = self._open("local", name, entry) if entry is not None else None
            if payload is not None:
                self.local.touch(name)
                self._count(namespace, "local", name)
                return payload
            if entry is not None:
                self.local.drop(name)
        if self.remote is not None:
            entry = self.remote.call(lambda store: store.get(name), None)
            payload = self._open("remote", name, entry) if entry is not None else None
            if payload is not None and entry is not None:
                self._write_local(name, entry)
                self._count(namespace, "remote", name)
                return payload
            if entry is not None:
                with self._lock:
                    self._rejected_remote.add(name)
        self._count(namespace, "misses", None)
        return None

    def get_many(self, namespace: str, keys: Sequence[str]) -> dict[str, bytes | None]:
        """`get` of every key; with a remote, several look-ups at once, so that a remote a few
        milliseconds away costs a few round trips for the whole batch, not one per key."""
        if self.remote is None or len(keys) < 2:
            return {key: self.get(namespace, key) for key in keys}
        with ThreadPoolExecutor(_REMOTE_LOOKUPS, thread_name_prefix="bundlewise-cache") as pool:
            payloads = list(pool.map(lambda key: self.get(namespace, key), keys))
        return dict(zip(keys, payloads, strict=True))

    def put(self, namespace: str, key: str, payload: bytes) -> None:
        """Store a new result locally and (unless read-only) in the remote. Never raises."""
        name = f"{namespace}/{key}"
        entry = seal(namespace, key, payload, self.secret)
        self._write_local(name, entry)
        if self.remote is None or self.read_only:
            return
        # HEAD first: another runner may have uploaded it since our miss, and then the upload
        # is spared. A remote entry we rejected is overwritten whatever HEAD says.
        overwrite = name in self._rejected_remote

        def upload(store: RemoteStore) -> None:
            if overwrite or not store.exists(name):
                store.put(name, entry)

        self.remote.call(upload, None)

    def finish(self) -> dict[str, Any]:
        """End of a build: evict over the cap, record the counts, close the remote."""
        if self.local is not None and self._written:
            self._evict()
        if self.remote is not None:
            self.remote.close()
        counts = self.counts()
        if self.local is not None:
            self.local.write_last_build(counts)
        return counts

    def counts(self) -> dict[str, Any]:
        """Hits and misses by namespace, for `--json` and the build summary."""
        with self._lock:
            counts: dict[str, Any] = {ns: dict(c) for ns, c in self.stats.by_namespace.items()}
        counts["remote"] = self.remote.url if self.remote is not None else None
        counts["remote_errors"] = self.remote.errors if self.remote is not None else 0
        counts["rejected"] = self.stats.corrupt
        counts["evicted"] = self._evicted
        return counts

    def _open(self, where: str, name: str, entry: bytes) -> bytes | None:
        namespace, _, key = name.partition("/")
        try:
            return unseal(namespace, key, entry, self.secret)
        except EntryRejected as exc:
            with self._lock:
                self.stats.corrupt += 1
            action = "ignored and rebuilt"
            if exc.reason in (Rejected.UNSIGNED, Rejected.WRONGLY_SIGNED):
                action = "ignored (as every entry not signed with this secret) and rebuilt"
            self._warn(f"{where} entry {name[:20]}… {exc.reason.value}: {action}", once=exc.reason)
            return None

    def _write_local(self, name: str, entry: bytes) -> None:
        if self.local is None:
            return
        try:
            self.local.write(name, entry)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self._warn(
                f"the folder {self.root} cannot be written ({reason}); results are not kept",
                once="local-write",
            )
            return
        with self._lock:
            self._written.add(name)

    def _evict(self) -> None:
        assert self.local is not None
        evicted = self.local.evict(self.max_size)
        self._evicted = evicted.entries
        needed = evicted.names & (self._used | self._written)
        if needed:
            from bundlewise.report.units import format_size

            self._warn(
                f"the local cap of {format_size(self.max_size)} ([cache] max_size) is smaller "
                f"than what this build uses: {len(needed)} of its entries were evicted and "
                "will be rebuilt next time; raise max_size"
            )

    def _count(self, namespace: str, what: str, name: str | None) -> None:
        with self._lock:
            counts = self.stats.by_namespace.setdefault(
                namespace, {"local": 0, "remote": 0, "misses": 0}
            )
            counts[what] += 1
            if what == "misses":
                self.stats.misses += 1
            else:
                self.stats.hits += 1
            if name is not None:
                self._used.add(name)

    def _warn(self, text: str, once: object = None) -> None:
        with self._lock:
            tag = repr(once) if once is not None else text
            if tag in self._warned:
                return
            self._warned.add(tag)
            self.warnings.append(text)
        self._warn_sink(text)
