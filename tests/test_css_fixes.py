"""What the build does to CSS for speed: `image-set()` for background images, and metric-matched
fallback faces for web fonts. Checked on the built output and in Chromium."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bundlewise.css.font_fallbacks import add_fallbacks, read_metrics

REPO = Path(__file__).resolve().parents[1]
INTER = REPO / "sample_app" / "fonts" / "inter-latin-400-normal.woff2"
TEXT = " ".join(["Performance budgets keep a site honest: every page is measured in a real "
                 "browser, and the numbers decide."] * 6)  # fmt: skip


def _gradient_png() -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize((640, 400)).convert("RGB").save(out, "PNG")
    return out.getvalue()


def text_project(fallbacks: bool = True) -> dict[str, str | bytes]:
    """A text-heavy page in Inter (font-display: swap, not preloaded, so it swaps in late) under
    a CSS background image."""
    paragraphs = "\n".join(f"<p>{TEXT}</p>" for _ in range(6))
    return {
        "bundlewise.toml": "[html]\npreload_fonts = 0\n"
        + ("" if fallbacks else "font_fallbacks = false\n")
        + "[budget]\nload = false\n",
        "inter.woff2": INTER.read_bytes(),
        "banner.png": _gradient_png(),
        "style.css": '@font-face { font-family: "Inter"; font-weight: 400; font-display: swap;\n'
        '  src: url("./inter.woff2") format("woff2"); }\n'
        'body { margin: 0; padding: 8px; font-family: "Inter", sans-serif; font-size: 16px; }\n'
        '.banner { height: 120px; background: url("./banner.png") center / cover; }\n',
        "index.html": '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title>'
        '<link rel="stylesheet" href="./style.css"></head>\n'
        f'<body><div class="banner"></div>\n{paragraphs}\n</body></html>\n',
    }


def _css(app: Path) -> str:
    return next((app / "dist" / "assets").glob("style-*.css")).read_text()


def test_css_background_gets_image_set_with_avif_webp_and_the_original(
    make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    app = make_project(text_project())
    assert run_cli("-q", "build", app).returncode == 0
    css = _css(app)
    original = re.search(r'background:url\("(?:\./)?(banner-\w+\.png)"\) center / cover', css)
    assert original, css
    twin = re.search(r"background:image-set\(([^;]*)\) center / cover", css)
    assert twin, css
    options = re.findall(r'url\("([^"]+)"\) type\("([^"]+)"\)', twin[1])
    assert [t for _, t in options] == ["image/avif", "image/webp", "image/png"]
    assert options[-1][0].removeprefix("./") == original[1]
    assets = app / "dist" / "assets"
    for name, mime in options:
        with Image.open(assets / name) as image:
            assert Image.MIME[image.format] == mime
    assert (assets / options[0][0]).stat().st_size < (assets / original[1]).stat().st_size


def test_web_font_gets_a_fallback_face_with_metric_overrides(
    make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    app = make_project(text_project())
    assert run_cli("-q", "build", app).returncode == 0
    css = _css(app)
    assert 'font-family:Inter,"Inter Fallback",sans-serif' in css
    face = re.search(r'@font-face\{font-family:"Inter Fallback";([^}]*)\}', css)
    assert face, css
    descriptors = dict(d.split(":", 1) for d in face[1].split(";"))
    assert descriptors["src"].startswith('local("Arial"),local("Liberation Sans")')
    for key in ("size-adjust", "ascent-override", "descent-override", "line-gap-override"):
        assert re.fullmatch(r"\d+\.\d{4}%", descriptors[key]), (key, descriptors[key])
    # Inter is wider than Arial and its ascent is 1984/2048 em.
    assert 105 < float(descriptors["size-adjust"][:-1]) < 110
    metrics = read_metrics(INTER.read_bytes())
    size = float(descriptors["size-adjust"][:-1]) / 100
    ascent = float(descriptors["ascent-override"][:-1]) / 100 * size
    assert ascent == pytest.approx(metrics.ascent / metrics.units_per_em, rel=0.002)
    # The web font's own @font-face is left as it was.
    assert "@font-face{font-family:Inter;" in css


def test_fallbacks_leave_font_face_rules_and_unrelated_lists_alone() -> None:
    css = ('@font-face{font-family:Inter;src:url(a.woff2)}'
           "h1{font-family:Georgia,serif}p{font:16px/1.5 Inter,sans-serif}")  # fmt: skip
    out = add_fallbacks(css, "x.css", lambda p: INTER.read_bytes() if p == "a.woff2" else None)
    assert out.startswith("@font-face{font-family:Inter;src:url(a.woff2)}")
    assert "h1{font-family:Georgia,serif}" in out
    assert 'p{font:16px/1.5 Inter,"Inter Fallback",sans-serif}' in out
    assert add_fallbacks(out, "x.css", lambda p: INTER.read_bytes()) == out  # idempotent
    assert add_fallbacks(css, "x.css", lambda p: None) == css  # font not in the build


def _arial_compatible_font() -> bool:
    """Is a font the fallback face can draw with installed (Arial, Liberation Sans, Arimo)?"""
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return False
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    return any(name in families for name in ("Arial", "Liberation Sans", "Arimo"))


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(
    not _arial_compatible_font(),
    reason="needs an Arial-compatible system font (apt-get install fonts-liberation)",
)
def test_chromium_fetches_avif_and_the_font_swap_does_not_shift(
    make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    results = {}
    for fallbacks in (False, True):
        app = make_project(text_project(fallbacks), name=f"app-{fallbacks}")
        assert run_cli("-q", "build", app).returncode == 0
        done = run_cli("audit", app, "--runs", "1", "--json", "--no-fail-on-budget")
        assert done.returncode == 0, done.stdout + done.stderr
        results[fallbacks] = json.loads(done.stdout)["pages"][0]
    page = results[True]
    images = [r["url"] for r in page["waterfall"] if r["type"] == "image"]
    assert len(images) == 1 and images[0].endswith(".avif"), images
    fonts = [r for r in page["waterfall"] if r["type"] == "font"]
    assert fonts and fonts[0]["end"] > page["metrics"]["fcp"]  # the swap happened after paint
    assert results[False]["metrics"]["cls"] > 0.02  # without the fallback face, text reflows
    assert page["metrics"]["cls"] <= 0.01
