"""The `[html]` options: how pages get their performance hints (`bundlewise.config_schema` checks
the table against them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bundlewise.config_schema import Between, Check

Count = Annotated[int, Between(0, 10_000)]


def _css_sizes(value: str) -> str:
    if not value.strip() or "<" in value:
        raise ValueError(f"expected a CSS sizes value such as '100vw', got {value!r}")
    return value.strip()


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
    sizes: Annotated[str, Check(_css_sizes)] = "100vw"
    # `loading="lazy"` + `decoding="async"` on images and iframes after the first `eager` ones.
    lazy: bool = True
    # How many images/iframes (document order, icons not counted) load eagerly; the LCP
    # candidate always does. 1, as Next.js and Astro make every image lazy but the priority
    # one: an eager image below the fold takes one of six HTTP/1.1 connections and bandwidth
    # from what the first screen needs, and delays the load event; a lazy one near the fold
    # still starts right after layout (Chrome fetches lazy images within 1250-2500 px of it).
    eager: Count = 1
    # `fetchpriority="high"` and a preload for the likely LCP image.
    lcp: bool = True
    # An image smaller than this (CSS pixels, either side) is an icon: never the LCP, not counted.
    icon_size: Count = 64
    # How many woff2 fonts of the initial CSS to preload (0 turns font preloads off).
    preload_fonts: Count = 2
    # Metric-matched fallback faces for web fonts, so their swap does not shift layout.
    font_fallbacks: bool = True
    # `image-set()` with AVIF/WebP for CSS background images (the original as the fallback).
    css_image_set: bool = True
    # Linked stylesheets of at most this many bytes go into the page as `<style>` (saves the
    # render-blocking round trip; 4096 as Vite's `assetsInlineLimit`). 0 turns it off, as a
    # Content-Security-Policy without 'unsafe-inline' styles needs.
    inline_css: Count = 4096
    # An `<img>` of a single file of at most this many bytes gets a `data:` URL (Vite's
    # `assetsInlineLimit`, 4096, in HTML). 0 turns it off.
    inline_images: Count = 4096
