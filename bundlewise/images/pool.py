"""Optimizing many images: cache look-ups, a bounded thread pool, one error naming every bad file.

Pillow releases the GIL while it decodes and encodes, so threads use every core; at most
two jobs per worker are in flight, which bounds memory to a few decoded images at a time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from bundlewise.cache import Cache, cache_key
from bundlewise.errors import BuildError, Location, Message
from bundlewise.images.decode import ImageInputError
from bundlewise.images.encode import codec_versions
from bundlewise.images.optimize import optimize_image
from bundlewise.images.options import ImageOptions
from bundlewise.images.records import ImageJob, OptimizedImage, from_payload, to_payload
from bundlewise.progress import ProgressCallback, no_progress

NAMESPACE = "images"
# Bump when a change of this package changes output bytes for the same inputs and options.
_FORMAT_VERSION = "images-3"


def optimize_images(
    jobs: Sequence[ImageJob],
    options: ImageOptions,
    cache: Cache,
    *,
    variants: bool = True,
    progress: ProgressCallback = no_progress,
) -> dict[str, OptimizedImage]:
    """Every job optimized (from the cache when possible), keyed by `rel`, in input order.

    `variants=False` makes only the same-format file (for images CSS and JS refer to).
    `progress` hears how many of the images not found in the cache are done.
    Raises `BuildError` listing every file that is not a usable image.
    """
    versions = codec_versions()
    mode = "variants" if variants else "primary"
    results: dict[str, OptimizedImage] = {}
    todo: list[tuple[ImageJob, str]] = []
    keyed = [
        (job, cache_key(_FORMAT_VERSION, versions, options.fingerprint(), mode, job.data))
        for job in jobs
    ]
    found = cache.get_many(NAMESPACE, [key for _, key in keyed])
    for job, key in keyed:
        cached = _from_payload(found.get(key), job.rel)
        if cached is not None:
            results[job.rel] = cached
        else:
            todo.append((job, key))
    todo.sort(key=lambda item: -len(item[0].data))  # the largest image sets the wall time
    errors: list[Message] = []
    if todo:
        progress("images", 0, len(todo), "")
    for done, ((job, key), outcome) in enumerate(_run(todo, options, variants), 1):
        progress("images", done, len(todo), job.rel)
        if isinstance(outcome, Message):
            errors.append(outcome)
            continue
        results[job.rel] = _store(cache, key, outcome)
    if errors:
        raise BuildError(sorted(errors, key=lambda m: m.location.file if m.location else ""))
    return {job.rel: results[job.rel] for job in jobs}


def _store(cache: Cache, key: str, image: OptimizedImage) -> OptimizedImage:
    """Write the entry; a cache that cannot be written (full disk, read-only) costs speed only,
    and the cache itself says so, once."""
    cache.put(NAMESPACE, key, to_payload(image))
    return image


def _from_payload(payload: bytes | None, rel: str) -> OptimizedImage | None:
    if payload is None:
        return None
    try:
        return from_payload(payload, rel)
    except (ValueError, KeyError, TypeError):  # an entry from an older layout: rebuild it
        return None


def _run(
    todo: list[tuple[ImageJob, str]], options: ImageOptions, variants: bool
) -> Iterator[tuple[tuple[ImageJob, str], OptimizedImage | Message]]:
    """Results as they finish, with no more than two jobs per worker submitted at once."""
    workers = options.workers or os.cpu_count() or 1
    pending = iter(todo)
    in_flight: dict[Future[OptimizedImage | Message], tuple[ImageJob, str]] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bundlewise-image") as pool:
        while True:
            while len(in_flight) < 2 * workers and (item := next(pending, None)) is not None:
                in_flight[pool.submit(_optimize_one, item[0], options, variants)] = item
            if not in_flight:
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: in_flight[f][0].rel):
                yield in_flight.pop(future), future.result()


def _optimize_one(job: ImageJob, options: ImageOptions, variants: bool) -> OptimizedImage | Message:
    try:
        return optimize_image(job, options, variants=variants)
    except ImageInputError as exc:
        return Message(str(exc), Location(job.rel))
    except MemoryError:
        return Message("not enough memory to optimize this image", Location(job.rel))
    except Exception as exc:  # an encoder failing on odd but valid input: name the file, go on
        return Message(f"could not be optimized ({type(exc).__name__}: {exc})", Location(job.rel))
