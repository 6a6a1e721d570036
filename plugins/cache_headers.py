"""HTTP caching rules for the built files: a `_headers` file and an nginx snippet.

    plugins = ["cache_headers"]

    [plugin.cache_headers]
    headers_file = "_headers"          # Netlify / Cloudflare Pages format ("" to skip)
    nginx_file = "nginx-headers.conf"  # `include` it in a `server {}` block ("" to skip)
    max_age = 31536000                 # seconds, for content-hashed files

- Content-hashed files (`name-HASH.ext`, their source maps and compressed siblings) never change
  under their name: `Cache-Control: public, max-age=31536000, immutable`.
- Everything else (HTML pages, the manifest, `public/` files): `Cache-Control: no-cache`, so the
  browser revalidates and always sees the current page, which names the current hashed files.
- Pre-compressed siblings (`.br`, `.gz`, `.zst`), when requested by name, carry the original
  file's `Content-Type`, their `Content-Encoding` and `Vary: Accept-Encoding`. nginx serves them in
  place of the original with `gzip_static`/`brotli_static`, which the snippet turns on.

In `_headers`, a folder holding only hashed files gets one `/folder/*` rule; Cloudflare Pages reads
at most 100 rules, so a warning says when the file has more.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from bundlewise.file_kinds import content_type
from bundlewise.plugins import Build, Plugin
from bundlewise.report.record import Stats
from bundlewise.result import BuildResult

HASHED = re.compile(r"-[A-Z2-7]{8}(\.[^./-]+)+$")
"""esbuild's and bundlewise's content hash: 8 characters of base32 before the extension."""

ENCODINGS = {".br": "br", ".gz": "gzip", ".zst": "zstd"}
NO_CACHE = "no-cache"
CLOUDFLARE_RULE_LIMIT = 100


@dataclass(frozen=True)
class CacheHeadersOptions:
    headers_file: str = "_headers"
    nginx_file: str = "nginx-headers.conf"
    max_age: int = 31536000


@dataclass(frozen=True)
class FileRule:
    """The headers one output file is served with."""

    path: str
    headers: tuple[tuple[str, str], ...]
    hashed: bool


class CacheHeaders(Plugin):
    # Last, so that files other plugins add are covered too.
    order = "post"
    Options = CacheHeadersOptions
    options: CacheHeadersOptions

    def __init__(self, name: str = "", options: Any = None) -> None:
        super().__init__(name, options or CacheHeadersOptions())

    def on_post_build(self, result: BuildResult, *, stats: Stats, build: Build) -> None:
        assert build.out_dir is not None
        ours = {self.options.headers_file, self.options.nginx_file} - {""}
        files = sorted(
            p.relative_to(build.out_dir).as_posix()
            for p in build.out_dir.rglob("*")
            if p.is_file() and not p.name.startswith(".bundlewise")
        )
        files = [f for f in files if f not in ours]
        public = _public_files(build)
        rules = plan(files, public, self.options.max_age)
        prefix = _url_prefix(build.config.base)
        if self.options.headers_file:
            text, count = render_headers(rules, prefix)
            (build.out_dir / self.options.headers_file).write_text(text, encoding="utf-8")
            if count > CLOUDFLARE_RULE_LIMIT:
                build.warning(
                    f"{self.options.headers_file} has {count} rules; Cloudflare Pages reads "
                    f"only the first {CLOUDFLARE_RULE_LIMIT}",
                    notes=("Netlify reads them all; nginx users can skip it: headers_file = ''",),
                )
        if self.options.nginx_file:
            text = render_nginx(rules, prefix)
            (build.out_dir / self.options.nginx_file).write_text(text, encoding="utf-8")


def plan(files: list[str], public: set[str], max_age: int) -> list[FileRule]:
    """The headers of every file (paths relative to the output folder)."""
    present = set(files)
    immutable = f"public, max-age={max_age}, immutable"
    rules = []
    for path in files:
        base, encoding = _sibling_of(path, present)
        hashed = is_hashed(base) and base not in public
        headers = [("Cache-Control", immutable if hashed else NO_CACHE)]
        if encoding:
            headers.append(("Content-Type", content_type(base)))
            headers.append(("Content-Encoding", encoding))
            headers.append(("Vary", "Accept-Encoding"))
        rules.append(FileRule(path, tuple(headers), hashed))
    return rules


def is_hashed(path: str) -> bool:
    """True for `name-HASH.ext` and its source map `name-HASH.ext.map`."""
    name = posixpath.basename(path)
    return bool(HASHED.search(name.removesuffix(".map")))


def _sibling_of(path: str, present: set[str]) -> tuple[str, str | None]:
    """(original, encoding) for a compressed sibling; (path, None) for any other file."""
    stem, ext = posixpath.splitext(path)
    if ext in ENCODINGS and stem in present:
        return stem, ENCODINGS[ext]
    return path, None


def render_headers(rules: list[FileRule], prefix: str) -> tuple[str, int]:
    """`_headers` text and its number of rules. Rules never overlap on a header name: a folder
    gets a `/folder/*` rule only when every file under it is hashed."""
    folders = _hashed_folders(rules)
    lines = ["# Cache rules written by bundlewise (cache_headers plugin). Do not edit."]
    count = 0
    for folder in folders:
        cache_control = next(r.headers[0][1] for r in rules if r.path.startswith(folder + "/"))
        lines += [f"{prefix}{folder}/*", f"  Cache-Control: {cache_control}"]
        count += 1
    for rule in rules:
        covered = any(rule.path.startswith(f + "/") for f in folders)
        headers = [h for h in rule.headers if not (covered and h[0] == "Cache-Control")]
        if not headers:
            continue
        for url in _urls(rule.path, prefix):
            lines.append(url)
            lines.extend(f"  {name}: {value}" for name, value in headers)
            count += 1
    return "\n".join(lines) + "\n", count


def render_nginx(rules: list[FileRule], prefix: str) -> str:
    """Exact-match `location`s (a hash lookup in nginx, fast for thousands of files)."""
    lines = [
        "# Cache rules written by bundlewise (cache_headers plugin). Do not edit.",
        "# `include` this file inside a `server { }` block whose `root` is the output folder.",
        "# Serves the .gz sibling of a file when the client accepts gzip; with the ngx_brotli",
        "# module, add `brotli_static on;` for the .br siblings.",
        "gzip_static on;",
        "gzip_vary on;",
    ]
    for rule in rules:
        for url in _urls(rule.path, prefix):
            lines.append(f"location = {_nginx_quote(url)} {{")
            for name, value in rule.headers:
                if name == "Content-Type":
                    # Siblings have no type of their own: clear the extension map, use the original's.
                    lines += ["    types { }", f'    default_type "{value}";']
                else:
                    lines.append(f'    add_header {name} "{value}";')
            lines.append("}")
    return "\n".join(lines) + "\n"


def _hashed_folders(rules: list[FileRule]) -> list[str]:
    """Top-level folders whose files are all hashed (then one wildcard rule covers them)."""
    by_folder: dict[str, bool] = {}
    for rule in rules:
        folder, sep, _ = rule.path.partition("/")
        if sep:
            by_folder[folder] = by_folder.get(folder, True) and rule.hashed
    return sorted(f for f, all_hashed in by_folder.items() if all_hashed)


def _urls(path: str, prefix: str) -> list[str]:
    """The URLs a file is served at: `dir/index.html` also at `dir/`, `page.html` at `page`."""
    from urllib.parse import quote

    url = prefix + quote(path)
    if path == "index.html" or path.endswith("/index.html"):
        return [url.removesuffix("index.html"), url]
    if path.endswith(".html"):
        return [url.removesuffix(".html"), url]  # "pretty URLs" on Netlify and Cloudflare Pages
    return [url]


def _url_prefix(base: str) -> str:
    """The site path the output folder is served at (relative and absolute-URL bases: `/`)."""
    if base.startswith("/"):
        return base.rstrip("/") + "/"
    if base.startswith(("http://", "https://")):
        from urllib.parse import urlsplit

        return urlsplit(base).path.rstrip("/") + "/"
    return "/"


def _nginx_quote(url: str) -> str:
    return f'"{url}"' if any(c in url for c in " ;{}\"'") else url


def _public_files(build: Build) -> set[str]:
    """Files copied from `public/`: never hashed by us, whatever their names look like."""
    public = build.config.public_dir
    if not public.is_dir():
        return set()
    return {p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file()}
