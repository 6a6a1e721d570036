"""The image stage: the images a build ships in, their optimized files and records out.

A function of plain records, callable alone (no pipeline, no build state):

- images CSS or JS refer to (esbuild copied them) are re-encoded in place, same format, with
  full-width AVIF/WebP beside them in memory for `image-set()` (no narrower copies);
- images pages show are optimized with their modern-format and responsive variants, under
  content-hashed names, and described by a `ShippedImage` each, for the hints;
- images pages show that ship as they are (optimization off, or a tag opts one out) are only
  measured: their `ShippedImage` has the upright size and no files.

It writes nothing and prints nothing: the caller writes `files` and `changed`, and hears how far
it got through `progress`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from bundlewise.cache import Cache
from bundlewise.errors import Message
from bundlewise.images.options import ImageOptions
from bundlewise.images.records import (
    ImageFile,
    ImageJob,
    ImagesSummary,
    OptimizedImage,
    ShippedImage,
    Variant,
    format_of,
)
from bundlewise.progress import ProgressCallback, no_progress
from bundlewise.rehash import hashed_name

# Modern formats CSS images get twins in, and the formats of the originals they can stand before.
IMAGE_SET_FORMATS = ("avif", "webp")
IMAGE_SET_FALLBACKS = ("png", "jpeg", "gif", "webp")
_ESBUILD_HASH = re.compile(r"-[A-Z2-7]{8}$")

OnImage = Callable[[OptimizedImage, str], OptimizedImage]
"""Each optimized image and its path (source, or output for CSS images) → the image to ship
(the pipeline passes the plugins' `on_image` hook)."""


@dataclass(frozen=True)
class CssImage:
    """An image CSS or JS refers to, as esbuild copied it."""

    source: str
    """POSIX path from the app root (names it in messages)."""
    output: str
    """esbuild's copy, relative to the output folder: re-encoded in place."""
    data: bytes


@dataclass(frozen=True)
class ImagesToShip:
    """The images one build ships, by where they are referenced from."""

    css: tuple[CssImage, ...] = ()
    pages: tuple[ImageJob, ...] = ()
    """Images pages show, to optimize (`rel` is the source path)."""
    as_is: tuple[tuple[str, Path], ...] = ()
    """(source, file) of images pages show that ship as they are: only their size is read."""


@dataclass(frozen=True)
class ShippedImages:
    """What the image stage made."""

    files: Mapping[str, bytes] = field(default_factory=dict)
    """New files to write (page images, their variants, CSS images' twins), path → bytes."""
    changed: Mapping[str, bytes] = field(default_factory=dict)
    """esbuild outputs whose bytes change (re-encoded CSS images), output path → bytes."""
    page_files: Mapping[str, str] = field(default_factory=dict)
    """Source → output path of each optimized page image (the file its `src` points at)."""
    page_images: Mapping[str, ShippedImage] = field(default_factory=dict)
    """Source → record of every image pages show, for the hints."""
    css_images: Mapping[str, ShippedImage] = field(default_factory=dict)
    """Output path → record of each CSS image, with its full-width modern twins (in `files`)
    when `css_image_set` asked for them."""
    outcomes: Mapping[str, str] = field(default_factory=dict)
    """Source → "optimized", "kept_source" (re-encoding did not make it smaller) or "copied"
    (SVG, checked and shipped as written); `summary` counts them."""
    messages: tuple[Message, ...] = ()
    """Warnings about the images (metadata dropped, an animation kept as is, ...)."""

    def summary(self) -> ImagesSummary:
        """The stats' `images` section: the outcomes counted."""
        return ImagesSummary.of(self.outcomes)


def ship_images(
    todo: ImagesToShip,
    options: ImageOptions,
    cache: Cache,
    *,
    assets_dir: str = "assets",
    hash_names: bool = True,
    css_image_set: bool = True,
    on_image: OnImage = lambda image, path: image,
    progress: ProgressCallback = no_progress,
) -> ShippedImages:
    """Optimize `todo` (from the cache when possible); raises `BuildError` naming every image
    that is not usable (CSS images first: a bad one stops the stage before the page images).

    `css_image_set` names and returns the full-width AVIF/WebP of CSS images for `image-set()`
    (`css.image_set`); without it they are made (for `on_image`) but not shipped.
    """
    from bundlewise.images.pool import optimize_images
    from bundlewise.images.size import read_size

    files: dict[str, bytes] = {}
    changed: dict[str, bytes] = {}
    page_files: dict[str, str] = {}
    page_images: dict[str, ShippedImage] = {}
    css_images: dict[str, ShippedImage] = {}
    outcomes: dict[str, str] = {}
    messages: list[Message] = []
    if todo.css:
        jobs = [ImageJob(image.source, image.data) for image in todo.css]
        # Full-width AVIF/WebP too (no narrower copies): CSS gets them through `image-set()`.
        full_width = replace(options, widths=())
        results = optimize_images(jobs, full_width, cache, variants=True, progress=progress)
        for css in todo.css:
            image = on_image(results[css.source], css.output)
            messages.extend(image.warnings)
            outcomes[css.source] = _outcome(image)
            if not image.kept_source and image.primary.format == format_of(css.output):
                changed[css.output] = image.primary.data
            named = _css_twins(css.output, image, hash_names) if css_image_set else []
            files.update((path, file.data) for file, path in named)
            css_images[css.output] = _record(image, [(image.primary, css.output), *named])
    if todo.pages:
        results = optimize_images(todo.pages, options, cache, variants=True, progress=progress)
        for source, image in results.items():
            image = on_image(image, source)
            messages.extend(image.warnings)
            outcomes[source] = _outcome(image)
            named = _names(source, image, assets_dir, hash_names)
            files.update((path, file.data) for file, path in named)
            page_images[source] = _record(image, named)
            page_files[source] = named[0][1]
    for source, path in todo.as_is:
        width, height = read_size(path)
        page_images[source] = ShippedImage(width, height, None, format_of(source))
    return ShippedImages(
        files=files,
        changed=changed,
        page_files=page_files,
        page_images=page_images,
        css_images=css_images,
        outcomes=outcomes,
        messages=tuple(messages),
    )


def _outcome(image: OptimizedImage) -> str:
    if image.primary.format == "svg":
        return "copied"  # checked, then shipped as written: SVG is not re-encoded
    return "kept_source" if image.kept_source else "optimized"


def _names(
    source: str, image: OptimizedImage, assets_dir: str, hash_names: bool
) -> list[tuple[ImageFile, str]]:
    """Each file of `image` (the fallback first) with its output path, named by its bytes."""
    stem = f"{assets_dir}/{os.path.splitext(source)[0]}"
    primary = f"{stem}{image.primary.ext}"
    named = [(image.primary, hashed_name(primary, image.primary.data) if hash_names else primary)]
    for variant in image.variants:
        suffix = "" if variant.width == image.width else f"-{variant.width}w"
        name = f"{stem}{suffix}{variant.ext}"
        named.append((variant, hashed_name(name, variant.data) if hash_names else name))
    return named


def _css_twins(output: str, image: OptimizedImage, hash_names: bool) -> list[tuple[ImageFile, str]]:
    """The full-width modern variants of a CSS image that `image-set()` can offer before it: named
    like esbuild's copy without esbuild's hash, then by their bytes. An image in a format that
    is not a fallback every browser shows (an AVIF) gets none."""
    if format_of(output) not in IMAGE_SET_FALLBACKS:
        return []
    stem = _ESBUILD_HASH.sub("", os.path.splitext(output)[0])
    named = []
    for variant in image.variants:
        if variant.format in IMAGE_SET_FORMATS and variant.width == image.width:
            name = f"{stem}{variant.ext}"
            named.append((variant, hashed_name(name, variant.data) if hash_names else name))
    return named


def _record(image: OptimizedImage, named: list[tuple[ImageFile, str]]) -> ShippedImage:
    """The record of `image` from its files and their paths, the fallback first."""
    path = named[0][1]
    variants = tuple(Variant(f.format, f.width, p) for f, p in named[1:])
    return ShippedImage(image.width, image.height, path, format_of(path), variants)
