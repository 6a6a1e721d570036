"""Write `.br`/`.gz`/`.zst` siblings next to the outputs of a build, in parallel and cached.

Each file is one task in a thread pool, largest first (the biggest file sets the wall time, so it
must not start last). Each encoding of each distinct content is computed once: the result is kept
in the content-addressed cache under a key made of the content's digest, the format, the level and
the library version, so a rebuild with unchanged outputs compresses nothing.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from bundlewise.cache import Cache, cache_key
from bundlewise.compress.codecs import Encoder, encoders
from bundlewise.compress.options import CompressOptions
from bundlewise.compress.rules import is_candidate
from bundlewise.errors import BuildError, BundlewiseError, Location, Message

NAMESPACE = "compress"
# Bump when the way a payload is produced changes in a way the library versions do not capture.
_KEY_VERSION = "compress-v1"


@dataclass(frozen=True)
class Sizes:
    """Byte sizes of one output, for the size report and the budgets.

    For a file with a sibling on disk, `gzip`/`brotli`/`zstd` are the sibling's size. For a file
    that was a candidate but kept no sibling (too small, or saving too little), they are the size
    the encoding would have had, at the configured level. For a file that is never compressed
    (images, woff2, excluded by a glob, source maps when off), or when compression is off or the
    format is not enabled, `gzip` and `brotli` equal `raw`: that is what a server sends. `zstd` is
    None unless the zst format is enabled and the file is a candidate.
    """

    raw: int
    gzip: int
    brotli: int
    zstd: int | None = None


@dataclass(frozen=True)
class OutputToCompress:
    """One output of a build: its POSIX path relative to the output folder and, when the caller
    holds them in memory, its bytes (otherwise they are read from the output folder)."""

    path: str
    data: bytes | None = None


@dataclass(frozen=True)
class Compressed:
    """What compression did: sizes for every output, and the siblings it wrote."""

    sizes: Mapping[str, Sizes]
    """Output path → raw/gzip/brotli(/zstd) sizes, for every output given (see `Sizes`)."""
    written: tuple[str, ...]
    """The `.br`/`.gz`/`.zst` siblings written, relative to the output folder, sorted."""


@dataclass
class CompressStats:
    """Counters of one `compress_outputs` call (thread-safe), for tests and `--verbose`."""

    candidates: int = 0  # files considered for compression
    encoded: int = 0  # encoder calls: zero on a warm cache
    cached: int = 0  # encodings read from the cache
    written: int = 0  # siblings written
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, what: str) -> None:
        with self._lock:
            setattr(self, what, getattr(self, what) + 1)


def compress_files(
    out_dir: Path,
    files: Sequence[str | OutputToCompress],
    options: CompressOptions,
    cache: Cache | None = None,
    *,
    workers: int | None = None,
    stats: CompressStats | None = None,
) -> Compressed:
    """Write compressed siblings into `out_dir` for the candidates among `files`; return the
    sizes of every file and the siblings written.

    `files` are outputs (or their POSIX paths) relative to `out_dir`. Without a `cache`, every
    encoding is computed. `workers` defaults to the usable cores; 1 runs everything in the calling
    thread. Raises BuildError naming the file when one cannot be read or a sibling cannot be
    written (no partial sibling is left behind), ConfigError when zst is asked for but zstandard
    is not installed.
    """
    stats = stats if stats is not None else CompressStats()
    outputs = {o.path: o for o in (OutputToCompress(f) if isinstance(f, str) else f for f in files)}
    raw = {o.path: _size(out_dir, o) for o in outputs.values()}
    sizes = {name: Sizes(raw[name], raw[name], raw[name]) for name in outputs}
    if not options.enabled:
        return Compressed(sizes, ())
    task = _Task(out_dir, encoders(options), options, cache or Cache(None), stats, outputs)
    # Largest first; ties by name so the order (and any error reported) never varies.
    todo = sorted((n for n in outputs if is_candidate(n, options)), key=lambda n: (-raw[n], n))
    stats.candidates += len(todo)
    done = _run(task, todo, workers or _cores())
    sizes.update((name, d.sizes) for name, d in done.items())
    written = sorted(sibling for d in done.values() for sibling in d.written)
    return Compressed(sizes, tuple(written))


def compress_outputs(
    out_dir: Path,
    files: Sequence[str],
    options: CompressOptions,
    cache: Cache,
    *,
    workers: int | None = None,
    stats: CompressStats | None = None,
) -> dict[str, Sizes]:
    """`compress_files` for files on disk, when only the sizes matter."""
    done = compress_files(out_dir, files, options, cache, workers=workers, stats=stats)
    return dict(done.sizes)


@dataclass(frozen=True)
class _Done:
    sizes: Sizes
    written: tuple[str, ...]


@dataclass(frozen=True)
class _Task:
    """What every worker needs to compress one file."""

    out_dir: Path
    encoders: tuple[Encoder, ...]
    options: CompressOptions
    cache: Cache
    stats: CompressStats
    files: Mapping[str, OutputToCompress]

    def __call__(self, name: str) -> _Done:
        path = self.out_dir / name
        output = self.files[name]
        data = output.data if output.data is not None else _read(path, name)
        digest = hashlib.sha256(data).digest()
        original = _stat(path)
        limit = len(data) * self.options.max_ratio
        worth_it = len(data) >= self.options.min_size
        measured: dict[str, int] = {}
        written: list[str] = []
        for encoder in self.encoders:
            sibling = f"{name}.{encoder.format}"
            if sibling in self.files:
                # The project ships its own pre-compressed file: never overwrite it.
                measured[encoder.format] = _size(self.out_dir, self.files[sibling])
                continue
            payload = self._encoded(encoder, data, digest)
            measured[encoder.format] = len(payload)
            keep = worth_it and len(payload) <= limit
            if encoder.format == "br" and not keep:
                # Brotli goes first: when even Brotli saves too little, no sibling is worth
                # keeping (whitenoise's rule), so a file never has a .gz without its .br.
                worth_it = False
            if keep:
                _write(self.out_dir / sibling, sibling, payload, original)
                self.stats.add("written")
                written.append(sibling)
            else:
                _remove_stale(self.out_dir / sibling, sibling)
        raw = len(data)
        sizes = Sizes(raw, measured.get("gz", raw), measured.get("br", raw), measured.get("zst"))
        return _Done(sizes, tuple(written))

    def _encoded(self, encoder: Encoder, data: bytes, digest: bytes) -> bytes:
        key = cache_key(_KEY_VERSION, digest, encoder.format, str(encoder.level), encoder.version)
        payload = self.cache.get(NAMESPACE, key)
        if payload is not None:
            self.stats.add("cached")
            return payload
        payload = encoder.encode(data)
        self.stats.add("encoded")
        self.cache.put(NAMESPACE, key, payload)  # never fails: a cache problem is a warning
        return payload


def _run(task: _Task, names: list[str], workers: int) -> dict[str, _Done]:
    if workers <= 1 or len(names) <= 1:
        return {name: task(name) for name in names}
    results: dict[str, _Done] = {}
    errors: list[Message] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="compress") as pool:
        futures: dict[Future[_Done], str] = {pool.submit(task, n): n for n in names}
        try:
            for future in as_completed(futures):
                if future.cancelled():  # after an error, below
                    continue
                try:
                    results[futures[future]] = future.result()
                except BundlewiseError as e:
                    # Stop starting new files, but let the running ones finish cleanly (each
                    # removes its own temp file) and report every failure they hit.
                    errors.extend(e.messages)
                    for pending in futures:
                        pending.cancel()
        except BaseException:
            # Ctrl-C or a bug: start nothing new; the `with` waits for the running tasks.
            pool.shutdown(cancel_futures=True)
            raise
    if errors:
        raise BuildError(errors)
    return results


def _read(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise BuildError(_io_message("cannot read", name, e)) from e


def _size(out_dir: Path, output: OutputToCompress) -> int:
    if output.data is not None:
        return len(output.data)
    try:
        return (out_dir / output.path).stat().st_size
    except OSError as e:
        raise BuildError(_io_message("cannot read", output.path, e)) from e


def _stat(path: Path) -> os.stat_result | None:
    """The original's mode and times, which its siblings copy; None when it is only in memory."""
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _write(target: Path, name: str, payload: bytes, original: os.stat_result | None) -> None:
    """Write to a temp file in the same folder, then rename: a failure (a full disk) never leaves a
    partial sibling that a server would send as if it were whole."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise BuildError(_io_message("cannot write", name, e)) from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        # mkstemp makes the file private (0600); the web server must read it like the original.
        os.chmod(tmp, stat.S_IMODE(original.st_mode) if original else 0o644)
        if original is not None:
            # Same mtime as the original, so servers that derive Last-Modified or an ETag from
            # the file they send give the same answer for every encoding.
            os.utime(tmp, ns=(original.st_atime_ns, original.st_mtime_ns))
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise BuildError(_io_message("cannot write", name, e)) from e
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_stale(path: Path, name: str) -> None:
    """A sibling left by an earlier run into this folder would now be stale: remove it."""
    try:
        path.unlink(missing_ok=True)
    except OSError as e:
        raise BuildError(_io_message("cannot remove stale", name, e)) from e


def _io_message(action: str, name: str, error: OSError) -> Message:
    reason = error.strerror or str(error)
    return Message(f"{action} {name}: {reason}", Location(name))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on macOS or Windows
        return os.cpu_count() or 1
