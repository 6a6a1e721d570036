"""`bundlewise esbuild install|which`: the esbuild binary bundlewise runs."""

from __future__ import annotations

from pathlib import Path

import click

from bundlewise import ESBUILD_VERSION
from bundlewise.cli.group import APP_ARGUMENT, CONTEXT_SETTINGS, Console, cli


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
