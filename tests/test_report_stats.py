"""The stats document: sizes, pages, totals, module attribution, determinism, reading it back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_fixture import FILES, INPUTS, PAGES, budget, build_result

from bundlewise.errors import BundlewiseError
from bundlewise.report import compute_stats, load_stats, write_stats
from bundlewise.report.measured import FileSet, FileStats, KindTotal, PackageStats
from bundlewise.report.stats import dumps_stats, package_of


def test_sizes_in_stats_are_the_sizes_given() -> None:
    result, sizes = build_result()
    stats = compute_stats(result, sizes, budget=budget(), env={})
    assert set(stats.files) == set(FILES)
    for path, (raw, gz, br, key) in FILES.items():
        entry = stats.files[path]
        assert (entry.raw, entry.gzip, entry.brotli, entry.manifest_key) == (
            raw,
            gz,
            br,
            key,
        )


def test_a_file_without_measured_sizes_is_served_as_is() -> None:
    result, sizes = build_result()
    del sizes["assets/logo-RT3YU2IO.png"]
    stats = compute_stats(result, sizes, budget=budget(), env={})
    assert stats.files["assets/logo-RT3YU2IO.png"] == FileStats(
        raw=24_500, gzip=24_500, brotli=24_500, kind="image", manifest_key="src/logo.png"
    )
    assert stats.to_dict()["files"]["assets/logo-RT3YU2IO.png"] == {
        "kind": "image",
        "manifest_key": "src/logo.png",
        "raw": 24_500,
        "gzip": 24_500,
        "brotli": 24_500,
    }


def test_pages_list_initial_and_lazy_files_with_totals() -> None:
    stats = compute_stats(*build_result(), budget=budget(), env={})
    index = stats.pages["index.html"]
    assert index.initial.files == PAGES[0].initial
    assert index.initial.gzip == 610 + 46_100 + 11_200 + 4_100 + 48_000
    assert index.initial_js_css.files == (
        "assets/index-AB3DEF7G.js",
        "assets/chunk-QW2ERT5Y.js",
        "assets/index-HJ4KL5MN.css",
    )
    assert index.initial_js_css.gzip == 61_400
    assert index.lazy == FileSet(
        files=("assets/lazy-ZX6CVB4N.js",), raw=12_400, gzip=4_300, brotli=3_800
    )
    assert index.images == ("assets/logo-RT3YU2IO.png",)


def test_totals_per_kind_and_all_shipped_files() -> None:
    totals = compute_stats(*build_result(), budget=budget(), env={}).totals
    assert sorted(totals) == ["all", "css", "font", "html", "image", "js", "manifest", "map"]
    assert totals["js"] == KindTotal(count=4, raw=187_500, gzip=62_590, brotli=54_750)
    # Source maps and the manifest are not downloaded by browsers: not in the total.
    assert totals["all"].count == 9
    assert totals["all"].raw == sum(
        v[0] for p, v in FILES.items() if not p.endswith((".map", ".json"))
    )


@pytest.mark.parametrize(
    ("module", "package"),
    [
        ("node_modules/react/index.js", "react"),
        ("node_modules/@acme/ui/dist/button.js", "@acme/ui"),
        ("../node_modules/lodash-es/map.js", "lodash-es"),
        ("node_modules/a/node_modules/b/x.js", "b"),
        ("node_modules/a/node_modules/@s/c/x.js", "@s/c"),
        ("src/node_modules_helper.ts", None),
        ("src/app.ts", None),
    ],
)
def test_modules_are_attributed_to_their_npm_package(module: str, package: str | None) -> None:
    assert package_of(module) == package


def test_module_attribution_per_chunk_and_per_package() -> None:
    stats = compute_stats(*build_result(), budget=budget(), env={})
    main = stats.chunks["assets/index-AB3DEF7G.js"]
    assert "node_modules/unused/index.js" not in main.modules  # tree-shaken: 0 bytes
    assert main.packages == {"@acme/ui": 6_200, "react": 7_800, "react-dom": 104_000}
    assert stats.packages["@acme/ui"] == PackageStats(
        bytes=9_500,
        chunks={"assets/index-AB3DEF7G.js": 6_200, "assets/index-HJ4KL5MN.css": 3_300},
    )
    assert stats.packages["lodash-es"].bytes == 28_000
    assert set(stats.chunks) == set(INPUTS)


def test_stats_are_deterministic_whatever_the_input_order() -> None:
    result, sizes = build_result()
    shuffled = dict(reversed(list(sizes.items())))
    from dataclasses import replace

    reordered = replace(result, files=tuple(reversed(result.files)))
    a = dumps_stats(compute_stats(result, sizes, budget=budget(), env={}))
    b = dumps_stats(compute_stats(reordered, shuffled, budget=budget(), env={}))
    assert a == b
    assert "generated" not in json.loads(a)


def test_b8_timestamp_only_from_source_date_epoch() -> None:
    stats = compute_stats(*build_result(), budget=budget(), env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert stats.generated == "2023-11-14T22:13:20Z"
    assert stats.to_dict()["schema"] == 1 and stats.to_dict()["tool"] == "bundlewise"


def test_write_and_load_round_trip_without_temp_files(tmp_path: Path) -> None:
    stats = compute_stats(*build_result(), budget=budget(), env={})
    path = tmp_path / "out" / "bundlewise-stats.json"
    write_stats(path, stats)
    write_stats(path, stats)
    assert load_stats(path) == stats
    assert path.read_text(encoding="utf-8") == dumps_stats(stats)
    assert [p.name for p in path.parent.iterdir()] == ["bundlewise-stats.json"]


def test_missing_stats_say_to_build_first(tmp_path: Path) -> None:
    with pytest.raises(BundlewiseError) as info:
        load_stats(tmp_path / "bundlewise-stats.json")
    text = info.value.format_message()
    assert str(tmp_path / "bundlewise-stats.json") in text
    assert "no build stats found" in text and "run `bundlewise build` first" in text


def test_corrupt_stats_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bundlewise-stats.json"
    path.write_text('{"schema": 1,\n  "files": {', encoding="utf-8")
    with pytest.raises(BundlewiseError) as info:
        load_stats(path)
    assert info.value.format_message().startswith(f"{path}:2:")
    assert "not valid JSON" in info.value.format_message()


@pytest.mark.parametrize(
    "content", ['{"schema": 99, "files": {}}', "[]", '{"files": {}}', "\xff\xfe"]
)
def test_stats_of_another_schema_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bundlewise-stats.json"
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(BundlewiseError) as info:
        load_stats(path)
    assert str(path) in info.value.format_message()


def test_incomplete_stats_are_refused_naming_what_is_missing(tmp_path: Path) -> None:
    """A stats file of the right schema without a budget verdict (cut short, or written by
    hand) is refused when read, not found out later by a report that needs the verdict."""
    stats = compute_stats(*build_result(), budget=budget(), env={}).to_dict()
    del stats["budget"]
    path = tmp_path / "bundlewise-stats.json"
    path.write_text(json.dumps(stats), encoding="utf-8")
    with pytest.raises(BundlewiseError) as info:
        load_stats(path)
    text = info.value.format_message()
    assert str(path) in text and "budget is missing or malformed" in text


def test_stats_read_back_are_the_record_written(tmp_path: Path) -> None:
    stats = compute_stats(*build_result(), budget=budget({"max_increase": "5%"}), env={})
    path = tmp_path / "bundlewise-stats.json"
    write_stats(path, stats)
    again = load_stats(path)
    assert again == stats and again.budget == stats.budget
    assert again.budget_config == budget({"max_increase": "5%"})
