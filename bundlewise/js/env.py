"""`import.meta.env` as Vite defines it, and `%VAR%` in HTML, from `.env` files.

Built-in keys: `MODE` (the `mode` setting, "production" by default; the watcher's dev profile
uses "development"), `DEV`, `PROD`, `SSR` (always false: we build for browsers) and `BASE_URL`
(`base`). Variables come from, later wins: `.env`, `.env.local`, `.env.[mode]`,
`.env.[mode].local` in the app root, then the process environment. Only variables whose name
starts with a public prefix (`VITE_`, so that Vite apps move over unchanged, or `BUNDLEWISE_`) ever
reach the output: everything else in those files stays private, whatever the code asks for.

From the process environment, every `VITE_` variable is taken (as Vite does: CI sets
`VITE_API_URL`), but a `BUNDLEWISE_` one only replaces a variable that an `.env` file declares:
bundlewise's own settings live in that namespace (`BUNDLEWISE_CACHE_DIR`, ...) and must never be
published just because they are set.

They are esbuild defines: each `import.meta.env.KEY` becomes its value, and `import.meta.env` as a
whole becomes an object holding exactly the public keys (an unknown key reads as `undefined`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from bundlewise.config import Config

PUBLIC_PREFIXES = ("VITE_", "BUNDLEWISE_")

_LINE = re.compile(
    r"""^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`|[^\n]*?)\s*(?:\#[^\n]*)?$"""
)
_EXPAND = re.compile(r"(?<!\\)\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_HTML_VAR = re.compile(r"%([A-Za-z_][A-Za-z0-9_]*)%")


def env_files(root: Path, mode: str) -> list[Path]:
    return [root / name for name in (".env", ".env.local", f".env.{mode}", f".env.{mode}.local")]


def parse_dotenv(text: str) -> dict[str, str]:
    """`KEY=value` lines (`export`, quotes, `#` comments, `${OTHER}` expansion) as dotenv reads them."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        raw = m.group("value")
        if raw[:1] == '"' and raw.endswith('"') and len(raw) > 1:
            value = raw[1:-1].replace("\\n", "\n").replace('\\"', '"')
        elif raw[:1] in ("'", "`") and raw.endswith(raw[0]) and len(raw) > 1:
            value = raw[1:-1]
        else:
            value = raw.strip()
        if raw[:1] != "'":
            value = _EXPAND.sub(lambda v: values.get(v[1], os.environ.get(v[1], "")), value)
        values[m.group("key")] = value
    return values


def public_env(config: Config, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every value the built code and pages may see: built-in keys, then public variables."""
    loaded: dict[str, str] = {}
    for path in env_files(config.root, config.mode):
        if path.is_file():
            loaded.update(parse_dotenv(path.read_text(encoding="utf-8", errors="replace")))
    environ = os.environ if environ is None else environ
    loaded.update((k, v) for k, v in environ.items() if k.startswith("VITE_") or k in loaded)
    public = {k: v for k, v in sorted(loaded.items()) if k.startswith(PUBLIC_PREFIXES)}
    production = config.mode == "production"
    builtins: dict[str, str | bool] = {
        "BASE_URL": config.base,
        "MODE": config.mode,
        "DEV": not production,
        "PROD": production,
        "SSR": False,
    }
    return {
        **{k: json.dumps(v) for k, v in builtins.items()},
        **{k: json.dumps(v) for k, v in public.items()},
    }


def env_defines(config: Config) -> list[str]:
    """esbuild `--define` flags for `import.meta.env` and each of its keys."""
    env = public_env(config)
    whole = "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in env.items()) + "}"
    return [
        f"--define:import.meta.env={whole}",
        *(f"--define:import.meta.env.{k}={v}" for k, v in env.items() if k.isidentifier()),
    ]


def replace_html_vars(text: str, env: Mapping[str, str]) -> tuple[str, list[tuple[int, str]]]:
    """`%VITE_X%` (and `%MODE%`, `%BASE_URL%`...) in a page replaced by their values.

    Returns the text and (line, name) of each `%NAME%` with a public prefix that has no value,
    which is left as written (a typo the author wants to hear about).
    """
    unknown: list[tuple[int, str]] = []

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in env:
            value = json.loads(env[name])
            return value if isinstance(value, str) else json.dumps(value)
        if name.startswith(PUBLIC_PREFIXES):
            unknown.append((text.count("\n", 0, m.start()) + 1, name))
        return m.group()

    return _HTML_VAR.sub(sub, text), unknown
