"""Apply changes to a page as edits at exact offsets.

Every feature that changes a page (hashed URLs, modulepreload, image hints, plugins) describes its
change to one `PageEditor`; the editor applies them all at once, so features never see each
other's half-edited text and every byte outside an edited tag is kept.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bundlewise.pages.scan import Tag


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str
    order: int = 0


def escape_attr(value: str) -> str:
    """Escape a value for a double-quoted attribute."""
    return html.escape(value, quote=True).replace("&#x27;", "'")


@dataclass
class PageEditor:
    text: str
    edits: list[Edit] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    """Human-readable summary of what was changed (shown with `-v`, read by the report)."""
    values: dict[tuple[int, str], str] = field(default_factory=dict)
    """(tag start, attribute) → value given by `set_attr`, for features that run later."""

    def set_attr(self, tag: Tag, name: str, value: str, *, note: str = "") -> None:
        """Set `name=value` on `tag`, replacing the value in place when the attribute exists."""
        self.values[(tag.start, name)] = value
        attr = tag.attr(name)
        if attr is not None and attr.value is not None:
            quote = attr.quote
            raw = escape_attr(value) if quote != "'" else html.escape(value, quote=True)
            if not quote:
                raw = f'"{escape_attr(value)}"'
            self.edits.append(Edit(attr.value_start, attr.value_end, raw))
        elif attr is not None:  # bare attribute: give it a value
            self.edits.append(Edit(attr.start, attr.end, f'{name}="{escape_attr(value)}"'))
        else:
            self.add_attr(tag, f'{name}="{escape_attr(value)}"')
        if note:
            self.changes.append(note)

    def override_attr(self, tag: Tag, name: str, value: str) -> None:
        """`set_attr` for a value an earlier step already set on purpose (a hashed URL that
        becomes a `data:` URL): the earlier edit goes. Setting twice by `set_attr` stays an
        error, so two steps cannot overwrite each other unawares."""
        attr = tag.attr(name)
        if attr is not None and attr.value is not None:
            span = (attr.value_start, attr.value_end)
            self.edits = [e for e in self.edits if (e.start, e.end) != span]
        self.set_attr(tag, name, value)

    def value(self, tag: Tag, name: str) -> str | None:
        """The value `name` will have once edits are applied (if set through `set_attr`)."""
        return self.values.get((tag.start, name), tag.get(name))

    def add_attr(self, tag: Tag, raw: str) -> None:
        """Append a raw attribute (already escaped) just before the end of the start tag."""
        end = tag.end - 1
        last = tag.attrs[-1] if tag.attrs else None
        # In `<img alt=x/>` the slash belongs to the unquoted value: insert after it, not before.
        slash_is_value = last is not None and not last.quote and last.value_end == end
        if self.text[end - 1 : end] == "/" and not slash_is_value:
            end -= 1
        text = raw + " " if self.text[end - 1 : end].isspace() else " " + raw
        self.edits.append(Edit(end, end, text, order=len(self.edits)))

    def insert_before(self, tag: Tag, markup: str, *, note: str = "") -> None:
        """Insert markup on its own line(s) before `tag`, indented like the tag."""
        indent = self.indent_of(tag)
        newline = "\r\n" if "\r\n" in self.text[: tag.start] else "\n"
        text = markup.replace("\n", newline + indent) + newline + indent
        self.edits.append(Edit(tag.start, tag.start, text, order=len(self.edits)))
        if note:
            self.changes.append(note)

    def replace(self, start: int, end: int, text: str) -> None:
        """Replace the page's text between offsets `start` and `end` (e.g. a URL in `<style>`)."""
        self.edits.append(Edit(start, end, text, order=len(self.edits)))

    def insert_at(self, offset: int, markup: str, *, note: str = "") -> None:
        """Insert markup at `offset` exactly as given (no line breaks added)."""
        self.edits.append(Edit(offset, offset, markup, order=len(self.edits)))
        if note:
            self.changes.append(note)

    def indent_of(self, tag: Tag) -> str:
        line_start = max(self.text.rfind("\n", 0, tag.start) + 1, 0)
        prefix = self.text[line_start : tag.start]
        return prefix if prefix.strip() == "" else ""

    def apply(self) -> str:
        """The page with every edit applied. Edits must not overlap."""
        out: list[str] = []
        pos = 0
        for edit in sorted(self.edits, key=lambda e: (e.start, e.end, e.order)):
            if edit.start < pos:
                raise ValueError(f"overlapping edits at offset {edit.start}")
            out.append(self.text[pos : edit.start])
            out.append(edit.text)
            pos = edit.end
        out.append(self.text[pos:])
        return "".join(out)


_WS = re.compile(r"\s+")


def split_srcset(value: str) -> list[tuple[str, str]]:
    """`srcset` as (url, descriptor) pairs."""
    items = []
    for part in value.split(","):
        bits = _WS.split(part.strip(), maxsplit=1)
        if bits and bits[0]:
            items.append((bits[0], bits[1] if len(bits) > 1 else ""))
    return items
