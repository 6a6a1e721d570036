"""`main()`: run the command line, print errors once, exit with the code of the CLI contract."""

from __future__ import annotations

import signal
import sys

import click

from bundlewise.cli.group import RUNNING, Console, cli, use_color
from bundlewise.errors import EXIT_CONFIG_ERROR, BundlewiseError


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
        _print_error(exc, RUNNING.console or Console(use_color(None), 0))
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
    click.echo(
        f"\n{RUNNING.doing} failed with {errors} error{'s' if errors != 1 else ''}", err=True
    )
