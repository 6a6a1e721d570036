"""The image step: every image the build ships goes through the optimizer.

- Images esbuild copied for CSS and JS (`url()`, `new URL`) are re-encoded in place, same format;
  `rehash` then renames them, and the CSS/JS that refer to them, by their final bytes.
- Images referenced from HTML are optimized with their modern-format and responsive variants,
  written under content-hashed names, and described in `state.images` for the HTML hints.

`data-bundlewise-ignore` on a tag keeps that image as it is.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bundlewise.pages import IMAGE_EXTENSIONS
from bundlewise.rehash import hashed_name

if TYPE_CHECKING:
    from bundlewise.images import OptimizedImage
    from bundlewise.pipeline import BuildState

OPT_OUT = "data-bundlewise-ignore"


@dataclass(frozen=True)
class ImageInfo:
    """An HTML image after optimization, as the hints need it."""

    source: str
    width: int
    height: int
    url_path: str
    """The fallback file (same format as the source), relative to the output folder."""
    format: str
    variants: tuple[tuple[str, int, str], ...]
    """(format, width, output path) of every variant, fallback format included."""


def run(state: BuildState) -> None:
    options = state.config.images
    if options is None or not options.enabled:
        return
    from bundlewise.images import ImageJob, optimize_images

    progress = sys.stderr.isatty() and not os.environ.get("CI")
    css_images = _css_images(state)
    if css_images:
        jobs = [ImageJob(path, (state.staging / path).read_bytes()) for path in css_images]
        for path, image in optimize_images(jobs, options, state.cache, variants=False).items():
            image = state.hook("on_image", image, source=path)
            state.log.extend(image.warnings)
            if not image.kept_source and image.primary.ext == os.path.splitext(path)[1].lower():
                state.changed[path] = image.primary.data
    html_images = _html_images(state)
    if html_images:
        jobs = [ImageJob(s, (state.config.root / s).read_bytes()) for s in html_images]
        results = optimize_images(jobs, options, state.cache, variants=True, progress=progress)
        for source, image in results.items():
            image = state.hook("on_image", image, source=source)
            state.log.extend(image.warnings)
            state.images[source] = _write(state, source, image)
            state.page_files[source] = state.images[source].url_path


def _css_images(state: BuildState) -> list[str]:
    assert state.graph is not None
    return [o.path for o in state.graph if o.kind == "asset" and _is_image(o.path)]


def _html_images(state: BuildState) -> list[str]:
    """Sources of images that pages show, minus those a tag opts out (kept as they are)."""
    wanted: dict[str, None] = {}
    ignored: set[str] = set()
    for page in state.pages:
        for ref in page.refs:
            if ref.kind != "image":
                continue
            if ref.tag.has(OPT_OUT):
                ignored.add(ref.source)
            else:
                wanted.setdefault(ref.source)
    return [s for s in wanted if s not in ignored]


def _is_image(path: str) -> bool:
    return path.lower().endswith(IMAGE_EXTENSIONS)


def _write(state: BuildState, source: str, image: OptimizedImage) -> ImageInfo:
    """Write the fallback and every variant; name each by its bytes."""
    stem = f"{state.config.assets_dir}/{os.path.splitext(source)[0]}"
    hashed = state.config.hash_names
    primary = f"{stem}{image.primary.ext}"
    written = [(image.primary, hashed_name(primary, image.primary.data) if hashed else primary)]
    for variant in image.variants:
        suffix = "" if variant.width == image.width else f"-{variant.width}w"
        name = f"{stem}{suffix}{variant.ext}"
        written.append((variant, hashed_name(name, variant.data) if hashed else name))
    for file, path in written:
        target = state.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.data)
    return ImageInfo(
        source=source,
        width=image.width,
        height=image.height,
        url_path=written[0][1],
        format=image.primary.format,
        variants=tuple((f.format, f.width, p) for f, p in written),
    )
