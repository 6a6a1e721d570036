"""Hints on their own parts (options, fonts, image facts) and on the built sample app."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import read_table, tags_of
from hints_sample import build_sample_app
from PIL import Image

from bundlewise.cache import Cache
from bundlewise.hints import HintOptions, ImageFacts, Variant
from bundlewise.hints.facts import facts_for
from bundlewise.hints.fonts import initial_fonts
from bundlewise.images import ImageOptions
from bundlewise.images.ship import ImagesToShip, ship_images
from bundlewise.images.size import read_size

# -- options


def test_options_default_to_everything_on() -> None:
    options, messages = read_table(HintOptions, {}, "html")
    assert options == HintOptions() and messages == []
    assert options.lazy and options.lcp and options.eager == 1 and options.sizes == "100vw"


def test_options_read_a_table() -> None:
    table = {"eager": 4, "lazy": False, "sizes": " 50vw ", "preload_fonts": 0}
    options, messages = read_table(HintOptions, table, "html")
    assert messages == []
    assert (options.eager, options.lazy, options.sizes, options.preload_fonts) == (
        4,
        False,
        "50vw",
        0,
    )


def test_every_bad_option_is_reported_with_file_and_key() -> None:
    table = {"eager": -1, "lazy": "yes", "sizes": "", "lcp_image": True, "icon_size": True}
    _, texts = read_table(HintOptions, table, "html")
    assert len(texts) == 5
    assert all(t.startswith("bundlewise.toml: [html].") for t in texts)
    assert any(t.startswith("bundlewise.toml: [html].lcp_image: unknown key (") for t in texts)
    assert any("[html].lazy: expected true or false, got 'yes'" in t for t in texts)


# -- fonts

FACE = "@font-face{{font-family:{family};font-weight:{weight};src:{src}{extra}}}"


def _css(*faces: str, rules: str = "body{font-family:Inter,sans-serif}") -> str:
    return "".join(faces) + rules


def _face(
    family: str = "Inter",
    weight: str = "400",
    src: str = 'url("../f/a.woff2") format("woff2")',
    extra: str = "",
) -> str:
    return FACE.format(family=family, weight=weight, src=src, extra=extra)


def _fonts(
    css: str, limit: int = 5, files: tuple[str, ...] = ("assets/f/a.woff2", "assets/f/b.woff2")
) -> list[str]:
    texts = {"assets/css/site.css": css, **dict.fromkeys(files, "")}
    return initial_fonts(["assets/css/site.css"], texts.get, limit)


def test_a_used_woff2_face_is_preloaded() -> None:
    assert _fonts(_css(_face())) == ["assets/f/a.woff2"]


def test_a_face_no_rule_uses_is_not_preloaded() -> None:
    assert _fonts(_css(_face(family="Other"))) == []


def test_a_family_named_through_a_custom_property_counts() -> None:
    css = _css(
        _face(family='"My Font"'),
        rules=":root{--body:'My Font',serif}body{font:1rem/1.5 var(--body)}",
    )
    assert _fonts(css) == ["assets/f/a.woff2"]


def test_only_the_first_source_is_considered() -> None:
    src = 'url(../f/a.woff) format("woff"),url(../f/a.woff2) format("woff2")'
    assert _fonts(_css(_face(src=src))) == []  # preloading the woff2 would fetch a second file


def test_a_face_for_another_script_is_not_preloaded() -> None:
    cyrillic = _face(extra=";unicode-range:U+0400-045F,U+0490-0491")
    latin = _face(src="url(../f/b.woff2)", extra=";unicode-range:U+0000-00FF")
    assert _fonts(_css(cyrillic, latin)) == ["assets/f/b.woff2"]


def test_missing_files_and_external_urls_are_skipped() -> None:
    faces = [_face(src="url(../f/missing.woff2)"), _face(src="url(https://fonts.example/x.woff2)")]
    assert _fonts(_css(*faces)) == []


def test_regular_faces_come_first_and_the_cap_holds() -> None:
    bold = _face(weight="700", src="url(../f/b.woff2)")
    regular = _face(src="url(../f/a.woff2)")
    assert _fonts(_css(bold, regular)) == ["assets/f/a.woff2", "assets/f/b.woff2"]
    assert _fonts(_css(bold, regular), limit=1) == ["assets/f/a.woff2"]
    assert _fonts(_css(bold, regular), limit=0) == []


def test_commented_out_faces_do_not_count() -> None:
    assert _fonts(_css("/* " + _face() + " */")) == []


def test_absolute_urls_under_the_base_resolve() -> None:
    css = _css(_face(src="url(/static/assets/f/a.woff2)"))
    texts = {"assets/css/site.css": css, "assets/f/a.woff2": ""}
    assert initial_fonts(["assets/css/site.css"], texts.get, 2, "/static/") == ["assets/f/a.woff2"]


# -- image facts


def _jpeg(path: Path, size: tuple[int, int], orientation: int) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.new("RGB", size, "red").save(path, "JPEG", exif=exif.tobytes())


@pytest.mark.parametrize(
    ("orientation", "upright"), [(1, (40, 30)), (3, (40, 30)), (6, (30, 40)), (8, (30, 40))]
)
def test_read_size_turns_by_exif_orientation(
    tmp_path: Path, orientation: int, upright: tuple[int, int]
) -> None:
    _jpeg(tmp_path / "a.jpg", (40, 30), orientation)
    assert read_size(tmp_path / "a.jpg") == upright


def test_read_size_of_an_svg_and_of_a_broken_file(tmp_path: Path) -> None:
    (tmp_path / "a.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60"/>'
    )
    (tmp_path / "b.png").write_bytes(b"not a png")
    assert read_size(tmp_path / "a.svg") == (120, 60)
    assert read_size(tmp_path / "b.png") == (0, 0)


def test_facts_come_from_the_image_step_when_it_ran() -> None:
    record = ImageFacts(1000, 500, "assets/a-X.jpg", "jpeg", (Variant("avif", 480, "a.avif"),))
    assert facts_for("a.jpg", "assets/a-X.jpg", {"a.jpg": record}) is record
    assert facts_for("b.jpg", "assets/b-X.jpg", {"a.jpg": record}) is None


def test_facts_fall_back_to_the_file_header(tmp_path: Path) -> None:
    Image.new("RGB", (64, 48)).save(tmp_path / "a.png")
    todo = ImagesToShip(as_is=(("a.png", tmp_path / "a.png"),))
    shipped = ship_images(todo, ImageOptions(), Cache(None))
    assert shipped.files == {} and shipped.page_files == {}
    facts = facts_for("a.png", "assets/a-X.png", shipped.page_images)
    assert facts is not None
    assert (facts.width, facts.height, facts.path, facts.format, facts.variants) == (
        64,
        48,
        "assets/a-X.png",
        "png",
        (),
    )


# -- the sample app, built by the CLI


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    app = tmp_path_factory.mktemp("hints") / "app"
    done = build_sample_app(app)
    assert done.returncode == 0, done.stderr
    return app / "dist", done.stderr


def _tags(page: Path, name: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in tags_of(page.read_text()) if tag == name]


def test_sample_app_hero_is_the_lcp_image_with_a_matching_preload(built: tuple[Path, str]) -> None:
    dist, _ = built
    hero = next(a for a in _tags(dist / "index.html", "img") if a.get("class") == "hero")
    assert hero["fetchpriority"] == "high" and "loading" not in hero
    assert (hero["width"], hero["height"]) == ("1000", "872")
    avif = next(a for a in _tags(dist / "index.html", "source") if "hubble" in (a["srcset"] or ""))
    assert avif["type"] == "image/avif"
    image_preloads = [a for a in _tags(dist / "index.html", "link") if a.get("as") == "image"]
    assert len(image_preloads) == 1
    assert image_preloads[0]["imagesrcset"] == avif["srcset"]
    assert image_preloads[0]["imagesizes"] == avif["sizes"]
    for candidate in (avif["srcset"] or "").split(","):
        assert (dist / candidate.split()[0].lstrip("/")).is_file()


def test_sample_app_later_images_are_lazy_and_all_have_sizes(built: tuple[Path, str]) -> None:
    dist, _ = built
    images = {a["alt"]: a for a in _tags(dist / "index.html", "img")}
    assert images["Chelsea the cat"]["loading"] == "lazy"
    assert images["Chelsea the cat"]["decoding"] == "async"
    assert all(a.get("width") and a.get("height") for a in images.values())
    assert images[""] == {"src": images[""]["src"], "alt": "", "width": "32", "height": "32"}


def test_sample_app_fonts_of_the_initial_css_are_preloaded_once(built: tuple[Path, str]) -> None:
    dist, _ = built
    for page in ("index.html", "about.html"):
        fonts = [a for a in _tags(dist / page, "link") if a.get("as") == "font"]
        hrefs = [a["href"] or "" for a in fonts]
        assert len(hrefs) == len(set(hrefs)) == 2
        assert all(h.endswith(".woff2") and (dist / h.lstrip("/")).is_file() for h in hrefs)
        assert all(a["type"] == "font/woff2" and "crossorigin" in a for a in fonts)


def test_sample_app_builds_without_image_optimization(tmp_path: Path) -> None:
    done = build_sample_app(tmp_path / "app", "--no-images")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "app" / "dist" / "index.html").read_text()
    assert "<picture>" not in page
    hero = next(
        a
        for a in _tags(tmp_path / "app" / "dist" / "index.html", "img")
        if a.get("class") == "hero"
    )
    assert (hero["width"], hero["height"], hero["fetchpriority"]) == ("1000", "872", "high")
