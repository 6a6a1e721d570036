"""Find the pages of an app and the local files each one references.

This step only reads: it turns every HTML page into a `Page` with the list of `Reference`s it
makes (scripts, stylesheets, images, other assets), each resolved to a source file inside the app
root, or reported as an error naming the page and line. Rewriting happens in `pages.rewrite`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote

from bundlewise.config import Config
from bundlewise.errors import Location, MessageLog, location_in
from bundlewise.file_kinds import kind_of

if TYPE_CHECKING:
    from bundlewise.pages.scan import Tag

logger = logging.getLogger(__name__)

RefKind = Literal["script", "style", "image", "asset", "manifest", "public"]
"""`public`: a file of `public/`, copied as it is; its URL only gets `base`."""

_EXTERNAL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//)")
_LINK_ASSET_RELS = {
    "icon",
    "shortcut",
    "apple-touch-icon",
    "mask-icon",
    "preload",
    "prefetch",
}
_IMAGE_META = {"og:image", "og:image:url", "og:image:secure_url", "twitter:image"}


@dataclass(frozen=True)
class Reference:
    tag: Tag
    attr: str
    url: str
    """The URL as written (unescaped), one candidate of a `srcset` at a time."""
    kind: RefKind
    source: str
    """The referenced file, relative to the app root."""
    suffix: str = ""
    """Query string and fragment of the URL, kept on the rewritten URL."""
    via: str = ""
    """The web app manifest that names this file (its icons), empty for the page's own URLs."""
    span: tuple[int, int] | None = None
    """For a `url()` in inline CSS: its offsets in the `style` value, or in the page's text for
    a `<style>` element (attr `#style`)."""


@dataclass(frozen=True)
class Page:
    source: str
    """Path relative to the app root."""
    text: str
    tags: tuple[Tag, ...]
    refs: tuple[Reference, ...]

    @property
    def scripts(self) -> list[str]:
        return _unique(r.source for r in self.refs if r.kind == "script")

    @property
    def styles(self) -> list[str]:
        return _unique(r.source for r in self.refs if r.kind == "style")

    def where(self, ref: Reference) -> Location:
        """The line and column at which this page writes `ref`'s URL."""
        found = _Found(self.source, self.text, ref.tag, ref.attr, ref.url, ref.kind, ref.span)
        return found.where()


def _unique(items: object) -> list[str]:
    return list(dict.fromkeys(items))  # type: ignore[call-overload]


def find_pages(config: Config) -> list[Path]:
    """Every HTML page of the app, sorted, skipping output, dependencies, dot-folders and public/.

    A walk that prunes those folders (node_modules can hold tens of thousands of files), with the
    `pages` globs matched as `Path.glob` would (`**/` also matches the root itself).
    """
    skip = {str(p) for p in (config.out_dir, config.public_dir, config.cache_dir)}
    matches = re.compile("|".join(f"(?:{glob_regex(g)})" for g in config.pages))
    root = str(config.root)
    pages: list[str] = []
    for folder, dirs, files in os.walk(root):
        # A folder holding a build is recognised on arrival, from the listing the walk made
        # anyway (a stat of each sign in every folder cost ~2,000 calls on three.js ×10).
        if folder != root and _holds_build(folder, dirs, files, root):
            dirs[:] = []
            continue
        dirs[:] = [
            d
            for d in dirs
            if d[0] != "." and d != "node_modules" and os.path.join(folder, d) not in skip
        ]  # fmt: skip
        prefix = os.path.relpath(folder, root).replace(os.sep, "/") + "/"
        prefix = "" if prefix == "./" else prefix
        pages.extend(prefix + name for name in files if matches.match(prefix + name))
    return [config.root / rel for rel in sorted(pages)]


# Files that only a build writes: our marker, and the manifest of a Vite build.
BUILD_OUTPUT_SIGNS = (".bundlewise-output", ".vite/manifest.json")
_SIGN_NAMES = frozenset(sign.split("/", 1)[0] for sign in BUILD_OUTPUT_SIGNS)


def _holds_build(folder: str, dirs: list[str], files: list[str], root: str) -> bool:
    """`is_build_output` for a folder whose entries are listed: a stat only where a sign's first
    part is there."""
    listed = not _SIGN_NAMES.isdisjoint(files) or not _SIGN_NAMES.isdisjoint(dirs)
    return listed and is_build_output(folder, root)


def is_build_output(folder: str, root: str) -> bool:
    """Whether `folder` holds a build (ours or another tool's): its pages are not sources."""
    for sign in BUILD_OUTPUT_SIGNS:
        if os.path.isfile(os.path.join(folder, sign)):
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            logger.debug("skipping %s/: it holds a build (%s), not source pages", rel, sign)
            return True
    return False


def glob_regex(pattern: str) -> str:
    """A `Path.glob` pattern as a regex on POSIX paths: `**/` spans folders, `*` and `?` do not."""
    out = []
    for part in re.split(r"(\*\*/|\*|\?|\[[^\]]*\])", pattern):
        if part == "**/":
            out.append("(?:.*/)?")
        elif part == "*":
            out.append("[^/]*")
        elif part == "?":
            out.append("[^/]")
        elif part.startswith("[") and part.endswith("]") and len(part) > 2:
            out.append(part.replace("[!", "[^"))
        else:
            out.append(re.escape(part))
    return "".join(out) + r"\Z"


def read_page(path: Path, config: Config, log: MessageLog) -> Page:
    source = config.rel(path)
    # surrogateescape: bytes that are not UTF-8 survive the round trip unchanged.
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    text = _replace_env_vars(text, source, config, log)
    from bundlewise.pages.scan import scan_tags  # only apps with pages pay for the HTML modules

    tags = tuple(scan_tags(text))
    refs: list[Reference] = []
    for tag in tags:
        for attr, url, kind in _candidates(tag):
            found = _Found(source, text, tag, attr, url, kind)
            ref = _resolve(config, path, found, log)
            if ref is not None:
                refs.append(ref)
        for found in _inline_css(source, text, tag):
            ref = _resolve(config, path, found, log)
            if ref is not None:
                refs.append(ref)
    refs.extend(_inline_scripts(source, tags, text))
    return Page(source, text, tags, tuple(refs))


def _inline_scripts(source: str, tags: tuple[Tag, ...], text: str) -> list[Reference]:
    """Inline module scripts that import modules: virtual script entries (`bundlewise.js.inline`)."""
    if "<script" not in text.lower():
        return []
    from bundlewise.js.inline import inline_id, to_bundle

    return [
        Reference(module.tag, "src", "", "script", inline_id(source, i))
        for i, module in enumerate(to_bundle(tags, text))
    ]


_STYLE_END = re.compile(r"</style", re.IGNORECASE)


def _inline_css(page: str, text: str, tag: Tag) -> list[_Found]:
    """`url()`s (and `image-set()` strings) in a `style` attribute or a `<style>` element.

    Resolved like any other reference; a missing file is a warning and stays as written, as it
    does in Vite, since CSS can name files that only the server provides.
    """
    from bundlewise.css.urls import find_urls

    found = []
    style = tag.get("style")
    if style and "(" in style:
        for u in find_urls(style):
            kind = _image_or("asset", u.url)
            found.append(_Found(page, text, tag, "style", u.url, kind, span=(u.start, u.end)))
    if tag.name == "style" and not tag.self_closing:
        end = _STYLE_END.search(text, tag.end)
        css = text[tag.end : end.start() if end else len(text)]
        for u in find_urls(css):
            span = (tag.end + u.start, tag.end + u.end)
            kind = _image_or("asset", u.url)
            found.append(_Found(page, text, tag, "#style", u.url, kind, span=span))
    return found


@dataclass(frozen=True)
class _Found:
    """A URL found in a page, with what is needed to say exactly where it is."""

    page: str
    text: str
    tag: Tag
    attr: str
    url: str
    kind: RefKind
    span: tuple[int, int] | None = None
    """See `Reference.span`: inline CSS only, whose missing files are warnings."""

    def where(self) -> Location:
        """The URL's own line and column (inside a multi-line tag, inside a `srcset`)."""
        offset = self.tag.start
        attr = self.tag.attr(self.attr)
        if self.attr == "#style" and self.span is not None:
            offset = self.span[0]
        elif attr is not None:
            found = self.text.find(self.url, attr.value_start, attr.value_end)
            offset = found if found >= 0 else attr.value_start
        return location_in(self.page, self.text, offset)


def _replace_env_vars(text: str, source: str, config: Config, log: MessageLog) -> str:
    """`%VITE_X%`, `%MODE%`... replaced as in `import.meta.env` (see `bundlewise.js.env`)."""
    if "%" not in text:
        return text
    from bundlewise.js.env import public_env, replace_html_vars

    text, unknown = replace_html_vars(text, public_env(config))
    for line, name in unknown:
        log.warning(
            f"%{name}% is not a defined env variable; left as written", Location(source, line)
        )
    return text


def _candidates(tag: Tag) -> list[tuple[str, str, RefKind]]:
    """(attribute, url, kind) for each local-file reference a tag can make."""
    from bundlewise.pages.edit import split_srcset

    name = tag.name
    out: list[tuple[str, str, RefKind]] = []
    if name == "script" and tag.get("src"):
        kind: RefKind = "script" if (tag.get("type") or "").strip().lower() == "module" else "asset"
        out.append(("src", tag.get("src") or "", kind))
    elif name == "link" and tag.get("href"):
        rels = set((tag.get("rel") or "").lower().split())
        if "stylesheet" in rels:
            out.append(("href", tag.get("href") or "", "style"))
        elif "manifest" in rels:
            out.append(("href", tag.get("href") or "", "manifest"))
        elif rels & _LINK_ASSET_RELS:
            out.append(("href", tag.get("href") or "", "asset"))
        if tag.get("imagesrcset"):
            out.extend(
                ("imagesrcset", u, "image") for u, _ in split_srcset(tag.get("imagesrcset") or "")
            )
    elif name in ("img", "source", "video", "audio", "track", "input", "embed"):
        for attr in ("src", "poster"):
            if tag.get(attr):
                out.append((attr, tag.get(attr) or "", "asset"))
        if tag.get("srcset"):
            out.extend(("srcset", u, "asset") for u, _ in split_srcset(tag.get("srcset") or ""))
    elif name in ("image", "use"):  # inline SVG; `use` for a sprite: `icons.svg#home`
        out.extend((a, tag.get(a) or "", "asset") for a in ("href", "xlink:href") if tag.get(a))
    elif name == "meta" and tag.get("content") and _is_image_meta(tag):
        out.append(("content", tag.get("content") or "", "asset"))
    return [(a, u.strip(), _image_or(k, u)) for a, u, k in out]


def _is_image_meta(tag: Tag) -> bool:
    return (tag.get("property") or tag.get("name") or "").lower() in _IMAGE_META


def _image_or(kind: RefKind, url: str) -> RefKind:
    if kind == "asset" and kind_of(split_url(url)[0]).image:
        return "image"
    return kind


def split_url(url: str) -> tuple[str, str]:
    m = re.search(r"[?#]", url)
    return (url[: m.start()], url[m.start() :]) if m else (url, "")


def _resolve(config: Config, page_path: Path, found: _Found, log: MessageLog) -> Reference | None:
    public = public_file(config, found.url)
    if public is not None:  # served verbatim from the output root: only `base` changes its URL
        path, suffix = public
        return Reference(found.tag, found.attr, found.url, "public", path, suffix, span=found.span)
    missing: Literal["error", "warning"] = "warning" if found.span is not None else "error"
    local = resolve_local(
        config, page_path.parent, found.url, found.kind, found.where, log, missing
    )
    if local is None:
        return None
    source, suffix = local
    return Reference(found.tag, found.attr, found.url, found.kind, source, suffix, span=found.span)


def public_file(config: Config, url: str) -> tuple[str, str] | None:
    """(path in `public/`, query and fragment) when root-absolute `url` names a public file."""
    if not url.startswith("/") or url.startswith("//"):
        return None
    path_part, suffix = split_url(url)
    decoded = unquote(path_part).lstrip("/")
    return (decoded, suffix) if decoded and (config.public_dir / decoded).is_file() else None


def resolve_local(
    config: Config,
    folder: Path,
    url: str,
    kind: RefKind,
    where: Callable[[], Location],
    log: MessageLog,
    missing: Literal["error", "warning"] = "error",
) -> tuple[str, str] | None:
    """The source file (relative to the root) that `url`, written in a file of `folder`, names,
    and its query and fragment; None when it names no local file or is at fault (then logged).

    `where` gives the URL's location, computed only when there is something to report. A file
    that does not exist is an error, or with `missing="warning"` a warning (left as written)."""
    if url[:5].lower() == "file:":
        log.warning(
            f"{_what(kind)} {url!r} is a local-file URL, which a page served over the web cannot "
            "load: left as written and nothing read (use a path inside the app)",
            where(),
        )
        return None
    if not url or url.startswith(("#", "data:", "{{", "{%")) or _EXTERNAL.match(url):
        return None  # external, inline or templated: left as written
    path_part, suffix = split_url(url)
    if not path_part:
        return None
    decoded = unquote(path_part)
    if decoded.startswith("/"):
        if (config.public_dir / decoded.lstrip("/")).is_file():
            return None  # a public/ file, served verbatim from the output root
        target = config.root / decoded.lstrip("/")
    else:
        target = folder / decoded
    resolved = Path(os.path.realpath(target))
    if resolved != config.root and config.root not in resolved.parents:
        log.error(f"{_what(kind)} {url!r} is outside the app root", where())
        return None
    source = config.rel(Path(os.path.normpath(target)))
    if not resolved.is_file():
        if missing == "warning":
            log.warning(
                f"url({url}) not found (looked for {source}): left as written",
                where(),
                notes=("add the file, or put files the server provides under public/",),
            )
            return None
        log.error(f"{_what(kind)} {url!r} not found (looked for {source})", where())
        return None
    return source, suffix


def _what(kind: RefKind) -> str:
    names = {"style": "stylesheet", "asset": "file", "manifest": "web app manifest"}
    return names.get(kind, kind)
