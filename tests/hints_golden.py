"""Golden cases for the HTML hints: one file per case, read and written by `test_hints_golden`.

A case file holds header lines starting with `%% `, the input page, the marker line `%% output`,
and the expected page. Header lines:

    %% options: {"eager": 1}                      HintOptions fields as JSON
    %% image photo.jpg 1000x800 avif:480,1000     an image, its size and variants (format:widths)
    %% font fonts/inter.woff2                     a font of the initial CSS to preload

An image's variants are named `<stem>-<width>w.<ext>` (the full width: `<stem>.<ext>`). URLs in
the page are output paths, percent-encoded (as the build writes them); write a name with spaces
percent-encoded in the header too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, unquote

from bundlewise.hints import HintOptions, ImageFacts, Variant, hint_page
from bundlewise.images.records import format_of
from bundlewise.pages import PageEditor, scan_tags
from bundlewise.pages.edit import split_srcset

CASES = Path(__file__).parent / "data" / "html"
MARKER = re.compile(r"^%% output\r?\n", re.MULTILINE)
_EXT = {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif", "gif": "gif"}


@dataclass
class Case:
    path: Path
    header: str
    input: str
    expected: str
    options: HintOptions = field(default_factory=HintOptions)
    images: dict[str, ImageFacts] = field(default_factory=dict)
    fonts: list[str] = field(default_factory=list)


def read_case(path: Path) -> Case:
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    header_end = 0
    while text.startswith("%% ", header_end) and not MARKER.match(text, header_end):
        header_end = text.index("\n", header_end) + 1
    marker = MARKER.search(text, header_end)
    assert marker is not None, f"{path.name}: no '%% output' line"
    case = Case(path, text[:header_end], text[header_end : marker.start()], text[marker.end() :])
    for line in case.header.splitlines():
        kind, _, rest = line[3:].partition(" ")
        if kind == "options:":
            case.options = replace(HintOptions(), **json.loads(rest))
        elif kind == "image":
            name, facts = _image(rest.split())
            case.images[name] = facts
        elif kind == "font":
            case.fonts.append(rest.strip())
    return case


def _image(words: list[str]) -> tuple[str, ImageFacts]:
    encoded, size, *variant_specs = words
    name = unquote(encoded)
    width, height = (int(n) for n in size.split("x"))
    stem = name.rsplit(".", 1)[0]
    variants = []
    for spec in variant_specs:
        fmt, _, widths = spec.partition(":")
        for w in (int(n) for n in widths.split(",")):
            path = f"{stem}.{_EXT[fmt]}" if w == width else f"{stem}-{w}w.{_EXT[fmt]}"
            variants.append(Variant(fmt, w, path))
    return name, ImageFacts(width, height, name, format_of(name), tuple(variants))


def run_case(case: Case, text: str) -> tuple[str, list[str]]:
    """The page after hints, and the summary of changes."""
    tags = scan_tags(text)
    facts = {}
    for tag in tags:
        if tag.name in ("img", "source"):
            url = tag.get("src") or next(iter(split_srcset(tag.get("srcset") or "")), ("", ""))[0]
            found = case.images.get(unquote(re.split(r"[?#]", url)[0]))
            if found is not None:
                facts[tag.index] = found
    editor = PageEditor(text)
    hint_page(editor, tags, facts, lambda path: quote(path, safe="/"), case.fonts, case.options)
    return editor.apply(), editor.changes


def write_expected(case: Case, output: str) -> None:
    newline = "\r\n" if "\r\n" in case.input else "\n"
    body = case.header + case.input + "%% output" + newline + output
    case.path.write_bytes(body.encode("utf-8", "surrogateescape"))
