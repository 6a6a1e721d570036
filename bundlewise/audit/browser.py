"""Which Chromium an audit drives, and how it is started.

In order: the `--chromium` option or `BUNDLEWISE_CHROMIUM`, a `chromium`/`chromium-browser`/
`google-chrome` on PATH (the system's), then a browser Playwright installed itself. Playwright
for Python itself comes with `pip install 'bundlewise[audit]'`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from bundlewise.errors import ConfigError, Message

SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Headless on a build machine: no sandbox (containers lack the namespaces it needs), no GPU,
# and none of the background traffic (updates, sync, safe browsing lists) that would compete
# with the page for the throttled network or reach outside the machine.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

INSTALL_HINT = (
    "install one: `apt-get install chromium` (Debian/Ubuntu), or `python -m playwright install "
    "chromium`, or name a Chrome/Chromium binary with --chromium or BUNDLEWISE_CHROMIUM"
)


class AuditSetupError(ConfigError):
    """Playwright or a browser is missing: exit code 2, like a configuration problem."""


def require_playwright() -> Any:
    """`playwright.async_api`, or an error saying how to install it."""
    try:
        import playwright.async_api as api
    except ImportError:
        raise AuditSetupError(
            Message(
                "bundlewise audit needs Playwright for Python",
                notes=("install it with: pip install 'bundlewise[audit]'",),
            )
        ) from None
    return api


def find_chromium(configured: str | None = None) -> str | None:
    """The Chromium to run: configured, on PATH, or Playwright's own; None when there is none.

    None also means "let Playwright use its own browser", which the caller tries last.
    """
    wanted = configured or os.environ.get("BUNDLEWISE_CHROMIUM")
    if wanted:
        found = shutil.which(wanted) or (wanted if Path(wanted).is_file() else None)
        if found is None:
            raise AuditSetupError(Message(f"Chromium not found at {wanted}", notes=(INSTALL_HINT,)))
        return found
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


async def launch(playwright: Any, configured: str | None = None) -> Any:
    """Start one headless browser for the whole audit."""
    path = find_chromium(configured)
    try:
        return await playwright.chromium.launch(
            executable_path=path, args=list(LAUNCH_ARGS), headless=True
        )
    except Exception as exc:  # Playwright raises its own Error type for a missing browser
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = path or "Playwright's own browser"
        raise AuditSetupError(
            Message(f"cannot start Chromium ({where}): {first_line}", notes=(INSTALL_HINT,))
        ) from None
