"""`[images]` validation: good tables load, every bad key or value is reported at once."""

from __future__ import annotations

from bundlewise.images import ImageOptions

WHERE = "bundlewise.toml"


def test_defaults_match_the_documented_settings() -> None:
    options = ImageOptions()
    assert options.enabled
    assert dict(options.quality) == {"jpeg": 80, "webp": 80, "avif": 50}
    assert options.formats == ("avif", "webp")
    assert options.widths == (480, 750, 960, 1440)
    assert options.max_pixels > 0


def test_a_valid_table_sets_every_field() -> None:
    options, messages = ImageOptions.from_mapping(
        {
            "enabled": False,
            "quality": {"jpeg": 70, "avif": 40},
            "formats": ["webp"],
            "breakpoints": [960, 320, 960],
            "avif_effort": 2,
            "min_saving": 0.1,
            "max_pixels": 1000,
        },
        WHERE,
    )
    assert messages == []
    assert not options.enabled
    assert dict(options.quality) == {"jpeg": 70, "webp": 80, "avif": 40}
    assert options.formats == ("webp",)
    assert options.widths == (320, 960)  # sorted, repeats dropped
    assert (options.avif_effort, options.min_saving, options.max_pixels) == (2, 0.1, 1000)


def test_every_problem_is_reported_with_file_and_key() -> None:
    options, messages = ImageOptions.from_mapping(
        {
            "quality": {"jpeg": "high", "png": 5},
            "formats": ["avif", "heic"],
            "widths": [0],
            "avif_effort": 12,
            "enabled": "yes",
            "min_saving": 1.5,
            "colour": "blue",
        },
        WHERE,
    )
    texts = [m.text for m in messages]
    assert texts == [
        "bundlewise.toml: [images].colour: unknown key (expected one of avif_effort, breakpoints, "
        "enabled, formats, lossless_passes, max_pixels, min_saving, quality, webp_effort, widths, "
        "workers)",
        "bundlewise.toml: [images].enabled: expected true or false, got 'yes'",
        "bundlewise.toml: [images].quality.jpeg: expected an integer 1-100, got 'high'",
        "bundlewise.toml: [images].quality.png: unknown format (expected jpeg, webp, avif)",
        "bundlewise.toml: [images].formats: unknown format 'heic' (expected avif, webp, jpeg)",
        "bundlewise.toml: [images].widths: expected a list of widths in pixels (1-16384), got [0]",
        "bundlewise.toml: [images].avif_effort: expected an integer 0-9, got 12",
        "bundlewise.toml: [images].min_saving: expected a number from 0 up to (not including) 1, "
        "got 1.5",
    ]
    assert all(m.location is not None and m.location.file == WHERE for m in messages)
    assert options == ImageOptions()  # bad values leave the defaults in place


def test_booleans_are_not_accepted_as_numbers() -> None:
    _, messages = ImageOptions.from_mapping({"quality": {"webp": True}, "workers": False}, WHERE)
    assert len(messages) == 2


def test_fingerprint_changes_with_output_affecting_options() -> None:
    base = ImageOptions()
    other, _ = ImageOptions.from_mapping({"quality": {"webp": 81}}, WHERE)
    assert base.fingerprint() != other.fingerprint()
    same, _ = ImageOptions.from_mapping({"workers": 3}, WHERE)
    assert base.fingerprint() == same.fingerprint()  # thread count never changes bytes
