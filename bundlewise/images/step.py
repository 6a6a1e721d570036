"""The image step of the pipeline: `ship_images` (see `images.ship`) applied to the build state.

It gathers what to ship (esbuild's copies of the images CSS and JS refer to, and the images pages
show, minus those a tag opts out with `data-bundlewise-ignore`, which ship as they are), runs the
stage with the plugins' `on_image` hook, and records the outcome: re-encoded outputs in
`state.changed`, new files in staging (page images, their variants, CSS images' twins),
`state.images` for the hints, `state.css_images` for `image-set()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from bundlewise.errors import BuildError, Message
from bundlewise.file_kinds import kind_of
from bundlewise.images.records import ImageJob, OptimizedImage
from bundlewise.images.ship import CssImage, ImagesToShip, ship_images
from bundlewise.progress import ProgressCallback, no_progress
from bundlewise.sources.specifiers import locate_specifier
from bundlewise.state import BuildState

OPT_OUT = "data-bundlewise-ignore"

__all__ = ["OPT_OUT", "run"]


def run(state: BuildState, progress: ProgressCallback = no_progress) -> None:
    options = state.config.images
    todo = _to_ship(state, optimize=options.enabled)
    if not (todo.css or todo.pages or todo.as_is):
        return
    with referenced_from(state, {image.source for image in todo.css}):
        shipped = ship_images(
            todo,
            options,
            state.cache,
            assets_dir=state.config.assets_dir,
            hash_names=state.config.hash_names,
            css_image_set=_css_image_set(state),
            on_image=lambda image, path: _on_image(state, image, path),
            progress=progress,
        )
    state.log.extend(shipped.messages)
    state.changed.update(shipped.changed)
    state.css_images.update(shipped.css_images)
    state.image_outcomes.update(shipped.outcomes)
    for path, data in shipped.files.items():
        target = state.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    state.images.update(shipped.page_images)
    state.page_files.update(shipped.page_files)


def _css_image_set(state: BuildState) -> bool:
    """Whether CSS images get modern twins (`[html] css_image_set`, see `css.image_set`)."""
    return state.config.html.enabled and state.config.html.css_image_set


def _on_image(state: BuildState, image: OptimizedImage, path: str) -> OptimizedImage:
    return state.hook("on_image", image, source=path)


def _to_ship(state: BuildState, *, optimize: bool) -> ImagesToShip:
    """The images of this build: CSS/JS ones and page ones to optimize, page ones kept as they are
    (measured only when the hints will use their size)."""
    assert state.graph is not None
    css: list[CssImage] = []
    if optimize:
        for source, out in state.graph.asset_sources().items():
            if kind_of(out).image:
                css.append(CssImage(source, out, state.read(out)))
    shown, ignored, in_tags = _page_images(state)
    pages = [s for s in shown if s not in ignored] if optimize else []
    measure = state.config.html.enabled  # the hints need the size of images left as they are
    as_is = [s for s in shown if s in in_tags and s not in pages] if measure else []
    root = state.config.root
    return ImagesToShip(
        css=tuple(css),
        pages=tuple(ImageJob(s, (root / s).read_bytes()) for s in pages),
        as_is=tuple((s, root / s) for s in as_is),
    )


def _page_images(state: BuildState) -> tuple[list[str], set[str], set[str]]:
    """Sources of the images pages reference, those a tag opts out (kept as they are), and those
    an `<img>` or `<source>` shows (the ones the hints describe)."""
    shown: dict[str, None] = {}
    ignored: set[str] = set()
    in_tags: set[str] = set()
    for page in state.pages:
        for ref in page.refs:
            if ref.kind != "image":
                continue
            shown.setdefault(ref.source)
            if ref.tag.has(OPT_OUT):
                ignored.add(ref.source)
            if ref.tag.name in ("img", "source"):
                in_tags.add(ref.source)
    return list(shown), ignored, in_tags


@contextmanager
def referenced_from(state: BuildState, sources: set[str]) -> Iterator[None]:
    """Errors about an image CSS or JS refers to point at the reference (`src/a.css:3:15`)."""
    try:
        yield
    except BuildError as error:
        messages = [_at_reference(state, m, sources) for m in error.messages]
        raise BuildError(messages) from None


def _at_reference(state: BuildState, message: Message, sources: set[str]) -> Message:
    assert state.graph is not None
    if message.location is None or message.location.file not in sources:
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
