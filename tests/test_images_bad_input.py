"""Bad and unusual image input: a clear error naming the file, or a warning, never a crash."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from bundlewise.cache import Cache
from bundlewise.errors import EXIT_BUILD_ERROR, BuildError
from bundlewise.images import ImageJob, ImageOptions, OptimizedImage, optimize_images

DATA = Path(__file__).parent / "data" / "images"
OPTIONS = ImageOptions(formats=("webp",), widths=(480,))


def run(rel: str, data: bytes, options: ImageOptions = OPTIONS) -> OptimizedImage:
    return optimize_images([ImageJob(rel, data)], options, Cache(None))[rel]


def error_for(rel: str, data: bytes, options: ImageOptions = OPTIONS) -> str:
    with pytest.raises(BuildError) as info:
        run(rel, data, options)
    assert info.value.exit_code == EXIT_BUILD_ERROR
    (message,) = info.value.messages
    assert message.location is not None and message.location.file == rel
    return message.format()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def tiny_png_declaring(width: int, height: int) -> bytes:
    """A few dozen bytes whose header promises a `width`×`height` canvas."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


def test_e22_a_tiny_file_declaring_a_huge_canvas_is_refused() -> None:
    data = tiny_png_declaring(100_000, 100_000)
    assert len(data) < 100
    text = error_for("img/bomb.png", data)
    assert text.startswith("img/bomb.png: error: refused as a decompression bomb")


def test_e22_just_over_the_default_limit_gets_our_message_not_a_pillow_warning() -> None:
    assert error_for("big.png", tiny_png_declaring(10_000, 9_000)) == (
        "big.png: error: refused as a decompression bomb: 10000×9000 = 90,000,000 pixels, "
        "over the limit of 89,478,485 ([images].max_pixels)"
    )


def test_e22_the_pixel_limit_is_configurable_but_always_on() -> None:
    data = tiny_png_declaring(200, 200)
    assert error_for("b.png", data, ImageOptions(max_pixels=10_000)) == (
        "b.png: error: refused as a decompression bomb: 200×200 = 40,000 pixels, "
        "over the limit of 10,000 ([images].max_pixels)"
    )


def gif_with_growing_frame(grow_to: int) -> bytes:
    """A 10×10 GIF whose second frame claims to be `grow_to` pixels square."""
    frame = io.BytesIO()
    Image.new("P", (10, 10), 1).save(frame, "GIF")
    data = frame.getvalue()
    descriptor = b"\x2c\x00\x00\x00\x00\x0a\x00\x0a\x00"
    start = data.index(descriptor)
    first = data[start:-1]  # descriptor, image data; the trailer dropped
    second = b"\x2c\x00\x00\x00\x00" + struct.pack("<HH", grow_to, grow_to) + first[9:]
    delay = b"\x21\xf9\x04\x00\x0a\x00\x00\x00"  # 100 ms
    return data[:start] + delay + first + delay + second + b"\x3b"


def test_e22_a_gif_whose_later_frame_grows_the_canvas_is_refused() -> None:
    text = error_for("anim.gif", gif_with_growing_frame(300), ImageOptions(max_pixels=50_000))
    assert text == (
        "anim.gif: error: refused as a decompression bomb: 300×300 = 90,000 pixels in frame 2, "
        "over the limit of 50,000 ([images].max_pixels)"
    )


def test_e23_a_truncated_file_is_an_error_naming_it() -> None:
    data = (DATA / "rocket.jpg").read_bytes()
    text = error_for("photos/rocket.jpg", data[: len(data) // 2])
    assert text.startswith("photos/rocket.jpg: error: truncated or corrupt JPEG data: ")


def test_e23_a_truncated_png_is_an_error_naming_it() -> None:
    data = (DATA / "chelsea.png").read_bytes()
    assert "truncated or corrupt PNG data" in error_for("cat.png", data[:5000])


def test_e23_an_empty_file_is_an_error_naming_it() -> None:
    assert error_for("empty.webp", b"") == "empty.webp: error: the file is empty (0 bytes)"


def test_e23_an_extension_that_lies_is_an_error_naming_both_formats() -> None:
    text = error_for("logo.png", (DATA / "rocket.jpg").read_bytes())
    assert text == (
        "logo.png: error: the content is a JPEG image but the extension .png says PNG; "
        "rename it to .jpg"
    )


def test_e23_formats_outside_the_allow_list_are_never_decoded() -> None:
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
    text = error_for("evil.jpg", eps)
    assert text.startswith("evil.jpg: error: the content is not a JPEG image (nor any format")
    bmp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(bmp, "BMP")
    assert "is not a PNG image" in error_for("pic.png", bmp.getvalue())
    assert ".bmp is not an image type" in error_for("pic.bmp", bmp.getvalue())


def test_e23_every_bad_file_is_named_in_one_error() -> None:
    jobs = [
        ImageJob("z-empty.png", b""),
        ImageJob("good.png", (DATA / "horse.png").read_bytes()),
        ImageJob("a-liar.gif", (DATA / "horse.png").read_bytes()),
    ]
    with pytest.raises(BuildError) as info:
        optimize_images(jobs, OPTIONS, Cache(None))
    assert [m.location.file for m in info.value.messages if m.location] == [
        "a-liar.gif",
        "z-empty.png",
    ]
    assert info.value.format_message().endswith("2 errors")


def test_e24_malformed_exif_is_a_warning_and_the_image_is_still_built() -> None:
    im = Image.open(DATA / "rocket.jpg")
    out = io.BytesIO()
    im.save(out, "JPEG", exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x05\x01\x12\xff\xff")
    result = run("bad-exif.jpg", out.getvalue())
    (warning,) = result.warnings
    assert warning.severity == "warning"
    assert warning.format().startswith(
        "bad-exif.jpg: warning: malformed EXIF metadata ignored (Corrupt EXIF data."
    )
    assert Image.open(io.BytesIO(result.primary.data)).getexif() == {}


def test_a_broken_svg_is_an_error_and_a_good_one_is_copied_with_its_size() -> None:
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60" width="240"><rect/></svg>'
    result = run("icons/logo.svg", svg)
    assert result.primary.data == svg and result.kept_source and result.variants == ()
    assert (result.width, result.height) == (240, 120)
    assert error_for("x.svg", b"<html>nope</html>") == (
        "x.svg: error: the content is not a SVG image (nor any format in the allow-list: "
        "JPEG, PNG, GIF, WebP, AVIF, SVG)"
    )
    assert "not valid UTF-8" in error_for("y.svg", b"<svg \xff\xfe></svg>")
