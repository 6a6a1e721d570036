"""`bundlewise cache info|prune|clear`: the local build cache."""

from __future__ import annotations

from pathlib import Path

import click

from bundlewise.cli.group import APP_ARGUMENT, CONTEXT_SETTINGS, Console, cli, config_option
from bundlewise.cli.group import load_app_config as load_config


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
    config = load_config(app, config_path, {})
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
