"""esbuild flags for the app's scripts: JSX as the project declares it, `import.meta.env`."""

from __future__ import annotations

from bundlewise.config import Config
from bundlewise.js.env import env_defines
from bundlewise.js.jsx import resolve_jsx


def script_args(config: Config) -> list[str]:
    jsx, _ = resolve_jsx(config.root, config.jsx)
    return [*jsx.esbuild_args(), *env_defines(config)]
