"""`[images]` validation: good tables load, every bad key or value is reported at once."""

from __future__ import annotations

from helpers import read_table

from bundlewise.images import ImageOptions


def read(table: dict[str, object]) -> tuple[ImageOptions, list[str]]:
    options, texts = read_table(ImageOptions, table, "images")
    return options, texts


def test_defaults_match_the_documented_settings() -> None:
    options = ImageOptions()
    assert options.enabled
    assert dict(options.quality) == {"jpeg": 80, "webp": 80, "avif": 50}
    assert options.formats == ("avif", "webp")
    assert options.widths == (480, 750, 960, 1440)
    assert options.max_pixels > 0


def test_a_valid_table_sets_every_field() -> None:
    options, messages = read(
        {
            "enabled": False,
            "quality": {"jpeg": 70, "avif": 40},
            "formats": ["webp"],
            "breakpoints": [960, 320, 960],
            "avif_effort": 2,
            "min_saving": 0.1,
            "max_pixels": 1000,
        }
    )
    assert messages == []
    assert not options.enabled
    assert dict(options.quality) == {"jpeg": 70, "webp": 80, "avif": 40}
    assert options.formats == ("webp",)
    assert options.widths == (320, 960)  # sorted, repeats dropped
    assert (options.avif_effort, options.min_saving, options.max_pixels) == (2, 0.1, 1000)


def test_every_problem_is_reported_with_file_and_key() -> None:
    options, texts = read(
        {
            "quality": {"jpeg": "high", "png": 5},
            "formats": ["avif", "heic"],
            "widths": [0],
            "avif_effort": 12,
            "enabled": "yes",
            "min_saving": 1.5,
            "colour": "blue",
        }
    )
    assert texts == [
        "bundlewise.toml: [images].quality.jpeg: expected an integer from 1 to 100, got 'high'",
        "bundlewise.toml: [images].quality.png: unknown key (expected one of avif, jpeg, webp)",
        "bundlewise.toml: [images].formats: expected a list of 'avif', 'webp', 'jpeg', "
        "got ['avif', 'heic']",
        "bundlewise.toml: [images].widths: expected a list of integers from 1 to 16384, got [0]",
        "bundlewise.toml: [images].avif_effort: expected an integer from 0 to 9, got 12",
        "bundlewise.toml: [images].enabled: expected true or false, got 'yes'",
        "bundlewise.toml: [images].min_saving: expected a number ≥ 0 and < 1, got 1.5",
        "bundlewise.toml: [images].colour: unknown key (expected one of avif_effort, breakpoints, "
        "enabled, formats, lossless_passes, max_pixels, min_saving, quality, webp_effort, widths, "
        "workers)",
    ]
    assert options == ImageOptions()  # bad values leave the defaults in place


def test_booleans_are_not_accepted_as_numbers() -> None:
    _, messages = read({"quality": {"webp": True}, "workers": False})
    assert len(messages) == 2


def test_fingerprint_changes_with_output_affecting_options() -> None:
    base = ImageOptions()
    other, _ = read({"quality": {"webp": 81}})
    assert base.fingerprint() != other.fingerprint()
    same, _ = read({"workers": 3})
    assert base.fingerprint() == same.fingerprint()  # thread count never changes bytes
