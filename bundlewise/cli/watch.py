"""`bundlewise watch` and `bundlewise serve`: rebuild on every change, serve with live reload."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from bundlewise.cli.group import APP_ARGUMENT, CONTEXT_SETTINGS, Console, cli, config_option
from bundlewise.cli.group import load_app_config as load_config
from bundlewise.errors import BundlewiseError


def flag(name: str, help: str) -> Any:
    """An on/off option, off unless given."""
    return click.option(name, is_flag=True, help=help)


def _watch_options(command: Any) -> Any:
    """Options shared by `watch` and `serve`."""
    decorators: list[Any] = [
        APP_ARGUMENT,
        config_option(),
        click.option("-o", "--out-dir", type=click.Path(path_type=Path),
                     help="Output folder (default: APP/dist)."),
        click.option("--base", help="Public URL the output is served from (default: /)."),
        click.option("--esbuild", "esbuild_path", help="esbuild binary to use."),
        flag("--empty-out-dir", "Replace an output folder that holds files bundlewise did not write."),
        flag("--production", "Full production pipeline on every rebuild (default: dev profile)."),
        click.option("--debounce", type=click.IntRange(0, 10_000), default=100, show_default=True,
                     help="Milliseconds without a file change before rebuilding."),
        flag("--poll", "Poll for changes instead of using file events (network drives)."),
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
    from bundlewise.cli.progress_line import ProgressLine, on_terminal
    from bundlewise.watch import Watcher, WatchOptions

    if not app.is_dir():
        raise click.BadParameter(f"{app} is not a folder", param_hint="APP")
    overrides = {"out_dir": out_dir.resolve() if out_dir else None, "base": base,
                 "esbuild": esbuild_path, "empty_out_dir": empty_out_dir or None}  # fmt: skip
    options = WatchOptions(production=production, debounce=debounce / 1000, poll=poll)
    # As `build` does: the image stage's progress (`--production`) as a line on a terminal.
    progress = ProgressLine(sys.stderr, enabled=console.verbosity >= 0 and on_terminal(sys.stderr))
    watcher = Watcher(
        lambda: load_config(app, config_path, overrides, plugins=True),
        options,
        console,
        progress,
    )
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
