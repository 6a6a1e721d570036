"""Why a layout shift happened, from what the observer saw around its nodes.

The browser names the elements that moved, not what moved them. We look, in order, for:

1. an image, video or iframe without `width`/`height` (nor a CSS `aspect-ratio`): the moved
   element itself when its box grew from nothing, or one just before it in the page, whose box
   grew when its file arrived and pushed it down;
2. a web-font swap: a font face finished loading just before the shift, and the moved text is
   set in that family;
3. otherwise: content inserted or resized above the moved elements (a late script, an ad slot).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FONT_SWAP_WINDOW_MS = 500.0
"""A shift this soon after a font face finished loading is blamed on the swap."""
FONT_EVENT_DELAY_MS = 300.0
"""`document.fonts` reports a face loaded after the frame that drew it: allow for that."""
MEDIA_TAGS = ("img", "iframe", "video")


@dataclass(frozen=True)
class Cause:
    kind: str
    """"unsized-media", "font-swap" or "inserted-content"."""
    element: str
    """A CSS selector of the element to fix."""
    detail: str
    """One sentence a user can act on."""
    url: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "element": self.element, "detail": self.detail, "url": self.url}


def _unsized(node: Mapping[str, Any]) -> bool:
    if node.get("tag") not in MEDIA_TAGS:
        return False
    has_attrs = node.get("widthAttr") is not None and node.get("heightAttr") is not None
    return not has_attrs and node.get("aspectRatio", "auto") in ("auto", "", None)


def _short(url: str) -> str:
    return url.rsplit("/", 1)[-1] or url


def cause_of(shift: Mapping[str, Any], fonts_loaded: Sequence[Mapping[str, Any]]) -> Cause:
    sources = shift.get("sources", [])
    for source in sources:
        node = source.get("node", {})
        grew = (source.get("before") or {}).get("height", 0) == 0
        candidates = ([node] if grew else []) + list(node.get("before", []))
        for media in candidates:
            if _unsized(media):
                name = _short(media.get("src", "")) or media.get("selector", "")
                return Cause(
                    "unsized-media",
                    media.get("selector", ""),
                    f"{media['tag']} {name} has no width/height: its box grew when it loaded",
                    media.get("src", ""),
                )
    recent = [f for f in fonts_loaded if 0 <= shift["time"] - f["time"] <= FONT_SWAP_WINDOW_MS]
    for source in sources:
        node = source.get("node", {})
        family = str(node.get("fontFamily", "")).lower()
        for font in recent:
            name = str(font["family"]).strip("\"'").lower()
            if name and name in family:
                return Cause(
                    "font-swap",
                    node.get("selector", ""),
                    f"web font {font['family']} replaced its fallback and the text reflowed",
                )
    first = sources[0]["node"].get("selector", "") if sources else ""
    return Cause("inserted-content", first, "content was inserted or resized above this element")


def explain(shifts: Sequence[Mapping[str, Any]], fonts: Sequence[Mapping[str, Any]]) -> list[Cause]:
    """One cause per shift, in the same order."""
    return [cause_of(shift, fonts) for shift in shifts]
