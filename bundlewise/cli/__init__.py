"""The `bundlewise` command line. The only place that prints, draws tables or exits.

One module per command group (`build` and `report`, `watch` and `serve`, `audit`, `esbuild`,
`cache`); the click group, its global options and the console are in `group`; `main` (the
`bundlewise` script and `python -m bundlewise`) is in `entry`. Importing a command module
registers its commands on the group.
"""

from bundlewise.cli import audit, build, cache, esbuild, watch
from bundlewise.cli.entry import main
from bundlewise.cli.group import Console, cli

__all__ = ["Console", "audit", "build", "cache", "cli", "esbuild", "main", "watch"]
