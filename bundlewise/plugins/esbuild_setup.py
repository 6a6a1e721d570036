"""The `on_resolve` / `on_load` callbacks of one build: the user's plugins, then the built-in ones.

User plugins register first, so that their callbacks are tried before the built-in ones and can
take over any file type (the first callback to return a result wins, as in esbuild).
"""

from __future__ import annotations

import sys
from dataclasses import replace

from bundlewise.esbuild.callbacks import EsbuildPlugins
from bundlewise.plugins.base import Build
from bundlewise.plugins.run import PluginRunner


def esbuild_plugins(runner: PluginRunner, build: Build) -> EsbuildPlugins:
    """Every callback for this build, registered in the order they are tried."""
    from bundlewise.builtins import builtin_plugins

    plugins = EsbuildPlugins(build.config.root)
    runner.setup_esbuild(plugins, build)
    for builtin in builtin_plugins():
        file = sys.modules[type(builtin).__module__].__file__
        handle = plugins.plugin(builtin.name, file)
        builtin.on_esbuild_setup(handle, build=replace(build, plugin=builtin.name))
    return plugins
