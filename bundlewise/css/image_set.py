"""Modern formats for CSS background images: `url(photo.png)` → `image-set()` with AVIF and WebP.

The image step makes a full-width AVIF and WebP of every image CSS refers to (kept only when
smaller than the optimized original). Here each declaration that uses such an image gets a twin
right after it, with the `url()` replaced by

    image-set(url(photo-H1.avif) type("image/avif"), url(photo-H2.webp) type("image/webp"),
              url(photo-H3.png) type("image/png"))

A browser that understands `image-set()` with `type()` takes the first format it supports; an
older one drops the twin as invalid and keeps the original declaration: the optimized original is
the fallback, as with `<picture>` for `<img>`.

Only `background`, `background-image` and their `-webkit-` forms are rewritten, and never a
declaration that already holds an `image-set()`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bundlewise.images.formats import MIME_TYPES
from bundlewise.images.records import format_of
from bundlewise.images.ship import IMAGE_SET_FALLBACKS, IMAGE_SET_FORMATS

if TYPE_CHECKING:
    from bundlewise.images.records import ShippedImage
    from bundlewise.state import BuildState

_DECLARATION = re.compile(
    r"""(?<=[{;])(?P<decl>\s*(?P<prop>(?:-webkit-)?background(?:-image)?)\s*:\s*"""
    r"""(?P<value>(?:[^;{}"'()]|"[^"]*"|'[^']*'|\((?:[^()"']|"[^"]*"|'[^']*')*\))*))""",
    re.IGNORECASE,
)
_URL = re.compile(r"""url\(\s*(?P<q>["']?)(?P<url>[^"')]*)(?P=q)\s*\)""", re.IGNORECASE)


def run(state: BuildState) -> None:
    """Give every stylesheet its `image-set()`s (the image step wrote the variants)."""
    html = state.config.html
    if not html.enabled or not html.css_image_set or not state.css_images:
        return
    sets = image_sets(state.css_images)
    if not sets or state.graph is None:
        return
    for out in state.graph:
        if not out.path.endswith(".css"):
            continue
        css = state.read(out.path).decode("utf-8", "surrogateescape")
        new = add_image_sets(css, out.path, sets)
        if new != css:
            state.changed[out.path] = new.encode("utf-8", "surrogateescape")


def image_sets(images: Mapping[str, ShippedImage]) -> dict[str, list[tuple[str, str]]]:
    """Asset path → [(MIME type, output path)], modern formats first, the original last."""
    sets: dict[str, list[tuple[str, str]]] = {}
    for asset, image in sorted(images.items()):
        fallback = format_of(asset)
        twins = [v for v in image.variants if v.format in IMAGE_SET_FORMATS]
        if not twins or fallback not in IMAGE_SET_FALLBACKS:
            continue
        twins.sort(key=lambda v: IMAGE_SET_FORMATS.index(v.format))
        sets[asset] = [(MIME_TYPES[v.format], v.path) for v in twins]
        sets[asset].append((MIME_TYPES[fallback], asset))
    return sets


def add_image_sets(css: str, css_path: str, sets: Mapping[str, list[tuple[str, str]]]) -> str:
    """`css` with an `image-set()` twin after each background declaration naming a known image."""
    folder = posixpath.dirname(css_path)

    def asset_of(url: str) -> str | None:
        if "://" in url or url.startswith(("data:", "/", "#")):
            return None
        return posixpath.normpath(posixpath.join(folder, url.split("?")[0].split("#")[0]))

    def twin(match: re.Match[str]) -> str:
        value = match["value"]
        if "image-set(" in value.lower():
            return match[0]
        found = False

        def to_set(url_match: re.Match[str]) -> str:
            nonlocal found
            entries = sets.get(asset_of(url_match["url"]) or "")
            if not entries:
                return url_match[0]
            found = True
            options = ", ".join(
                f'url("{_relative(path, folder)}") type("{mime}")' for mime, path in entries
            )
            return f"image-set({options})"

        new_value = _URL.sub(to_set, value)
        if not found:
            return match[0]
        return f"{match[0]};{match['prop']}:{new_value.strip()}"

    return _DECLARATION.sub(twin, css)


def _relative(path: str, folder: str) -> str:
    return posixpath.relpath(path, folder or ".")
