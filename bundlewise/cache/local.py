"""The local cache folder: entries as files, written atomically, bounded by size.

Layout: `<root>/<namespace>/<key[:2]>/<key>`. A hit sets the entry's mtime to now, so that the
mtime orders entries by last use and eviction drops the least recently used first (atime is
not reliable: most file systems are mounted `relatime` or `noatime`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LAST_BUILD = "last-build.json"
_KEY = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class EntryFile:
    path: Path
    namespace: str
    size: int
    used: float


@dataclass(frozen=True)
class Evicted:
    entries: int
    bytes: int
    names: frozenset[str]
    """`namespace/key` of each entry evicted."""


class LocalStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        namespace, _, key = name.partition("/")
        return self.root / namespace / key[:2] / key

    def read(self, name: str) -> bytes | None:
        try:
            return self.path(name).read_bytes()
        except OSError:
            return None

    def touch(self, name: str) -> None:
        # Evicted meanwhile, or a read-only folder: only the LRU order suffers.
        with contextlib.suppress(OSError):
            os.utime(self.path(name))

    def drop(self, name: str) -> None:
        with contextlib.suppress(OSError):
            self.path(name).unlink(missing_ok=True)

    def write(self, name: str, entry: bytes) -> None:
        """Write to a temp file in the same folder, then rename: readers never see half an
        entry, and two builds writing the same key at once both leave a whole one."""
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.write_file(path, entry)

    def entries(self) -> list[EntryFile]:
        """Every entry (not temp files, not files of anyone else), oldest use first."""
        found: list[EntryFile] = []
        if not self.root.is_dir():
            return found
        for namespace in sorted(p for p in self.root.iterdir() if p.is_dir()):
            for path in namespace.glob("??/*"):
                if not _KEY.match(path.name) or path.parent.name != path.name[:2]:
                    continue
                try:
                    st = path.stat()
                except OSError:
                    continue  # removed by a concurrent build's eviction
                found.append(EntryFile(path, namespace.name, st.st_size, st.st_mtime))
        found.sort(key=lambda e: (e.used, e.path.name))
        return found

    def evict(self, max_size: int) -> Evicted:
        """Drop least recently used entries until the folder holds at most `max_size` bytes."""
        entries = self.entries()
        total = sum(e.size for e in entries)
        count = freed = 0
        names: set[str] = set()
        for entry in entries:
            if total <= max_size:
                break
            try:
                entry.path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                continue
            total -= entry.size
            freed += entry.size
            count += 1
            names.add(f"{entry.namespace}/{entry.path.name}")
        return Evicted(count, freed, frozenset(names))

    def clear(self) -> Evicted:
        return self.evict(-1)

    def write_last_build(self, counts: dict[str, Any]) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.write_file(self.root / LAST_BUILD, json.dumps(counts, sort_keys=True).encode())
        except OSError:
            pass

    def read_last_build(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.root / LAST_BUILD).read_bytes())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    @staticmethod
    def write_file(path: Path, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
