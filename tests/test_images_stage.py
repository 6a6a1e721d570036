"""The image stage alone: real images in, records and files out, no pipeline, no terminal.

Every file the stage returns is reopened with Pillow; the hints are run on its records and on a
real page, whose result is parsed again.
"""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import tags_of
from PIL import Image

from bundlewise.cache import Cache
from bundlewise.hints import HintOptions, hint_page
from bundlewise.hints.facts import facts_for
from bundlewise.images import ImageJob, ImageOptions, OptimizedImage
from bundlewise.images.ship import CssImage, ImagesToShip, ShippedImages, ship_images
from bundlewise.pages import PageEditor, scan_tags

DATA = Path(__file__).parent / "data" / "images"
# WebP only and one narrower width: AVIF costs about a second per photo.
OPTIONS = ImageOptions(formats=("webp",), widths=(480,))


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def turned_jpeg(path: Path) -> Path:
    """A 400x300 JPEG whose EXIF says to show it turned a quarter (upright: 300x400)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (400, 300), "red").save(path, "JPEG", exif=exif.tobytes())
    return path


def to_ship(tmp_path: Path) -> ImagesToShip:
    return ImagesToShip(
        css=(
            CssImage(
                "src/hubble.jpg",
                "assets/hubble-AAAAAAAA.jpg",
                (DATA / "hubble_deep_field.jpg").read_bytes(),
            ),
        ),
        pages=(
            ImageJob("img/rocket.jpg", (DATA / "rocket.jpg").read_bytes()),
            ImageJob("img/chelsea.png", (DATA / "chelsea.png").read_bytes()),
        ),
        as_is=(("img/turned.jpg", turned_jpeg(tmp_path / "turned.jpg")),),
    )


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[ShippedImages, list[str]]:
    seen: list[str] = []

    def on_image(image: OptimizedImage, path: str) -> OptimizedImage:
        seen.append(path)
        return image

    todo = to_ship(tmp_path_factory.mktemp("stage"))
    return ship_images(todo, OPTIONS, Cache(None), on_image=on_image), seen


def test_page_images_come_out_as_files_and_records_that_agree(
    shipped: tuple[ShippedImages, list[str]],
) -> None:
    result, _ = shipped
    rocket = result.page_images["img/rocket.jpg"]
    assert (rocket.width, rocket.height, rocket.format) == (640, 427, "jpeg")
    assert rocket.path == result.page_files["img/rocket.jpg"]
    assert rocket.path is not None and rocket.path.startswith("assets/img/rocket-")
    assert {(v.format, v.width) for v in rocket.variants} == {
        ("jpeg", 480),
        ("webp", 640),
        ("webp", 480),
    }
    fallback = reopen(result.files[rocket.path])
    assert (fallback.format, fallback.size) == ("JPEG", (640, 427))
    for variant in rocket.variants:
        image = reopen(result.files[variant.path])
        assert image.format.lower() == variant.format
        assert image.size == (variant.width, round(427 * variant.width / 640))
    assert rocket.candidates("webp") == sorted(
        (v.width, v.path) for v in rocket.variants if v.format == "webp"
    )
    narrow_jpeg = next(v.path for v in rocket.variants if v.format == "jpeg")
    assert rocket.candidates("jpeg") == [(480, narrow_jpeg), (640, rocket.path)]
    shipped_files = {
        path
        for record in (*result.page_images.values(), *result.css_images.values())
        for path in (record.path, *(v.path for v in record.variants))
        if path is not None and path not in result.css_images  # esbuild's copies are not new
    }
    assert set(result.files) == shipped_files


def test_css_images_are_re_encoded_in_place_with_full_width_twins(
    shipped: tuple[ShippedImages, list[str]],
) -> None:
    result, _ = shipped
    hubble = result.css_images["assets/hubble-AAAAAAAA.jpg"]
    assert (hubble.path, hubble.format, hubble.width, hubble.height) == (
        "assets/hubble-AAAAAAAA.jpg",
        "jpeg",
        1000,
        872,
    )
    (twin,) = hubble.variants  # WebP only, at full width, named without esbuild's hash
    assert (twin.format, twin.width) == ("webp", 1000)
    assert twin.path.startswith("assets/hubble-") and twin.path.endswith(".webp")
    assert "AAAAAAAA" not in twin.path
    image = reopen(result.files[twin.path])
    assert (image.format, image.size) == ("WEBP", (1000, 872))
    assert result.outcomes["src/hubble.jpg"] == "optimized"
    new = reopen(result.changed["assets/hubble-AAAAAAAA.jpg"])
    assert (new.format, new.size) == ("JPEG", (1000, 872))
    assert "src/hubble.jpg" not in result.page_images  # CSS images are not the hints' business


def test_css_twins_are_left_out_when_image_set_is_off(tmp_path: Path) -> None:
    todo = replace(to_ship(tmp_path), pages=(), as_is=())
    result = ship_images(todo, OPTIONS, Cache(None), css_image_set=False)
    assert result.files == {} and result.css_images["assets/hubble-AAAAAAAA.jpg"].variants == ()
    assert set(result.changed) == {"assets/hubble-AAAAAAAA.jpg"}


def test_images_shipped_as_they_are_get_their_upright_size_and_no_file(
    shipped: tuple[ShippedImages, list[str]],
) -> None:
    result, _ = shipped
    turned = result.page_images["img/turned.jpg"]
    assert (turned.width, turned.height, turned.path, turned.format) == (300, 400, None, "jpeg")
    assert turned.variants == () and "img/turned.jpg" not in result.page_files
    assert turned.at("assets/img/turned.jpg").path == "assets/img/turned.jpg"


def test_every_optimized_image_goes_through_on_image_and_is_counted(
    shipped: tuple[ShippedImages, list[str]],
) -> None:
    result, seen = shipped
    assert seen == ["assets/hubble-AAAAAAAA.jpg", "img/rocket.jpg", "img/chelsea.png"]
    assert set(result.outcomes) == {"src/hubble.jpg", "img/rocket.jpg", "img/chelsea.png"}
    summary = result.summary()
    assert summary.optimized + summary.kept_source + summary.copied == 3


def test_the_stage_reports_progress_to_its_callback_and_never_to_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Issue 14: the image progress line was written to stderr from inside the image stage."""
    monkeypatch.delenv("CI", raising=False)
    terminal = FakeTerminal()  # what a stage that prints when stderr is a terminal would use
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", terminal)
    calls: list[tuple[str, int, int, str]] = []
    todo = to_ship(tmp_path)
    ship_images(todo, OPTIONS, Cache(None), progress=lambda *call: calls.append(call))
    css = [c for c in calls if c[2] == 1]
    pages = [c for c in calls if c[2] == 2]
    assert calls == css + pages  # CSS images first, then page images
    assert css == [("images", 0, 1, ""), ("images", 1, 1, "src/hubble.jpg")]
    assert pages[0] == ("images", 0, 2, "")
    assert [c[1] for c in pages] == [0, 1, 2]
    assert {c[3] for c in pages[1:]} == {"img/rocket.jpg", "img/chelsea.png"}
    assert terminal.getvalue() == ""
    assert capfd.readouterr() == ("", "")


def test_cached_images_report_no_progress(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    todo = ImagesToShip(pages=(ImageJob("a.jpg", (DATA / "rocket.jpg").read_bytes()),))
    ship_images(todo, OPTIONS, cache)
    calls: list[tuple[str, int, int, str]] = []
    again = ship_images(todo, OPTIONS, cache, progress=lambda *call: calls.append(call))
    assert calls == [] and again.page_images["a.jpg"].width == 640


def test_the_hints_describe_a_real_page_from_the_stage_records(
    shipped: tuple[ShippedImages, list[str]],
) -> None:
    result, _ = shipped
    text = (
        "<!doctype html>\n<html><head><title>t</title></head><body>\n"
        '<img src="img/rocket.jpg" alt="rocket">\n'
        '<img src="img/turned.jpg" alt="turned">\n'
        '<img src="img/chelsea.png" alt="cat">\n'
        "</body></html>\n"
    )
    outputs = {**result.page_files, "img/turned.jpg": "assets/img/turned-X.jpg"}
    tags = scan_tags(text)
    facts = {}
    for tag in tags:
        source = tag.get("src") or ""
        found = facts_for(source, outputs.get(source), result.page_images)
        if tag.name == "img" and found is not None:
            facts[tag.index] = found
    editor = PageEditor(text)
    hint_page(editor, tags, facts, lambda path: "/" + path, [], HintOptions(eager=1))
    out = tags_of(editor.apply())
    imgs = [attrs for name, attrs in out if name == "img"]
    rocket, turned, cat = imgs
    assert (rocket["width"], rocket["height"], rocket["fetchpriority"]) == ("640", "427", "high")
    assert (turned["width"], turned["height"], turned["loading"]) == ("300", "400", "lazy")
    assert cat["loading"] == "lazy"
    webp = [a for n, a in out if n == "source" and a.get("type") == "image/webp"]
    rocket_webp = sorted(
        v.path for v in result.page_images["img/rocket.jpg"].variants if v.format == "webp"
    )
    assert webp and all(f"/{path}" in (webp[0]["srcset"] or "") for path in rocket_webp)
    preload = [a for n, a in out if n == "link" and a.get("as") == "image"]
    assert len(preload) == 1 and preload[0]["imagesrcset"] == webp[0]["srcset"]
