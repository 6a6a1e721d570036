"""Subresource Integrity for the scripts, stylesheets and modulepreloads bundlewise writes.

    plugins = ["sri"]

    [plugin.sri]
    algorithm = "sha384"      # or "sha256", "sha512"
    crossorigin = "anonymous" # or "use-credentials"
    manifest = true           # an `integrity` field in each manifest entry

Each page's `<script src>`, `<link rel=stylesheet>` and `<link rel=modulepreload>` that points at a
file of the build gets `integrity="sha384-…"` (over the exact bytes written) and `crossorigin`.
A browser refuses a file whose bytes do not match, so a tampered CDN or cache cannot run code in
the page. The manifest entries get the same value, for backends that write the tags themselves.

Not covered: chunks loaded later by `import()` and the stylesheets and modulepreloads that the
lazy-CSS helper adds at run time. Browsers take no integrity for `import()` except from an import
map's `integrity` table; these files are same-origin, so they load without CORS headers.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bundlewise.config import Config
from bundlewise.pages import PageEditor, scan_tags
from bundlewise.plugins import Build, Plugin
from bundlewise.result import PageResult

LINK_RELS = {"stylesheet", "modulepreload"}


@dataclass(frozen=True)
class SriOptions:
    # The types are the check: the config validator refuses any other value, naming the key.
    algorithm: Literal["sha256", "sha384", "sha512"] = "sha384"
    crossorigin: Literal["anonymous", "use-credentials"] = "anonymous"
    manifest: bool = True


class SubresourceIntegrity(Plugin):
    # Last, so that the hashes cover what other plugins made of the pages and files.
    order = "post"
    Options = SriOptions
    options: SriOptions

    def __init__(self, name: str = "", options: Any = None) -> None:
        super().__init__(name, options or SriOptions())
        self._digests: dict[Path, str] = {}

    def on_config(self, config: Config, *, build: Build) -> None:
        self._digests.clear()  # a new build (the watcher keeps the plugin between builds)

    def on_html(self, html: str, *, page: PageResult, build: Build) -> str:
        assert build.out_dir is not None
        ours = {
            build.url(path, page.output): path
            for path in (*page.scripts, *page.preloads, *page.stylesheets)
        }
        editor = PageEditor(html)
        for tag in scan_tags(html):
            if tag.name == "script":
                url = tag.get("src")
            elif tag.name == "link" and LINK_RELS & set((tag.get("rel") or "").lower().split()):
                url = tag.get("href")
            else:
                continue
            path = ours.get(_strip_query(url or ""))
            if path is None:
                continue
            # Set even when the author wrote one: it described the source, not what we ship.
            editor.set_attr(tag, "integrity", self.digest(build.out_dir / path))
            if not tag.has("crossorigin"):
                editor.set_attr(tag, "crossorigin", self.options.crossorigin)
        return editor.apply()

    def on_manifest(self, manifest: dict[str, Any], *, build: Build) -> dict[str, Any] | None:
        if not self.options.manifest:
            return None
        assert build.out_dir is not None
        return {
            key: {**entry, "integrity": self.digest(build.out_dir / entry["file"])}
            for key, entry in manifest.items()
        }

    def digest(self, path: Path) -> str:
        """`sha384-<base64>` of the file's bytes (each file is read once per build)."""
        if path not in self._digests:
            algorithm = self.options.algorithm
            raw = hashlib.new(algorithm, path.read_bytes()).digest()
            self._digests[path] = f"{algorithm}-{base64.b64encode(raw).decode()}"
        return self._digests[path]


def _strip_query(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0]
