"""The `sri` plugin: integrity on every script, stylesheet and modulepreload, checked by Chromium."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import open_page, tags_of
from plugin_fixture import build_sample

# Stylesheets stay linked (the build would inline the sample app's small CSS into the page,
# where it needs no integrity): the tests check integrity on a CSS file too.
CONFIG = """
    plugins = ["sri"]
    cache_dir = "../shared-cache"
    [html]
    inline_css = 0
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, esbuild_path: Path) -> Path:
    """The sample app built once (images included) with the plugin on; tests copy its dist."""
    app = tmp_path_factory.mktemp("sri") / "app"
    done = build_sample(app, esbuild_path, CONFIG)
    assert done.returncode == 0, done.stderr
    return app / "dist"


@pytest.fixture
def dist(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built output (some tests tamper with it)."""
    return Path(shutil.copytree(built, tmp_path / "dist"))


def loaded_files(page: Path) -> list[tuple[str, dict[str, str | None]]]:
    """(output path, attributes) of each script, stylesheet and modulepreload in the page."""
    found = []
    for tag, attrs in tags_of(page.read_text()):
        rel = set((attrs.get("rel") or "").split())
        url = attrs.get("src") if tag == "script" else attrs.get("href")
        if (tag == "script" or (tag == "link" and rel & {"stylesheet", "modulepreload"})) and url:
            found.append((url.removeprefix("/"), attrs))
    return found


def sri(data: bytes, algorithm: str = "sha384") -> str:
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


@pytest.mark.parametrize("page", ["index.html", "about.html"])
def test_every_script_stylesheet_and_preload_carries_the_hash_of_its_bytes(
    built: Path, page: str
) -> None:
    files = loaded_files(built / page)
    kinds = {Path(path).suffix for path, _ in files}
    assert kinds == {".js", ".css"}
    for path, attrs in files:
        assert attrs["integrity"] == sri((built / path).read_bytes()), path
        assert attrs["crossorigin"] == "anonymous"


def test_manifest_entries_carry_integrity(built: Path) -> None:
    manifest = json.loads((built / ".vite" / "manifest.json").read_text())
    assert manifest["src/main.ts"]["isEntry"] is True
    for key, entry in manifest.items():
        assert entry["integrity"] == sri((built / entry["file"]).read_bytes()), key


def test_algorithm_option(tmp_path: Path, esbuild_path: Path) -> None:
    config = '[images]\nenabled = false\n[plugin.sri]\nalgorithm = "sha512"\n'
    done = build_sample(tmp_path / "app", esbuild_path, 'plugins = ["sri"]\n' + config)
    assert done.returncode == 0, done.stderr
    dist = tmp_path / "app" / "dist"
    for path, attrs in loaded_files(dist / "index.html"):
        assert attrs["integrity"] == sri((dist / path).read_bytes(), "sha512")


def test_unknown_algorithm_is_a_config_error(tmp_path: Path, esbuild_path: Path) -> None:
    config = 'plugins = ["sri"]\n[plugin.sri]\nalgorithm = "md5"\ncrossorigin = "yes"\n'
    done = build_sample(tmp_path / "app", esbuild_path, config)
    assert done.returncode == 2
    assert (
        "bundlewise.toml: [plugin.sri].algorithm: expected one of 'sha256', 'sha384', 'sha512', "
        "got 'md5'" in done.stderr
    )
    assert (
        "bundlewise.toml: [plugin.sri].crossorigin: expected one of 'anonymous', "
        "'use-credentials', got 'yes'" in done.stderr
    )


@pytest.mark.browser
def test_browser_loads_the_app_with_integrity(browser: Any, dist: Path, serve: Any) -> None:
    site = serve(dist)
    page, problems = open_page(browser, site + "/index.html")
    assert page.text_content("#greeting").startswith("Good "), "the entry and its chunks ran"
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Inter")
    page.click("#open-gallery")
    page.wait_for_selector("#status:has-text('Gallery loaded')")
    display = page.evaluate("getComputedStyle(document.querySelector('#gallery')).display")
    assert display == "grid", "the lazy route (no integrity: loaded at run time) still works"
    page.wait_for_load_state("networkidle")
    assert problems == []
    page.close()


def tamper(path: Path) -> None:
    """Change the file's bytes but not its meaning: only the integrity check can notice."""
    path.write_bytes(path.read_bytes() + b"\n/* changed on the server */\n")


@pytest.mark.browser
def test_browser_refuses_a_tampered_script(browser: Any, dist: Path, serve: Any) -> None:
    manifest = json.loads((dist / ".vite" / "manifest.json").read_text())
    chunk = next(e["file"] for k, e in manifest.items() if k.startswith("_chunk-"))
    tamper(dist / chunk)
    page, problems = open_page(browser, serve(dist) + "/index.html")
    assert any("integrity" in p and chunk in p for p in problems), problems
    assert page.text_content("#greeting") == "Hello!", "the entry never ran"
    page.close()


@pytest.mark.browser
def test_browser_refuses_a_tampered_stylesheet(browser: Any, dist: Path, serve: Any) -> None:
    manifest = json.loads((dist / ".vite" / "manifest.json").read_text())
    css = manifest["styles/site.css"]["file"]
    tamper(dist / css)
    page, problems = open_page(browser, serve(dist) + "/index.html")
    assert any("integrity" in p and css in p for p in problems), problems
    assert not page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Inter")
    page.close()
