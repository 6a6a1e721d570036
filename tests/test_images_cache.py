"""The image cache and determinism."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from bundlewise.cache import Cache
from bundlewise.images import ImageJob, ImageOptions, optimize_images
from bundlewise.images.encode import STATS

DATA = Path(__file__).parent / "data" / "images"
OPTIONS = ImageOptions(formats=("webp",), widths=(200,))


def jobs() -> list[ImageJob]:
    return [
        ImageJob("img/rocket.jpg", (DATA / "rocket.jpg").read_bytes()),
        ImageJob("img/horse.png", (DATA / "horse.png").read_bytes()),
    ]


def test_a_second_run_encodes_nothing_and_returns_the_same_images(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    before = STATS.encodes
    first = optimize_images(jobs(), OPTIONS, cache)
    assert STATS.encodes > before
    before = STATS.encodes
    second = optimize_images(jobs(), OPTIONS, Cache(tmp_path / "cache"))
    assert STATS.encodes == before
    assert second == first


def test_a_moved_image_reuses_the_entry_under_its_new_name(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    optimize_images(jobs(), OPTIONS, cache)
    before = STATS.encodes
    moved = [ImageJob("elsewhere/r.jpg", jobs()[0].data)]
    result = optimize_images(moved, OPTIONS, cache)
    assert STATS.encodes == before
    assert result["elsewhere/r.jpg"].rel == "elsewhere/r.jpg"


def test_other_options_miss_the_cache(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    optimize_images(jobs(), OPTIONS, cache)
    before = STATS.encodes
    optimize_images(jobs(), ImageOptions(formats=("webp",), widths=(100,)), cache)
    assert STATS.encodes > before


def test_a_corrupted_entry_is_detected_and_rebuilt(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    first = optimize_images(jobs()[:1], OPTIONS, cache)
    (entry,) = [p for p in (tmp_path / "images").rglob("*") if p.is_file()]
    entry.write_bytes(entry.read_bytes()[:-100])  # truncated by a crash
    before = STATS.encodes
    again = Cache(tmp_path)
    assert optimize_images(jobs()[:1], OPTIONS, again) == first
    assert STATS.encodes > before and again.stats.corrupt == 1
    before = STATS.encodes
    optimize_images(jobs()[:1], OPTIONS, Cache(tmp_path))  # and the rebuilt entry is good
    assert STATS.encodes == before


def test_warnings_come_back_from_the_cache_under_the_new_name(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x05")
    optimize_images([ImageJob("a.jpg", out.getvalue())], OPTIONS, Cache(tmp_path))
    result = optimize_images([ImageJob("b.jpg", out.getvalue())], OPTIONS, Cache(tmp_path))
    (warning,) = result["b.jpg"].warnings
    assert warning.format().startswith("b.jpg: warning: malformed EXIF")


def test_two_clean_runs_are_byte_identical_including_avif() -> None:
    small = io.BytesIO()
    Image.open(DATA / "chelsea.png").resize((120, 80)).save(small, "PNG")
    options = ImageOptions(formats=("avif", "webp"), widths=(60,))
    batch = [*jobs(), ImageJob("cat.png", small.getvalue())]
    first = optimize_images(batch, options, Cache(None))
    second = optimize_images(list(reversed(batch)), options, Cache(None))
    assert first == second
    assert any(f.format == "avif" for f in first["cat.png"].variants)


def test_an_unwritable_cache_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    cache = Cache(blocker)
    result = optimize_images(jobs()[:1], OPTIONS, cache)
    assert result["img/rocket.jpg"].primary.data
    (warning,) = cache.warnings
    assert warning.startswith(f"the folder {blocker} cannot be written (")


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in (cache_dir / "images").rglob("*") if p.is_file())


def test_h39_swapped_entries_are_detected_and_the_right_images_ship(tmp_path: Path) -> None:
    first = optimize_images(jobs(), OPTIONS, Cache(tmp_path))
    a, b = _entries(tmp_path)
    a_bytes, b_bytes = a.read_bytes(), b.read_bytes()
    a.write_bytes(b_bytes)  # each entry now sits under the other's key
    b.write_bytes(a_bytes)
    before = STATS.encodes
    again = Cache(tmp_path)
    second = optimize_images(jobs(), OPTIONS, again)
    assert second == first
    assert second["img/horse.png"].primary.format == "png"
    assert (second["img/rocket.jpg"].width, second["img/rocket.jpg"].height) == (
        first["img/rocket.jpg"].width,
        first["img/rocket.jpg"].height,
    )
    assert STATS.encodes > before and again.stats.corrupt == 2


def test_g35_an_entry_of_another_format_version_is_rebuilt(tmp_path: Path) -> None:
    import hashlib

    first = optimize_images(jobs()[:1], OPTIONS, Cache(tmp_path))
    (entry,) = _entries(tmp_path)
    # An entry as an older bundlewise laid it out (magic "bwc1", a digest of the payload alone)
    # holding stale bytes: a different image's payload, self-consistent but not this key's.
    other = optimize_images(jobs()[1:], OPTIONS, Cache(None))["img/horse.png"]
    from bundlewise.images.records import to_payload

    stale = to_payload(other)
    entry.write_bytes(b"bwc1" + hashlib.sha256(stale).digest() + stale)
    again = Cache(tmp_path)
    assert optimize_images(jobs()[:1], OPTIONS, again) == first
    assert again.stats.corrupt == 1
