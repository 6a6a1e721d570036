"""Inline SVG `<image>`/`<use>` and a web app manifest's icons are checked and rewritten like the
page's other references."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from build_invariants import build, fails
from helpers import tags_of
from PIL import Image

MANIFEST = {
    "name": "App",
    "start_url": ".",
    "scope": "./",
    "display": "standalone",
    "icons": [
        {"src": "icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "./icons/icon-512.png?v=2", "sizes": "512x512", "type": "image/png"},
        {"src": "https://cdn.example.com/icon.png", "sizes": "48x48"},
    ],
    "screenshots": [{"src": "shot.png", "sizes": "64x32"}],
    "shortcuts": [{"name": "About", "url": "about/", "icons": [{"src": "icons/icon-192.png"}]}],
}
PAGE = (
    '<!doctype html>\n<title>t</title>\n<link rel="manifest" href="site.webmanifest">\n'
    '<svg width="8" height="8"><image href="icons/icon-192.png" width="8" height="8"/>'
    '<image xlink:href="shot.png" width="8" height="8"/><use href="sprite.svg#dot"/></svg>\n'
    '<script type="module" src="./main.js"></script>\n'
)
SPRITE = '<svg xmlns="http://www.w3.org/2000/svg"><symbol id="dot"><circle r="1"/></symbol></svg>'


@pytest.fixture
def app(make_project, run_cli) -> Path:  # type: ignore[no-untyped-def]
    """An app with a manifest and inline SVG, built once into dist/."""
    root = make_project(
        {
            "index.html": PAGE,
            "main.js": "console.log(1);\n",
            "site.webmanifest": json.dumps(MANIFEST, indent=2),
            "sprite.svg": SPRITE,
            "about/index.html": "<!doctype html><title>about</title>\n",
        }
    )
    (root / "icons").mkdir()
    Image.new("RGB", (192, 192), (10, 120, 200)).save(root / "icons/icon-192.png")
    Image.new("RGB", (512, 512), (200, 120, 10)).save(root / "icons/icon-512.png")
    Image.new("RGB", (64, 32), (1, 2, 3)).save(root / "shot.png")
    done = build(run_cli, root)
    assert done.returncode == 0, done.stderr
    return root


def _dist_file(dist: Path, url: str, base: str = "/") -> Path:
    """The output file a root-relative URL of the build names."""
    assert url.startswith(base), url
    path = dist / url[len(base) :].split("?")[0].split("#")[0]
    assert path.is_file(), url
    return path


def _size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def _attrs(page: str, name: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in tags_of(page) if tag == name]


def test_svg_image_and_use_references_are_rewritten_to_hashed_outputs(app: Path) -> None:
    dist = app / "dist"
    page = (dist / "index.html").read_text()
    first, second = _attrs(page, "image")
    icon = _dist_file(dist, first["href"] or "")
    assert icon.name.startswith("icon-192-") and _size(icon) == (192, 192)
    shot = _dist_file(dist, second["xlink:href"] or "")
    assert shot.name.startswith("shot-") and _size(shot) == (64, 32)
    (use,) = _attrs(page, "use")
    assert (use["href"] or "").endswith(".svg#dot"), "the fragment is kept"
    assert _dist_file(dist, use["href"] or "").read_text() == SPRITE


def test_web_manifest_is_rewritten_under_a_hashed_name_with_its_icons(app: Path) -> None:
    dist = app / "dist"
    page = (dist / "index.html").read_text()
    (link,) = _attrs(page, "link")
    manifest_file = _dist_file(dist, link["href"] or "")
    assert manifest_file.name.startswith("site-") and manifest_file.suffix == ".webmanifest"
    data: dict[str, Any] = json.loads(manifest_file.read_text())
    icons = data["icons"]
    assert _size(_dist_file(dist, icons[0]["src"])) == (192, 192)
    assert icons[1]["src"].endswith(".png?v=2"), "the query is kept"
    assert _size(_dist_file(dist, icons[1]["src"])) == (512, 512)
    assert icons[2]["src"] == "https://cdn.example.com/icon.png", "external URLs are left alone"
    assert _size(_dist_file(dist, data["screenshots"][0]["src"])) == (64, 32)
    assert data["shortcuts"][0]["icons"][0]["src"] == icons[0]["src"]
    # The manifest moved into assets/: the pages it names are still the same pages.
    assert data["start_url"] == "/" and data["scope"] == "/"
    assert data["shortcuts"][0]["url"] == "/about/"
    assert not (dist / "site.webmanifest").exists()


def test_web_manifest_urls_take_the_base(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert build(run_cli, app, "--base", "/app/").returncode == 0
    dist = app / "dist"
    (link,) = _attrs((dist / "index.html").read_text(), "link")
    data = json.loads(_dist_file(dist, link["href"] or "", "/app/").read_text())
    assert data["start_url"] == "/app/" and data["shortcuts"][0]["url"] == "/app/about/"
    for icon in data["icons"][:2]:
        _dist_file(dist, icon["src"], "/app/")


def test_web_manifest_with_a_relative_base_resolves_from_its_own_place(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert build(run_cli, app, "--base", "./").returncode == 0
    dist = app / "dist"
    (link,) = _attrs((dist / "index.html").read_text(), "link")
    href = link["href"] or ""
    assert href.startswith("./assets/site-")
    manifest_file = dist / href
    data = json.loads(manifest_file.read_text())
    assert data["start_url"] == "../" and data["shortcuts"][0]["url"] == "../about/"
    icon = manifest_file.parent / data["icons"][0]["src"]
    assert _size(icon) == (192, 192)


def test_missing_manifest_icon_names_the_manifest_and_line(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    broken = json.dumps(MANIFEST, indent=2).replace("icon-512.png?v=2", "icon-1024.png")
    (app / "site.webmanifest").write_text(broken)
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "icon-1024" in text)
    err = fails(run_cli, app)
    assert err.startswith(
        f"site.webmanifest:{line}:14: error: image './icons/icon-1024.png' not found"
        " (looked for icons/icon-1024.png)\n"
        f'  {line} │       "src": "./icons/icon-1024.png",\n'
    )


def test_manifest_icon_outside_the_root_is_refused(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app.parent / "secret.png").write_bytes((app / "shot.png").read_bytes())
    data = {**MANIFEST, "screenshots": [{"src": "../secret.png"}]}
    (app / "site.webmanifest").write_text(json.dumps(data, indent=2))
    err = fails(run_cli, app)
    assert "site.webmanifest:" in err and "'../secret.png' is outside the app root" in err


def test_manifest_that_is_not_json_names_line_and_column(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "site.webmanifest").write_text('{\n  "name": "App",\n  "icons": [,]\n}\n')
    err = fails(run_cli, app)
    assert err.startswith("site.webmanifest:3:12: error: the web app manifest is not valid JSON")


def test_missing_svg_image_names_the_page_line_and_column(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "index.html").write_text(
        PAGE.replace('<image xlink:href="shot.png"', '<image\n  xlink:href="gone.png"')
    )
    err = fails(run_cli, app)
    assert err.startswith("index.html:5:14: error: image 'gone.png' not found")


@pytest.mark.browser
def test_browser_reads_the_rewritten_manifest_and_loads_its_icons(
    app: Path,
    browser: Any,
    serve,  # type: ignore[no-untyped-def]
) -> None:
    site = serve(app / "dist")
    page = browser.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(site + "/index.html")
    session = page.context.new_cdp_session(page)
    found = session.send("Page.getAppManifest")
    assert found["errors"] == [], found["errors"]
    assert found["url"].startswith(site + "/assets/site-")
    data = json.loads(found["data"])
    for icon in data["icons"][:2] + data["screenshots"]:
        response = page.request.get(site + icon["src"])
        assert response.ok and response.headers["content-type"] == "image/png", icon["src"]
    assert page.evaluate("[...document.querySelectorAll('svg image')].length") == 2
    assert failed == []
    page.close()
