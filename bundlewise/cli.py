"""The `bundlewise` command line. The only place that prints, draws tables or exits."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from bundlewise import ESBUILD_VERSION, __version__
from bundlewise.errors import EXIT_CONFIG_ERROR, BundlewiseError, Message

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass
class Console:
    """Where messages go: stderr, coloured or not, quiet or verbose."""

    color: bool
    verbosity: int

    def info(self, text: str) -> None:
        if self.verbosity >= 0:
            click.echo(text, err=True, color=self.color)

    def debug(self, text: str) -> None:
        if self.verbosity > 0:
            click.echo(text, err=True, color=self.color)

    def message(self, message: Message) -> None:
        color = {"error": "red", "warning": "yellow"}.get(message.severity, "cyan")
        head, _, rest = message.format().partition("\n")
        click.echo(click.style(head, fg=color, bold=True) + ("\n" + rest if rest else ""),
                   err=True, color=self.color)  # fmt: skip

    def style(self, text: str, **kw: Any) -> str:
        return click.style(text, **kw) if self.color else text


# The console of the running command, so that errors raised out of it print the same way.
_console: Console | None = None
# What an error stopped, for its last line ("build failed with 1 error").
_doing = "build"


def use_color(flag: bool | None) -> bool:
    """--color/--no-color, then NO_COLOR / FORCE_COLOR (https://no-color.org), then is stderr a TTY."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stderr.isatty()


class _Commands(click.Group):
    """Takes `-q`/`-v`/`--color` after the command too (`bundlewise build -q`), as pip, ruff and
    git do: they are the group's options, so they are moved before the command name."""

    _GLOBAL = re.compile(r"^(-q+|-v+|--quiet|--verbose|--color|--no-color)$")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        command = next((i for i, a in enumerate(args) if a in self.commands), None)
        if command is not None:
            end = args.index("--") if "--" in args[command:] else len(args)
            rest = args[command + 1 : end]
            moved = [a for a in rest if self._GLOBAL.match(a)]
            kept = [a for a in rest if not self._GLOBAL.match(a)]
            args = [*moved, *args[: command + 1], *kept, *args[end:]]
        return super().parse_args(ctx, args)


@click.group(
    cls=_Commands,
    context_settings=CONTEXT_SETTINGS,
    epilog="Run `bundlewise COMMAND -h` for help on a command.",
)
@click.version_option(__version__, "-V", "--version", prog_name="bundlewise")
@click.option("-q", "--quiet", count=True, help="Print less (errors only).")
@click.option("-v", "--verbose", count=True, help="Print more (what each step did).")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour output (default: auto; honours NO_COLOR and FORCE_COLOR).",
)
@click.pass_context
def cli(ctx: click.Context, quiet: int, verbose: int, color: bool | None) -> None:
    """bundlewise: fast production builds for web apps, with budgets for CI.

    \b
    Examples:
      bundlewise build                 build the app in this folder into dist/
      bundlewise build sample_app      build another folder
      bundlewise report --markdown     size report of the last build, for CI
    """
    global _console
    ctx.obj = _console = Console(color=use_color(color), verbosity=verbose - quiet)
    # Notices from deep inside (e.g. "installing esbuild ...") go through logging to stderr.
    logger = logging.getLogger("bundlewise")
    if not logger.handlers:
        logger.addHandler(logging.StreamHandler(sys.stderr))
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)


F = TypeVar("F", bound=Callable[..., Any])

APP_ARGUMENT = click.argument("app", type=click.Path(file_okay=False, path_type=Path), default=".")


def config_option(note: str = "") -> Callable[[F], F]:
    """`-c/--config PATH`, the same on every command that reads the config."""
    default = (
        "Config file (default: APP/bundlewise.toml or [tool.bundlewise] in APP/pyproject.toml)."
    )
    return click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help=f"{default} {note}".strip(),
    )


def _load_config(app: Path, config: Path | None, overrides: dict[str, Any]) -> Any:
    from bundlewise.config import load_config

    return load_config(app, config, overrides)


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
    from dataclasses import replace

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
    config = _load_config(app, config_path, overrides)
    if images is not None:
        config = replace(config, images=replace(config.images, enabled=images))
    if compress is not None:
        config = replace(config, compress=replace(config.compress, enabled=compress))
    if cache_read_only:
        config = replace(config, cache=replace(config.cache, read_only=True))
    started = time.perf_counter()
    result = run_build(config, notice=console.info)
    elapsed = time.perf_counter() - started
    for message in (*result.warnings, *result.infos):
        console.message(message)
    _print_kept(console, result)
    for page in result.pages:
        for change in page.changes:
            console.debug(f"  {page.source}: {change}")
    sys.exit(_report_after_build(console, result, elapsed, as_json, fail_on_budget))


def _print_kept(console: Console, result: Any) -> None:
    """Files in the output folder that no build wrote (`foreign`): counted, listed with -v."""
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
        f"into {rel} in {elapsed:.2f}s" + images_note(result.stats.get("images"), "; images: ")
    )
    from bundlewise.cache.admin import summary_line

    if line := summary_line(result.stats.get("cache") or {}):
        console.info(f"  {line}")
    for source in (result.stats.get("images") or {}).get("kept_source_files", ()):
        console.debug(f"  {source}: kept as it was (re-encoding did not make it smaller)")


@cli.command(context_settings=CONTEXT_SETTINGS)
@APP_ARGUMENT
@config_option("Its [budget] applies instead of the one recorded at build time.")
@click.option(
    "--stats",
    "stats_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Stats file to read (default: OUT_DIR/bundlewise-stats.json).",
)
@click.option("--json", "fmt", flag_value="json", help="Print the stats as JSON.")
@click.option(
    "--markdown", "fmt", flag_value="markdown", help="Print a Markdown report (for PR comments)."
)
@click.option("--table", "fmt", flag_value="table", default=True, help="Print the table (default).")
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a self-contained HTML report with a treemap.",
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Stats of an earlier build (e.g. the main branch) to compare with.",
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

    config = _load_config(app, config_path, {})
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


@cli.command(context_settings=CONTEXT_SETTINGS)
@APP_ARGUMENT
@config_option("Its [budget] timing keys (lcp, cls, tti, ...) are checked.")
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
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the visual report (filmstrip, LCP, shifts, waterfall) here.",
)
@click.option("--json", "fmt", flag_value="json", help="Print the results as JSON.")
@click.option("--markdown", "fmt", flag_value="markdown", help="Print a Markdown report.")
@click.option("--table", "fmt", flag_value="table", default=True, help="Print the table (default).")
@click.option(
    "--fail-on-budget/--no-fail-on-budget",
    default=True,
    help="Exit 3 when a timing budget is exceeded.",
)
@click.pass_obj
def audit(console: Console, app: Path, config_path: Path | None, build_first: bool,
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

    global _doing
    config = _load_config(app, config_path, {})
    if build_first and not urls:
        from bundlewise.pipeline import build as run_build

        run_build(config)
    _doing = "audit"

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


@cli.group(context_settings=CONTEXT_SETTINGS)
def esbuild() -> None:
    """Manage the esbuild binary bundlewise runs.

    \b
    Examples:
      bundlewise esbuild install     install the pinned esbuild with npm
      bundlewise esbuild which       show which binary a build would use
    """


@esbuild.command("install", context_settings=CONTEXT_SETTINGS)
@click.option("--force", is_flag=True, help="Reinstall even when present.")
@click.pass_obj
def esbuild_install(console: Console, force: bool) -> None:
    """Install esbuild (the pinned version) into bundlewise's cache, using npm.

    \b
    Example:
      bundlewise esbuild install
    """
    from bundlewise.esbuild import install_esbuild

    binary = install_esbuild(ESBUILD_VERSION, force=force, on_notice=console.info)
    console.info(f"esbuild {binary.version} ready at {binary.path}")


@esbuild.command("which", context_settings=CONTEXT_SETTINGS)
@APP_ARGUMENT
@click.pass_obj
def esbuild_which(console: Console, app: Path) -> None:
    """Print the esbuild binary a build of APP would use (no install).

    \b
    Example:
      bundlewise esbuild which sample_app
    """
    from bundlewise.esbuild import find_esbuild

    binary = find_esbuild(app.resolve(), None, auto_install=False)
    click.echo(f"{binary.path} ({binary.version}, from {binary.source})")


@cli.group("cache", context_settings=CONTEXT_SETTINGS)
def cache_group() -> None:
    """Inspect and trim the local build cache (image encodes and compressions).

    \b
    Examples:
      bundlewise cache info             entries, size, hit rate of the last build
      bundlewise cache prune            evict least recently used entries down to the cap
      bundlewise cache clear            remove every entry
    """


def _cache_settings(app: Path, config_path: Path | None) -> tuple[Path, int]:
    config = _load_config(app, config_path, {})
    return config.cache_dir, config.cache.max_size


@cache_group.command("info", context_settings=CONTEXT_SETTINGS)
@APP_ARGUMENT
@config_option()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON on stdout.")
def cache_info(app: Path, config_path: Path | None, as_json: bool) -> None:
    """Show APP's cache: entries and bytes by stage, the cap, the last build's hit rate."""
    import json

    from bundlewise.cache.admin import info, render_info

    data = info(*_cache_settings(app, config_path))
    click.echo(json.dumps(data, indent=2, sort_keys=True) if as_json else render_info(data))


@cache_group.command("prune", context_settings=CONTEXT_SETTINGS)
@APP_ARGUMENT
@config_option()
@click.option("--max-size", help='Prune down to this size instead of [cache] max_size ("200 MB").')
@click.pass_obj
def cache_prune(
    console: Console, app: Path, config_path: Path | None, max_size: str | None
) -> None:
    """Evict least recently used entries until the cache fits its cap."""
    from bundlewise.cache.admin import prune
    from bundlewise.report.units import format_size, parse_size

    root, cap = _cache_settings(app, config_path)
    if max_size is not None:
        try:
            cap = parse_size(max_size)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--max-size") from None
    count, freed = prune(root, cap)
    console.info(f"pruned {count} entries ({format_size(freed)}) from {root}")


@cache_group.command("clear", context_settings=CONTEXT_SETTINGS)
@APP_ARGUMENT
@config_option()
@click.pass_obj
def cache_clear(console: Console, app: Path, config_path: Path | None) -> None:
    """Remove every entry of APP's cache (files that are not entries are left alone)."""
    from bundlewise.cache.admin import clear
    from bundlewise.report.units import format_size

    root, _ = _cache_settings(app, config_path)
    count, freed = clear(root)
    console.info(f"removed {count} entries ({format_size(freed)}) from {root}")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # Unwind like Ctrl-C does: esbuild's process group is killed and staging removed on the way.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None, prog_name: str = "bundlewise") -> None:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        cli.main(args=argv, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except BundlewiseError as exc:
        _print_error(exc, _console or Console(use_color(None), 0))
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_CONFIG_ERROR if isinstance(exc, click.UsageError) else exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    sys.exit(0)


def _print_error(exc: BundlewiseError, console: Console) -> None:
    for message in exc.messages:
        console.message(message)
    errors = sum(1 for m in exc.messages if m.severity == "error")
    click.echo(f"\n{_doing} failed with {errors} error{'s' if errors != 1 else ''}", err=True)


# --- watch and serve ---------------------------------------------------------------------------


def _watch_options(command: Any) -> Any:
    """Options shared by `watch` and `serve`."""
    decorators: list[Any] = [
        APP_ARGUMENT,
        config_option(),
        click.option("-o", "--out-dir", type=click.Path(path_type=Path),
                     help="Output folder (default: APP/dist)."),
        click.option("--base", help="Public URL the output is served from (default: /)."),
        click.option("--esbuild", "esbuild_path", help="esbuild binary to use."),
        click.option("--empty-out-dir", is_flag=True,
                     help="Replace an output folder that holds files bundlewise did not write."),
        click.option("--production", is_flag=True,
                     help="Full production pipeline on every rebuild (default: dev profile)."),
        click.option("--debounce", type=click.IntRange(0, 10_000), default=100, show_default=True,
                     help="Milliseconds without a file change before rebuilding."),
        click.option("--poll", is_flag=True,
                     help="Poll for changes instead of using file events (network drives)."),
        click.option("--host", default=None,
                     help="Address to serve on (default: 127.0.0.1; others only when given)."),
        click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
                     help="Port to serve on (0: any free port)."),
        click.pass_obj,
    ]  # fmt: skip
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


@cli.command(context_settings=CONTEXT_SETTINGS)
@_watch_options
@click.option("--serve", "serve_too", is_flag=True, help="Also run the dev server (live reload).")
def watch(console: Console, serve_too: bool, **options: Any) -> None:
    """Build APP, then rebuild on every change until Ctrl-C.

    Dev profile unless --production: no minification, no hashes in entry names, no image
    re-encoding, no compression. A failed build keeps the last good output.

    \b
    Examples:
      bundlewise watch                     rebuild ./dist on every change
      bundlewise watch --serve             ...and serve it with live reload
      bundlewise watch --production        full pipeline on every rebuild
    """
    _run_watch(console, serve_too, **options)


@cli.command(context_settings=CONTEXT_SETTINGS)
@_watch_options
def serve(console: Console, **options: Any) -> None:
    """Serve APP's output on 127.0.0.1 with live reload, rebuilding on every change.

    \b
    Examples:
      bundlewise serve                     http://127.0.0.1:8000/
      bundlewise serve --port 0            any free port
    """
    _run_watch(console, True, **options)


def _run_watch(console: Console, serve_too: bool, app: Path, config_path: Path | None,
               out_dir: Path | None, base: str | None, esbuild_path: str | None,
               empty_out_dir: bool, production: bool, debounce: int, poll: bool,
               host: str | None, port: int) -> None:  # fmt: skip
    from bundlewise.watch import Watcher, WatchOptions

    if not app.is_dir():
        raise click.BadParameter(f"{app} is not a folder", param_hint="APP")
    overrides = {"out_dir": out_dir.resolve() if out_dir else None, "base": base,
                 "esbuild": esbuild_path, "empty_out_dir": empty_out_dir or None}  # fmt: skip
    options = WatchOptions(production=production, debounce=debounce / 1000, poll=poll)
    watcher = Watcher(lambda: _load_config(app, config_path, overrides), options, console)
    # SIGTERM unwinds like Ctrl-C (main() installs the handler): esbuild ended, staging removed.
    server = _start_server(console, watcher, host, port) if serve_too else None
    try:
        watcher.run()
    finally:
        if server is not None:
            server.close()


def _start_server(console: Console, watcher: Any, host: str | None, port: int) -> Any:
    from bundlewise.serve import DevServer, check_host

    check_host(host or "127.0.0.1", explicit=host is not None)
    config = watcher.config
    try:
        server = DevServer(config.out_dir, host or "127.0.0.1", port, config.base)
    except OSError as exc:
        raise BundlewiseError(
            f"cannot serve on {host or '127.0.0.1'}:{port}: {exc.strerror}"
        ) from None
    watcher.listeners.append(server.hub.publish)
    server.start()
    console.info(f"serving {server.url}")
    return server
