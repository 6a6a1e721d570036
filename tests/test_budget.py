"""The `[budget]` table and Lighthouse budget.json: parsing, validation, and what each limit checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_fixture import budget, build_result, parse_budget

from bundlewise.report import BudgetConfig, compute_stats, evaluate_budget
from bundlewise.report.units import format_size, parse_increase, parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("200 kB", 200_000),
        ("200kB", 200_000),
        ("200 KB", 200_000),
        ("150 KiB", 153_600),
        ("1.5 MB", 1_500_000),
        ("2 MiB", 2 * 1024 * 1024),
        ("512", 512),
        ("512 B", 512),
        (4096, 4096),
    ],
)
def test_sizes_parse_with_si_and_binary_units(text: object, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["200 kq", "", "kB", "-5 kB", -1, True, 1.5, "1e3 kB"])
def test_g34_bad_sizes_are_refused(text: object) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


def test_increases_are_percent_or_bytes() -> None:
    assert parse_increase("5%").allowed(100_000) == 105_000
    assert parse_increase("+10 kB").allowed(100_000) == 110_000
    assert parse_increase("10 kB").allowed(0) == 10_000
    assert str(parse_increase("5%")) == "5%"
    assert str(parse_increase("+10 kB")) == "+10.00 kB"
    with pytest.raises(ValueError):
        parse_increase("five%")


def test_format_size_uses_si_units() -> None:
    assert [format_size(n) for n in (0, 999, 1000, 153_600, 2_500_000)] == [
        "0 B",
        "999 B",
        "1.00 kB",
        "153.60 kB",
        "2.50 MB",
    ]


def test_default_budget_is_200_kB_of_initial_js_css_as_gzip() -> None:
    config, messages = parse_budget({})
    assert messages == []
    assert (config.measure, config.initial, config.total, config.max_increase) == (
        "gzip",
        200_000,
        None,
        None,
    )


def test_every_problem_is_reported_naming_the_file_and_key() -> None:
    _, messages = parse_budget(
        {
            "measure": "zip",
            "initail": "100 kB",
            "initial": "lots",
            "total": [1],
            "kinds": {"js": "1 kB", "video": "1 MB", "css": "big"},
            "files": "nope",
            "max_increase": "a bit",
        }
    )
    texts = [m.text for m in messages]
    assert texts == [
        "bundlewise.toml: [budget].measure: expected one of 'raw', 'gzip', 'brotli', got 'zip'",
        "bundlewise.toml: [budget].initail: unknown key (did you mean initial?)",
        'bundlewise.toml: [budget].initial: "lots" is not a size (write e.g. "200 kB", "1.5 MB" '
        'or "150 KiB")',
        "bundlewise.toml: [budget].total: [1] is not a size",
        "bundlewise.toml: [budget].kinds.video: unknown kind (expected one of css, font, html, "
        "image, js, other)",
        'bundlewise.toml: [budget].kinds.css: "big" is not a size (write e.g. "200 kB", '
        '"1.5 MB" or "150 KiB")',
        "bundlewise.toml: [budget].files: expected a table of sizes such as \"200 kB\", got 'nope'",
        'bundlewise.toml: [budget].max_increase: "a bit" is not a size (write e.g. "200 kB", '
        '"1.5 MB" or "150 KiB") (write e.g. "5%" or "+10 kB")',
    ]


def test_initial_false_turns_the_per_page_limit_off() -> None:
    stats = compute_stats(*build_result(), budget=budget({"initial": False}), env={})
    assert [r for r in stats.budget.rows if r.rule == "initial"] == []


def test_per_page_limits_override_initial_by_glob() -> None:
    stats = compute_stats(*build_result(), budget=budget({"pages": {"about/*": "12 kB"}}), env={})
    limits = {r.subject: r.limit for r in stats.budget.rows if r.rule == "initial"}
    assert limits == {"about/index.html": 12_000, "index.html": 200_000}
    assert stats.budget.ok is False


def test_measure_chooses_the_column_checked() -> None:
    result, sizes = build_result()
    for measure, expected in (("raw", 191_300), ("gzip", 61_400), ("brotli", 53_600)):
        stats = compute_stats(result, sizes, budget=budget({"measure": measure}), env={})
        row = next(r for r in stats.budget.rows if r.subject == "index.html")
        assert row.actual == expected, measure


def test_file_globs_match_output_paths_and_manifest_keys() -> None:
    config = budget({"files": {"assets/*.css": "1 kB", "src/lazy.ts": "4 kB", "nothing/*": "1 kB"}})
    stats = compute_stats(*build_result(), budget=config, env={})
    rows = [(r.subject, r.ok) for r in stats.budget.rows if r.rule == "file"]
    assert rows == [("assets/index-HJ4KL5MN.css", False), ("assets/lazy-ZX6CVB4N.js", False)]
    assert stats.budget.notes == ("budget.files: 'nothing/*' matches no output file",)


def test_a_total_limit_counts_every_shipped_file_but_not_source_maps() -> None:
    stats = compute_stats(*build_result(), budget=budget({"total": "140 kB"}), env={})
    row = next(r for r in stats.budget.rows if r.rule == "total")
    assert (row.actual, row.ok) == (140_330, False)


def _lighthouse(tmp_path: Path, data: object) -> tuple[BudgetConfig, list[str]]:
    (tmp_path / "budget.json").write_text(json.dumps(data), encoding="utf-8")
    config, messages = parse_budget({"lighthouse": "budget.json"}, tmp_path)
    return config, [m.format() for m in messages]


LIGHTHOUSE = [
    {
        "path": "/*",
        "resourceSizes": [
            {"resourceType": "script", "budget": 125},
            {"resourceType": "total", "budget": 100},
        ],
        "resourceCounts": [
            {"resourceType": "font", "budget": 0},
            {"resourceType": "third-party", "budget": 10},
        ],
        "timings": [{"metric": "interactive", "budget": 3000}],
    },
    {"path": "/about/", "resourceSizes": [{"resourceType": "script", "budget": 10}]},
]


def test_a_lighthouse_budget_file_is_read_unchanged(tmp_path: Path) -> None:
    config, messages = _lighthouse(tmp_path, LIGHTHOUSE)
    assert messages == []
    assert [b.to_dict() for b in config.lighthouse] == [
        {**LIGHTHOUSE[0]},
        {**LIGHTHOUSE[1], "resourceCounts": [], "timings": []},
    ]


def test_lighthouse_limits_are_kib_of_what_the_page_loads(tmp_path: Path) -> None:
    config, _ = _lighthouse(tmp_path, LIGHTHOUSE)
    result, sizes = build_result()
    stats = compute_stats(result, sizes, budget=config, env={})
    rows = {(r.subject, r.label): r for r in stats.budget.rows if r.rule == "lighthouse"}
    # The last matching budget applies: /about/ gets the second one only.
    assert sorted(rows) == [
        ("about/index.html", "Lighthouse script size (gzip)"),
        ("index.html", "Lighthouse font count"),
        ("index.html", "Lighthouse script size (gzip)"),
        ("index.html", "Lighthouse third-party count"),
        ("index.html", "Lighthouse total size (gzip)"),
    ]
    about = rows[("about/index.html", "Lighthouse script size (gzip)")]
    assert (about.limit, about.actual, about.ok) == (10_240, 990 + 11_200, False)
    total = rows[("index.html", "Lighthouse total size (gzip)")]
    # The page, its JS closure, CSS, preloaded font and its image.
    assert total.actual == 610 + 46_100 + 11_200 + 4_100 + 48_000 + 24_500
    assert total.limit == 100 * 1024 and total.ok is False
    assert rows[("index.html", "Lighthouse font count")].actual == 1


def test_lighthouse_file_problems_name_the_file(tmp_path: Path) -> None:
    bad = [
        {"path": "about", "resourceSizes": [{"resourceType": "scripts", "budget": 1}], "extra": 1},
        3,
    ]
    _, messages = _lighthouse(tmp_path, bad)
    where = str(tmp_path / "budget.json")
    assert messages == [
        f"{where}: error: budget[0]: unknown key 'extra' (known keys: path, options, resourceSizes, resourceCounts, timings)",
        f'{where}: error: budget[0].path: "about" must be a URL path starting with "/"',
        f'{where}: error: budget[0].resourceSizes[0].resourceType: "scripts" is not one of '
        "document, font, image, media, other, script, stylesheet, third-party, total",
        f"{where}: error: budget[1]: expected an object, got 3",
    ]


def test_lighthouse_file_missing_or_broken(tmp_path: Path) -> None:
    _, missing = parse_budget({"lighthouse": "nope.json"}, tmp_path)
    assert [m.format() for m in missing] == [
        f"{tmp_path / 'nope.json'}: error: budget.lighthouse: file not found"
    ]
    (tmp_path / "budget.json").write_text('[{"path": "/",\n  oops}]', encoding="utf-8")
    _, broken = parse_budget({"lighthouse": "budget.json"}, tmp_path)
    assert broken[0].location is not None and (
        broken[0].location.line,
        broken[0].location.column,
    ) == (2, 2)
    assert broken[0].text.startswith("Lighthouse budget is not valid JSON")


def test_budget_round_trips_through_stats(tmp_path: Path) -> None:
    config, _ = _lighthouse(tmp_path, LIGHTHOUSE)
    config = BudgetConfig.from_dict(
        {**config.to_dict(), "total": 5, "max_increase": {"percent": 5.0, "bytes": None}}
    )
    assert BudgetConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_evaluate_budget_is_a_result_not_an_exception() -> None:
    stats = compute_stats(*build_result(), budget=budget(), env={})
    verdict = evaluate_budget(stats, budget({"initial": "1 kB"}), None)
    assert not verdict.ok
    assert [r.subject for r in verdict.failed] == ["index.html", "about/index.html"]  # worst first
    assert verdict.failed[0].describe() == (
        "index.html: initial JS+CSS (gzip) is 61.40 kB, 60.40 kB over the 1.00 kB budget"
    )
