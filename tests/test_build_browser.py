"""The built sample app in a real browser: pages load cleanly, the lazy route gets its CSS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import open_page

pytestmark = pytest.mark.browser


@pytest.fixture
def site(sample_app: Path, run_cli, serve) -> str:  # type: ignore[no-untyped-def]
    done = run_cli("build", sample_app)
    assert done.returncode == 0, done.stderr
    return str(serve(sample_app / "dist"))


def test_lazy_route_brings_its_css(browser: Any, site: str) -> None:
    page, problems = open_page(browser, site + "/index.html")
    assert page.text_content("#greeting").startswith("Good ")
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Inter")
    gallery_rules = (
        "[...document.styleSheets].some(s => [...s.cssRules]"
        ".some(r => (r.selectorText || '').startsWith('.gallery')))"
    )
    assert page.evaluate(gallery_rules) is False, "the lazy route's CSS is not loaded at start"
    page.click("#open-gallery")
    page.wait_for_selector("#status:has-text('Gallery loaded')")
    assert page.evaluate(gallery_rules) is True
    display = page.evaluate("getComputedStyle(document.querySelector('#gallery')).display")
    assert display == "grid", "the lazy chunk's CSS applies"
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.gallery figure')).backgroundColor"
    )
    assert background == "rgb(255, 248, 220)"
    page.wait_for_load_state("networkidle")
    assert problems == []
    page.close()


def test_about_page_loads_cleanly(browser: Any, site: str) -> None:
    page, problems = open_page(browser, site + "/about.html")
    assert page.text_content("#greeting").startswith("Good ")
    assert problems == []
    page.close()
