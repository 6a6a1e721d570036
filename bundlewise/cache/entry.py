"""The bytes of one cache entry, and the check that makes an entry trustworthy wherever it lies.

    magic (4) | flags (1) | digest (32) | [mac (32) when signed] | payload

The digest is a SHA-256 of the namespace, the key and the payload together, so an entry is only
valid under the key it was written for: a truncated entry, a flipped byte, or an entry copied or
moved under another key (two entries swapped) all fail the check, and the caller rebuilds. The
magic names the layout's version: an entry written by another layout is never read.

With a secret (`BUNDLEWISE_CACHE_SECRET`), entries also carry an HMAC-SHA256 of the same bytes;
a reader with the secret then accepts only entries signed with it, so that whoever can write to a
shared cache without the secret cannot make a build ship their bytes.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import Enum

MAGIC = b"bwc2"
_SIGNED = 1
_DIGEST_SIZE = 32
_HEAD = len(MAGIC) + 1 + _DIGEST_SIZE


class Rejected(Enum):
    """Why an entry was not used; the value is the phrase warnings use."""

    CORRUPT = "does not match its key (truncated, tampered with or moved)"
    OTHER_VERSION = "was written by another version of bundlewise"
    UNSIGNED = "is not signed, and BUNDLEWISE_CACHE_SECRET is set"
    WRONGLY_SIGNED = "is signed with another secret"


class EntryRejected(Exception):
    def __init__(self, reason: Rejected) -> None:
        super().__init__(reason.value)
        self.reason = reason


def _framed(namespace: str, key: str, payload: bytes) -> list[bytes]:
    """The signed bytes, length-prefixed so that no two (namespace, key) pairs frame alike."""
    parts = [MAGIC, namespace.encode(), key.encode()]
    return [*(len(p).to_bytes(8, "big") + p for p in parts), payload]


def _digest(namespace: str, key: str, payload: bytes) -> bytes:
    h = hashlib.sha256()
    for part in _framed(namespace, key, payload):
        h.update(part)
    return h.digest()


def _mac(secret: bytes, namespace: str, key: str, payload: bytes) -> bytes:
    h = hmac.new(secret, digestmod=hashlib.sha256)
    for part in _framed(namespace, key, payload):
        h.update(part)
    return h.digest()


def seal(namespace: str, key: str, payload: bytes, secret: bytes | None = None) -> bytes:
    """The entry to store for `payload` under `namespace`/`key`, signed when there is a secret."""
    digest = _digest(namespace, key, payload)
    if secret is None:
        return MAGIC + b"\0" + digest + payload
    mac = _mac(secret, namespace, key, payload)
    return MAGIC + bytes([_SIGNED]) + digest + mac + payload


def unseal(namespace: str, key: str, entry: bytes, secret: bytes | None = None) -> bytes:
    """The payload of `entry`, or `EntryRejected` saying why it cannot be trusted."""
    if not entry.startswith(MAGIC):
        raise EntryRejected(Rejected.OTHER_VERSION)
    if len(entry) < _HEAD:
        raise EntryRejected(Rejected.CORRUPT)
    flags = entry[len(MAGIC)]
    digest = entry[len(MAGIC) + 1 : _HEAD]
    signed = flags & _SIGNED
    payload = entry[_HEAD + (_DIGEST_SIZE if signed else 0) :]
    if flags & ~_SIGNED or not hmac.compare_digest(digest, _digest(namespace, key, payload)):
        raise EntryRejected(Rejected.CORRUPT)
    if secret is not None:
        if not signed:
            raise EntryRejected(Rejected.UNSIGNED)
        mac = entry[_HEAD : _HEAD + _DIGEST_SIZE]
        if not hmac.compare_digest(mac, _mac(secret, namespace, key, payload)):
            raise EntryRejected(Rejected.WRONGLY_SIGNED)
    return payload
