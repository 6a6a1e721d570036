"""Find the start tags of a page, with the exact offsets of each tag and attribute.

We never re-serialize a page: we only need to know *where* things are, so that edits can be
applied at exact offsets and every other byte stays as the author wrote it. The standard library's
`html.parser` does the hard part (comments, `<script>`/`<style>` raw text, CDATA, malformed
markup) in linear time; we read attribute offsets out of the raw start-tag text it hands us.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Same attribute grammar as html.parser's tolerant matcher, with groups for offsets.
_ATTR = re.compile(
    r"""(?P<name>[^\s/>"'=][^\s/>=]*)"""
    r"""(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|(?!['"])[^>\s]*))?"""
)
_TAG_NAME = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*")

# Elements whose content is never rendered as markup.
_INERT = ("template", "noscript")
# Elements whose content browsers read as text up to their end tag (html.parser itself only knows
# <script> and <style>): an `<img>` written inside a <textarea> or <title> is text, not an image.
_RAW_TEXT = ("textarea", "title", "xmp", "iframe", "noembed", "noframes")


@dataclass(frozen=True)
class Attr:
    name: str
    """Lower-cased attribute name."""
    value: str | None
    """Unescaped value; `None` for a bare attribute (`<script defer>`)."""
    start: int
    end: int
    value_start: int
    """Offsets of the raw value, quotes excluded; equal to `end` when there is no value."""
    value_end: int
    quote: str


@dataclass(frozen=True)
class Tag:
    name: str
    start: int
    end: int
    """Offset just past the closing `>` of the start tag."""
    line: int
    attrs: tuple[Attr, ...]
    self_closing: bool
    inert: str | None
    """`template` or `noscript` when inside one (content that is not rendered at load)."""
    index: int
    """Position among all start tags of the page, in document order."""
    picture: int | None = None
    """Index of the `<picture>` this tag is inside (its `<source>`s and `<img>`), if any."""

    def get(self, name: str) -> str | None:
        attr = self.attr(name)
        return attr.value if attr else None

    def has(self, name: str) -> bool:
        return self.attr(name) is not None

    def attr(self, name: str) -> Attr | None:
        for a in self.attrs:
            if a.name == name:
                return a
        return None


class _Scanner(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]  # as html.parser counts
        self.tags: list[Tag] = []
        self.inert_stack: list[str] = []
        self.picture_stack: list[int] = []

    def abs_offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._add(tag, self_closing=False)
        if tag in _RAW_TEXT:
            self.set_cdata_mode(tag)
        elif tag in _INERT:
            self.inert_stack.append(tag)
        elif tag == "picture":
            self.picture_stack.append(self.tags[-1].index)

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        self._add(tag, self_closing=True)

    def handle_endtag(self, tag: str) -> None:
        if tag == "picture" and self.picture_stack:
            self.picture_stack.pop()
        elif tag in self.inert_stack:
            while self.inert_stack and self.inert_stack.pop() != tag:
                pass

    def _add(self, name: str, self_closing: bool) -> None:
        raw = self.get_starttag_text() or ""
        start = self.abs_offset()
        line = bisect.bisect_right(self.line_starts, start)
        self.tags.append(
            Tag(
                name=name,
                start=start,
                end=start + len(raw),
                line=line,
                attrs=_parse_attrs(raw, start),
                self_closing=self_closing,
                inert=self.inert_stack[-1] if self.inert_stack else None,
                index=len(self.tags),
                picture=self.picture_stack[-1] if self.picture_stack else None,
            )
        )


def _parse_attrs(raw: str, offset: int) -> tuple[Attr, ...]:
    head = _TAG_NAME.match(raw)
    pos = head.end() if head else 1
    body_end = len(raw) - 1  # the closing '>'
    attrs: list[Attr] = []
    seen: set[str] = set()
    for m in _ATTR.finditer(raw, pos, body_end):
        name = m.group("name").lower()
        raw_value = m.group("value")
        if raw_value is None:
            value, quote, vs, ve = None, "", m.end(), m.end()
        elif raw_value[:1] in ("'", '"'):
            quote = raw_value[0]
            value = html.unescape(raw_value[1:-1])
            vs, ve = m.start("value") + 1, m.end("value") - 1
        else:
            quote = ""
            value = html.unescape(raw_value)
            vs, ve = m.start("value"), m.end("value")
        if name in seen:  # browsers keep the first of duplicated attributes
            continue
        seen.add(name)
        attrs.append(
            Attr(name, value, offset + m.start(), offset + m.end(), offset + vs, offset + ve, quote)
        )
    return tuple(attrs)


def scan_tags(text: str) -> list[Tag]:
    """Every start tag of `text`, in document order."""
    scanner = _Scanner(text)
    scanner.feed(text)
    # What html.parser leaves unparsed is a construct still open at the end of the page (an
    # unterminated comment, tag or declaration). Browsers read no markup in it, while `close()`
    # would re-read it as text up to each next `>` and keep finding tags there, once per `<`:
    # wrong, and quadratic on a page like `<!--<!--<!--...`.
    scanner.rawdata = ""
    scanner.close()
    return scanner.tags


def line_of(text: str, offset: int) -> int:
    """1-based line number of `offset`."""
    return text.count("\n", 0, offset) + 1
