"""The `cache_headers` plugin over the sample app's real output: every hashed file is immutable,
nothing else is, and compressed siblings say what they are."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from plugin_fixture import build_sample

IMMUTABLE = "public, max-age=31536000, immutable"
# Public files are copied as they are: a hash-like name there is the author's, not a content hash.
PUBLIC_LOOKALIKE = "public/legacy-ABCDEFGH.js"
HASH = re.compile(r"-[A-Z2-7]{8}\.")
OURS = {".bundlewise-output", "_headers", "nginx-headers.conf"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory, esbuild_path: Path) -> Path:
    app = tmp_path_factory.mktemp("headers") / "app"
    config = 'plugins = ["cache_headers"]\ncache_dir = "../shared-cache"\n'
    done = build_sample(app, esbuild_path, config, extra={PUBLIC_LOOKALIKE: "old();\n"})
    assert done.returncode == 0, done.stderr
    return app / "dist"


def served_files(dist: Path) -> list[str]:
    return sorted(
        p.relative_to(dist).as_posix()
        for p in dist.rglob("*")
        if p.is_file() and p.relative_to(dist).as_posix() not in OURS
    )


def is_hashed(path: str) -> bool:
    """Independent of the plugin: esbuild/bundlewise hash before the extension, not public/."""
    return bool(HASH.search(Path(path).name)) and path != PUBLIC_LOOKALIKE.removeprefix("public/")


def parse_headers(text: str) -> list[tuple[str, dict[str, str]]]:
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            rules.append((line, {}))
        else:
            name, _, value = line.strip().partition(": ")
            assert name not in rules[-1][1], f"{name} twice in one rule"
            rules[-1][1][name] = value
    return rules


def headers_for(url: str, rules: list[tuple[str, dict[str, str]]]) -> dict[str, str]:
    """What Netlify / Cloudflare Pages send: every matching rule applies (a trailing `*` is a
    splat). Two rules setting the same header would be joined: the test forbids that."""
    merged: dict[str, str] = {}
    for pattern, headers in rules:
        hit = url.startswith(pattern[:-1]) if pattern.endswith("*") else url == pattern
        if hit:
            for name, value in headers.items():
                assert name not in merged, f"{url}: {name} set by two rules"
                merged[name] = value
    return merged


def test_sample_output_has_what_the_rules_must_cover(dist: Path) -> None:
    files = served_files(dist)
    hashed = [f for f in files if is_hashed(f)]
    assert any(f.endswith(".webp") for f in hashed), "image variants"
    assert any(f.endswith(".js.br") for f in hashed), "compressed siblings"
    assert any(f.endswith(".js.map") for f in hashed), "source maps"
    assert "legacy-ABCDEFGH.js" in files and "robots.txt" in files and "index.html" in files


def test_headers_file_makes_every_hashed_file_immutable_and_nothing_else(dist: Path) -> None:
    rules = parse_headers((dist / "_headers").read_text())
    for path in served_files(dist):
        headers = headers_for("/" + quote(path), rules)
        expected = IMMUTABLE if is_hashed(path) else "no-cache"
        assert headers.get("Cache-Control") == expected, path


def test_pages_and_manifest_are_revalidated_at_every_url(dist: Path) -> None:
    rules = parse_headers((dist / "_headers").read_text())
    for url in ("/", "/index.html", "/about", "/about.html", "/.vite/manifest.json"):
        assert headers_for(url, rules)["Cache-Control"] == "no-cache", url


@pytest.mark.parametrize(("suffix", "encoding"), [(".br", "br"), (".gz", "gzip")])
def test_compressed_siblings_carry_type_encoding_and_vary(
    dist: Path, suffix: str, encoding: str
) -> None:
    rules = parse_headers((dist / "_headers").read_text())
    types = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
             ".html": "text/html; charset=utf-8", ".json": "application/json",
             ".map": "application/json", ".svg": "image/svg+xml"}  # fmt: skip
    siblings = [f for f in served_files(dist) if f.endswith(suffix)]
    assert len(siblings) >= 8
    for path in siblings:
        headers = headers_for("/" + quote(path), rules)
        original = path.removesuffix(suffix)
        assert (dist / original).is_file()
        assert headers["Content-Type"] == types[Path(original).suffix], path
        assert headers["Content-Encoding"] == encoding
        assert headers["Vary"] == "Accept-Encoding"
    originals = [f for f in served_files(dist) if not f.endswith((".br", ".gz"))]
    assert all("Content-Encoding" not in headers_for("/" + quote(f), rules) for f in originals)


def parse_nginx(text: str) -> dict[str, dict[str, str]]:
    """`location = URL { ... }` blocks → URL → headers (default_type as Content-Type)."""
    blocks: dict[str, dict[str, str]] = {}
    for url, body in re.findall(r'location = "?([^"\s]+)"? \{\n(.*?)\n\}', text, re.S):
        headers = dict(re.findall(r'add_header (\S+) "([^"]*)";', body))
        if m := re.search(r'default_type "([^"]*)";', body):
            headers["Content-Type"] = m[1]
        assert url not in blocks
        blocks[url] = headers
    return blocks


def test_nginx_snippet_matches_every_file_exactly(dist: Path) -> None:
    text = (dist / "nginx-headers.conf").read_text()
    assert "gzip_static on;" in text
    assert text.count("{") == text.count("}")
    blocks = parse_nginx(text)
    for path in served_files(dist):
        headers = blocks["/" + quote(path)]
        expected = IMMUTABLE if is_hashed(path) else "no-cache"
        assert headers["Cache-Control"] == expected, path
        if path.endswith(".br"):
            assert headers["Content-Encoding"] == "br"
    assert blocks["/"]["Cache-Control"] == "no-cache"


def test_base_path_and_turning_a_file_off(tmp_path: Path, esbuild_path: Path) -> None:
    config = """
        plugins = ["cache_headers"]
        base = "/static/"
        [images]
        enabled = false
        [plugin.cache_headers]
        nginx_file = ""
        max_age = 600
    """
    done = build_sample(tmp_path / "app", esbuild_path, config)
    assert done.returncode == 0, done.stderr
    dist = tmp_path / "app" / "dist"
    assert not (dist / "nginx-headers.conf").exists()
    rules = parse_headers((dist / "_headers").read_text())
    assert headers_for("/static/index.html", rules) == {"Cache-Control": "no-cache"}
    script = next(f for f in served_files(dist) if f.endswith(".js") and is_hashed(f))
    cache = headers_for("/static/" + script, rules)["Cache-Control"]
    assert cache == "public, max-age=600, immutable"
