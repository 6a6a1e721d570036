"""Images in a whole build: where a bad one is named, what the report says, animations shipped.

Each failing case checks RELIABILITY.md's invariants: exit code (G1), the message's file and
line:column (G2), the previous `dist/` byte for byte (G3), nothing written beside the project
(G4), and no temp files left (G5: the build runs with a private, checked TMPDIR).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from helpers import snapshot, tree
from PIL import Image, ImageSequence

PAGE = '<!doctype html>\n<title>t</title>\n<script type="module" src="./src/main.js"></script>\n'


def png(colour: str, size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def app(make_project, run_cli, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A project built once into dist/, so that failures can be checked to leave it alone."""
    root = make_project(
        {
            "index.html": PAGE,
            "src/main.js": 'import "./style.css";\nconsole.log("hi");\n',
            "src/style.css": "body {\n  color: red;\n}\n",
        }
    )
    (tmp_path / "tmp").mkdir()
    done = run_cli("build", root, "--no-compress", TMPDIR=str(tmp_path / "tmp"))
    assert done.returncode == 0, done.stderr
    return root


def fails(run_cli, root: Path) -> str:  # type: ignore[no-untyped-def]
    """Build again: exit 1, old dist unchanged, nothing written outside, no temp files."""
    temp = root.parent / "tmp"
    dist_before = snapshot(root / "dist")
    outside_before = tree(root.parent) - {p for p in tree(root.parent) if "user-cache" in p}
    done = run_cli("build", root, "--no-compress", TMPDIR=str(temp))
    assert done.returncode == 1, done.stderr  # G1
    assert "Traceback" not in done.stderr
    assert snapshot(root / "dist") == dist_before  # G3
    outside_after = tree(root.parent) - {p for p in tree(root.parent) if "user-cache" in p}
    assert outside_after - outside_before <= {"app/.bundlewise-cache"}  # G4
    assert not any(temp.iterdir()), "G5: temp files left behind"
    return done.stderr


def test_e23_a_truncated_image_in_css_is_named_with_the_css_line(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "src/img").mkdir()
    (app / "src/img/tile.png").write_bytes(png("blue")[:60])
    (app / "src/style.css").write_text(
        "body {\n  color: red;\n  background: url(./img/tile.png);\n}\n"
    )
    err = fails(run_cli, app)
    assert "src/style.css:3:18: error: image src/img/tile.png: truncated or corrupt PNG" in err
    assert "background: url(./img/tile.png);" in err, "the code frame"


def test_e23_a_mislabelled_image_imported_from_js_names_the_import(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "src/logo.png").write_bytes(jpeg())
    (app / "src/main.js").write_text(
        'import "./style.css";\nimport logo from "./logo.png";\nconsole.log(logo);\n'
    )
    (app / "src/extra.css").write_text(".a { background: url('./logo.png') }\n")
    (app / "src/style.css").write_text('@import "./extra.css";\n')
    err = fails(run_cli, app)
    assert "src/extra.css:1:21: error: image src/logo.png: the content is a JPEG image" in err
    assert "rename it to .jpg" in err
    assert "also referenced at src/main.js:2:17" in err


def animated_png() -> tuple[bytes, list[Image.Image]]:
    frames = []
    for colour in ((255, 0, 0, 255), (0, 255, 0, 255), (0, 0, 255, 128)):
        frame = Image.new("RGBA", (48, 32), (0, 0, 0, 0))
        frame.paste(colour, (0, 0, 24, 32))
        frames.append(frame)
    out = io.BytesIO()
    frames[0].save(
        out, "PNG", save_all=True, append_images=frames[1:], duration=[80, 120, 40.5], loop=2
    )
    return out.getvalue(), frames


@pytest.mark.parametrize("where", ["html", "css"])
def test_e26_an_animated_png_builds_and_ships_every_frame(
    make_project, run_cli, where: str
) -> None:  # type: ignore[no-untyped-def]
    source, frames = animated_png()
    files: dict[str, str | bytes] = {"spin.png": source}
    if where == "html":
        files["index.html"] = '<!doctype html>\n<img src="spin.png" alt="">\n'
    else:
        files["index.html"] = '<!doctype html>\n<link rel="stylesheet" href="site.css">\n'
        files["site.css"] = ".s { background: url(./spin.png) }\n"
    app = make_project(files)
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 0, done.stderr
    [shipped] = (app / "dist/assets").glob("spin-*.png")
    out = Image.open(io.BytesIO(shipped.read_bytes()))
    assert out.n_frames == 3 and out.info["loop"] == 2  # type: ignore[attr-defined]
    got = [(round(f.info["duration"]), f.convert("RGBA")) for f in ImageSequence.Iterator(out)]
    assert [d for d, _ in got] == [80, 120, 40] or [d for d, _ in got] == [80, 120, 41]
    for (_, frame), expected in zip(got, frames, strict=True):
        assert frame.getpixel((10, 10)) == expected.getpixel((10, 10))
        assert frame.getpixel((40, 10)) == (0, 0, 0, 0)


def test_e27_images_kept_at_their_source_bytes_are_counted_and_listed(
    make_project, run_cli
) -> None:  # type: ignore[no-untyped-def]
    tiny = png("black", (1, 1))  # nothing beats a 1-pixel PNG: kept as it is
    app = make_project(
        {
            "index.html": '<!doctype html>\n<link rel="stylesheet" href="site.css">\n'
            '<img src="dot.png" alt=""><img src="big.png" alt=""><img src="i.svg" alt="">\n',
            "site.css": ".a { background: url(./tile.png) }\n",
            "dot.png": tiny,
            "tile.png": tiny,
            "big.png": _noisy_png_with_text(),
            "i.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>',
        }
    )
    done = run_cli("build", app, "--no-compress", "--json")
    assert done.returncode == 0, done.stderr
    images = json.loads(done.stdout)["images"]
    assert images == {
        "optimized": 1,
        "kept_source": 2,
        "copied": 1,
        "kept_source_files": ["dot.png", "tile.png"],
    }
    stats = json.loads((app / "dist/bundlewise-stats.json").read_text())
    assert stats["images"] == images
    assert "images: 1 optimized, 2 kept as is (not smaller), 1 SVG copied" in done.stderr
    [dot] = (app / "dist/assets").glob("dot-*.png")
    assert dot.read_bytes() == tiny

    verbose = run_cli("-v", "build", app, "--no-compress")
    assert verbose.returncode == 0, verbose.stderr
    assert "dot.png: kept as it was (re-encoding did not make it smaller)" in verbose.stderr
    assert "tile.png: kept as it was" in verbose.stderr
    quiet = run_cli("build", app, "--no-compress")
    assert "kept as it was" not in quiet.stderr
    report = run_cli("report", app)
    assert "images: 1 optimized, 2 kept as is (not smaller), 1 SVG copied" in report.stdout


def _noisy_png_with_text() -> bytes:
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "x" * 2000)  # a re-encode without it is smaller
    out = io.BytesIO()
    Image.effect_noise((64, 64), 40).save(out, "PNG", compress_level=1, pnginfo=text)
    return out.getvalue()
