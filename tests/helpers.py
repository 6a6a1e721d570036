"""Small helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative POSIX path → bytes); empty when it does not exist."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def tree(folder: Path) -> set[str]:
    """Every entry (files and folders) under `folder`, for "nothing else was written" checks."""
    return {os.path.relpath(p, folder) for p in folder.rglob("*")}


def build_without_compression(run_cli: Any, root: Path, *args: str) -> tuple[Path, str]:
    """`bundlewise build ROOT --no-compress ARGS`, which must succeed: the output folder and
    the log."""
    done = run_cli("build", root, "--no-compress", *args)
    assert done.returncode == 0, done.stderr
    return root / "dist", done.stderr


def manifest(dist: Path) -> dict[str, Any]:
    return json.loads((dist / ".vite" / "manifest.json").read_text())


class TagCollector(HTMLParser):
    """Every start tag of a page as (name, attrs dict)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = TagCollector()
    parser.feed(html)
    return parser.tags


def local_urls(html: str) -> list[str]:
    """Every same-site URL a page loads or links to an asset with."""
    urls = []
    for name, attrs in tags_of(html):
        for attr in ("src", "href", "poster", "content"):
            value = attrs.get(attr)
            if value and value.startswith("/") and not value.startswith("//"):
                if name == "a":
                    continue
                urls.append(value)
        for attr in ("srcset", "imagesrcset"):
            for candidate in (attrs.get(attr) or "").split(","):
                if candidate.strip():
                    urls.append(candidate.split()[0])
    return urls


def read_table(schema: type[Any], table: Any, section: str) -> tuple[Any, list[str]]:
    """`[section]` of a bundlewise.toml read alone: the options and each problem's text."""
    from bundlewise.config_schema import Problems, read_section

    problems = Problems("bundlewise.toml")
    return read_section(schema, table, problems, section), [m.text for m in problems.messages]


def config_problems(app: Path, toml: str) -> list[str]:
    """The problem texts of `toml` written as APP/bundlewise.toml (it must be refused, exit 2)."""
    from bundlewise.config import load_config
    from bundlewise.errors import ConfigError

    (app / "bundlewise.toml").write_text(toml, encoding="utf-8")
    try:
        load_config(app)
    except ConfigError as error:
        assert error.exit_code == 2
        return [m.text for m in error.messages]
    raise AssertionError("the config was accepted")


def open_page(browser: Any, url: str) -> tuple[Any, list[str]]:
    """A fresh page at `url`, and the list that collects its console errors and failed requests."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on(
        "response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None
    )
    page.goto(url, wait_until="networkidle")
    return page, problems


def open_tracked(browser: Any, url: str) -> tuple[Any, list[str], list[str]]:
    """A fresh page at `url`, the URLs it loaded, and those that failed or answered 4xx/5xx."""
    page = browser.new_page()
    loaded: list[str] = []
    failed: list[str] = []
    page.on("response", lambda r: (loaded if r.status < 400 else failed).append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(url, wait_until="networkidle")
    return page, loaded, failed
