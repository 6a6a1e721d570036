"""Read JSON with comments and trailing commas (JSONC), as `tsconfig.json` files are written."""

from __future__ import annotations

import json
import re
from typing import Any

# Strings first, so that `//` or `/*` inside a string is kept; then comments; then a comma that
# only whitespace or comments separate from a closing bracket.
_TOKEN = re.compile(
    r'(?P<string>"(?:[^"\\\n]|\\.)*")'
    r"|(?P<line>//[^\n]*)"
    r"|(?P<block>/\*.*?\*/)"
    r"|(?P<comma>,(?=(?:\s|//[^\n]*|/\*.*?\*/)*[}\]]))",
    re.DOTALL,
)


def loads(text: str) -> Any:
    """Parse JSONC text; raises `ValueError` (`json.JSONDecodeError`) on bad input."""

    def keep(m: re.Match[str]) -> str:
        if m.group("string") is not None:
            return m.group()
        if m.group("block") is not None:
            return re.sub(r"[^\n]", " ", m.group())  # keep line numbers for error messages
        return " " * len(m.group())

    return json.loads(_TOKEN.sub(keep, text.removeprefix("\ufeff")))
