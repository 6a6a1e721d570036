"""The command line as a user meets it: help, version, exit codes, colour, JSON on stdout."""

from __future__ import annotations

import json
from pathlib import Path

from bundlewise import __version__

APP = {
    "index.html": '<!doctype html>\n<script type="module" src="./main.js"></script>\n',
    "main.js": "console.log('hi');\n",
}


def test_version_and_help(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("-V").stdout.strip() == f"bundlewise, version {__version__}"
    for command in ([], ["build"], ["report"], ["watch"], ["serve"], ["esbuild", "install"]):
        done = run_cli(*command, "-h")
        assert done.returncode == 0 and "Example" in done.stdout, command


def test_usage_error_exits_2(run_cli) -> None:  # type: ignore[no-untyped-def]
    done = run_cli("build", "--no-such-flag")
    assert done.returncode == 2 and "No such option" in done.stderr


def test_json_goes_to_stdout_and_logs_to_stderr(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project(APP)
    done = run_cli("build", root, "--json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert "index.html" in stats["pages"] and stats["budget"]["ok"] is True
    assert "built 1 page(s)" in done.stderr


def test_json_still_parses_on_github_actions_with_a_budget_exceeded(  # type: ignore[no-untyped-def]
    make_project, run_cli, tmp_path
) -> None:
    root = make_project({**APP, "bundlewise.toml": '[budget]\ninitial = "10 B"\n'})
    summary = tmp_path / "summary.md"
    done = run_cli("build", root, "--json", GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary))
    assert done.returncode == 3, done.stderr
    stats = json.loads(done.stdout)  # the annotations did not follow the JSON on stdout
    assert stats["budget"]["ok"] is False
    assert "::error" in done.stderr and "::error" not in done.stdout


def test_quiet_verbose_and_color_work_after_the_command_too(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project(APP)
    quiet = run_cli("build", root, "-q")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""  # -q after the command is the same -q: errors only
    verbose = run_cli("build", root, "-vv", "--no-color")
    assert verbose.returncode == 0, verbose.stderr
    assert "built 1 page(s)" in verbose.stderr and "\x1b[" not in verbose.stderr
    forced = run_cli("build", root, "--color", "-q")
    assert forced.returncode == 0, forced.stderr


def test_no_color_means_no_escape_codes(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project(APP)
    (root / "main.js").write_text("console.log(;\n")
    plain = run_cli("build", root, NO_COLOR="1")
    assert plain.returncode == 1 and "\x1b[" not in plain.stderr
    forced = run_cli("--color", "build", root)
    assert forced.returncode == 1 and "\x1b[" in forced.stderr


def test_g34_over_budget_exits_3_unless_only_warning(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project({**APP, "bundlewise.toml": '[budget]\ninitial = "10 B"\n'})
    done = run_cli("build", root)
    assert done.returncode == 3, done.stderr
    assert (root / "dist/index.html").is_file(), "the build itself succeeded"
    assert run_cli("build", root, "--no-fail-on-budget").returncode == 0
    report = run_cli("report", root, "--markdown")
    assert report.returncode == 3 and report.stdout.startswith("<!-- bundlewise-size-report -->")


def test_report_without_a_build_says_what_to_run(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    done = run_cli("report", tmp_path)
    assert done.returncode != 0 and "bundlewise build" in done.stderr


def test_strict_without_compression_builds_and_says_budgets_use_raw_sizes(  # type: ignore[no-untyped-def]
    make_project, run_cli
) -> None:
    """Compression being off is information about the check, not a problem in the app."""
    root = make_project(APP)
    done = run_cli("build", root, "--strict", "--no-compress", "--no-color")
    assert done.returncode == 0, done.stderr
    assert "info: compression is off: budgets are checked on raw sizes, not gzip" in done.stderr
    assert "warning" not in done.stderr
