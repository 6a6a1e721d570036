"""Plugins built into every build, written against the public plugin API.

They are ordinary `Plugin` subclasses using `on_esbuild_setup`, so they prove that API; they are
registered after the user's plugins, whose callbacks therefore win for any file they claim.
"""

from __future__ import annotations

from bundlewise.plugins.base import Plugin


def builtin_plugins() -> tuple[Plugin, ...]:
    """The built-in plugins, in the order their callbacks are tried."""
    from bundlewise.builtins.inline_scripts import InlineScripts
    from bundlewise.builtins.query import QueryImports
    from bundlewise.builtins.root_imports import RootImports
    from bundlewise.builtins.sass import Sass
    from bundlewise.builtins.style_packages import StylePackages
    from bundlewise.builtins.tailwind import Tailwind

    return (
        QueryImports("query-imports"),
        Sass("sass"),
        Tailwind("tailwind"),
        InlineScripts("inline-scripts"),
        RootImports("root-imports"),
        StylePackages("style-packages"),
    )
