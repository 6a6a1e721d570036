"""Metric-matched fallback faces, so a web font's swap does not move the text (as next/font and
fontaine do).

With `font-display: swap` the browser first draws text in a local font and redraws it in the web
font when that arrives; different glyph widths and line heights reflow the page (layout shift).
For each web-font family of a stylesheet we add

    @font-face { font-family: "Inter Fallback"; src: local("Arial"), local("Liberation Sans"), ...;
                 size-adjust: 107%; ascent-override: 90%; descent-override: 22%; line-gap-override: 0% }

computed from the font's own tables with fontTools, and insert `"Inter Fallback"` after `Inter`
in every `font-family`/`font` list that names it. The local fonts are metric-compatible families
(Arial = Liberation Sans = Arimo), so one set of numbers holds wherever one of them is installed.

`size-adjust` is the ratio of the fonts' average character widths in English text (letter
frequencies as capsize weighs them); the overrides are the web font's ascent, descent and line
gap in ems, divided by that ratio (the browser scales them by `size-adjust` again).
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    from bundlewise.state import BuildState

_FONT_FACE = re.compile(r"@font-face\s*\{[^{}]*\}", re.IGNORECASE)
_FAMILY = re.compile(r"""font-family\s*:\s*(?:"([^"]*)"|'([^']*)'|([^;}]*))""", re.IGNORECASE)
_SRC_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.IGNORECASE)
_WEIGHT = re.compile(r"font-weight\s*:\s*([^;}]*)", re.IGNORECASE)
_STYLE = re.compile(r"font-style\s*:\s*([^;}]*)", re.IGNORECASE)
_DECLARATION = re.compile(
    r"""(?P<head>(?<=[{;\s])(?:font-family|font|--[\w-]+)\s*:\s*)"""
    r"""(?P<value>(?:[^;{}"'()]|"[^"]*"|'[^']*'|\([^()]*\))*)""",
    re.IGNORECASE,
)
QUANTUM = 1 / 64 / 16
"""1/64 px at the default 16 px size, relative."""
_SOURCE_MAP = re.compile(r"\n?/\*# sourceMappingURL=[^*]*\*/\s*$")

# English letter frequencies (per 1000 characters, space included), as capsize weighs widths.
_FREQUENCIES = {
    " ": 183, "e": 102, "t": 75, "a": 65, "o": 62, "i": 57, "n": 57, "s": 53, "r": 50, "h": 49,
    "l": 33, "d": 33, "u": 23, "c": 22, "m": 20, "f": 20, "w": 17, "g": 16, "y": 16, "p": 15,
    "b": 13, "v": 8, "k": 6, "x": 1, "j": 1, "q": 1, "z": 1,
}  # fmt: skip


@dataclass(frozen=True)
class LocalFont:
    """A system font family to draw the fallback with, and its average width in ems."""

    names: tuple[str, ...]
    avg_width: float


# Measured once from Liberation Sans / Liberation Serif with `average_width` below; Arial and
# Arimo (Times New Roman and Tinos) share their metrics by design.
SANS = LocalFont(("Arial", "Liberation Sans", "Arimo", "Helvetica"), 0.4395)
SERIF = LocalFont(("Times New Roman", "Liberation Serif", "Tinos", "Times"), 0.3984)


@dataclass(frozen=True)
class FontMetrics:
    units_per_em: int
    ascent: int
    descent: int
    line_gap: int
    avg_width: float
    """Weighted average advance of English text, in ems."""


def average_width(font: object) -> float:
    cmap = font.getBestCmap()  # type: ignore[attr-defined]
    hmtx = font["hmtx"]  # type: ignore[index]
    upm = font["head"].unitsPerEm  # type: ignore[index]
    total = weight = 0.0
    for char, freq in _FREQUENCIES.items():
        glyph = cmap.get(ord(char))
        if glyph is not None:
            total += hmtx[glyph][0] * freq
            weight += freq
    return total / weight / upm if weight else 0.5


def read_metrics(data: bytes) -> FontMetrics:
    """The metrics the browser lays text out with (hhea, or OS/2 typo when the font says so)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True)
    hhea, os2 = font["hhea"], font["OS/2"]
    use_typo = bool(os2.fsSelection & (1 << 7))
    ascent, descent, gap = (
        (os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap)
        if use_typo
        else (hhea.ascent, hhea.descent, hhea.lineGap)
    )
    return FontMetrics(font["head"].unitsPerEm, ascent, descent, gap, average_width(font))


def fallback_face(family: str, metrics: FontMetrics, local: LocalFont) -> str:
    size = round(metrics.avg_width / local.avg_width, 6)
    em = metrics.units_per_em * size
    # Chrome lays text out at sizes truncated to 1/64 px (FreeType's 26.6 fixed point), which
    # can shrink the adjusted size by up to 1/64 px and turn an ascent of exactly x.5 px (Inter
    # at 16 px) into x.49, one pixel less per line than the web font. Nudge it up by that much.
    ascent = metrics.ascent / em * (1 + QUANTUM)

    def pct(value: float) -> str:
        return f"{value * 100:.4f}%"

    src = ",".join(f'local("{name}")' for name in local.names)
    return (
        f'@font-face{{font-family:"{family} Fallback";src:{src};size-adjust:{pct(size)};'
        f"ascent-override:{pct(ascent)};descent-override:{pct(abs(metrics.descent) / em)};"
        f"line-gap-override:{pct(metrics.line_gap / em)}}}"
    )


def _family_of(block: str) -> str | None:
    match = _FAMILY.search(block)
    if not match:
        return None
    return (match[1] or match[2] or match[3] or "").strip() or None


def _first_url(block: str) -> str | None:
    match = _SRC_URL.search(block)
    return unquote(match[1] or match[2] or match[3] or "") if match else None


def _rank(block: str) -> int:
    """Regular upright faces first: their metrics are the ones most text is drawn with."""
    weight, style = _WEIGHT.search(block), _STYLE.search(block)
    regular = weight is None or weight[1].strip() in ("400", "normal")
    upright = style is None or style[1].strip() == "normal"
    return (not regular) + 2 * (not upright)


def _mentions(value: str, family: str) -> re.Pattern[str]:
    name = re.escape(family)
    return re.compile(
        rf"""(?<![\w-])(?:"{name}"|'{name}'|{name})(?![\w-])(?!\s*,\s*"{name} Fallback")""",
        re.IGNORECASE,
    )


def add_fallbacks(css: str, css_path: str, read: Callable[[str], bytes | None]) -> str:
    """`css` (an output file at `css_path`) with fallback faces for its web-font families.

    `read(output_path)` returns a font file's bytes, or None when it is not part of the build.
    """
    faces: dict[str, list[str]] = {}
    for match in _FONT_FACE.finditer(css):
        family = _family_of(match[0])
        if family and not family.endswith(" Fallback"):
            faces.setdefault(family, []).append(match[0])
    outside = _FONT_FACE.sub(lambda m: " " * len(m[0]), css)
    added: list[str] = []
    for family, blocks in faces.items():
        if f'"{family} Fallback"' in css:
            continue  # already done (a second build over the same output)
        metrics = _metrics_of(min(blocks, key=_rank), css_path, read)
        uses = [
            m
            for m in _DECLARATION.finditer(outside)
            if _mentions(m["value"], family).search(m["value"])
        ]
        if metrics is None or not uses:
            continue
        serif = any(re.search(r"(?<![\w-])serif\b", m["value"]) for m in uses)
        added.append(fallback_face(family, metrics, SERIF if serif else SANS))
        css = _insert_in_lists(css, outside, family)
        outside = _FONT_FACE.sub(lambda m: " " * len(m[0]), css)
    if not added:
        return css
    tail = _SOURCE_MAP.search(css)
    cut = tail.start() if tail else len(css)
    return css[:cut] + "".join(added) + css[cut:]


def _metrics_of(
    block: str, css_path: str, read: Callable[[str], bytes | None]
) -> FontMetrics | None:
    url = _first_url(block)
    if not url or "://" in url or url.startswith(("data:", "/")):
        return None
    data = read(posixpath.normpath(posixpath.join(posixpath.dirname(css_path), url)))
    if data is None:
        return None
    try:
        return read_metrics(data)
    except Exception:  # not a font fontTools can read: leave this family alone
        return None


def _insert_in_lists(css: str, outside: str, family: str) -> str:
    """`"Family Fallback"` after each mention of `family` in a font list (outside @font-face)."""
    pieces, last = [], 0
    for decl in _DECLARATION.finditer(outside):
        value = decl["value"]
        pattern = _mentions(value, family)
        if not pattern.search(value):
            continue
        new_value = pattern.sub(lambda m: f'{m[0]},"{family} Fallback"', value)
        pieces += [css[last : decl.start("value")], new_value]
        last = decl.end("value")
    return "".join(pieces) + css[last:]


def run(state: BuildState) -> None:
    """Add fallback faces to every stylesheet of the build that uses a web font."""
    html = state.config.html
    if not html.enabled or not html.font_fallbacks or state.graph is None:
        return

    def read(path: str) -> bytes | None:
        return (
            state.read(path) if (state.staging / path).is_file() or path in state.changed else None
        )

    for out in state.graph:
        if out.path.endswith(".css"):
            css = state.read(out.path).decode("utf-8", "surrogateescape")
            new = add_fallbacks(css, out.path, read)
            if new != css:
                state.changed[out.path] = new.encode("utf-8", "surrogateescape")
