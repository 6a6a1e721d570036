"""`url()` in a Sass partial, relative to the partial: traced back through Sass's source map.

Sass copies `url(../img/x.png)` from `src/parts/_card.scss` into the compiled CSS as written, where
esbuild would resolve it against the stylesheet being compiled (`src/app.scss`): a different file,
or none. Vite resolves it against the partial, which is what its author meant. So each relative
`url()` of the compiled CSS is looked up in the source map Sass embedded: the mapping segment at or
before it names the file that wrote it, and the URL is rewritten relative to the compiled file when
the file it names exists there. Anything else (absolute, `data:`, `#id`, a URL with a scheme, or
one whose file is missing next to the partial) is left for esbuild to resolve or report.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.parse
from bisect import bisect_right
from pathlib import Path
from typing import Any

from bundlewise.sourcemap import decode_vlq

_MAP_COMMENT = re.compile(r"/\*# sourceMappingURL=data:application/json;([^,]*),(.*?)\s*\*/")
_URL = re.compile(r"url\(\s*(?P<q>['\"]?)(?P<url>[^'\")]+)(?P=q)\s*\)", re.IGNORECASE)


def embedded_map(css: str) -> dict[str, Any] | None:
    """The source map Dart Sass embedded in `css` (`--embed-source-map`), or None."""
    match = _MAP_COMMENT.search(css)
    if match is None:
        return None
    params, data = match.groups()
    try:
        text = base64.b64decode(data).decode() if "base64" in params else urllib.parse.unquote(data)
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def rebase_urls(css: str, source_map: dict[str, Any], compiled: Path) -> str:
    """`css` with relative `url()`s written in other files rewritten relative to `compiled`."""
    sources = [Path(urllib.parse.unquote(s.removeprefix("file://"))) for s in source_map["sources"]]
    lines = _decode(str(source_map.get("mappings", "")))
    out = []
    for number, line in enumerate(css.split("\n")):
        segments = lines[number] if number < len(lines) else []
        columns = [s[0] for s in segments]
        out.append(
            _URL.sub(
                lambda m, s=segments, c=columns: _rebased(m, s, c, sources, compiled),  # type: ignore[misc]
                line,
            )
        )
    return "\n".join(out)


def _rebased(
    match: re.Match[str],
    segments: list[tuple[int, int]],
    columns: list[int],
    sources: list[Path],
    compiled: Path,
) -> str:
    url = match["url"].strip()
    if not _relative(url):
        return match[0]
    at = bisect_right(columns, match.start()) - 1
    if at < 0 or segments[at][1] >= len(sources):
        return match[0]
    written_in = sources[segments[at][1]]
    if written_in == compiled:
        return match[0]
    path_part = re.split(r"[?#]", url, maxsplit=1)[0]
    if not (written_in.parent / path_part).is_file():
        return match[0]
    rebased = os.path.relpath(written_in.parent / url, compiled.parent).replace(os.sep, "/")
    if not rebased.startswith("."):
        rebased = f"./{rebased}"
    return f'url("{rebased}")'


def _relative(url: str) -> bool:
    return not (
        url.startswith(("/", "#", "data:", "$")) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url)
    )


def _decode(mappings: str) -> list[list[tuple[int, int]]]:
    """Each generated line's segments as (generated column, source index), in column order."""
    lines: list[list[tuple[int, int]]] = []
    source = 0
    for line in mappings.split(";"):
        column = 0
        segments: list[tuple[int, int]] = []
        for segment in line.split(","):
            if not segment:
                continue
            values = decode_vlq(segment)
            column += values[0]
            if len(values) >= 4:
                source += values[1]
                segments.append((column, source))
        lines.append(segments)
    return lines
