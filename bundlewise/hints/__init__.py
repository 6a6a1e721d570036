"""Performance hints added to each page (lazy loading, LCP priority, sizes, font preloads,
small images and stylesheets inlined).

`apply` runs for every page after its URLs are rewritten and before its edits are applied; every
hint is an edit of the same `PageEditor`, so the rest of the page stays byte for byte as written.
`hint_page` is the same work on plain data (for tests and plugins).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bundlewise.hints.facts import facts_for
from bundlewise.hints.head import existing_preloads, insert_in_head
from bundlewise.hints.images import ImageHints
from bundlewise.hints.options import HintOptions
from bundlewise.images.records import ShippedImage, Variant
from bundlewise.pages.edit import PageEditor, escape_attr
from bundlewise.pages.scan import Tag

if TYPE_CHECKING:
    from bundlewise.pages.rewrite import PageRewrite
    from bundlewise.state import BuildState

__all__ = ["HintOptions", "ImageFacts", "Variant", "apply", "finish", "hint_page"]

ImageFacts = ShippedImage
"""What `hint_page` takes for each image: the image step's record (`images.records`)."""


@dataclass(frozen=True)
class PageHints:
    fonts: tuple[str, ...]
    """Output paths of the fonts preloaded."""


def apply(state: BuildState, rewrite: PageRewrite) -> None:
    """Add this page's hints to its editor, and record its font preloads in its result."""
    options = state.config.html
    if not options.enabled:
        return
    from bundlewise.hints.fonts import initial_fonts
    from bundlewise.pages.rewrite import public_url

    config, page = state.config, rewrite.page
    facts = {}
    for index, source in rewrite.images.items():
        found = facts_for(source, state.page_files.get(source), state.images)
        if found is not None:
            facts[index] = found
    fonts = initial_fonts(
        rewrite.result.stylesheets, _reader(state), options.preload_fonts, config.base
    )
    from bundlewise.hints.inline_images import inline_small_images

    inline_small_images(
        rewrite.editor, page.tags, facts, _bytes_reader(state), options.inline_images
    )
    done = hint_page(
        rewrite.editor,
        page.tags,
        facts,
        lambda path: public_url(config, path, page.source),
        fonts,
        options,
    )
    if done.fonts:
        rewrite.result = dataclasses.replace(rewrite.result, fonts=done.fonts)


def finish(state: BuildState, rewrite: PageRewrite) -> str:
    """The page's final text: its edits applied, then its small stylesheets inlined."""
    from bundlewise.hints.inline_css import inline_stylesheets, stylesheet_urls
    from bundlewise.pages.rewrite import public_url

    text = rewrite.editor.apply()
    options = getattr(state.config, "html", None) or HintOptions()
    if not options.enabled or options.inline_css <= 0:
        return text
    config, page = state.config, rewrite.page

    def url(path: str) -> str:
        return public_url(config, path, page.source)

    links = stylesheet_urls(rewrite.result.stylesheets, url)
    done = inline_stylesheets(text, links, _reader(state), url, options.inline_css)
    rewrite.editor.changes.extend(f"inlined stylesheet {path}" for path in done.paths)
    return done.text


def hint_page(
    editor: PageEditor,
    tags: Sequence[Tag],
    facts: Mapping[int, ShippedImage],
    url: Callable[[str], str],
    fonts: Sequence[str],
    options: HintOptions,
) -> PageHints:
    """Add every hint to `editor`.

    `facts` maps the index of each `<img>`/`<source>` showing a local image to what we know of
    it; `url` turns an output path into the URL written in this page; `fonts` are the output
    paths of the fonts to preload.
    """
    preload = ImageHints(editor, tags, facts, url, options).run()
    have = existing_preloads(tags, editor)
    markup: list[str] = []
    notes: list[str] = []
    if preload is not None and ("image", preload.srcset or preload.href) not in have:
        markup.append(preload.markup())
        notes.append(f"preload LCP image {preload.srcset or preload.href}")
    for path in fonts:
        href = url(path)
        if ("font", href) not in have:
            markup.append(
                f'<link rel="preload" href="{escape_attr(href)}" as="font" type="font/woff2"'
                " crossorigin>"
            )
            notes.append(f"preload font {href}")
    if not insert_in_head(editor, tags, markup):
        return PageHints(())  # a fragment with no <head>: nowhere to put preloads
    editor.changes.extend(notes)
    return PageHints(tuple(fonts))


def _reader(state: BuildState) -> Callable[[str], str | None]:
    """Output files of the build as text (None when missing), for reading CSS."""
    read_bytes = _bytes_reader(state)

    def read(path: str) -> str | None:
        data = read_bytes(path)
        return None if data is None else data.decode("utf-8", "replace")

    return read


def _bytes_reader(state: BuildState) -> Callable[[str], bytes | None]:
    """Output files of the build (None when missing or outside the output)."""
    staging = state.staging.resolve()

    def read(path: str) -> bytes | None:
        target = (staging / path).resolve()
        if not target.is_relative_to(staging) or not target.is_file():
            return None
        return target.read_bytes()

    return read
