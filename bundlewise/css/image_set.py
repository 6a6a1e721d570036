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

from bundlewise.rehash import hashed_name

if TYPE_CHECKING:
    from bundlewise.state import BuildState

MIME = {"avif": "image/avif", "webp": "image/webp"}
FALLBACK_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                 ".gif": "image/gif", ".webp": "image/webp"}  # fmt: skip
MODERN = ("avif", "webp")
_DECLARATION = re.compile(
    r"""(?<=[{;])(?P<decl>\s*(?P<prop>(?:-webkit-)?background(?:-image)?)\s*:\s*"""
    r"""(?P<value>(?:[^;{}"'()]|"[^"]*"|'[^']*'|\((?:[^()"']|"[^"]*"|'[^']*')*\))*))""",
    re.IGNORECASE,
)
_URL = re.compile(r"""url\(\s*(?P<q>["']?)(?P<url>[^"')]*)(?P=q)\s*\)""", re.IGNORECASE)
_ESBUILD_HASH = re.compile(r"-[A-Z2-7]{8}$")


def run(state: BuildState) -> None:
    """Write the variants of CSS images and give every stylesheet its `image-set()`s."""
    html = state.config.html
    if not html.enabled or not html.css_image_set or not state.css_images:
        return
    sets = _write_variants(state)
    if not sets or state.graph is None:
        return
    for out in state.graph:
        if not out.path.endswith(".css"):
            continue
        css = state.read(out.path).decode("utf-8", "surrogateescape")
        new = add_image_sets(css, out.path, sets)
        if new != css:
            state.changed[out.path] = new.encode("utf-8", "surrogateescape")


def _write_variants(state: BuildState) -> dict[str, list[tuple[str, str]]]:
    """Asset path → [(MIME type, output path)], modern formats first, the original last."""
    sets: dict[str, list[tuple[str, str]]] = {}
    for asset, image in sorted(state.css_images.items()):
        modern = [v for v in image.variants if v.format in MODERN and v.width == image.width]
        fallback = FALLBACK_MIME.get(posixpath.splitext(asset)[1].lower())
        if not modern or fallback is None:
            continue
        stem = _ESBUILD_HASH.sub("", posixpath.splitext(asset)[0])
        entries = []
        for variant in sorted(modern, key=lambda v: MODERN.index(v.format)):
            name = f"{stem}{variant.ext}"
            path = hashed_name(name, variant.data) if state.config.hash_names else name
            target = state.staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(variant.data)
            entries.append((MIME[variant.format], path))
        entries.append((fallback, asset))
        sets[asset] = entries
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
