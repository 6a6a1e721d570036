"""Projects built for the audit's browser tests: each page shows one problem the audit must find."""

from __future__ import annotations

import io
import random

from PIL import Image


def noisy_png(width: int, height: int, seed: int) -> bytes:
    """A PNG that does not compress (random pixels): it arrives late on a throttled network."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def noisy_jpeg(width: int, height: int, seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


STYLE = "body { font-family: sans-serif; margin: 0; padding: 8px; } img { max-width: 100%; height: auto; }\n"
TEXT = "<p>" + "Words that move when the picture above them arrives. " * 40 + "</p>\n"


def page(body: str, script: str = "") -> str:
    tag = f'<script type="module" src="./{script}"></script>' if script else ""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>t</title><link rel="stylesheet" href="./style.css">{tag}</head>\n'
        f"<body>{body}</body></html>\n"
    )


def audit_project(hints: bool = False) -> dict[str, str | bytes]:
    """Pages: `shift` (an image without dimensions above text), `lcp` (a large late image),
    `block` (600 ms of main-thread work), `throws` (an uncaught exception)."""
    return {
        "bundlewise.toml": (
            ("" if hints else "[html]\nenabled = false\n")
            + '[budget]\nlcp = "10 ms"\nload = false\ntti = false\ncls = false\n'
        ),
        "style.css": STYLE,
        "photo.png": noisy_png(320, 240, 1),
        "hero.jpg": noisy_jpeg(400, 300, 2),
        # Lazy above the fold: fetched only once the first layout found it visible, so it arrives
        # after the first paint and pushes the text down.
        "shift.html": page(
            '<h1>Shift</h1>\n<img src="./photo.png" alt="photo" loading="lazy">\n' + TEXT
        ),
        "lcp.html": page(
            '<h1>LCP</h1>\n<img src="./hero.jpg" alt="hero" width="400" height="300">\n'
        ),
        "block.html": page("<h1>Busy</h1>\n" + TEXT, "block.js"),
        # After the first frame (as hydration would): TBT counts only what blocks after FCP.
        "block.js": "requestAnimationFrame(() => setTimeout(() => {\n"
        "  const t = performance.now();\n  while (performance.now() - t < 600) {}\n"
        '  document.querySelector("h1").textContent = "Done";\n}));\n',
        "throws.html": page("<h1>Broken</h1>\n", "throws.js"),
        "throws.js": 'document.title = "x";\nthrow new Error("widget failed to start");\n',
    }
