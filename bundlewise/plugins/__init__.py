"""Plugins: code that runs between the steps of a build.

The public API is what this package exports: `Plugin` (whose hook docstrings are the reference),
`Build` (passed to every hook), `load_plugins` and `PluginRunner` (for the pipeline and the
watcher). See docs/plugins.md for a guide.
"""

from bundlewise.config import Config
from bundlewise.plugins.base import HOOKS, Build, Plugin
from bundlewise.plugins.load import ENTRY_POINT_GROUP, FIRST_PARTY, LoadedPlugin, first_party_dir
from bundlewise.plugins.load import load_plugins as _load
from bundlewise.plugins.run import PluginRunner

__all__ = [
    "ENTRY_POINT_GROUP",
    "FIRST_PARTY",
    "HOOKS",
    "Build",
    "LoadedPlugin",
    "Plugin",
    "PluginRunner",
    "first_party_dir",
    "load_plugins",
]


def load_plugins(config: Config) -> PluginRunner:
    """The plugins `config` names, loaded, validated and ordered (raises `ConfigError`)."""
    return PluginRunner(_load(config))
