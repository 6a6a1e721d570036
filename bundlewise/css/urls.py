"""Find the file references in a piece of CSS: `url()`, and the strings of `image-set()`.

Used for CSS that esbuild never sees (`<style>` elements and `style=""` attributes of pages) and
for `image-set("a.png" 1x)` strings, which esbuild leaves as written. Each reference comes with the
offsets of the URL text itself (inside any quotes), so that it can be replaced in place and every
other byte stays as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One alternation, scanned left to right, so that a `url(` inside a comment or a string is skipped.
_TOKENS = re.compile(
    r"""
    (?P<comment>/\*.*?(?:\*/|\Z))
  | (?P<url>\burl\(\s*(?:"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)'|(?P<bare>[^)"'\s]*))\s*\))
  | (?P<imageset>(?:-webkit-)?image-set\()
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<close>\))
  | (?P<open>\()
    """,
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class CssUrl:
    url: str
    """The URL as written (between the quotes, if any)."""
    start: int
    end: int
    """Offsets of `url` in the text."""
    in_string: bool = False
    """Written as a bare string of `image-set()` (which esbuild leaves as it is), not `url()`."""


def find_urls(css: str) -> list[CssUrl]:
    """Every `url(...)` and every string directly inside `image-set(...)`, in order."""
    found: list[CssUrl] = []
    depth = 0
    image_set_depths: list[int] = []  # paren depth inside each open image-set()
    for m in _TOKENS.finditer(css):
        kind = m.lastgroup
        if kind == "url" or m.group("url"):
            for group in ("dq", "sq", "bare"):
                if m.group(group) is not None:
                    found.append(CssUrl(m.group(group), m.start(group), m.end(group)))
                    break
        elif m.group("imageset"):
            depth += 1
            image_set_depths.append(depth)
        elif m.group("string"):
            if image_set_depths and image_set_depths[-1] == depth:
                found.append(CssUrl(m.group("string")[1:-1], m.start() + 1, m.end() - 1, True))
        elif m.group("open"):
            depth += 1
        elif m.group("close"):
            if image_set_depths and image_set_depths[-1] == depth:
                image_set_depths.pop()
            depth = max(depth - 1, 0)
    return [u for u in found if u.url.strip()]


def line_of(text: str, offset: int) -> int:
    """1-based line of `offset` in `text`."""
    return text.count("\n", 0, offset) + 1
