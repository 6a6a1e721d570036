"""The `bundlewise` click group: global options, the console, and what every command shares."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bundlewise import __version__
from bundlewise.errors import Message

if TYPE_CHECKING:
    from bundlewise.config import Config

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


@dataclass
class Running:
    """The running command: its console, so that errors raised out of it print the same way, and
    what an error stopped, for its last line ("build failed with 1 error")."""

    console: Console | None = None
    doing: str = "build"


RUNNING = Running()


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
    ctx.obj = RUNNING.console = Console(color=use_color(color), verbosity=verbose - quiet)
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
    return file_option(
        "-c", "--config", "config_path", help=f"{default} {note}".strip(), exists=True
    )


def file_option(*names: str, help: str, exists: bool = False) -> Callable[[F], F]:
    """An option naming a file (read when `exists`, else written), passed on as a Path."""
    kind = click.Path(dir_okay=False, exists=exists, path_type=Path)
    return click.option(*names, type=kind, help=help)


def format_options(json_help: str, markdown_help: str) -> Callable[[F], F]:
    """`--json`, `--markdown` and `--table` (the default), passed on as `fmt`."""

    def add(command: F) -> F:
        command = click.option("--table", "fmt", flag_value="table", default=True,
                               help="Print the table (default).")(command)  # fmt: skip
        command = click.option("--markdown", "fmt", flag_value="markdown", help=markdown_help)(
            command
        )
        return click.option("--json", "fmt", flag_value="json", help=json_help)(command)

    return add


def load_app_config(
    app: Path, config: Path | None, overrides: dict[str, Any], *, plugins: bool = False
) -> Config:
    """The app's config; with `plugins`, a config with problems is reported together with the
    problems of its plugins' options (for the commands that build)."""
    from bundlewise.config import load_config

    if not plugins:
        return load_config(app, config, overrides)
    from bundlewise.plugins.load import plugin_problems

    return load_config(app, config, overrides, more_checks=plugin_problems)
