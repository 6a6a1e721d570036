"""Files named from JS load from every page: `import url from`, `new URL(..., import.meta.url)`, workers.

One app, built with each kind of `base` and loaded in Chromium from a page at the root and from
a page in a subfolder (where a URL relative to the page would miss).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import open_page
from PIL import Image

from bundlewise.sourcemap import decode_vlq


def png(color: tuple[int, int, int], size: int = 64) -> bytes:
    """A PNG written without compression, so that the optimizer has something to win."""
    out = io.BytesIO()
    Image.new("RGB", (size, size), color).save(out, "PNG", compress_level=0)
    return out.getvalue()


MAIN_JS = """\
import logo from './img/logo.png'
import { double } from './shared.js'

document.querySelector('#logo').src = logo
document.querySelector('#photo').src = new URL('./img/photo.png', import.meta.url).href
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
worker.onmessage = (event) => {
  document.querySelector('#worker').textContent = `worker says ${event.data}`
}
worker.postMessage(double(10))
"""

WORKER_JS = """\
import { double } from './shared.js'
self.onmessage = (event) => self.postMessage(double(event.data))
"""

PAGE = """\
<!doctype html>
<html><head><title>urls</title><link rel="icon" href="data:,"></head>
<body>
  <img id="logo" alt="logo"><img id="photo" alt="photo">
  <p id="worker">waiting</p>
  <script type="module" src="{src}"></script>
</body></html>
"""


@pytest.fixture
def url_app(make_project: Any) -> Path:
    return make_project(  # type: ignore[no-any-return]
        {
            "index.html": PAGE.format(src="./src/main.js"),
            "nested/deeper/page.html": PAGE.format(src="../../src/main.js"),
            "src/main.js": MAIN_JS,
            "src/worker.js": WORKER_JS,
            "src/shared.js": "export const double = (n) => n * 2\n",
            "src/img/logo.png": png((200, 30, 30)),
            "src/img/photo.png": png((30, 30, 200)),
        }
    )


def build(run_cli: Any, app: Path, out: Path, base: str, *extra: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    done = run_cli("build", app, "-o", out, "--base", base, "--strict", *extra)
    assert done.returncode == 0, done.stderr


def main_script(dist: Path) -> str:
    (script,) = (dist / "assets" / "src").glob("main-*.js")
    return script.read_text()


def test_imported_file_gets_an_absolute_url_with_base(
    run_cli: Any, url_app: Path, tmp_path: Path
) -> None:
    dist = tmp_path / "site" / "static"
    build(run_cli, url_app, dist, "/static/")
    code = main_script(dist)
    (logo,) = re.findall(r'"(/static/assets/src/img/logo-[A-Z2-7]{8}\.png)"', code)
    assert (dist / logo.removeprefix("/static/")).is_file()
    assert "./img/logo" not in code


def test_new_url_file_is_emitted_hashed_and_optimized(
    run_cli: Any, url_app: Path, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    build(run_cli, url_app, dist, "/")
    code = main_script(dist)
    (photo,) = re.findall(
        r'new URL\("(/assets/src/img/photo-[A-Z2-7]{8}\.png)",import\.meta\.url\)', code
    )
    emitted = dist / photo.removeprefix("/")
    source = url_app / "src/img/photo.png"
    assert emitted.stat().st_size < source.stat().st_size, "re-encoded by the image step"
    with Image.open(emitted) as image:
        assert image.size == (64, 64)
        assert image.convert("RGB").getpixel((5, 5)) == (30, 30, 200)


def test_worker_is_bundled_as_its_own_entry(run_cli: Any, url_app: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build(run_cli, url_app, dist, "/")
    code = main_script(dist)
    (worker,) = re.findall(
        r'new URL\("/(assets/src/worker-[A-Z2-7]{8}\.js)",import\.meta\.url\)', code
    )
    worker_code = (dist / worker).read_text()
    assert "self.postMessage" in worker_code
    assert "import" in worker_code, "the worker shares the chunk of shared.js with the page"


def test_relative_base_resolves_against_the_module(
    run_cli: Any, url_app: Path, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    build(run_cli, url_app, dist, "./")
    code = main_script(dist)
    assert re.search(r'new URL\("\./img/logo-[A-Z2-7]{8}\.png",import\.meta\.url\)\.href', code)
    assert re.search(r'new URL\("\./worker-[A-Z2-7]{8}\.js",import\.meta\.url\)', code)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("base", "folder"), [("/", ""), ("/static/", "static"), ("./", "any/where")]
)
def test_images_and_worker_work_in_the_browser(
    browser: Any, run_cli: Any, serve: Any, url_app: Path, tmp_path: Path, base: str, folder: str
) -> None:
    site = tmp_path / "site"
    build(run_cli, url_app, site / folder if folder else site, base)
    root_url = serve(site) + ("/" + folder if folder else "")
    for page_path in ("index.html", "nested/deeper/page.html"):
        page, problems = open_page(browser, f"{root_url}/{page_path}")
        page.wait_for_selector("#worker:has-text('worker says 40')")
        loaded = page.locator("img").evaluate_all(
            "els => els.map(e => e.complete && e.naturalWidth)"
        )
        assert loaded == [64, 64], page_path
        assert problems == [], page_path
        page.close()


def test_missing_new_url_target_is_a_warning_naming_the_line(
    run_cli: Any, make_project: Any
) -> None:
    app = make_project(
        {
            "index.html": '<script type="module" src="./main.js"></script>',
            "main.js": "\n\nconsole.log(new URL('./gone.png', import.meta.url))\n",
        }
    )
    done = run_cli("build", app)
    assert done.returncode == 0, done.stderr
    assert "main.js:3" in done.stderr and "'./gone.png'" in done.stderr
    assert run_cli("build", app, "--strict").returncode == 1


def test_cdn_base_and_source_map_stay_right(
    run_cli: Any, make_project: Any, tmp_path: Path
) -> None:
    """The rewritten URL has a different length: the map still points each token at its source."""
    app = make_project(
        {
            "index.html": '<script type="module" src="./main.js"></script>',
            "main.js": "import logo from './logo.png'\n"
            "document.title = logo\n"
            "console.log('after-the-url')\n",
            "logo.png": png((10, 200, 10)),
        }
    )
    dist = tmp_path / "dist"
    build(run_cli, app, dist, "https://cdn.example/app/")
    (script,) = dist.glob("assets/main-*.js")
    code = script.read_text()
    assert re.search(r'"https://cdn\.example/app/assets/logo-[A-Z2-7]{8}\.png"', code)
    source_map = json.loads(Path(f"{script}.map").read_text())
    column = code.index("console.log")
    assert original_position(source_map["mappings"], 0, column) == (2, 0)


def original_position(mappings: str, line: int, column: int) -> tuple[int, int]:
    """(source line, source column) of the segment at generated `line`:`column` (0-based)."""
    src_line = src_col = 0
    for index, text in enumerate(mappings.split(";")):
        generated = 0
        for segment in filter(None, text.split(",")):
            fields = decode_vlq(segment)
            generated += fields[0]
            if len(fields) >= 4:
                src_line += fields[2]
                src_col += fields[3]
            if index == line and generated == column:
                return src_line, src_col
    raise AssertionError(f"no mapping at {line}:{column}")


def test_classic_worker_is_a_warning_naming_the_line(run_cli: Any, make_project: Any) -> None:
    app = make_project(
        {
            "index.html": '<script type="module" src="./main.js"></script>',
            "main.js": "const ok = new Worker(new URL('./w.js', import.meta.url), { type: 'module' })\n"
            "const classic = new Worker(new URL('./w.js', import.meta.url))\n",
            "w.js": "import { x } from './x.js'\npostMessage(x)\n",
            "x.js": "export const x = 1\n",
        }
    )
    done = run_cli("build", app)
    assert done.returncode == 0, done.stderr
    assert (
        "main.js:2:27: warning: new Worker(new URL('./w.js', import.meta.url)) without"
        in done.stderr
    )
    assert "main.js:1:" not in done.stderr
    assert run_cli("build", app, "--strict").returncode == 1
