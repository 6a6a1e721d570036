"""Performance hints added to each page (lazy loading, LCP priority, sizes, font preloads)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bundlewise.pipeline import BuildState
    from bundlewise.rewrite import PageRewrite


def apply(state: BuildState, rewrite: PageRewrite) -> None:
    """Add this page's hints to its editor."""
