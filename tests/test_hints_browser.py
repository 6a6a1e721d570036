"""The hints in a real browser, on the built sample app (headless Chromium through Playwright).

Chromium starts lazy images that are within a distance of the viewport (1250 px on a fast
connection, 3000 px when it cannot tell the connection), so the copy of the sample app gets a
long article before its last image: that image is then truly below the fold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hints_sample import build_sample_app

pytestmark = pytest.mark.browser

ARTICLE = (
    "<p>" + "A paragraph of the long article that pushes the cat below the fold. " * 8 + "</p>\n"
)
VIEWPORT = {"width": 1280, "height": 800}

# Cumulative layout shift and the LCP entry, recorded from the first byte on.
OBSERVERS = """
window.__cls = 0; window.__lcp = null;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
}).observe({type: "layout-shift", buffered: true});
new PerformanceObserver((list) => {
  const entries = list.getEntries(); const last = entries[entries.length - 1];
  window.__lcp = {url: last.url, tag: last.element && last.element.tagName};
}).observe({type: "largest-contentful-paint", buffered: true});
"""


def _long_article(app: Path) -> None:
    page = app / "index.html"
    text = page.read_text()
    page.write_text(text.replace("<h2>Cat</h2>", ARTICLE * 40 + "      <h2>Cat</h2>"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp("browser") / "app"
    done = build_sample_app(app, prepare=_long_article)
    assert done.returncode == 0, done.stderr
    return app / "dist"


class Visit:
    """One page load with every network request recorded, with its Chromium priority."""

    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.page.add_init_script(OBSERVERS)
        self.requests: list[tuple[str, str]] = []
        cdp = self.context.new_cdp_session(self.page)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.send("Network.enable")
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _sent(self, event: dict[str, Any]) -> None:
        self.requests.append((event["request"]["url"], event["request"].get("initialPriority", "")))

    def requested(self, fragment: str) -> list[tuple[str, str]]:
        return [(u, p) for u, p in self.requests if fragment in u]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, serve: Callable[[Path], str], dist: Path) -> Iterator[Visit]:
    opened = Visit(browser, serve(dist) + "/index.html")
    yield opened
    opened.close()


def test_no_layout_shift_while_the_page_loads(visit: Visit) -> None:
    visit.page.wait_for_timeout(500)  # let the font swap and the script's text land
    assert visit.page.evaluate("window.__cls") < 0.1


def test_lazy_images_wait_for_the_scroll(visit: Visit) -> None:
    assert visit.requested("hubble_deep_field")  # the hero, above the fold
    assert visit.requested("chelsea") == []
    with visit.page.expect_request(lambda r: "chelsea" in r.url):
        visit.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    # Exactly one file of the image: the <picture> picked a single candidate.
    assert len(visit.requested("chelsea")) == 1


def test_the_lcp_image_is_fetched_once_with_high_priority(visit: Visit) -> None:
    hero = visit.requested("hubble_deep_field")
    assert len(hero) == 1, hero  # the preload and the <img> agree on the file
    url, priority = hero[0]
    assert url.endswith(".avif") and priority in ("High", "VeryHigh")
    # The observer reports candidates as they paint: wait for the image's (a loaded machine may
    # paint the text first), then check that the image is what it reported.
    visit.page.wait_for_function("window.__lcp && window.__lcp.tag === 'IMG'", timeout=10_000)
    lcp = visit.page.evaluate("window.__lcp")
    assert lcp["tag"] == "IMG" and "hubble_deep_field" in lcp["url"]


def test_preloaded_fonts_are_used_and_downloaded_once(visit: Visit, dist: Path) -> None:
    fonts = sorted(p.name for p in (dist / "assets" / "fonts").glob("*.woff2"))
    assert len(fonts) == 2
    for name in fonts:
        assert len(visit.requested(name)) == 1, visit.requested(name)
    visit.page.wait_for_function("document.fonts.status === 'loaded'", timeout=10_000)
    assert visit.page.evaluate("document.fonts.check('400 16px Inter')")
    assert visit.page.evaluate("document.fonts.check('700 16px Inter')")
    # The web font's faces only: the build's metric-matched "Inter Fallback" face (a local font)
    # is loaded too whenever text was drawn before Inter arrived, which depends on timing.
    loaded = visit.page.evaluate(
        """[...document.fonts]
            .filter(f => f.status === 'loaded' && f.family.replace(/["']/g, '') === 'Inter')
            .map(f => f.weight).sort()"""
    )
    assert loaded == ["400", "700"]
    # One resource entry per font: the CSS used the preloaded response, it did not fetch again.
    downloads = visit.page.evaluate(
        "performance.getEntriesByType('resource').filter(e => e.name.endsWith('.woff2')).length"
    )
    assert downloads == 2
