"""The dev server: loopback only by default, the injected client, events, and a real browser."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bundlewise.errors import ConfigError, Location, Message
from bundlewise.serve import check_host, event_for, inject_client
from bundlewise.watch import BuildOutcome
from tests.watch_fixture import WatchProcess, make_project, wait_for


def test_refuses_a_non_loopback_host_unless_given_explicitly() -> None:
    check_host("127.0.0.1", explicit=False)
    check_host("::1", explicit=False)
    with pytest.raises(ConfigError, match=r"--host 0\.0\.0\.0"):
        check_host("0.0.0.0", explicit=False)
    check_host("0.0.0.0", explicit=True)


def test_client_goes_before_the_end_of_head() -> None:
    page = b"<html><head><title>x</title></HEAD><body></body></html>"
    out = inject_client(page)
    assert out.index(b"/__bundlewise/client.js") < out.index(b"</HEAD>")
    assert (
        out.replace(b'<script type="module" src="/__bundlewise/client.js"></script>', b"") == page
    )


def test_events_for_each_outcome() -> None:
    error = Message("Unexpected end", Location("src/a.ts", 3, 4, "let x ="))
    assert event_for(BuildOutcome(ok=False, errors=(error,)))[0] == "build-error"
    assert "src/a.ts:3:4" in event_for(BuildOutcome(ok=False, errors=(error,)))[1]["text"]
    assert event_for(BuildOutcome(ok=True))[0] == "ok"
    assert event_for(BuildOutcome(ok=True, changed=("assets/a.css",)))[0] == "css"
    assert event_for(BuildOutcome(ok=True, changed=("assets/a.css", "index.html")))[0] == "reload"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[WatchProcess, str]]:
    project = make_project(tmp_path / "app")
    process = WatchProcess(project, "--serve", "--port", "0")
    line = process.wait_line(lambda x: x.startswith("serving "), "the server address")
    url = line.split()[1]
    assert re.match(r"http://127\.0\.0\.1:\d+/$", url)
    yield process, url
    process.stop()


def test_serves_pages_with_the_client_and_refuses_escapes(
    served: tuple[WatchProcess, str],
) -> None:
    _, url = served
    page = urllib.request.urlopen(url).read()
    assert b"/__bundlewise/client.js" in page
    assert b"EventSource" in urllib.request.urlopen(url + "__bundlewise/client.js").read()
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(url + "..%2f..%2fetc/passwd")


@pytest.mark.browser
def test_browser_reloads_swaps_css_and_shows_the_overlay(
    served: tuple[WatchProcess, str], browser: Any
) -> None:
    process, url = served
    root = process.root
    page = browser.new_page()
    try:
        page.goto(url)
        page.wait_for_function("document.title === 'v1:start'", timeout=30_000)
        page.evaluate("window.__mark = 'kept'")
        page.wait_for_timeout(300)  # let the event stream connect before the first edit

        # A CSS-only change swaps the stylesheet: new colour, same document (mark kept).
        (root / "styles/site.css").write_text("h1 { color: rgb(255, 0, 0); }\n")
        page.wait_for_function(
            "getComputedStyle(document.querySelector('h1')).color === 'rgb(255, 0, 0)'",
            timeout=30_000,
        )
        assert page.evaluate("window.__mark") == "kept"

        # A script change reloads the page.
        (root / "src/util.ts").write_text('export const label = (s: string) => "v2:" + s;\n')
        page.wait_for_function("document.title === 'v2:start'", timeout=30_000)
        assert page.evaluate("window.__mark") is None

        # A syntax error shows the overlay with the location; fixing it removes the overlay.
        (root / "src/util.ts").write_text("export const label = (s: string) =>;\n")
        overlay = page.locator("#bundlewise-overlay")
        overlay.wait_for(state="visible", timeout=30_000)
        assert "src/util.ts:1:" in overlay.inner_text()
        (root / "src/util.ts").write_text('export const label = (s: string) => "v3:" + s;\n')
        page.wait_for_function("document.title === 'v3:start'", timeout=30_000)
        wait_for(lambda: page.locator("#bundlewise-overlay").count() == 0, "overlay gone")
    finally:
        page.close()
