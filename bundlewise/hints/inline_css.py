"""Small stylesheets go into the page as `<style>`: no request, no round trip before first paint.

A linked stylesheet blocks rendering until it has arrived, one round trip after the HTML (on a
slow mobile link, 600 ms and more); and whatever the CSS refers to (a background image, a web
font) is only found once it has. A stylesheet of a few kilobytes costs less in the page than that
round trip. Like Astro's `inlineStylesheets: "auto"`, each `<link rel="stylesheet">` of the built
page whose file is at most `[html] inline_css` bytes (default 4096, Vite's `assetsInlineLimit`)
is replaced by a `<style>` holding the same CSS:

- relative `url()`s and `image-set()` strings are re-pointed from the stylesheet's folder to
  URLs that work from the page (as the rest of the page's URLs are written);
- the `sourceMappingURL` comment is dropped (it would resolve against the page);
- a `media` attribute is kept on the `<style>`;
- the CSS file stays in the output: the manifest, other pages and backends may still link it.

A link is left alone when it carries anything a `<style>` cannot (`integrity`, `title`,
`disabled`, `nonce`, an id, event handlers, `rel="alternate stylesheet"`, ...), when its CSS holds
`</style` (it would end the element early), or when one of its URLs leaves the output folder.
Pages served with a Content-Security-Policy that forbids inline styles turn this off with
`inline_css = 0`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from bundlewise.css.urls import find_urls
from bundlewise.pages.edit import PageEditor, escape_attr
from bundlewise.pages.scan import Tag, scan_tags

_ALLOWED_ATTRS = frozenset(("rel", "href", "media", "type", "crossorigin"))
_SOURCE_MAP = re.compile(r"\s*/\*[#@] sourceMappingURL=[^*]*\*/\s*$")
_STYLE_END = re.compile(r"</style", re.IGNORECASE)
_NOT_RELATIVE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#)")


@dataclass(frozen=True)
class Inlined:
    text: str
    """The page with the small stylesheets inlined."""
    paths: tuple[str, ...]
    """Output paths of the stylesheets now inside the page."""


def inline_stylesheets(
    text: str,
    stylesheets: Mapping[str, str],
    read: Callable[[str], str | None],
    url: Callable[[str], str],
    limit: int,
) -> Inlined:
    """Inline each small stylesheet the page links.

    `stylesheets` maps the URL each of the page's stylesheets is linked by (as written in `text`)
    to its output path; `read` returns an output file's text (None when missing); `url` turns an
    output path into the URL to write in this page.
    """
    if limit <= 0 or not stylesheets:
        return Inlined(text, ())
    editor = PageEditor(text)
    done: list[str] = []
    for tag in scan_tags(text):
        path = stylesheets.get(tag.get("href") or "") if _plain_stylesheet_link(tag) else None
        if path is None:
            continue
        css = read(path)
        if css is None or len(css.encode("utf-8", "surrogateescape")) > limit:
            continue
        style = _style_element(tag, path, css, url)
        if style is None:
            continue
        editor.replace(tag.start, tag.end, style)
        done.append(path)
    return Inlined(editor.apply() if done else text, tuple(done))


def _plain_stylesheet_link(tag: Tag) -> bool:
    if tag.name != "link" or tag.inert is not None:
        return False
    if (tag.get("rel") or "").strip().lower() != "stylesheet":
        return False
    if (tag.get("type") or "text/css").strip().lower() != "text/css":
        return False
    return all(a.name in _ALLOWED_ATTRS for a in tag.attrs)


def _style_element(tag: Tag, path: str, css: str, url: Callable[[str], str]) -> str | None:
    """`<style>` with `css` (the text of output `path`) as it reads from the page; None when
    the CSS cannot be moved into the page unchanged in meaning."""
    css = _SOURCE_MAP.sub("", css)
    if _STYLE_END.search(css):
        return None
    moved = _repoint_urls(css, posixpath.dirname(path), url)
    if moved is None:
        return None
    media = (tag.get("media") or "").strip()
    attrs = f' media="{escape_attr(media)}"' if media and media.lower() != "all" else ""
    return f"<style{attrs}>{moved.strip()}</style>"


def _repoint_urls(css: str, folder: str, url: Callable[[str], str]) -> str | None:
    parts: list[str] = []
    pos = 0
    for ref in find_urls(css):
        target = ref.url.strip()
        if _NOT_RELATIVE.match(target):
            continue
        cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
        resolved = posixpath.normpath(posixpath.join(folder, unquote(target[:cut])))
        if resolved == ".." or resolved.startswith("../"):
            return None  # outside the output folder: no URL for it from the page
        new = url(resolved) + target[cut:]
        if any(c in new for c in "\"'()\\\n"):
            return None  # would need escaping in CSS; rare enough to keep the link
        parts += [css[pos : ref.start], new]
        pos = ref.end
    parts.append(css[pos:])
    return "".join(parts)


def stylesheet_urls(stylesheets: Sequence[str], url: Callable[[str], str]) -> dict[str, str]:
    """URL as written in the page → output path, for the page's stylesheets."""
    return {url(path): path for path in stylesheets}
