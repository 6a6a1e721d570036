"""`bundlewise build` and `bundlewise report`: build for production, and report sizes."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import click

from bundlewise.cli.group import (
    APP_ARGUMENT,
    CONTEXT_SETTINGS,
    Console,
    cli,
    config_option,
    file_option,
    format_options,
)
from bundlewise.cli.group import load_app_config as load_config


@cli.command(context_settings=CONTEXT_SETTINGS)
@APP_ARGUMENT
@config_option()
@click.option(
    "-o", "--out-dir", type=click.Path(path_type=Path), help="Output folder (default: APP/dist)."
)
@click.option("--base", help="Public URL the output is served from, e.g. /static/ (default: /).")
@click.option("--minify/--no-minify", default=None, help="Minify JS and CSS (default: on).")
@click.option(
    "--sourcemap/--no-sourcemap", default=None, help="Write external source maps (default: on)."
)
@click.option("--images/--no-images", default=None, help="Optimize images (default: on).")
@click.option(
    "--compress/--no-compress", default=None, help="Write .br/.gz siblings (default: on)."
)
@click.option("--esbuild", "esbuild_path", help="esbuild binary to use (also: BUNDLEWISE_ESBUILD).")
@click.option(
    "--empty-out-dir",
    is_flag=True,
    help="Replace an output folder that holds files bundlewise did not write.",
)
@click.option(
    "--fail-on-budget/--no-fail-on-budget",
    default=True,
    help="Exit 3 when a budget is exceeded (default: on).",
)
@click.option("--strict", is_flag=True, default=None, help="Fail the build on warnings.")
@click.option(
    "--cache-read-only",
    is_flag=True,
    help="Read the remote cache, never write to it (pull requests from forks).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the stats (sizes, pages, budget verdict) as JSON on stdout.",
)
@click.pass_obj
def build(console: Console, app: Path, config_path: Path | None, out_dir: Path | None, base: str | None,
          minify: bool | None, sourcemap: bool | None, images: bool | None, compress: bool | None,
          esbuild_path: str | None, empty_out_dir: bool, fail_on_budget: bool, strict: bool | None,
          cache_read_only: bool, as_json: bool) -> None:  # fmt: skip
    """Build APP (default: the current folder) for production.

    \b
    Examples:
      bundlewise build                         pages in ./ → ./dist
      bundlewise build frontend -o static/dist --base /static/dist/
      bundlewise build --no-images --no-compress      fastest build
    """
    from contextlib import closing
    from dataclasses import replace

    from bundlewise.cli.progress_line import ProgressLine, on_terminal
    from bundlewise.pipeline import build as run_build

    overrides: dict[str, Any] = {
        "out_dir": out_dir.resolve() if out_dir else None,
        "base": base,
        "minify": minify,
        "sourcemap": sourcemap,
        "esbuild": esbuild_path,
        "empty_out_dir": empty_out_dir or None,
        "strict": strict,
    }
    if not app.is_dir():
        raise click.BadParameter(f"{app} is not a folder", param_hint="APP")
    config = load_config(app, config_path, overrides, plugins=True)
    if images is not None:
        config = replace(config, images=replace(config.images, enabled=images))
    if compress is not None:
        config = replace(config, compress=replace(config.compress, enabled=compress))
    if cache_read_only:
        config = replace(config, cache=replace(config.cache, read_only=True))
    started = time.perf_counter()
    # The image stage reports how far it got; a line shows it on a terminal, unless the output is
    # JSON or quiet (`-q`) or the terminal is a CI log.
    draw = not as_json and console.verbosity >= 0 and on_terminal(sys.stderr)
    with closing(ProgressLine(sys.stderr, enabled=draw)) as progress:
        result = run_build(config, notice=console.info, progress=progress)
    elapsed = time.perf_counter() - started
    for message in (*result.warnings, *result.infos):
        console.message(message)
    _print_kept(console, result)
    for page in result.pages:
        for change in page.changes:
            console.debug(f"  {page.source}: {change}")
    sys.exit(_report_after_build(console, result, elapsed, as_json, fail_on_budget))


def _print_kept(console: Console, result: Any) -> None:
    """Files in the output folder that no build wrote (`output.foreign`): counted, listed with -v."""
    if result.kept:
        rel = os.path.relpath(result.out_dir)
        console.info(
            f"kept {len(result.kept)} file(s) in {rel} that no build wrote (-v lists them)"
        )
        for path in result.kept:
            console.debug(f"  kept {rel}/{path}")


def _report_after_build(
    console: Console, result: Any, elapsed: float, as_json: bool, fail_on_budget: bool
) -> int:
    """The size table (stderr, or the stats as JSON on stdout), CI annotations, the exit code."""
    from bundlewise.report import exit_code, github_output, render_table

    stats = result.stats
    assert stats is not None  # a build that returns has measured what it wrote
    if as_json:
        from bundlewise.report.stats import dumps_stats

        click.echo(dumps_stats(stats))
    elif console.verbosity >= 0:
        width = shutil.get_terminal_size((100, 24)).columns
        click.echo(render_table(stats, result, console.color, width), err=True)
    for line in github_output(stats, result, os.environ):
        click.echo(line, err=True)  # stderr: stdout may be JSON that must stay parseable
    _print_summary(console, result, elapsed)
    return exit_code(stats, fail_on_budget=fail_on_budget)


def _print_summary(console: Console, result: Any, elapsed: float) -> None:
    from bundlewise.report.table import images_note

    total = sum(f.size for f in result.files if f.kind != "map")
    rel = os.path.relpath(result.out_dir)
    console.info(
        console.style("✓", fg="green")
        + f" built {len(result.pages)} page(s), {len(result.files)} files ({total / 1000:.1f} kB) "
        f"into {rel} in {elapsed:.2f}s" + images_note(result.stats.images, "; images: ")
    )
    from bundlewise.cache.admin import summary_line

    if line := summary_line(result.stats.cache or {}):
        console.info(f"  {line}")
    for source in result.stats.images.kept_source_files if result.stats.images else ():
        console.debug(f"  {source}: kept as it was (re-encoding did not make it smaller)")


@cli.command(context_settings=CONTEXT_SETTINGS)
@APP_ARGUMENT
@config_option("Its [budget] applies instead of the one recorded at build time.")
@file_option(
    "--stats", "stats_path", help="Stats file to read (default: OUT_DIR/bundlewise-stats.json)."
)
@format_options("Print the stats as JSON.", "Print a Markdown report (for PR comments).")
@file_option("--html", "html_path", help="Also write a self-contained HTML report with a treemap.")
@file_option(
    "--baseline",
    "baseline_path",
    help="Stats of an earlier build (e.g. the main branch) to compare with.",
    exists=True,
)
@click.option(
    "--fail-on-budget/--no-fail-on-budget", default=True, help="Exit 3 when a budget is exceeded."
)
@click.pass_obj
def report(console: Console, app: Path, config_path: Path | None, stats_path: Path | None, fmt: str,
           html_path: Path | None, baseline_path: Path | None, fail_on_budget: bool) -> None:  # fmt: skip
    """Report the sizes of the last build of APP, without building.

    \b
    Examples:
      bundlewise report                               the table
      bundlewise report --markdown > report.md        for a PR comment
      bundlewise report --baseline main-stats.json    what grew since main
      bundlewise report --html report.html            treemap of what is in each chunk
    """
    from bundlewise.report import run_report
    from bundlewise.result import STATS_FILE

    config = load_config(app, config_path, {})
    text, code = run_report(
        stats_path or config.out_dir / STATS_FILE,
        fmt=fmt,  # type: ignore[arg-type]
        baseline_path=baseline_path,
        html_path=html_path,
        color=console.color and fmt == "table",
        width=shutil.get_terminal_size((100, 24)).columns,
        fail_on_budget=fail_on_budget,
        budget=config.budget,
    )
    click.echo(text)
    sys.exit(code)
