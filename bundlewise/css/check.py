"""Warn about shipped CSS that only a preprocessor understands.

esbuild passes unknown at-rules through as they are, so a stylesheet written for Tailwind
(`@tailwind`, `@apply`, `@theme`) or Sass (`@use`, `@include`, `@mixin`, `$variables`) "builds" and
ships rules that no browser applies: the page is unstyled and the build exits 0. We scan what is
shipped (the CSS outputs, after the built-in Sass and Tailwind steps compiled what they claim) and, for each leftover,
name the source file and line it came from (found by looking for the same text in the output's
CSS inputs), with what to do. `--strict` makes each warning an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from bundlewise.errors import Location, Message, location_in
from bundlewise.esbuild.graph import BuildGraph

# At-rule → the tool that understands it.
PREPROCESSOR_AT_RULES = {
    "tailwind": "Tailwind CSS",
    "apply": "Tailwind CSS",
    "theme": "Tailwind CSS",
    "config": "Tailwind CSS",
    "plugin": "Tailwind CSS",
    "utility": "Tailwind CSS",
    "variant": "Tailwind CSS",
    "custom-variant": "Tailwind CSS",
    "use": "Sass",
    "forward": "Sass",
    "include": "Sass",
    "mixin": "Sass",
    "extend": "Sass",
}

_ADVICE = {
    "Tailwind CSS": 'add @import "tailwindcss" to the stylesheet (or @reference "tailwindcss" '
    "in one that only uses @apply), so that the build compiles it with Tailwind CSS",
    "Sass": "rename the stylesheet to .scss so that the build compiles it with Sass, or use "
    "plain CSS (custom properties instead of $variables)",
}

# Comments and strings are skipped; braces give the nesting depth.
_TOKENS = re.compile(
    r"""(?P<skip>/\*.*?(?:\*/|\Z)|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<at>@(?P<name>[a-zA-Z][\w-]*))
      | (?P<var>\$[a-zA-Z_][\w-]*\s*:)
      | (?P<open>\{) | (?P<close>\})""",
    re.VERBOSE | re.DOTALL,
)


def find_preprocessor_syntax(css: str) -> Iterator[tuple[int, str, str]]:
    """(offset, the text found, the tool it belongs to) for each leftover in `css`."""
    depth = 0
    for m in _TOKENS.finditer(css):
        if m.group("open"):
            depth += 1
        elif m.group("close"):
            depth = max(depth - 1, 0)
        elif m.group("at"):
            tool = PREPROCESSOR_AT_RULES.get(m.group("name").lower())
            if tool:
                yield m.start(), m.group("at"), tool
        elif m.group("var") and depth == 0:
            yield m.start(), m.group("var").split(":")[0].strip(), "Sass"


def check_css(
    graph: BuildGraph, read: Callable[[str], bytes], root: Path, out_prefix: str = ""
) -> list[Message]:
    """A warning for each preprocessor leftover in the CSS outputs of `graph`, at its source."""
    messages: list[Message] = []
    for out in graph:
        if out.kind != "css":
            continue
        text = read(out.path).decode("utf-8", "replace")
        if "@" not in text and "$" not in text:
            continue
        reported: set[tuple[str, str]] = set()
        for offset, found, tool in find_preprocessor_syntax(text):
            where = _source_of(found, list(out.inputs), root)
            key = (where.file if where else out.path, found)
            if key in reported:
                continue
            reported.add(key)
            where = where or location_in(out_prefix + out.path, text, offset)
            messages.append(
                Message(
                    f"{found} is {tool} syntax that browsers ignore: it was shipped as written",
                    where,
                    "warning",
                    notes=(_ADVICE[tool],),
                )
            )
    return messages


def _source_of(found: str, inputs: list[str], root: Path) -> Location | None:
    """The first place among the CSS `inputs` where `found` is written outside comments."""
    for source in inputs:
        path = root / source
        if not source.lower().endswith(".css") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for offset, hit, _tool in find_preprocessor_syntax(text):
            if hit == found:
                return location_in(source, text, offset)
    return None
