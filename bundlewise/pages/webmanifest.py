"""Web app manifests (`<link rel="manifest" href="site.webmanifest">`): their icons ship too.

A manifest names files of its own (`icons[].src`, `screenshots[].src`, `shortcuts[].icons[].src`).
Reading a page, each manifest it links is parsed once and its files join the page's references
(with `via` set), so that they are checked like any URL of the page (a missing file is an error
naming the manifest and line), optimized like the page's images, and copied under hashed names.
After that, the manifest is written again with each of those URLs pointing at its output (the
`base` applied) under a name hashed from its new bytes, and the page's link points at it.

The manifest moves into the assets folder, so the URLs it holds that name pages (`start_url`,
`scope`, `shortcuts[].url`) are rewritten to name the same place as before.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bundlewise.config import Config
from bundlewise.errors import BuildError, Location, MessageLog, location_in
from bundlewise.file_kinds import kind_of
from bundlewise.pages.read import (
    Page,
    Reference,
    RefKind,
    resolve_local,
    split_url,
)

if TYPE_CHECKING:
    from bundlewise.state import BuildState

UrlOf = Callable[[str], str]
"""Output path → its URL as written in the rewritten manifest."""

# (list key, key inside each member) of the files a manifest names; shortcuts nest their icons.
_FILE_LISTS = (("icons", "src"), ("screenshots", "src"))
_NAVIGATION_KEYS = ("start_url", "scope")
_SRC_STRING = re.compile(r'"src"\s*:\s*("(?:[^"\\]|\\.)*")')


@dataclass
class WebManifest:
    source: str
    """Path relative to the app root."""
    data: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    """Each file URL as written → the source it names (the URLs that name local files)."""


def add_manifest_files(config: Config, pages: list[Page], log: MessageLog) -> list[Page]:
    """`pages` with the files of every manifest they link added to their references."""
    manifests: dict[str, WebManifest | None] = {}
    result = []
    for page in pages:
        extra: list[Reference] = []
        for ref in page.refs:
            if ref.kind != "manifest":
                continue
            if ref.source not in manifests:
                manifests[ref.source] = read_manifest(config, ref.source, log)
            manifest = manifests[ref.source]
            if manifest is not None:
                extra.extend(_references(manifest, ref))
        result.append(replace(page, refs=page.refs + tuple(extra)) if extra else page)
    return result


def read_manifest(config: Config, source: str, log: MessageLog) -> WebManifest | None:
    """The manifest at `source`, its file URLs resolved; None (and an error) when unreadable."""
    text = (config.root / source).read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        log.error(
            f"the web app manifest is not valid JSON: {exc.msg}", location_in(source, text, exc.pos)
        )
        return None
    if not isinstance(data, dict):
        log.error("a web app manifest must be a JSON object", Location(source))
        return None
    manifest = WebManifest(source, data)
    offsets = _src_offsets(text)
    seen: dict[str, int] = {}
    folder = (config.root / source).parent
    for url in _file_urls(data):
        # The n-th time a URL is named is its n-th `"src"` string.
        found = offsets.get(url, [0])
        at = found[min(seen.get(url, 0), len(found) - 1)]
        seen[url] = seen.get(url, 0) + 1

        def where(at: int = at) -> Location:
            return location_in(source, text, at)

        kind: RefKind = "image" if kind_of(split_url(url)[0]).image else "asset"
        local = resolve_local(config, folder, url, kind, where, log)
        if local is not None:
            manifest.files[url] = local[0]
    return manifest


def _file_urls(data: dict[str, Any]) -> Iterator[str]:
    """Every file URL of the manifest, in document order."""
    for key, value in data.items():
        if not isinstance(value, list):
            continue
        members = [m for m in value if isinstance(m, dict)]
        if key == "shortcuts":
            for shortcut in members:
                icons = shortcut.get("icons")
                yield from _srcs(icons if isinstance(icons, list) else [])
        elif (key, "src") in _FILE_LISTS:
            yield from _srcs(members)


def _srcs(members: list[Any]) -> Iterator[str]:
    for member in members:
        if isinstance(member, dict) and isinstance(member.get("src"), str):
            yield member["src"].strip()


def _src_offsets(text: str) -> dict[str, list[int]]:
    """Offsets of every `"src": "..."` value, by value, in document order (for messages)."""
    found: dict[str, list[int]] = {}
    for match in _SRC_STRING.finditer(text):
        try:
            value = json.loads(match.group(1))
        except json.JSONDecodeError:
            continue
        found.setdefault(value.strip(), []).append(match.start(1) + 1)
    return found


def _references(manifest: WebManifest, link: Reference) -> Iterator[Reference]:
    for url, source in manifest.files.items():
        kind: RefKind = "image" if kind_of(source).image else "asset"
        suffix = split_url(url)[1]
        yield Reference(link.tag, link.attr, url, kind, source, suffix, via=manifest.source)


def write_manifests(state: BuildState) -> None:
    """Write each linked manifest with its URLs pointing at the outputs, under a hashed name."""
    from bundlewise.pages.rewrite import public_url

    config = state.config
    done: set[str] = set()
    for page in state.pages:
        for ref in page.refs:
            if ref.kind != "manifest" or ref.source in done:
                continue
            done.add(ref.source)
            manifest = read_manifest(config, ref.source, MessageLog())  # checked when read first
            if manifest is None:
                raise BuildError(f"{ref.source} changed during the build")
            # Its URLs are relative to the folder it is written to (the hash changes only its name).
            out = f"{config.assets_dir}/{ref.source}"

            def url(path: str, out: str = out) -> str:
                return public_url(config, path, out)

            data = _rewritten(manifest, state.page_files, url)
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            state.emit_page_file(ref.source, text.encode("utf-8"))


def _rewritten(manifest: WebManifest, outputs: Mapping[str, str], url: UrlOf) -> dict[str, Any]:
    """The manifest's data with file URLs pointing at outputs and page URLs kept in place."""
    data: dict[str, Any] = json.loads(json.dumps(manifest.data))  # a deep copy

    def file_url(src: str) -> str:
        source = manifest.files.get(src.strip())
        if source is None or source not in outputs:
            return src  # external, public/ or inline: left as written
        return url(outputs[source]) + split_url(src.strip())[1]

    for key, value in data.items():
        if not isinstance(value, list):
            continue
        for member in value:
            if not isinstance(member, dict):
                continue
            if key == "shortcuts":
                if isinstance(member.get("url"), str):
                    member["url"] = _page_url(manifest.source, member["url"], url)
                for icon in member.get("icons") or []:
                    if isinstance(icon, dict) and isinstance(icon.get("src"), str):
                        icon["src"] = file_url(icon["src"])
            elif (key, "src") in _FILE_LISTS and isinstance(member.get("src"), str):
                member["src"] = file_url(member["src"])
    for key in _NAVIGATION_KEYS:
        if isinstance(data.get(key), str):
            data[key] = _page_url(manifest.source, data[key], url)
    return data


def _page_url(manifest_source: str, value: str, url: UrlOf) -> str:
    """A relative page URL of the manifest, rewritten to name the same page from the manifest's
    new place (`start_url: "."` next to `index.html` stays the site's root)."""
    path, suffix = split_url(value.strip())
    if not path and not suffix:
        return value
    if re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|/)", path):
        return value  # absolute: names the same place wherever the manifest is
    folder = posixpath.dirname(manifest_source)
    target = posixpath.normpath(posixpath.join(folder, path or "."))
    slash = path in ("", ".", "..") or path.endswith("/")
    rebased = _root_url(url) if target == "." else url(target) + ("/" if slash else "")
    return rebased + suffix


def _root_url(url: UrlOf) -> str:
    """The URL of the output root, as seen from the manifest's new place."""
    return url("index.html")[: -len("index.html")] or "./"
