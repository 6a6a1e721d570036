"""Rewrite a page: hashed URLs, the CSS its scripts import, and modulepreload for their chunks.

All changes go through one `PageEditor`, so they land at exact offsets and every other byte of the
page stays as written. Later steps (performance hints, plugins) add their edits to the same editor
before it is applied.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from bundlewise.config import Config
from bundlewise.esbuild.graph import BuildGraph
from bundlewise.js.inline import INLINE_PREFIX
from bundlewise.pages.edit import PageEditor, escape_attr, split_srcset
from bundlewise.pages.head_end import insert_stylesheets
from bundlewise.pages.inline_css import rewrite_inline_css
from bundlewise.pages.read import Page, Reference
from bundlewise.result import PageResult


def public_url(config: Config, path: str, page_output: str) -> str:
    """The URL of output `path` as written into page `page_output`."""
    encoded = quote(path, safe="/")
    if config.base in ("", "./"):
        rel = posixpath.relpath(encoded, posixpath.dirname(page_output) or ".")
        return rel if rel.startswith("../") else "./" + rel
    return config.base.rstrip("/") + "/" + encoded


@dataclass
class PageRewrite:
    """A page on its way out: the editor holding its edits, and what it loads."""

    page: Page
    editor: PageEditor
    result: PageResult
    images: dict[int, str] = field(default_factory=dict)
    """Tag index of each `<img>`/`<source>` → source path of the image it shows (for hints)."""


def rewrite_page(
    config: Config,
    page: Page,
    graph: BuildGraph,
    files: Mapping[str, str],
) -> PageRewrite:
    """Plan the edits for `page`. `files` maps each referenced source to its output path."""
    editor = PageEditor(page.text)

    def url(path: str) -> str:
        return public_url(config, path, page.source)

    def href(ref: Reference) -> str:
        """The new URL of a reference to an asset (a public file keeps its path, gets `base`)."""
        return url(ref.source if ref.kind == "public" else files[ref.source]) + ref.suffix

    preloaded = _author_preloads(page)
    scripts: list[str] = []
    preloads: list[str] = []
    stylesheets: list[str] = []
    images: dict[int, str] = {}
    for tag_refs in _by_tag(page.refs):
        ref = tag_refs[0]
        if ref.span is not None:
            rewrite_inline_css(editor, tag_refs, href)
            continue
        if ref.attr in ("srcset", "imagesrcset"):
            _rewrite_srcset(editor, tag_refs, href)
        elif ref.kind == "script":
            out = graph.entries[ref.source]
            scripts.append(out)
            editor.set_attr(ref.tag, ref.attr, url(out) + ref.suffix)
            if ref.source.startswith(INLINE_PREFIX):
                _empty_inline_script(editor, page, ref)
            inject = []
            links = []
            for css in graph.css_for([out]):
                if css not in stylesheets:
                    stylesheets.append(css)
                    links.append(f'<link rel="stylesheet" href="{escape_attr(url(css))}">')
            if links:
                insert_stylesheets(editor, page.tags, ref.tag, links)
            for chunk in graph.static_closure(out):
                if chunk not in preloads and url(chunk) not in preloaded:
                    preloads.append(chunk)
                    inject.append(f'<link rel="modulepreload" href="{escape_attr(url(chunk))}">')
            if inject:
                editor.insert_before(ref.tag, "\n".join(inject))
        elif ref.kind == "style":
            out = graph.entries[ref.source]
            if out not in stylesheets:
                stylesheets.append(out)
            for r in tag_refs:
                editor.set_attr(r.tag, r.attr, url(out) + r.suffix)
        else:
            for r in tag_refs:
                editor.set_attr(r.tag, r.attr, href(r))
        if ref.tag.name in ("img", "source") and ref.kind == "image":
            images.setdefault(ref.tag.index, ref.source)
    lazy = _lazy(graph, scripts)
    result = PageResult(
        source=page.source,
        output=page.source,
        scripts=tuple(dict.fromkeys(scripts)),
        preloads=tuple(preloads),
        stylesheets=tuple(stylesheets),
        images=tuple(dict.fromkeys(files[s] for s in images.values() if s in files)),
        lazy=tuple(lazy),
    )
    return PageRewrite(page, editor, result, images)


def _empty_inline_script(editor: PageEditor, page: Page, ref: Reference) -> None:
    """The bundled inline script's code leaves the page: the tag now loads it by `src`."""
    from bundlewise.js.inline import to_bundle

    for module in to_bundle(page.tags, page.text):
        if module.tag.index == ref.tag.index:
            editor.replace(module.start, module.end, "")


def _by_tag(refs: tuple[Reference, ...]) -> list[list[Reference]]:
    """References grouped by (tag, attribute), in document order."""
    groups: dict[tuple[int, str], list[Reference]] = {}
    for ref in refs:
        if not ref.via:  # a manifest's icons are rewritten in the manifest (`pages.webmanifest`)
            groups.setdefault((ref.tag.index, ref.attr), []).append(ref)
    return list(groups.values())


def _rewrite_srcset(
    editor: PageEditor, refs: list[Reference], href: Callable[[Reference], str]
) -> None:
    tag, attr = refs[0].tag, refs[0].attr
    by_url = {r.url: r for r in refs}
    parts = []
    for candidate, descriptor in split_srcset(tag.get(attr) or ""):
        ref = by_url.get(candidate)
        new = href(ref) if ref else candidate
        parts.append(f"{new} {descriptor}".strip())
    editor.set_attr(tag, attr, ", ".join(parts))


def _author_preloads(page: Page) -> set[str]:
    return {
        t.get("href") or ""
        for t in page.tags
        if t.name == "link" and "modulepreload" in (t.get("rel") or "").split()
    }


def _lazy(graph: BuildGraph, scripts: list[str]) -> list[str]:
    """Chunks (and their CSS) that the page's scripts can load later through `import()`."""
    initial = set(scripts)
    for s in scripts:
        initial.update(graph.static_closure(s))
    lazy: dict[str, None] = {}
    stack = [d for s in sorted(initial) for d in graph.outputs[s].dynamic_imports]
    while stack:
        chunk = stack.pop(0)
        if chunk in initial or chunk in lazy:
            continue
        lazy[chunk] = None
        for dep in [*graph.static_closure(chunk), *graph.css_for([chunk])]:
            if dep not in initial:
                lazy.setdefault(dep)
        stack.extend(graph.outputs[chunk].dynamic_imports)
    return list(lazy)
