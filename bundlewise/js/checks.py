"""Signs in the emitted scripts that a page will not work, reported as warnings.

- JSX compiled to the classic runtime calls a global `React` (`React.createElement`): unless some
  script defines it, the page throws "React is not defined". When JSX settings come from the app's
  tsconfig or dependencies this does not happen; it does for an app that sets nothing (or sets
  the classic runtime) and never imports React.
- `import.meta.glob(...)`, which only Vite expands: left as written, it throws at run time.
- A tsconfig whose JSX settings could not be read (named, so that the cause above is visible).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bundlewise.config import Config
from bundlewise.errors import Location, Message
from bundlewise.esbuild.graph import BuildGraph, Output
from bundlewise.js.jsx import resolve_jsx

# `React.createElement` where `React` is a free name (not `x.React`, not a renamed import).
_GLOBAL_REACT = re.compile(rb"(?<![.\w$])React\.(?:createElement|Fragment)\b")
_DEFINES_REACT = re.compile(
    rb"(?:\b(?:var|let|const|function|class)\s+React\b|\bReact\s*=[^=]|window\.React\b|globalThis\.React\b)"
)
_JSX_SOURCES = (".jsx", ".tsx")
_JSX_SYNTAX = re.compile(r"</|/>|<>")  # a closing or self-closing tag, or a fragment


def _jsx_sources(config: Config, inputs: Iterable[str]) -> list[tuple[str, int, int]]:
    """Each `.jsx`/`.tsx` input that holds JSX, with the line and column of its first closing tag."""
    found = []
    for source in inputs:
        if source.endswith(_JSX_SOURCES) and (config.root / source).is_file():
            text = (config.root / source).read_text(encoding="utf-8", errors="replace")
            m = _JSX_SYNTAX.search(text)
            if m:
                line_start = text.rfind("\n", 0, m.start()) + 1
                found.append((source, text.count("\n", 0, m.start()) + 1, m.start() - line_start))
    return found


def check_scripts(config: Config, graph: BuildGraph, read: Callable[[str], bytes]) -> list[Message]:
    warnings = list(resolve_jsx(config.root, config.jsx)[1])
    scripts = [out for out in graph if out.is_js]
    codes = {out.path: read(out.path) for out in scripts}
    for out in scripts:
        if b"import.meta.glob" in codes[out.path]:
            warnings.extend(_glob_warnings(config, out.inputs))
    return warnings + _react_warnings(config, scripts, codes)


def _glob_warnings(config: Config, inputs: Iterable[str]) -> list[Message]:
    found = []
    for source in inputs:
        path = config.root / source
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r"import\.meta\.glob\b", text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            found.append(
                Message(
                    "import.meta.glob is a Vite extension that bundlewise does not expand: it "
                    "throws 'import.meta.glob is not a function' at run time",
                    Location(source, text.count("\n", 0, m.start()) + 1, m.start() - line_start),
                    "warning",
                    notes=(
                        "import the modules one by one, or use import(`./pages/${name}.js`), "
                        "which esbuild expands",
                    ),
                )
            )
    return found


def _react_warnings(
    config: Config, scripts: list[Output], codes: dict[str, bytes]
) -> list[Message]:
    warnings: list[Message] = []
    # A substring test first: the regexes would cost ~0.5 s on megabytes of output.
    calling = [
        o for o in scripts if b"React." in codes[o.path] and _GLOBAL_REACT.search(codes[o.path])
    ]
    if not calling or any(b"React" in c and _DEFINES_REACT.search(c) for c in codes.values()):
        return warnings
    for out in calling:
        for source, line, column in _jsx_sources(config, out.inputs) or [(out.path, 0, 0)]:
            warnings.append(
                Message(
                    "JSX compiled to React.createElement, but no module provides a global React: "
                    "the page will throw 'React is not defined'",
                    Location(source, line, column),
                    "warning",
                    notes=(
                        'set "jsx": "react-jsx" (and "jsxImportSource") in tsconfig.json, or '
                        'runtime = "automatic" and import_source = "react" under [jsx] in '
                        "bundlewise.toml, or import React in the file",
                    ),
                )
            )
    return warnings
