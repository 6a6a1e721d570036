"""Which outputs are worth compressing at all.

An allow-list of text-like types rather than a deny-list of compressed ones: a type we do not
know (a `.glb`, a `.zip`, a `.mp4`) is most likely binary and already compressed, and spending
Brotli 11 on it only to throw the result away is the slowest possible no-op. Users add their own
types with `include`.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from posixpath import basename, splitext

from bundlewise.compress.options import CompressOptions
from bundlewise.file_kinds import COMPRESSIBLE

#: Suffixes of the siblings we write: never compress a compressed file again.
SIBLING_SUFFIXES = frozenset({".br", ".gz", ".zst"})


def is_candidate(name: str, options: CompressOptions) -> bool:
    """Whether output `name` (a POSIX path relative to the output folder) should be compressed."""
    suffix = splitext(name)[1].lower()
    if suffix in SIBLING_SUFFIXES or matches_any(name, options.exclude):
        return False
    if suffix == ".map" and not options.sourcemaps:
        return False
    # Suffixes that compress well: the `compressible` column of `bundlewise.file_kinds`.
    return suffix in COMPRESSIBLE or matches_any(name, options.include)


def matches_any(name: str, globs: tuple[str, ...]) -> bool:
    """Glob matching as in .gitignore, simplified: a glob without `/` matches the file name in
    any folder (`*.csv`); one with `/` matches the whole relative path (`data/*.bin`), where `*`
    may cross folders, and a leading `/` is ignored. Case-sensitive, so the result is the same on every platform."""
    return any(_match(name, g.removeprefix("/")) for g in globs)


def _match(name: str, glob: str) -> bool:
    return fnmatchcase(name if "/" in glob else basename(name), glob)
