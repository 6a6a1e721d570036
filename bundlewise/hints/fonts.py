"""Which web fonts a page needs for its first render, read from its initial CSS.

A font is worth preloading when the browser would otherwise find it late: only after the CSS is
downloaded, parsed and matched against text. We preload a face when all of these hold:

- an initial stylesheet of the page (never a lazy chunk's CSS) declares it with `@font-face`;
- the first `url()` of its `src` is a woff2 file that exists in the build (the browser takes the
  first source it supports, so preloading a later one would download the font twice);
- its `unicode-range`, if any, covers basic Latin text;
- its family is named by a `font-family`, `font` or custom-property declaration of that CSS.

Faces of the normal style and regular weight come first, then the others in CSS order, up to
the configured number.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_FONT_FACE = re.compile(r"@font-face\s*\{([^{}]*)\}", re.IGNORECASE)
_DECLARATION = re.compile(
    r"""(?P<name>--[\w-]+|[a-zA-Z-]+)\s*:\s*(?P<value>(?:[^;{}"'()]|"[^"]*"|'[^']*'|\([^)]*\))*)"""
)
_URL = re.compile(
    r"""url\(\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^)\s]*))\s*\)"""
    r"""(?:\s*format\(\s*["']?(?P<format>[\w-]+)["']?\s*\))?""",
    re.IGNORECASE,
)
_RANGE = re.compile(r"u\+([0-9a-f?]+)(?:-([0-9a-f]+))?", re.IGNORECASE)
_LATIN_A = 0x61  # "a": a face that cannot draw it does not render the page's text


@dataclass(frozen=True)
class FontFace:
    family: str
    """Lower-cased, unquoted."""
    weight: str
    style: str
    path: str
    """Output path of the woff2 file."""


def initial_fonts(
    stylesheets: Sequence[str], read: Callable[[str], str | None], limit: int, base: str = "/"
) -> list[str]:
    """Output paths of the woff2 fonts to preload, at most `limit`.

    `stylesheets` are the page's initial CSS files (output paths); `read` returns an output file's
    text, or None when it does not exist; `base` is the public URL of the output folder.
    """
    if limit <= 0:
        return []
    faces: list[FontFace] = []
    used: list[str] = []
    for css_path in stylesheets:
        text = read(css_path)
        if text is None:
            continue
        text = _COMMENT.sub("", text)
        for block in _FONT_FACE.finditer(text):
            face = _face(block.group(1), css_path, read, base)
            if face is not None:
                faces.append(face)
        used.extend(_family_mentions(_FONT_FACE.sub("", text)))
    mentioned = " ".join(used)
    wanted = [f for f in faces if _names(f.family, mentioned)]
    wanted.sort(key=lambda f: (f.style != "normal", f.weight not in ("400", "normal")))
    return list(dict.fromkeys(f.path for f in wanted))[:limit]


def _face(
    body: str, css_path: str, read: Callable[[str], str | None], base: str
) -> FontFace | None:
    decls = {m.group("name").lower(): m.group("value").strip() for m in _DECLARATION.finditer(body)}
    family = _unquote(decls.get("font-family", "")).lower()
    if not family or not _covers_latin(decls.get("unicode-range")):
        return None
    first = _URL.search(decls.get("src", ""))
    if first is None:
        return None
    url = first.group("dq") or first.group("sq") or first.group("bare") or ""
    fmt = (first.group("format") or "").lower()
    path_part = url.split("?", 1)[0].split("#", 1)[0]
    if fmt != "woff2" and not (not fmt and path_part.lower().endswith(".woff2")):
        return None
    path = _resolve(css_path, path_part, base)
    if path is None or read(path) is None:
        return None
    weight = decls.get("font-weight", "400").lower()
    return FontFace(family, weight, decls.get("font-style", "normal").lower(), path)


def _family_mentions(text: str) -> list[str]:
    """Lower-cased values of the declarations that can name a font family."""
    out = []
    for m in _DECLARATION.finditer(text):
        name = m.group("name").lower()
        if name in ("font-family", "font") or name.startswith("--"):
            out.append(m.group("value").lower())
    return out


def _names(family: str, mentioned: str) -> bool:
    """Whether `family` appears as a whole family name (quoted or not) in `mentioned`."""
    pattern = r"(?:^|[\s,\"'])" + re.escape(family) + r"(?:$|[\s,\"'!;])"
    return re.search(pattern, mentioned) is not None


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _covers_latin(ranges: str | None) -> bool:
    if not ranges:
        return True
    for m in _RANGE.finditer(ranges):
        start, end = m.group(1), m.group(2)
        if "?" in start:
            low, high = int(start.replace("?", "0"), 16), int(start.replace("?", "f"), 16)
        else:
            low = int(start, 16)
            high = int(end, 16) if end else low
        if low <= _LATIN_A <= high:
            return True
    return False


def _resolve(css_path: str, url: str, base: str) -> str | None:
    """The output path a CSS `url()` points at, or None for external and inline URLs."""
    if base.startswith("/") and url.startswith(base):
        url = "/" + url[len(base) :]
    if not url or url.startswith(("data:", "//")) or re.match(r"^[a-zA-Z][\w+.-]*:", url):
        return None
    url = unquote(url)
    if url.startswith("/"):
        joined = url.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(css_path), url)
    path = posixpath.normpath(joined)
    return None if path.startswith("..") else path
