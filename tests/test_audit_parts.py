"""The audit's parts without a browser: metric definitions, budgets, causes, the server."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path
from typing import Any

import brotli
import pytest
from report_fixture import parse_budget

from bundlewise.audit.budgets import TimingBudget, check, lighthouse_limits, parse_limit
from bundlewise.audit.causes import cause_of
from bundlewise.audit.collect import Request
from bundlewise.audit.metrics import (
    Interval,
    cls_windows,
    long_tasks,
    time_to_interactive,
    total_blocking_time,
)
from bundlewise.audit.serving import StaticServer


def _request(start: float, end: float) -> Request:
    return Request(id=str(start), url=f"http://x/{start}", type="script", start=start, end=end)


def test_cls_is_the_largest_session_window_not_the_sum() -> None:
    shifts = [{"time": 100, "value": 0.05}, {"time": 600, "value": 0.05},
              {"time": 3000, "value": 0.08}]  # fmt: skip
    score, members = cls_windows(shifts)
    assert score == pytest.approx(0.1) and members == [0, 1]


def test_tti_is_fcp_when_nothing_is_busy_after_it() -> None:
    assert time_to_interactive(1000, [], [_request(0, 900)]) == 1000


def test_tti_is_the_end_of_the_last_long_task_before_a_quiet_window() -> None:
    tasks = [Interval(1500, 1700), Interval(2500, 2600)]
    assert time_to_interactive(1000, tasks, []) == 2600


def test_tti_waits_for_the_network_to_have_two_requests_or_fewer() -> None:
    busy = [_request(0, 4000), _request(0, 4000), _request(100, 4000)]
    tasks = [Interval(1200, 1300), Interval(3000, 3100)]
    # The CPU is quiet from 1300, but three requests are in flight until 4000: the quiet
    # window that counts starts at the last long task before the network calmed down.
    assert time_to_interactive(1000, tasks, busy) == 3100


def test_tti_is_never_before_dom_content_loaded() -> None:
    # Lighthouse's TTI is the latest of the quiet window's start, FCP and DOMContentLoaded: a
    # page whose module scripts have not run yet is not interactive, however idle it is.
    assert time_to_interactive(1000, [], [], dom_content_loaded=1800) == 1800
    assert time_to_interactive(1000, [Interval(2000, 2100)], [], dom_content_loaded=1800) == 2100


def test_tti_counts_a_request_in_flight_from_when_the_network_took_it_up() -> None:
    # The third request waits in the browser's queue until the first two are done: never more
    # than two on the network, so the network is quiet throughout and the CPU decides.
    queued = _request(100, 2300)
    queued.sent = 2200
    requests = [_request(0, 2100), _request(0, 2100), queued]
    tasks = [Interval(1200, 1300), Interval(7000, 7100)]
    assert time_to_interactive(1000, tasks, requests) == 1300
    # Counted from when the page asked, three would be in flight until 2100, and the quiet
    # period from 1300 would end (7000) less than 5 s after the network calmed down.
    queued.sent = None
    assert time_to_interactive(1000, tasks, requests) == 7100


def test_long_tasks_go_by_traced_duration_and_end_where_the_trace_cut_them() -> None:
    tasks = [{"start": 100, "end": 130, "duration": 80}, {"start": 130, "duration": 40}]
    assert long_tasks(tasks) == [Interval(100, 130)]


def test_tbt_counts_the_time_beyond_50_ms_between_fcp_and_tti() -> None:
    tasks = [Interval(500, 700), Interval(1000, 1600), Interval(2000, 2040)]
    assert total_blocking_time(tasks, 600, 5000) == 600  # (100 - 50) + (600 - 50)


def test_timing_keys_in_budget_table() -> None:
    config, messages = parse_budget(
        {"lcp": "3 s", "cls": 0.2, "tbt": 300, "tti": False,
         "timings": {"admin/*": {"lcp": "4.5 s"}}})  # fmt: skip
    assert messages == []
    assert config.timing.for_page("index.html")["lcp"] == 3000
    assert config.timing.for_page("admin/x.html") == {
        "lcp": 4500, "cls": 0.2, "tbt": 300, "tti": None, "load": 2000, "fcp": None}  # fmt: skip


def test_bad_timing_values_are_config_errors_naming_the_key() -> None:
    _, messages = parse_budget({"lcp": "fast", "cls": "0.1", "timings": {"*": {"speed": 1}}})
    texts = [m.text for m in messages]
    assert any(t.startswith("bundlewise.toml: [budget].lcp:") for t in texts)
    assert any(t.startswith("bundlewise.toml: [budget].cls:") for t in texts)
    assert any("[budget].timings.*.speed: unknown key (expected one of" in t for t in texts)


def test_defaults_are_the_guides_numbers() -> None:
    limits = TimingBudget().for_page("index.html")
    assert (limits["lcp"], limits["cls"], limits["tti"], limits["load"]) == (2500, 0.1, 3000, 2000)
    assert parse_limit("lcp", "250 ms") == 250


def test_lighthouse_timings_map_to_our_metrics() -> None:
    timings = [{"metric": "interactive", "budget": 4000}, {"metric": "speed-index", "budget": 1}]
    assert lighthouse_limits(timings) == {"tti": 4000}
    rows = check("a.html", {"tti": 4100.0}, {"tti": 4000})
    assert not rows[0].ok and "TTI 4.10 s exceeds the budget of 4.00 s" in rows[0].describe()


def test_unsized_image_before_the_moved_text_is_the_cause() -> None:
    shift = {"time": 2000, "value": 0.3, "sources": [{
        "node": {"selector": "p", "tag": "p", "before": [
            {"selector": "img.hero", "tag": "img", "src": "http://x/hero.png",
             "widthAttr": None, "heightAttr": None, "aspectRatio": "auto"}]},
        "before": {"x": 0, "y": 10, "width": 100, "height": 20},
        "after": {"x": 0, "y": 300, "width": 100, "height": 20}}]}  # fmt: skip
    cause = cause_of(shift, [])
    assert cause.kind == "unsized-media" and cause.element == "img.hero"
    assert "hero.png has no width/height" in cause.detail


def test_font_loaded_just_before_the_shift_is_the_cause() -> None:
    shift = {"time": 1200, "value": 0.02, "sources": [{
        "node": {"selector": "p", "tag": "p", "fontFamily": '"Inter", sans-serif', "before": []},
        "before": {"x": 0, "y": 10, "width": 100, "height": 20},
        "after": {"x": 0, "y": 14, "width": 100, "height": 20}}]}  # fmt: skip
    assert cause_of(shift, [{"family": '"Inter"', "time": 1100}]).kind == "font-swap"
    assert cause_of(shift, [{"family": "Inter", "time": 100}]).kind == "inserted-content"


def _get(url: str, encoding: str = "") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), b""


def test_server_sends_precompressed_siblings_under_the_base(tmp_path: Path) -> None:
    body = b"console.log('hello')\n" * 20
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app-ABCDEFGH.js").write_bytes(body)
    (tmp_path / "assets" / "app-ABCDEFGH.js.br").write_bytes(brotli.compress(body))
    (tmp_path / "assets" / "app-ABCDEFGH.js.gz").write_bytes(gzip.compress(body))
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "_headers").write_text(
        "/static/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n"
    )
    (tmp_path.parent / "secret.txt").write_text("no")
    with StaticServer(tmp_path, "/static/") as server:
        url = server.origin + "/static/assets/app-ABCDEFGH.js"
        status, headers, data = _get(url, "gzip, deflate, br")
        assert status == 200 and headers["Content-Encoding"] == "br"
        assert brotli.decompress(data) == body
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["Vary"] == "Accept-Encoding"
        status, headers, data = _get(url, "gzip")
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(data) == body
        status, headers, data = _get(url)
        assert "Content-Encoding" not in headers and data == body
        assert _get(server.url("index.html"))[0] == 200
        assert server.url("index.html").endswith("/static/")
        assert _get(server.origin + "/index.html")[0] == 404  # outside the base
        assert _get(server.origin + "/static/../secret.txt")[0] == 404
        assert _get(server.origin + "/static/%2e%2e/secret.txt")[0] == 404


def test_trace_tasks_come_from_the_main_frames_renderer_main_thread() -> None:
    from bundlewise.audit.trace import TraceTask, main_thread_tasks

    events = [
        {"name": "TracingStartedInBrowser", "ph": "I",
         "args": {"data": {"frames": [{"processId": 7, "frame": "F"}]}}},
        {"ph": "M", "name": "thread_name", "pid": 7, "tid": 1, "args": {"name": "CrRendererMain"}},
        {"ph": "M", "name": "thread_name", "pid": 9, "tid": 1, "args": {"name": "CrRendererMain"}},
        {"name": "RunTask", "pid": 7, "tid": 1, "ts": 1_000_000, "dur": 80_000},
        # overlapping the first (a Chrome bug): as in Lighthouse, the first ends where it starts
        {"name": "RunTask", "pid": 7, "tid": 1, "ts": 1_050_000, "dur": 60_000},
        {"name": "RunTask", "pid": 7, "tid": 2, "ts": 2_000_000, "dur": 90_000},  # other thread
        {"name": "RunTask", "pid": 9, "tid": 1, "ts": 3_000_000, "dur": 90_000},  # other page
        {"name": "RunTask", "pid": 7, "tid": 1, "ts": 4_000_000, "dur": 10_000},
    ]  # fmt: skip
    assert main_thread_tasks(events) == [
        TraceTask(1.0, pytest.approx(1.05 - 1e-6), 80.0),
        TraceTask(1.05, pytest.approx(1.11), 60.0),
        TraceTask(4.0, 4.01, 10.0),
    ]


def test_audit_without_a_build_says_to_build_first(tmp_path: Path, run_cli: Any) -> None:
    done = run_cli("audit", tmp_path)
    assert done.returncode == 2
    assert "no build to audit" in done.stderr and "bundlewise build" in done.stderr
    assert "audit failed with 1 error" in done.stderr and "Traceback" not in done.stderr


def test_bad_timing_budget_is_a_config_error_before_any_browser(
    tmp_path: Path, run_cli: Any
) -> None:
    (tmp_path / "bundlewise.toml").write_text('[budget]\nlcp = "soon"\n')
    done = run_cli("audit", tmp_path)
    assert done.returncode == 2
    assert "bundlewise.toml: [budget].lcp: expected a time" in done.stderr


def _summary(lcp: float, errors: list[dict[str, str]]) -> dict[str, Any]:
    row = {"page": "index.html", "metric": "lcp", "value": lcp, "limit": 2500.0,
           "ok": lcp <= 2500}  # fmt: skip
    metrics = {"fcp": 900.0, "lcp": lcp, "cls": 0.0, "tbt": 0.0, "tti": 900.0, "load": 1500.0}
    page = {"page": "index.html", "metrics": metrics, "budget": [row], "errors": errors,
            "requests": 3, "bytes": 1000, "shifts": [], "lcp_element": None,
            "bytes_by_type": {}}  # fmt: skip
    failed = [row] if not row["ok"] else []
    broken = ["index.html"] if errors else []
    return {"pages": [page], "budget": {"ok": not failed, "failed": failed},
            "broken_pages": broken, "ok": not failed and not broken,
            "profile": {"description": "mobile"}, "runs": 1}  # fmt: skip


def test_exit_codes_annotations_and_step_summary(tmp_path: Path) -> None:
    from bundlewise.audit.report import exit_code, github_output, render_markdown

    slow = _summary(3100.0, [])
    assert exit_code(slow) == 3 and exit_code(slow, fail_on_budget=False) == 0
    broken = _summary(1000.0, [{"kind": "page error", "text": "Error: boom"}])
    assert exit_code(broken) == 1
    assert exit_code(_summary(1000.0, [])) == 0
    summary_file = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary_file)}
    lines = github_output(slow, env)
    assert lines == [
        "::error title=bundlewise audit::index.html: LCP 3.10 s exceeds the budget of 2.50 s"
    ]
    assert summary_file.read_text() == render_markdown(slow) + "\n"
    assert "| index.html | 900 ms | 3.10 s ❌ |" in render_markdown(slow)
    assert github_output(slow, {}) == []


def test_f31_markup_in_page_names_and_errors_is_text_in_the_html_report() -> None:
    from helpers import tags_of

    from bundlewise.audit.html import render_html

    evil = "<img src=x onerror=alert(1)>"
    summary = _summary(1000.0, [{"kind": "page error", "text": evil}])
    page = summary["pages"][0]
    page.update(page=f"{evil}.html", url="http://127.0.0.1/", viewport=[412, 823],
                runs=[page["metrics"]], waterfall=[], frames=[])  # fmt: skip
    summary.update(version="0", runs=1)
    html = render_html(summary)
    assert not [attrs for tag, attrs in tags_of(html) if tag == "img" and "onerror" in attrs]
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
