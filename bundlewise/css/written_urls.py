"""URLs esbuild leaves as written in CSS: `image-set()` strings and root-absolute URLs.

- CSS allows a bare string where `url()` would go inside `image-set()` (`image-set("a.png" 1x)`),
  and browsers resolve it like a `url()`. esbuild leaves these strings as written, relative to
  the *source* stylesheet, so in the output they point nowhere.
- `url(/icon.png)` and `@import "/x.css"` are kept as written by esbuild (see `css.refs`).

This step finds them in the CSS outputs. A file of `public/` keeps its path and gets `base`; a
file of the app resolves against the stylesheets the output was built from, is emitted as an
asset (hashed, and optimized by the image step like every CSS image), and its URL is written in
place, with the source map shifted to match. An `image-set()` string that names no file is a
warning naming the source line, left as written (a missing `url()` is warned about by `css.refs`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from bundlewise.css.urls import CssUrl, find_urls
from bundlewise.errors import location_in
from bundlewise.esbuild.graph import Output
from bundlewise.pages.read import public_file, split_url
from bundlewise.rehash import hashed_name
from bundlewise.sourcemap import insert_into_map

if TYPE_CHECKING:
    from bundlewise.state import BuildState


def run(state: BuildState) -> None:
    assert state.graph is not None
    outputs = dict(state.graph.outputs)
    emitted = state.graph.asset_sources()
    for out in list(outputs.values()):
        if out.kind != "css":
            continue
        text = state.read(out.path).decode("utf-8", "surrogateescape")
        strings = [u for u in find_urls(text) if _left_as_written(u)]
        strings += [
            CssUrl(m["url"], m.start("url"), m.end("url"))
            for m in _IMPORT.finditer(text)
            if m["url"].startswith("/") and not m["url"].startswith("//")
        ]
        strings.sort(key=lambda u: u.start)
        if not strings:
            continue
        new_assets: list[str] = []
        shifts: list[tuple[int, int, int]] = []  # (line, column, length change), for the map
        original = text
        for u in reversed(strings):  # from the end, so earlier offsets stay valid
            target = _target(state, out, u, emitted, outputs)
            if target is None:
                continue
            new_assets.append(target[1])  # "" for a public file: still a change
            text = text[: u.start] + target[0] + text[u.end :]
            line_start = original.rfind("\n", 0, u.end) + 1
            shifts.append(
                (original.count("\n", 0, u.end), u.end - line_start, len(target[0]) - len(u.url))
            )
        if not new_assets:
            continue
        state.changed[out.path] = text.encode("utf-8", "surrogateescape")
        if out.path + ".map" in outputs:
            map_bytes = state.read(out.path + ".map")
            state.changed[out.path + ".map"] = insert_into_map(map_bytes, sorted(shifts))
        assets = tuple(dict.fromkeys([*out.assets, *(a for a in new_assets if a)]))
        outputs[out.path] = replace(out, assets=assets)
    state.graph = replace(state.graph, outputs=dict(sorted(outputs.items())))


_IMPORT = re.compile(r"""@import\s*(["'])(?P<url>[^"']+)\1""", re.IGNORECASE)


def _left_as_written(u: CssUrl) -> bool:
    """An `image-set()` string naming a local file, or a root-absolute `url()`."""
    lowered = u.url.strip().lower()
    if not lowered or lowered.startswith(("data:", "#", "http:", "https:", "//")):
        return False
    return u.in_string or lowered.startswith("/")


def _target(
    state: BuildState, out: Output, u: CssUrl, emitted: dict[str, str], outputs: dict[str, Output]
) -> tuple[str, str] | None:
    """(the URL to write, the asset output it names or "") for `u` in CSS output `out`."""
    config = state.config
    url = u.url
    here = posixpath.dirname(out.path)
    public = public_file(config, url)
    if public is not None:
        path, suffix = public
        if config.base in ("", "./"):
            return posixpath.relpath(quote(path), here or ".") + suffix, ""
        return config.base.rstrip("/") + "/" + quote(path) + suffix, ""
    found = _source_file(state, out, u)
    if found is None:
        return None
    source, suffix = found
    asset = emitted.get(source) or _emit(state, source, outputs)
    emitted[source] = asset
    return posixpath.relpath(quote(asset), here or ".") + suffix, asset


def _source_file(state: BuildState, out: Output, u: CssUrl) -> tuple[str, str] | None:
    """The file `u` names, resolved in the first CSS input that writes it; warn if none."""
    root = state.config.root
    url = u.url
    path_part, suffix = split_url(url)
    decoded = unquote(path_part)
    first_place = None
    for source in out.inputs:
        file = root / source
        if not source.lower().endswith(".css") or not file.is_file():
            continue
        css = file.read_text(encoding="utf-8", errors="replace")
        hits = [h for h in find_urls(css) if h.in_string == u.in_string and h.url == url]
        if not hits:
            continue
        first_place = first_place or location_in(source, css, hits[0].start)
        base = root if decoded.startswith("/") else file.parent
        target = Path(posixpath.normpath(base / decoded.lstrip("/")))
        if target.is_file() and target.is_relative_to(root):
            return target.relative_to(root).as_posix(), suffix
    if not u.in_string:
        return None  # a missing url(): `css.refs` warns about it at its line
    state.log.warning(
        f'image-set() names "{url}", which resolves to no file: left as written',
        first_place,
        notes=("add the file, or fix the path (it is relative to the stylesheet)",),
    )
    return None


def _emit(state: BuildState, source: str, outputs: dict[str, Output]) -> str:
    """Copy `source` into the assets folder under a content-hashed name, as esbuild would."""
    config = state.config
    data = (config.root / source).read_bytes()
    out = f"{config.assets_dir}/{source}" if config.assets_dir else source
    if config.hash_names:
        out = hashed_name(out, data)
    target = state.staging / out
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    outputs[out] = Output(out, "asset", len(data), inputs={source: len(data)})
    return out
