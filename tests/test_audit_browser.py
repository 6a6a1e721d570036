"""`bundlewise audit` in real headless Chromium, on pages built to show one problem each.

One audit run covers several pages (one browser, one run per page) to keep the suite fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from audit_fixture import audit_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _audit(run_cli: Callable[..., Any], app: Path, *args: str) -> Any:
    return run_cli("audit", app, "--runs", "1", "--chromium", "chromium", *args)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, esbuild_path: Path) -> Path:
    import os
    import subprocess
    import sys

    app = tmp_path_factory.mktemp("audit") / "app"
    for rel, content in audit_project(hints=False).items():
        path = app / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    env = {**os.environ, "BUNDLEWISE_ESBUILD": str(esbuild_path)}
    subprocess.run([sys.executable, "-m", "bundlewise", "-q", "build", str(app)], env=env,
                   check=True, timeout=300)  # fmt: skip
    return app


@pytest.fixture(scope="module")
def results(built: Path, esbuild_path: Path) -> tuple[int, dict[str, Any], str]:
    import os
    import subprocess
    import sys

    env = {**os.environ, "BUNDLEWISE_ESBUILD": str(esbuild_path), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run(
        [sys.executable, "-m", "bundlewise", "audit", str(built), "--runs", "1", "--json",
         "--page", "shift.html", "--page", "lcp.html", "--page", "block.html"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return done.returncode, json.loads(done.stdout), done.stderr


def _page(summary: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in summary["pages"] if p["page"] == name)


def test_image_without_dimensions_shifts_layout_and_is_named(results: Any) -> None:
    _, summary, _ = results
    shift = _page(summary, "shift.html")
    assert shift["metrics"]["cls"] > 0.1
    causes = [s["cause"] for s in shift["shifts"] if s["in_cls"]]
    assert causes and causes[0]["kind"] == "unsized-media"
    assert "photo" in causes[0]["url"] and "img" in causes[0]["detail"]


def test_slow_image_is_named_as_the_lcp_element(results: Any) -> None:
    _, summary, _ = results
    lcp = _page(summary, "lcp.html")["lcp_element"]
    assert lcp["tag"] == "img" and "hero" in lcp["url"]


def test_a_600_ms_main_thread_block_shows_in_tbt(results: Any) -> None:
    _, summary, _ = results
    blocked = _page(summary, "block.html")["metrics"]["tbt"]
    calm = _page(summary, "lcp.html")["metrics"]["tbt"]
    assert blocked >= 500 and blocked > calm + 400


def test_timing_budget_failure_exits_3_with_json_on_stdout(results: Any) -> None:
    code, summary, _stderr = results
    assert code == 3
    failed = summary["budget"]["failed"]
    assert {row["metric"] for row in failed} == {"lcp"}
    assert all(row["limit"] == 10 for row in failed)
    assert summary["broken_pages"] == []


def test_a_page_that_throws_fails_the_audit_with_the_error_text(
    built: Path, run_cli: Callable[..., Any]
) -> None:
    done = _audit(run_cli, built, "--page", "throws.html", "--no-fail-on-budget")
    assert done.returncode == 1
    assert "widget failed to start" in done.stdout
    assert "page error" in done.stdout


def test_width_and_height_hints_remove_the_shift(
    make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    app = make_project(audit_project(hints=True))
    assert run_cli("-q", "build", app).returncode == 0
    done = _audit(run_cli, app, "--page", "shift.html", "--json", "--html", app / "audit.html")
    summary = json.loads(done.stdout)
    assert _page(summary, "shift.html")["metrics"]["cls"] < 0.1
    report = (app / "audit.html").read_text()
    assert "shift.html" in report and "data:image/jpeg;base64," in report
