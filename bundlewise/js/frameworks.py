"""What to do when an app imports a framework's own file format (`.vue`, `.svelte`, ...).

esbuild has no compiler for single-file components and says only "No loader is configured for
".vue" files". bundlewise does not compile them either (that needs the framework's compiler, which
runs in Node); the error gets a note that says so and what the options are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from bundlewise.errors import Message

_NO_LOADER = re.compile(
    r'No loader is configured for "\.(?P<ext>vue|svelte|astro|marko|mdx)" files'
)
_VIRTUAL = re.compile(r'Could not resolve "virtual:')
_FRAMEWORK = {"vue": "Vue", "svelte": "Svelte", "astro": "Astro", "marko": "Marko", "mdx": "MDX"}


def explain(messages: Iterable[Message]) -> list[Message]:
    """`messages` with a note added to each import of a single-file component."""
    out = []
    for message in messages:
        m = _NO_LOADER.search(message.text)
        if m:
            name = _FRAMEWORK[m["ext"]]
            note = (
                f"bundlewise does not compile {name} single-file components (.{m['ext']}): that "
                f"needs {name}'s own compiler. Build this app with its framework's tool, or "
                "compile the components to .js first and import those"
            )
            message = replace(message, notes=(*message.notes, note))
        elif _VIRTUAL.search(message.text):
            note = (
                "'virtual:' modules are made by Vite plugins, which bundlewise does not run; "
                'see "Coming from Vite" in the README'
            )
            message = replace(message, notes=(*message.notes, note))
        out.append(message)
    return out
