"""The `[html]` options: how pages get their performance hints, and their validation.

Validation reports every problem it finds as a `Message` naming the config file and the key, so
the user fixes them all in one go (same shape as `[images]`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from bundlewise.errors import Location, Message


@dataclass(frozen=True)
class HintOptions:
    """Every field has the default a user of a mature tool would expect."""

    # Turn every hint off: pages then only get hashed URLs and modulepreload.
    enabled: bool = True
    # `width`/`height` from the image's intrinsic size, so the browser reserves its box (no CLS).
    dimensions: bool = True
    # `srcset` with the generated widths, and `<picture>` with AVIF/WebP `<source>`s.
    responsive: bool = True
    # `sizes` used when the author wrote none: the image's displayed width in CSS terms.
    sizes: str = "100vw"
    # `loading="lazy"` + `decoding="async"` on images and iframes after the first `eager` ones.
    lazy: bool = True
    # How many images/iframes (document order, icons not counted) load eagerly; the LCP
    # candidate always does. 1, as Next.js and Astro make every image lazy but the priority
    # one: an eager image below the fold takes one of six HTTP/1.1 connections and bandwidth
    # from what the first screen needs, and delays the load event; a lazy one near the fold
    # still starts right after layout (Chrome fetches lazy images within 1250-2500 px of it).
    eager: int = 1
    # `fetchpriority="high"` and a preload for the likely LCP image.
    lcp: bool = True
    # An image smaller than this (CSS pixels, either side) is an icon: never the LCP, not counted.
    icon_size: int = 64
    # How many woff2 fonts of the initial CSS to preload (0 turns font preloads off).
    preload_fonts: int = 2
    # Metric-matched fallback faces for web fonts, so their swap does not shift layout.
    font_fallbacks: bool = True
    # `image-set()` with AVIF/WebP for CSS background images (the original as the fallback).
    css_image_set: bool = True
    # Linked stylesheets of at most this many bytes go into the page as `<style>` (saves the
    # render-blocking round trip; 4096 as Vite's `assetsInlineLimit`). 0 turns it off, as a
    # Content-Security-Policy without 'unsafe-inline' styles needs.
    inline_css: int = 4096
    # An `<img>` of a single file of at most this many bytes gets a `data:` URL (Vite's
    # `assetsInlineLimit`, 4096, in HTML). 0 turns it off.
    inline_images: int = 4096

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str) -> tuple[HintOptions, list[Message]]:
        """Options from an `[html]` table; `where` names the file in every message."""
        messages: list[Message] = []

        def fail(key: str, text: str) -> None:
            messages.append(Message(f"{where}: [html].{key}: {text}", Location(where)))

        known = {f.name: f for f in fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in data.items():
            default = getattr(cls, key, None) if key in known else None
            if key not in known:
                fail(key, f"unknown key (expected one of {', '.join(sorted(known))})")
            elif isinstance(default, bool):
                if isinstance(value, bool):
                    changes[key] = value
                else:
                    fail(key, f"expected true or false, got {value!r}")
            elif isinstance(default, int):
                if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000:
                    changes[key] = value
                else:
                    fail(key, f"expected an integer 0-10000, got {value!r}")
            elif isinstance(value, str) and value.strip() and "<" not in value:
                changes[key] = value.strip()
            else:
                fail(key, f"expected a CSS sizes value such as '100vw', got {value!r}")
        return replace(cls(), **changes), messages
