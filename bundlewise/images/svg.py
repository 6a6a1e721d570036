"""SVG files are copied, not decoded: a sanity check and their intrinsic size."""

from __future__ import annotations

import re

from bundlewise.images.decode import ImageInputError

_ROOT = re.compile(rb"<svg\b([^>]*)>", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")
_VIEWBOX = re.compile(r"^\s*\S+[\s,]+\S+[\s,]+([0-9]*\.?[0-9]+)[\s,]+([0-9]*\.?[0-9]+)\s*$")


def check_svg(data: bytes) -> tuple[int, int]:
    """The intrinsic (width, height) of an SVG, (0, 0) when it has none; raises when not an SVG."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImageInputError(f"the SVG is not valid UTF-8 text ({exc})") from None
    if "<!ENTITY" in text and text.count("<!ENTITY") > 20:
        raise ImageInputError(
            "the SVG declares an unusual number of XML entities (an entity bomb?)"
        )
    root = _ROOT.search(data)
    if root is None:
        raise ImageInputError("the file has no <svg> element")
    attrs = dict(
        (name.lower(), value)
        for name, value in re.findall(
            r'([\w:-]+)\s*=\s*["\']([^"\']*)["\']', root.group(1).decode()
        )
    )
    width, height = _length(attrs.get("width")), _length(attrs.get("height"))
    box = _VIEWBOX.match(attrs.get("viewbox", ""))
    if box and (width is None or height is None):
        box_w, box_h = float(box.group(1)), float(box.group(2))
        if width is None and height is None:
            width, height = box_w, box_h
        elif width is None and height is not None and box_h:
            width = height * box_w / box_h
        elif height is None and width is not None and box_w:
            height = width * box_h / box_w
    if width is None or height is None:
        return 0, 0
    return round(width), round(height)


def _length(value: str | None) -> float | None:
    """A length in CSS pixels; percentages and other units give no intrinsic size."""
    if value is None:
        return None
    match = _LENGTH.match(value)
    return float(match.group(1)) if match else None
