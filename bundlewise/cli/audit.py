"""`bundlewise audit`: Web Vitals of the built pages in headless Chromium."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from bundlewise.cli import group


@group.cli.command(context_settings=group.CONTEXT_SETTINGS)
@group.APP_ARGUMENT
@group.config_option("Its [budget] timing keys (lcp, cls, tti, ...) are checked.")
@click.option(
    "--build", "build_first", is_flag=True, help="Build APP first (as `bundlewise build`)."
)
@click.option("--page", "pages", multiple=True, help="Page to audit (path or glob; repeatable).")
@click.option(
    "--url", "urls", multiple=True, help="Audit this URL instead of the build (repeatable)."
)
@click.option(
    "--profile",
    type=click.Choice(["mobile", "desktop"]),
    default="mobile",
    show_default=True,
    help="Device and network to emulate.",
)
@click.option(
    "--runs",
    type=click.IntRange(1, 50),
    default=3,
    show_default=True,
    help="Loads per page; the median is reported.",
)
@click.option(
    "--jobs", type=click.IntRange(1, 64), help="Pages loaded at once (default: 1 per 4 cores)."
)
@click.option("--chromium", help="Chromium/Chrome binary (also: BUNDLEWISE_CHROMIUM).")
@group.file_option(
    "--html",
    "html_path",
    help="Also write the visual report (filmstrip, LCP, shifts, waterfall) here.",
)
@group.format_options("Print the results as JSON.", "Print a Markdown report.")
@click.option(
    "--fail-on-budget/--no-fail-on-budget",
    default=True,
    help="Exit 3 when a timing budget is exceeded.",
)
@click.pass_obj
def audit(console: group.Console, app: Path, config_path: Path | None, build_first: bool,
          pages: tuple[str, ...], urls: tuple[str, ...], profile: str, runs: int, jobs: int | None,
          chromium: str | None, html_path: Path | None, fmt: str, fail_on_budget: bool) -> None:  # fmt: skip
    """Measure the Web Vitals of APP's built pages in headless Chromium.

    LCP, CLS, FCP, TBT, TTI and the load event under a throttled profile, with the causes of
    layout shifts; console errors, uncaught exceptions and failed requests fail the audit
    (exit 1), a timing budget exceeded exits 3.

    \b
    Examples:
      bundlewise audit                          all pages of ./dist, mobile, 3 runs
      bundlewise audit --build --html audit.html
      bundlewise audit --page about.html --runs 5 --json
      bundlewise audit --url https://example.com/ --profile desktop
    """
    from bundlewise.audit import command, report

    config = group.load_app_config(app, config_path, {})
    if build_first and not urls:
        from bundlewise.pipeline import build as run_build

        run_build(config)
    group.RUNNING.doing = "audit"

    def on_run(target: Any, index: int, metrics: Any) -> None:
        lcp = "–" if metrics.lcp is None else f"{metrics.lcp / 1000:.2f} s"
        console.debug(f"  {target.name} run {index + 1}/{runs}: LCP {lcp}, CLS {metrics.cls:.3f}")

    console.info(f"auditing with {runs} run(s) per page ({profile} profile) ...")
    summary = command.audit_config(config, pages=pages, urls=urls, profile=profile, runs=runs,
                                   jobs=jobs, chromium=chromium, html_path=html_path, on_run=on_run)  # fmt: skip
    if fmt == "json":
        click.echo(report.dumps(summary))
    elif fmt == "markdown":
        click.echo(report.render_markdown(summary), nl=False)
    else:
        click.echo(report.render_table(summary))
    for line in report.github_output(summary, os.environ):
        click.echo(line, err=True)  # stderr: stdout may be JSON that must stay parseable
    if html_path is not None:
        console.info(f"audit report written to {html_path}")
    sys.exit(report.exit_code(summary, fail_on_budget))
