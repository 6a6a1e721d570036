"""Small images of `<img src>` go into the page as `data:` URLs: one request fewer each.

Vite does the same with assets under `build.assetsInlineLimit` (4096 bytes), in HTML too, and
so do we, with `[html] inline_images` (bytes, 0 turns it off). A request costs a round trip, and
on HTTP/1.1 a browser opens six connections per host: a 400-byte logo took one of them from the
sample app's banner image, which then waited a whole round trip more.

Only an `<img>` that will point at one file is inlined: not one with a `srcset`, inside a
`<picture>`, or whose image has variants (the responsive markup lists files). Icons of
`<link rel="icon">` and `og:image` stay files, as in Vite: the browser fetches icons after the
page, and other sites read `og:image` by URL. SVG is written as text (percent-encoded), which
compresses with the page; other formats as base64.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote

from bundlewise.images.formats import MIME_TYPES
from bundlewise.images.records import ShippedImage
from bundlewise.pages.edit import PageEditor
from bundlewise.pages.scan import Tag


def inline_small_images(
    editor: PageEditor,
    tags: Sequence[Tag],
    facts: Mapping[int, ShippedImage],
    read: Callable[[str], bytes | None],
    limit: int,
) -> None:
    """Point each small, single-file `<img>` at a `data:` URL of its bytes."""
    if limit <= 0:
        return
    for tag in tags:
        if tag.name != "img" or tag.inert is not None or tag.picture is not None:
            continue
        found = facts.get(tag.index)
        if found is None or tag.has("srcset") or found.format not in MIME_TYPES:
            continue
        if any(v.path != found.path for v in found.variants):
            continue  # responsive markup will list those files
        if not found.path:
            continue
        data = read(found.path)
        if data is None or len(data) > limit:
            continue
        editor.override_attr(tag, "src", data_url(found.format, data))
        editor.changes.append(f"<img> line {tag.line}: {found.path} inlined ({len(data)} bytes)")


def data_url(fmt: str, data: bytes) -> str:
    if fmt == "svg":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return "data:image/svg+xml," + quote(text.strip(), safe=" /:=;,'").replace(" ", "%20")
    return f"data:{MIME_TYPES[fmt]};base64,{base64.b64encode(data).decode('ascii')}"
