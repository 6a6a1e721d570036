"""Image optimization on the real photos: every output reopened and checked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from bundlewise.cache import Cache
from bundlewise.images import ImageJob, ImageOptions, OptimizedImage, optimize_images

DATA = Path(__file__).parent / "data" / "images"
PHOTOS = sorted(p.name for p in DATA.iterdir() if p.suffix in (".jpg", ".png"))
# AVIF costs about a second per photo: the photo tests stay on WebP, AVIF runs on small images.
WEBP_ONLY = ImageOptions(formats=("webp",), widths=(480,))
GPS_IFD = 0x8825


def optimize_one(rel: str, data: bytes, options: ImageOptions = WEBP_ONLY) -> OptimizedImage:
    return optimize_images([ImageJob(rel, data)], options, Cache(None))[rel]


def reopen(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def assert_private(data: bytes) -> None:
    im = reopen(data)
    assert not im.getexif(), "EXIF left"
    leftovers = {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Comment"}
    assert not leftovers & set(im.info), f"metadata left: {set(im.info)}"
    if im.format == "PNG":
        assert not getattr(im, "text", {}), "PNG text chunks left"
    if im.format == "JPEG":
        assert {marker for marker, _ in getattr(im, "applist", [])} <= {"APP0"}


@pytest.fixture(scope="module")
def photos() -> dict[str, OptimizedImage]:
    jobs = [ImageJob(name, (DATA / name).read_bytes()) for name in PHOTOS]
    return optimize_images(jobs, WEBP_ONLY, Cache(None))


def test_e25_every_output_is_free_of_private_metadata(photos: dict[str, OptimizedImage]) -> None:
    for result in photos.values():
        for file in (result.primary, *result.variants):
            assert_private(file.data)


def test_e27_every_primary_is_smaller_than_its_source_or_is_the_source(
    photos: dict[str, OptimizedImage],
) -> None:
    for name, result in photos.items():
        source = (DATA / name).read_bytes()
        if result.kept_source:
            assert result.primary.data == source
        else:
            assert len(result.primary.data) < len(source), name


def test_outputs_decode_at_their_recorded_size(photos: dict[str, OptimizedImage]) -> None:
    for name, result in photos.items():
        with Image.open(DATA / name) as source:
            assert (result.width, result.height) == source.size
        for file in (result.primary, *result.variants):
            im = reopen(file.data)
            assert im.size == (file.width, file.height)
            assert (im.format or "").lower() == file.format


def test_downscaled_widths_are_made_only_below_the_image_width(
    photos: dict[str, OptimizedImage],
) -> None:
    hubble = photos["hubble_deep_field.jpg"]  # 1000 wide: gets 480
    assert sorted((f.format, f.width, f.height) for f in hubble.variants if f.width == 480) == [
        ("jpeg", 480, 419),
        ("webp", 480, 419),
    ]
    horse = photos["horse.png"]  # 400 wide: never upscaled to 480
    assert all(f.width == 400 for f in horse.variants)


def test_configured_widths_are_produced_in_every_kept_format() -> None:
    options = ImageOptions(formats=("webp",), widths=(200, 600, 2000))
    result = optimize_one("hubble.jpg", (DATA / "hubble_deep_field.jpg").read_bytes(), options)
    widths = sorted({(f.format, f.width) for f in result.variants})
    assert widths == [("jpeg", 200), ("jpeg", 600), ("webp", 200), ("webp", 600), ("webp", 1000)]


def test_e25_the_icc_profile_is_converted_to_srgb_not_dropped(
    photos: dict[str, OptimizedImage],
) -> None:
    with Image.open(DATA / "rocket.jpg") as source:  # tagged Adobe RGB (1998)
        icc = source.info["icc_profile"]
        expected = ImageCms.profileToProfile(
            source, ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.createProfile("sRGB")
        )
        naive = source.convert("RGB")
    out = reopen(photos["rocket.jpg"].primary.data).convert("RGB")
    assert expected is not None
    # Channel means: compression noise averages out, a colour space mix-up does not.
    assert max_mean_shift(out, expected) < 1.5
    assert max_mean_shift(naive, expected) > 5


def max_mean_shift(a: Image.Image, b: Image.Image) -> float:
    from PIL import ImageStat

    return max(
        abs(x - y) for x, y in zip(ImageStat.Stat(a).mean, ImageStat.Stat(b).mean, strict=True)
    )


def test_alpha_is_kept_in_png_and_webp(photos: dict[str, OptimizedImage]) -> None:
    source_alpha = reopen((DATA / "horse.png").read_bytes()).getchannel("A")
    horse = photos["horse.png"]
    assert horse.primary.format == "png" and horse.variants[0].format == "webp"
    for file in (horse.primary, *horse.variants):
        alpha = reopen(file.data).convert("RGBA").getchannel("A")
        assert alpha.getextrema() == source_alpha.getextrema() == (110, 255), file.format
        assert alpha.tobytes() == source_alpha.tobytes(), file.format  # alpha stays lossless


def with_exif(data: bytes, orientation: int) -> bytes:
    """A copy of a JPEG carrying an orientation tag, a GPS position and a camera serial."""
    im = reopen(data)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    exif.get_ifd(GPS_IFD)[2] = (48.0, 51.0, 24.0)  # GPSLatitude
    out = io.BytesIO()
    im.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("orientation", [6, 8])
def test_e24_orientation_is_applied_and_dimensions_swap(orientation: int) -> None:
    source = with_exif((DATA / "rocket.jpg").read_bytes(), orientation)
    result = optimize_one("rocket.jpg", source)
    assert (result.width, result.height) == (427, 640)
    for file in (result.primary, *result.variants):
        assert_private(file.data)
        assert reopen(file.data).height > reopen(file.data).width


@pytest.mark.parametrize(
    ("orientation", "stored"),
    [(6, Image.Transpose.ROTATE_90), (8, Image.Transpose.ROTATE_270)],
)
def test_e24_orientation_turns_the_pixels_upright(
    orientation: int, stored: Image.Transpose
) -> None:
    upright = Image.new("RGB", (64, 32), "blue")
    upright.paste((255, 0, 0), (0, 0, 32, 32))  # left half red
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    upright.transpose(stored).save(out, "JPEG", quality=95, exif=exif)
    result = optimize_one("marker.jpg", out.getvalue())
    im = reopen(result.primary.data).convert("RGB")
    assert im.size == (64, 32)
    red, _, blue = im.getpixel((8, 16))  # type: ignore[misc]
    assert red > 200 > blue


def test_small_images_become_decodable_avif_and_webp() -> None:
    im = reopen((DATA / "chelsea.png").read_bytes()).resize((160, 106))
    out = io.BytesIO()
    im.save(out, "PNG")
    options = ImageOptions(formats=("avif", "webp"), widths=(80,))
    result = optimize_one("cat.png", out.getvalue(), options)
    made = {(f.format, f.width) for f in result.variants}
    assert made == {("avif", 160), ("webp", 160), ("png", 80), ("avif", 80), ("webp", 80)}
    for file in result.variants:
        decoded = reopen(file.data)
        assert decoded.format == file.format.upper()
        assert decoded.size == (file.width, file.height)


def test_a_modern_variant_that_saves_too_little_is_dropped() -> None:
    data = (DATA / "rocket.jpg").read_bytes()
    result = optimize_one("rocket.jpg", data, ImageOptions(formats=("webp",), min_saving=0.9))
    assert all(f.format == "jpeg" for f in result.variants)


def test_variants_false_gives_only_the_same_format_file() -> None:
    jobs = [ImageJob("a.jpg", (DATA / "rocket.jpg").read_bytes())]
    result = optimize_images(jobs, WEBP_ONLY, Cache(None), variants=False)["a.jpg"]
    assert result.variants == ()
    assert reopen(result.primary.data).format == "JPEG"


def test_disabled_images_are_passed_through_with_their_size() -> None:
    data = (DATA / "horse.png").read_bytes()
    result = optimize_one("horse.png", data, ImageOptions(enabled=False))
    assert result.primary.data == data and result.kept_source
    assert (result.width, result.height, result.variants) == (400, 328, ())
