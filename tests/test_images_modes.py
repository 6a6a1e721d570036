"""Pixel modes and animations that trip up image pipelines, each reopened after optimizing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageSequence, PngImagePlugin

from bundlewise.cache import Cache
from bundlewise.images import ImageJob, ImageOptions, OptimizedImage, optimize_images

DATA = Path(__file__).parent / "data" / "images"
OPTIONS = ImageOptions(formats=("webp",), widths=(32,))


def run(rel: str, data: bytes, options: ImageOptions = OPTIONS) -> OptimizedImage:
    return optimize_images([ImageJob(rel, data)], options, Cache(None))[rel]


def encoded(im: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def reopen(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def photo(size: tuple[int, int] = (96, 64)) -> Image.Image:
    return Image.open(DATA / "rocket.jpg").convert("RGB").resize(size)


def test_e26_cmyk_jpeg_comes_out_rgb_with_the_same_colours() -> None:
    source = photo()
    result = run("print.jpg", encoded(source.convert("CMYK"), "JPEG", quality=95))
    out = reopen(result.primary.data)
    assert out.mode == "RGB"
    r, g, b = out.getpixel((48, 32))  # type: ignore[misc]
    er, eg, eb = source.getpixel((48, 32))  # type: ignore[misc]
    assert abs(r - er) + abs(g - eg) + abs(b - eb) < 40
    assert reopen(result.variants[0].data).mode == "RGB"


def test_e26_16_bit_grey_png_is_scaled_to_8_bit_not_clipped() -> None:
    im = Image.new("I;16", (64, 40))
    im.paste(65535, (0, 0, 32, 40))  # left half white, right half black
    result = run("deep.png", encoded(im, "PNG"))
    out = reopen(result.primary.data).convert("L")
    assert out.getpixel((8, 8)) == 255 and out.getpixel((50, 8)) == 0


def test_e26_palette_transparency_survives_in_png_and_webp() -> None:
    im = Image.new("P", (64, 40), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    im.paste(1, (0, 0, 32, 40))
    result = run("pal.png", encoded(im, "PNG", transparency=1))
    for file in (result.primary, *result.variants):
        out = reopen(file.data).convert("RGBA")
        assert out.getpixel((5, 5))[3] == 0, file.format  # type: ignore[index]
        assert out.getpixel((file.width - 5, 5)) == (255, 0, 0, 255), file.format


def test_e26_grey_with_alpha_keeps_its_alpha() -> None:
    im = Image.new("LA", (64, 40), (128, 255))
    im.paste((0, 0), (0, 0, 32, 40))
    result = run("la.png", encoded(im, "PNG"))
    for file in (result.primary, *result.variants):
        alpha = reopen(file.data).convert("RGBA").getchannel("A")
        assert alpha.getpixel((5, 5)) == 0 and alpha.getpixel((file.width - 5, 5)) == 255


def test_e26_one_bit_png_stays_black_and_white() -> None:
    im = Image.new("1", (64, 40), 1)
    im.paste(0, (0, 0, 32, 40))
    result = run("bw.png", encoded(im, "PNG"))
    out = reopen(result.primary.data).convert("L")
    assert out.getpixel((5, 5)) == 0 and out.getpixel((60, 5)) == 255


def test_e26_opaque_rgba_goes_to_jpeg_flattened_and_transparent_rgba_does_not() -> None:
    options = ImageOptions(formats=("jpeg",), widths=(), min_saving=0)
    opaque = photo().convert("RGBA")
    result = run("opaque.png", encoded(opaque, "PNG"), options)
    (jpeg,) = result.variants
    assert reopen(jpeg.data).mode == "RGB"
    see_through = opaque.copy()
    see_through.putalpha(128)
    assert run("glass.png", encoded(see_through, "PNG"), options).variants == ()


def test_e27_a_source_that_cannot_be_beaten_is_kept_byte_for_byte() -> None:
    tiny = encoded(Image.new("L", (1, 1), 0), "PNG")
    result = run("dot.png", tiny)
    assert result.kept_source and result.primary.data == tiny


def frames_of(data: bytes) -> list[tuple[int, Image.Image]]:
    im = Image.open(io.BytesIO(data))
    frames = []
    for frame in ImageSequence.Iterator(im):
        rgba = frame.convert("RGBA")  # decodes the frame, which sets its duration
        frames.append((frame.info.get("duration", 0), rgba))
    return frames


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_e26_animations_keep_frames_timing_loop_and_transparency(fmt: str) -> None:
    frames = []
    for colour in ((255, 0, 0, 255), (0, 255, 0, 255), (0, 0, 255, 255)):
        frame = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
        frame.paste(colour, (0, 0, 20, 30))
        # A half-transparent corner makes every frame span the canvas; otherwise libwebp crops
        # frames to their opaque part and Pillow reads the file back without alpha at all.
        frame.putpixel((39, 29), (9, 9, 9, 128))
        frames.append(frame)
    params = {"save_all": True, "append_images": frames[1:], "duration": [100, 200, 300]}
    # Private metadata in the source forces a re-encode (a clean source might be kept as-is).
    if fmt == "GIF":
        params |= {"loop": 3, "comment": b"made by a camera"}
    elif fmt == "PNG":  # an animated PNG (APNG)
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", "made by a camera")
        params |= {"loop": 3, "pnginfo": text}
    else:
        params |= {"loop": 3, "lossless": True, "xmp": b"<x:xmpmeta>secret</x:xmpmeta>"}
    source = encoded(frames[0], fmt, **params)
    result = run(f"anim.{fmt.lower()}", source)
    assert result.variants == ()
    out = Image.open(io.BytesIO(result.primary.data))
    assert getattr(out, "n_frames", 1) == 3 and out.info.get("loop") == 3
    assert not result.kept_source
    assert not {"comment", "xmp", "exif", "Author"} & set(out.info)
    got = frames_of(result.primary.data)
    assert [d for d, _ in got] == [100, 200, 300]
    for (_, frame), expected in zip(got, frames, strict=True):
        assert frame.getpixel((30, 15))[3] == 0  # type: ignore[index]
        assert frame.getpixel((5, 15)) == expected.getpixel((5, 15))


def test_e26_an_animated_png_with_fractional_delays_keeps_them_to_the_millisecond() -> None:
    frames = [
        Image.new("RGBA", (8, 8), (255, 0, 0, 255)),
        Image.new("RGBA", (8, 8), (0, 0, 255, 128)),
    ]
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "private")  # forces a re-encode
    source = encoded(frames[0], "PNG", save_all=True, append_images=frames[1:],
                     duration=[33.4, 66.6], loop=0, pnginfo=text)  # fmt: skip
    out = run("tick.png", source).primary.data
    assert [round(d) for d, _ in frames_of(out)] == [33, 67]
    assert Image.open(io.BytesIO(out)).info["loop"] == 0


def gif_that_pillow_cannot_shrink(comment: bytes | None) -> bytes:
    """A 4-colour animation whose frames change a small corner: Pillow's own re-encode of it
    is twice its size (the shape of a hand-made 325-byte GIF that grew to 540 bytes)."""
    frames = []
    for i in range(4):
        frame = Image.new("P", (40, 40), 0)
        frame.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])
        frame.putdata([(x * 7 + y * 3) % 4 for y in range(40) for x in range(40)])
        frame.paste(i % 3 + 1, (i * 5, 0, i * 5 + 3, 3))
        frames.append(frame)
    extra = {"comment": comment} if comment else {}
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100,
                   loop=0, **extra)  # fmt: skip


def test_e27_an_animated_gif_that_re_encoding_would_grow_is_kept_as_it_is() -> None:
    source = gif_that_pillow_cannot_shrink(None)
    result = run("spinner.gif", source)
    assert result.kept_source and result.primary.data == source


def test_e27_an_animated_gif_with_a_comment_never_grows_and_loses_the_comment() -> None:
    source = gif_that_pillow_cannot_shrink(b"drawn by someone at home")
    result = run("spinner.gif", source)
    assert len(result.primary.data) < len(source)
    out = Image.open(io.BytesIO(result.primary.data))
    assert "comment" not in out.info and out.info["loop"] == 0
    assert b"drawn by" not in result.primary.data
    before, after = frames_of(source), frames_of(result.primary.data)
    assert [d for d, _ in after] == [d for d, _ in before] == [100] * 4
    for (_, a), (_, b) in zip(before, after, strict=True):
        assert a.tobytes() == b.tobytes()


def test_e27_a_webp_with_metadata_that_re_encoding_cannot_beat_is_stripped_not_grown() -> None:
    # Saved at a lower quality than ours: re-encoding it would only add bytes.
    source = encoded(photo((48, 32)), "WEBP", quality=20, exif=b"Exif\x00\x00MM\x00*")
    result = run("thumb.webp", source, ImageOptions(formats=(), widths=()))
    assert len(result.primary.data) < len(source)
    out = reopen(result.primary.data)
    assert "exif" not in out.info
    assert out.convert("RGB").tobytes() == reopen(source).convert("RGB").tobytes()


def test_e27_a_downscaled_copy_larger_than_the_full_size_file_is_not_listed() -> None:
    # 1-bit stripes: the full-size PNG is tiny, the resampled grey copies are not.
    stripes = Image.new("1", (200, 200), 0)
    stripes.putdata([(x // 2) % 2 for y in range(200) for x in range(200)])
    source = encoded(stripes, "PNG")
    result = run("stripes.png", source, ImageOptions(formats=(), widths=(100, 150)))
    for variant in result.variants:
        assert len(variant.data) < len(result.primary.data)
