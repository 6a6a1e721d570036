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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bundlewise.errors import BuildError, Message
from bundlewise.images.records import ImageInfo
from bundlewise.pages.read import IMAGE_EXTENSIONS
from bundlewise.rehash import hashed_name
from bundlewise.specifiers import locate_specifier

if TYPE_CHECKING:
    from bundlewise.images import OptimizedImage
    from bundlewise.state import BuildState

OPT_OUT = "data-bundlewise-ignore"


def run(state: BuildState) -> None:
    options = state.config.images
    if not options.enabled:
        return
    from bundlewise.images import ImageJob, optimize_images

    progress = sys.stderr.isatty() and not os.environ.get("CI")
    css_images = _css_images(state)
    if css_images:
        jobs = [ImageJob(src, state.read(out)) for src, out in css_images.items()]
        # Full-width AVIF/WebP too (no narrower copies): CSS gets them through `image-set()`.
        full_width = replace(options, widths=())
        with referenced_from(state):
            results = optimize_images(jobs, full_width, state.cache, variants=True)
        for source, image in results.items():
            path = css_images[source]
            image = state.hook("on_image", image, source=path)
            state.log.extend(image.warnings)
            _count(state, source, image)
            if not image.kept_source and image.primary.format == _format_of(path):
                state.changed[path] = image.primary.data
            state.css_images[path] = image
    html_images = _html_images(state)
    if html_images:
        jobs = [ImageJob(s, (state.config.root / s).read_bytes()) for s in html_images]
        results = optimize_images(jobs, options, state.cache, variants=True, progress=progress)
        for source, image in results.items():
            image = state.hook("on_image", image, source=source)
            state.log.extend(image.warnings)
            _count(state, source, image)
            state.images[source] = _write(state, source, image)
            state.page_files[source] = state.images[source].url_path


def _css_images(state: BuildState) -> dict[str, str]:
    """Source → esbuild's copy of every image CSS or JS refers to."""
    assert state.graph is not None
    return {src: out for src, out in state.graph.asset_sources().items() if _is_image(out)}


def _format_of(path: str) -> str | None:
    from bundlewise.images.formats import EXTENSIONS

    return EXTENSIONS.get(os.path.splitext(path)[1].lower())


def _count(state: BuildState, source: str, image: OptimizedImage) -> None:
    """Record what became of `source` for the report (see `summary`)."""
    if image.primary.format == "svg":
        outcome = "copied"  # checked, then shipped as written: SVG is not re-encoded
    elif image.kept_source:
        outcome = "kept_source"
    else:
        outcome = "optimized"
    state.image_outcomes[source] = outcome


def summary(outcomes: Mapping[str, str]) -> dict[str, Any]:
    """The stats' `images` section: how many images were optimized, copied, or kept as they were
    because re-encoding did not make them smaller (those are listed by source path)."""
    kinds = ("optimized", "kept_source", "copied")
    counts: dict[str, Any] = {k: sum(1 for o in outcomes.values() if o == k) for k in kinds}
    counts["kept_source_files"] = sorted(s for s, o in outcomes.items() if o == "kept_source")
    return counts


@contextmanager
def referenced_from(state: BuildState) -> Iterator[None]:
    """Errors about an image CSS or JS refers to point at the reference (`src/a.css:3:15`)."""
    try:
        yield
    except BuildError as error:
        raise BuildError([_at_reference(state, m) for m in error.messages]) from None


def _at_reference(state: BuildState, message: Message) -> Message:
    assert state.graph is not None
    if message.location is None:
        return message
    source = message.location.file
    sites = [
        locate_specifier(state.config.root, importer, ref.original)
        for importer, ref in state.graph.importers(source)
    ]
    if not sites:
        return message
    notes = tuple(f"also referenced at {site}" for site in sites[1:])
    text = f"image {source}: {message.text}"
    return replace(message, text=text, location=sites[0], notes=(*message.notes, *notes))


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
