"""The fast paths of the JPEG encoder, the resizer, the sRGB conversion and the lossless strip."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from bundlewise.cache import Cache
from bundlewise.images import ImageJob, ImageOptions, optimize, optimize_images
from bundlewise.images.decode import _srgb_transform, decode
from bundlewise.images.encode import drop_jfif, encode, resize

DATA = Path(__file__).parent / "data" / "images"


def photo(name: str = "hubble_deep_field.jpg") -> Image.Image:
    return decode((DATA / name).read_bytes(), "jpeg", 10**8).image


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im)


def pillow_jpeg(im: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80, **params)
    return out.getvalue()


@pytest.mark.parametrize("lossless_passes", [True, False])
@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_jpeg_output_has_no_app_segment_and_pillows_pixels(
    lossless_passes: bool, mode: str
) -> None:
    im = photo().convert(mode)
    data = encode(im, "jpeg", replace(ImageOptions(), lossless_passes=lossless_passes))
    assert data[:2] == b"\xff\xd8" and data[2:4] != b"\xff\xe0"
    with Image.open(io.BytesIO(data)) as out:
        assert out.mode == mode
        assert getattr(out, "applist", None) == []
        assert out.info.get("progressive") == 1  # progressive either way
    # Same DCT data as Pillow's own encode at this quality: the passes are lossless.
    assert np.array_equal(pixels(data), pixels(pillow_jpeg(im)))


def test_without_the_mozjpeg_pass_only_the_jfif_segment_is_gone() -> None:
    im = photo()
    pillow = pillow_jpeg(im, optimize=True, progressive=True)
    ours = encode(im, "jpeg", replace(ImageOptions(), lossless_passes=False))
    assert len(pillow) - len(ours) == 18
    assert ours == pillow[:2] + pillow[20:]


def test_drop_jfif_keeps_files_that_have_no_jfif_segment() -> None:
    rgb_coded = pillow_jpeg(photo(), keep_rgb=True)  # an Adobe segment says RGB; it must stay
    assert drop_jfif(rgb_coded) == rgb_coded
    cmyk = pillow_jpeg(photo().convert("CMYK"))
    assert drop_jfif(cmyk) == cmyk
    assert drop_jfif(b"") == b""


def test_a_large_downscale_stays_close_to_one_lanczos_pass() -> None:
    big = photo().resize((2400, 2093), Image.Resampling.LANCZOS)  # 5x down to 480
    ours = resize(big, 480)
    exact = big.resize((480, 419), Image.Resampling.LANCZOS)
    diff = np.abs(np.asarray(ours, dtype=int) - np.asarray(exact, dtype=int))
    assert ours.size == (480, 419)
    assert diff.mean() < 0.5 and diff.max() <= 16, (diff.mean(), diff.max())


def test_the_srgb_transform_is_built_once_per_profile_with_the_same_pixels() -> None:
    data = (DATA / "rocket.jpg").read_bytes()  # Adobe RGB (1998)
    first = decode(data, "jpeg", 10**8).image
    hits = _srgb_transform.cache_info().hits
    second = decode(data, "jpeg", 10**8).image
    assert _srgb_transform.cache_info().hits == hits + 1
    with Image.open(io.BytesIO(data)) as source:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(source.info["icc_profile"]))
        expected = ImageCms.profileToProfile(
            source, profile, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    assert expected is not None
    assert np.array_equal(np.asarray(first), np.asarray(expected))
    assert np.array_equal(np.asarray(second), np.asarray(expected))


def test_a_broken_profile_warns_for_every_image_that_has_it() -> None:
    out = io.BytesIO()
    photo().save(out, "JPEG", icc_profile=b"not a profile at all" * 8)
    for _ in range(2):
        decoded = decode(out.getvalue(), "jpeg", 10**8)
        assert any("ICC profile unreadable" in w for w in decoded.warnings)


def with_metadata(im: Image.Image, quality: int, comment: bytes) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    return pillow_jpeg_at(im, quality, exif=exif, comment=comment)


def pillow_jpeg_at(im: Image.Image, quality: int, **params: object) -> bytes:
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality, **params)
    return out.getvalue()


def test_a_small_source_with_big_metadata_is_stripped_losslessly() -> None:
    source = with_metadata(photo(), 30, b"x" * 60_000)  # q30: the q80 re-encode is larger
    result = optimize_images([ImageJob("a.jpg", source)], ImageOptions(formats=()), Cache(None))
    primary = result["a.jpg"].primary.data
    assert not result["a.jpg"].kept_source and len(primary) < len(source) - 60_000
    with Image.open(io.BytesIO(primary)) as out:
        assert getattr(out, "applist", None) == [] and not out.getexif()
    assert np.array_equal(pixels(primary), pixels(source))  # the source's own DCT data


def test_the_strip_is_not_tried_when_it_cannot_beat_the_re_encode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tried: list[int] = []
    real = optimize._strip_jpeg

    def spy(data: bytes) -> bytes | None:
        tried.append(len(data))
        return real(data)

    monkeypatch.setattr(optimize, "_strip_jpeg", spy)
    high = with_metadata(photo(), 95, b"shot by someone")
    low = with_metadata(photo(), 30, b"shot by someone")
    jobs = [ImageJob("high.jpg", high), ImageJob("low.jpg", low)]
    result = optimize_images(jobs, ImageOptions(formats=()), Cache(None))
    assert tried == [len(low)]  # q95 is over twice the q80 re-encode: not tried
    assert len(result["high.jpg"].primary.data) < len(high) / 2
