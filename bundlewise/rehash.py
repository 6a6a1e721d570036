"""Keep every hashed name a hash of the file's final bytes after we change some of them.

esbuild names files by a hash of what *it* wrote, covering the files each one imports. We then
change a few files (optimized images, the preload helper around `import()`), so their names no
longer describe their bytes, and every file that refers to them, directly or not, must be renamed
too. Only those files are touched; everything else keeps esbuild's name and is never read.

- A renamed file's *own digest* is the hash of its bytes with each reference to another output
  replaced by that output's name without its hash (so it does not depend on old names).
- Its new hash covers its own digest and the identity of everything it reaches (own digests for
  renamed files, the current name for untouched ones), so cycles of `import()` are fine.
- A source map is named after its script (`x-HASH.js.map`) and does not count towards it.

Hashes keep esbuild's format (8 characters of base32), so a renamed reference has the same length
as the old one and never shifts a column that a source map points at.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Collection, Mapping

HASHED_NAME = re.compile(r"^(?P<stem>.*)-(?P<hash>[A-Z2-7]{8})(?P<ext>(\.[^./]+)+)$")
HASH_LEN = 8


def content_hash(*parts: bytes) -> str:
    """The hash in a file name: of `parts` (usually one: the file's bytes)."""
    return _hash_of_digests([hashlib.sha256(part).digest() for part in parts])


def _hash_of_digests(digests: list[bytes]) -> str:
    return base64.b32encode(hashlib.sha256(b"".join(digests)).digest()).decode()[:HASH_LEN]


def hashed_name(path: str, data: bytes) -> str:
    """`dir/name.ext` → `dir/name-HASH.ext`, for files we create ourselves."""
    head, _, base = path.rpartition("/")
    stem, dot, ext = base.partition(".")
    name = f"{stem}-{content_hash(data)}{dot}{ext}"
    return f"{head}/{name}" if head else name


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _unhashed(name: str) -> str:
    m = HASHED_NAME.match(name)
    return f"{m['stem']}{m['ext']}" if m else name


def rehash(
    refs: Mapping[str, Collection[str]],
    changed: Collection[str],
    read: Callable[[str], bytes],
) -> dict[str, str]:
    """New names for `changed` files and every file that reaches one; old path → new path.

    `refs` maps each output to the outputs whose names appear in its bytes (from the metafile);
    `read` returns a file's current bytes.
    """
    affected = _ancestors(refs, set(changed))
    own: dict[str, bytes] = {}
    for path in sorted(affected):
        data = read(path)
        names = {basename(r) for r in refs.get(path, ())}
        own[path] = _digest(_strip_hashes(data, names))
    renames: dict[str, str] = {}
    for path in sorted(affected):
        if not HASHED_NAME.match(basename(path)) or _is_map_of_script(path, refs):
            continue
        # A file that reaches nothing gets exactly `hashed_name`'s hash: one name per content.
        ids = sorted(own.get(p) or _digest(basename(p).encode()) for p in _reachable(refs, path))
        renames[path] = _with_hash(path, _hash_of_digests([own[path], *ids]))
        if path + ".map" in refs.get(path, ()):
            renames[path + ".map"] = renames[path] + ".map"
    return renames


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _is_map_of_script(path: str, refs: Mapping[str, Collection[str]]) -> bool:
    """A source map that is renamed with its script rather than on its own."""
    return path.endswith(".map") and path in refs.get(path[: -len(".map")], ())


def _strip_hashes(data: bytes, names: Collection[str]) -> bytes:
    if not names:
        return data
    return _names_pattern(names).sub(lambda m: _unhashed(m.group().decode()).encode(), data)


def _names_pattern(names: Collection[str]) -> re.Pattern[bytes]:
    return re.compile(
        b"|".join(re.escape(n.encode()) for n in sorted(names, key=len, reverse=True))
    )


def _ancestors(refs: Mapping[str, Collection[str]], start: set[str]) -> set[str]:
    parents: dict[str, set[str]] = {}
    for src, targets in refs.items():
        for t in targets:
            if not t.endswith(".map"):
                parents.setdefault(t, set()).add(src)
    seen = set(start)
    stack = list(start)
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _reachable(refs: Mapping[str, Collection[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [r for r in refs.get(start, ()) if not r.endswith(".map")]
    while stack:
        p = stack.pop()
        if p not in seen and p != start:
            seen.add(p)
            stack.extend(r for r in refs.get(p, ()) if not r.endswith(".map"))
    return seen


def _with_hash(path: str, new_hash: str) -> str:
    head, _, base = path.rpartition("/")
    m = HASHED_NAME.match(base)
    assert m is not None
    name = f"{m['stem']}-{new_hash}{m['ext']}"
    return f"{head}/{name}" if head else name


def rewrite_references(data: bytes, renames: Mapping[str, str]) -> bytes:
    """Replace every old basename in `data` by its new one (same length: maps stay valid)."""
    pairs = {basename(old): basename(new) for old, new in renames.items()}
    if not pairs:
        return data
    return _names_pattern(pairs).sub(lambda m: pairs[m.group().decode()].encode(), data)
