"""The default widths fit phones: a full-width photo on a 412 px, DPR 1.75 screen (Lighthouse's
mobile) comes as the 750 px variant, not the 960 px one."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest
from PIL import Image


def _photo(width: int, height: int) -> bytes:
    rng = random.Random(7)  # noise: a photo-like image that does not compress to nothing
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


APP = {
    "index.html": (
        "<!doctype html>\n<html>\n  <head>\n"
        '    <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "    <title>t</title>\n    <style>img { width: 100%; height: auto; }</style>\n"
        '  </head>\n  <body style="margin: 0">\n    <img id="hero" src="./photo.jpg" alt="">\n'
        "  </body>\n</html>\n"
    ),
}


@pytest.fixture
def built(make_project: Any, run_cli: Any) -> Path:
    root = make_project({**APP, "photo.jpg": _photo(1200, 600)})
    done = run_cli("build", root, "--no-compress")
    assert done.returncode == 0, done.stderr
    return root / "dist"


def test_a_750_variant_is_made_in_every_format_kept(built: Path) -> None:
    # A modern format is kept only where it is smaller than the JPEG; where it is, 750 is there.
    assert list((built / "assets").glob("photo-*.avif")), "AVIF beats JPEG on this photo"
    for ext in ("jpg", "webp", "avif"):
        if not list((built / "assets").glob(f"photo-*.{ext}")):
            continue
        found = list((built / "assets").glob(f"photo-750w-*.{ext}"))
        assert len(found) == 1, ext
        with Image.open(found[0]) as image:
            assert image.width == 750


@pytest.mark.browser
def test_phone_at_dpr_1_75_takes_the_750_variant(built: Path, serve: Any, browser: Any) -> None:
    site = serve(built)
    context = browser.new_context(
        viewport={"width": 412, "height": 823}, device_scale_factor=1.75, is_mobile=True
    )
    try:
        page = context.new_page()
        page.goto(site + "/index.html", wait_until="load")
        chosen = page.evaluate("document.querySelector('#hero').currentSrc")
        assert "/photo-750w-" in chosen and chosen.endswith(".avif"), chosen
    finally:
        context.close()
