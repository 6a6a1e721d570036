"""Image and iframe hints: intrinsic size, responsive sources, lazy loading and the LCP image.

The lazy-loading heuristic, in document order over the `<img>` and `<iframe>` elements that render
at load (not those inside `<template>` or `<noscript>`):

- icons (both sides at most `icon_size` CSS pixels) are left alone and not counted;
- an element whose author wrote `loading` keeps it; `loading="eager"` counts as eager;
- the first `eager` elements stay eager, and so does the LCP image wherever it is;
- every later one gets `loading="lazy"`, and images also `decoding="async"`.

The LCP candidate is the first image the author marked (`data-lcp`, or `fetchpriority="high"`),
else the first local, non-icon image among the eager ones that the author did not make lazy.
It gets `fetchpriority="high"` and a `<link rel="preload" as="image">` in `<head>` that asks for
exactly the file the `<img>` will pick (the same `srcset`, `sizes` and, inside our `<picture>`,
the type of the first `<source>`), so it is never downloaded twice.

Attributes the author wrote are never changed; an image already inside a `<picture>` or with a
`srcset` keeps its markup, so building a built page changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bundlewise.hints.options import HintOptions
from bundlewise.images.formats import MIME_TYPES
from bundlewise.images.records import ShippedImage
from bundlewise.pages.edit import PageEditor, escape_attr
from bundlewise.pages.scan import Tag

_PIXELS = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:px)?\s*$")


@dataclass(frozen=True)
class Preload:
    """A `<link rel="preload" as="image">` to add to `<head>`."""

    href: str
    srcset: str = ""
    sizes: str = ""
    type: str = ""

    def markup(self) -> str:
        # With `imagesrcset` the `href` is left out: a browser that cannot read the srcset would
        # otherwise fetch the fallback for nothing.
        attrs = [("rel", "preload"), ("as", "image"), ("href", "" if self.srcset else self.href)]
        attrs += [("type", self.type), ("imagesrcset", self.srcset), ("imagesizes", self.sizes)]
        attrs.append(("fetchpriority", "high"))
        return "<link " + " ".join(f'{k}="{escape_attr(v)}"' for k, v in attrs if v) + ">"


@dataclass
class ImageHints:
    editor: PageEditor
    tags: Sequence[Tag]
    facts: Mapping[int, ShippedImage]
    """Tag index → facts of the local image it shows."""
    url: Callable[[str], str]
    """Output path → URL as written in this page."""
    options: HintOptions

    def run(self) -> Preload | None:
        """Edit every image and iframe; return the LCP preload to add, if one is wanted."""
        eager, lcp = self._plan_loading()
        preload = None
        for tag in self.tags:
            if tag.name == "img":
                sources = self._image(tag)
                if tag.index == lcp:
                    preload = self._lcp(tag, sources)
            elif tag.name == "source" and tag.picture is not None:
                self._source_size(tag)
            if tag.name in ("img", "iframe") and tag.index not in eager and tag.inert is None:
                self._lazy(tag)
        return preload

    # -- which elements load eagerly, and which one is the LCP candidate

    def _plan_loading(self) -> tuple[set[int], int | None]:
        eager: set[int] = set()
        counted = 0
        lcp = self._marked_lcp() if self.options.lcp else None
        for tag in self.tags:
            if tag.name not in ("img", "iframe") or tag.inert is not None:
                continue
            loading = (tag.get("loading") or "").strip().lower()
            if loading or self._is_icon(tag) or not self.options.lazy:
                eager.add(tag.index)  # not ours to change
                counted += loading == "eager"
                continue
            if counted < self.options.eager or tag.index == lcp:
                eager.add(tag.index)
                counted += 1
                if lcp is None and self.options.lcp and tag.index in self.facts:
                    lcp = tag.index if tag.name == "img" else None
        if lcp is None and self.options.lcp:
            lcp = self._first_large_eager(eager)
        return eager, lcp

    def _marked_lcp(self) -> int | None:
        for tag in self.tags:
            marked = tag.has("data-lcp") or (tag.get("fetchpriority") or "").lower() == "high"
            if tag.name == "img" and tag.inert is None and marked:
                return tag.index
        return None

    def _first_large_eager(self, eager: set[int]) -> int | None:
        """With lazy loading off (or every slot taken by the author), the first large image."""
        for tag in self.tags:
            if tag.name != "img" or tag.inert is not None or tag.index not in eager:
                continue
            lazy = (tag.get("loading") or "").strip().lower() == "lazy"
            if not lazy and tag.index in self.facts and not self._is_icon(tag):
                return tag.index
        return None

    def _is_icon(self, tag: Tag) -> bool:
        width, height = self._box(tag)
        limit = self.options.icon_size
        return 0 < width <= limit and 0 < height <= limit

    def _box(self, tag: Tag) -> tuple[float, float]:
        """The element's size in CSS pixels as far as the markup tells (0 when unknown)."""
        facts = self.facts.get(tag.index)
        w, h = _pixels(tag.get("width")), _pixels(tag.get("height"))
        if facts is None or not facts.width or not facts.height:
            return w or 0, h or 0
        if w is None and h is None:
            return facts.width, facts.height
        if w is None:
            assert h is not None
            return h * facts.width / facts.height, h
        if h is None:
            return w, w * facts.height / facts.width
        return w, h

    # -- one image

    def _image(self, tag: Tag) -> list[str]:
        """Size and responsive markup for `tag`; returns the `<source>`s wrapped around it."""
        facts = self.facts.get(tag.index)
        if facts is None:
            return []
        if self.options.dimensions:
            for name, value in _missing_dimensions(tag, facts).items():
                self.editor.set_attr(tag, name, value)
                self.editor.changes.append(f"<img> line {tag.line}: {name}={value}")
        if not self.options.responsive or tag.picture is not None or tag.has("srcset"):
            return []
        sizes = tag.get("sizes") or _sizes_for(tag) or self.options.sizes
        own = dict(c for fmt in facts.img_formats() for c in facts.candidates(fmt))
        if len(own) > 1:
            self.editor.set_attr(tag, "srcset", _srcset(sorted(own.items()), self.url))
            if not tag.has("sizes"):
                self.editor.set_attr(tag, "sizes", sizes)
            self.editor.changes.append(f"<img> line {tag.line}: srcset with {len(own)} widths")
        formats = [f for f in facts.source_formats() if f in MIME_TYPES]
        if formats:
            # Inline, with no line breaks: the <img> may sit in running text or in a <pre>.
            sources = "".join(
                f'<source type="{MIME_TYPES[fmt]}" srcset="{escape_attr(_srcset(facts.candidates(fmt), self.url))}"'
                f' sizes="{escape_attr(sizes)}">'
                for fmt in formats
            )
            self.editor.insert_at(tag.start, "<picture>" + sources)
            self.editor.insert_at(tag.end, "</picture>")
            kinds = ", ".join(formats)
            self.editor.changes.append(f"<img> line {tag.line}: <picture> with {kinds}")
        return formats

    def _source_size(self, tag: Tag) -> None:
        """A `<source>` of an author's `<picture>` gets its own size when its shape differs."""
        facts = self.facts.get(tag.index)
        if facts is None or not self.options.dimensions or not facts.width or not facts.height:
            return
        img = next((t for t in self.tags if t.name == "img" and t.picture == tag.picture), None)
        img_facts = self.facts.get(img.index) if img is not None else None
        if img_facts is None or not img_facts.width or not img_facts.height:
            return
        if abs(facts.width / facts.height - img_facts.width / img_facts.height) < 0.01:
            return  # same shape: the `<img>`'s own width/height already reserve the right box
        for name, value in _missing_dimensions(tag, facts).items():
            self.editor.set_attr(tag, name, value)
            self.editor.changes.append(f"<source> line {tag.line}: {name}={value}")

    def _lazy(self, tag: Tag) -> None:
        if not self.options.lazy or tag.has("loading") or self._is_icon(tag):
            return
        if tag.name == "iframe" and not tag.get("src"):
            return
        self.editor.set_attr(tag, "loading", "lazy")
        if tag.name == "img" and not tag.has("decoding"):
            self.editor.set_attr(tag, "decoding", "async")
        self.editor.changes.append(f"<{tag.name}> line {tag.line}: loading=lazy")

    def _lcp(self, tag: Tag, sources: list[str]) -> Preload | None:
        if not tag.has("fetchpriority"):
            self.editor.set_attr(tag, "fetchpriority", "high")
            self.editor.changes.append(f"<img> line {tag.line}: fetchpriority=high (LCP)")
        src = self.editor.value(tag, "src") or ""
        if not src or src.startswith("data:"):
            return None
        facts = self.facts.get(tag.index)
        sizes = tag.get("sizes") or _sizes_for(tag) or self.options.sizes
        if sources and facts is not None:
            first = sources[0]
            return Preload(
                src, _srcset(facts.candidates(first), self.url), sizes, MIME_TYPES[first]
            )
        if tag.picture is not None:
            return None  # an author's <picture>: its media queries decide, we cannot match them
        srcset = self.editor.value(tag, "srcset") or ""
        return Preload(src, srcset, (self.editor.value(tag, "sizes") or sizes) if srcset else "")


def _srcset(candidates: Sequence[tuple[int, str]], url: Callable[[str], str]) -> str:
    return ", ".join(f"{url(path)} {width}w" for width, path in candidates)


def _sizes_for(tag: Tag) -> str | None:
    """`sizes` for an image the author gave a width in pixels: that width, or less on a narrow
    screen (images usually carry `max-width: 100%`)."""
    width = _pixels(tag.get("width"))
    return f"(max-width: {width:g}px) 100vw, {width:g}px" if width else None


def _pixels(value: str | None) -> float | None:
    """A dimension attribute as CSS pixels; None for percentages and anything else."""
    match = _PIXELS.match(value) if value is not None else None
    return float(match.group(1)) if match else None


def _missing_dimensions(tag: Tag, facts: ShippedImage) -> dict[str, str]:
    """The `width`/`height` to add: both, or the one the author left out, at the image's ratio."""
    if not facts.width or not facts.height:
        return {}
    has_w, has_h = tag.has("width"), tag.has("height")
    if not has_w and not has_h:
        return {"width": str(facts.width), "height": str(facts.height)}
    if has_w and not has_h and (w := _pixels(tag.get("width"))):
        return {"height": str(round(w * facts.height / facts.width))}
    if has_h and not has_w and (h := _pixels(tag.get("height"))):
        return {"width": str(round(h * facts.width / facts.height))}
    return {}
