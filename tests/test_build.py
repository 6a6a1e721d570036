"""The production build of the sample app, end to end with the real esbuild."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from helpers import manifest, snapshot, tags_of

HASHED = re.compile(r"-[A-Z2-7]{8}\.")


@pytest.fixture
def built(sample_app: Path, run_cli) -> Path:  # type: ignore[no-untyped-def]
    done = run_cli("build", sample_app, "--no-images", "--no-compress")
    assert done.returncode == 0, done.stderr
    return sample_app / "dist"


def static_closure(m: dict, key: str) -> set[str]:  # type: ignore[type-arg]
    seen: set[str] = set()
    stack = list(m[key].get("imports", []))
    while stack:
        k = stack.pop()
        if k not in seen:
            seen.add(k)
            stack.extend(m[k].get("imports", []))
    return {m[k]["file"] for k in seen}


def test_entries_shared_and_dynamic_chunks_are_hashed(built: Path) -> None:
    m = manifest(built)
    assert m["src/main.ts"]["isEntry"] and HASHED.search(m["src/main.ts"]["file"])
    assert m["src/about.ts"]["isEntry"] and HASHED.search(m["src/about.ts"]["file"])
    shared = [k for k in m if k.startswith("_chunk-")]
    assert len(shared) == 1, "the ui module both pages import becomes one shared chunk"
    assert shared[0] in m["src/main.ts"]["imports"] and shared[0] in m["src/about.ts"]["imports"]
    gallery = m["src/routes/gallery.ts"]
    assert gallery["isDynamicEntry"] and HASHED.search(gallery["file"])
    assert m["src/main.ts"]["dynamicImports"] == ["src/routes/gallery.ts"]
    assert gallery["css"] and (built / gallery["css"][0]).is_file()


def test_manifest_points_at_real_files(built: Path) -> None:
    m = manifest(built)
    for key, entry in m.items():
        assert (built / entry["file"]).is_file(), key
        for css in entry.get("css", []) + entry.get("assets", []):
            assert (built / css).is_file(), (key, css)
        for dep in entry.get("imports", []) + entry.get("dynamicImports", []):
            assert dep in m, (key, dep)
        if not key.startswith("_"):
            assert entry["src"] == key and (built.parent / key).is_file()


def test_css_imported_from_js_reaches_the_page_and_stylesheets_are_hashed(built: Path) -> None:
    # Both stylesheets are small, so the page holds them as <style>, in link order, with the
    # URLs written from the page; the hashed files stay for the manifest's users.
    html = (built / "index.html").read_text()
    m = manifest(built)
    files = [m["styles/site.css"]["file"], m["src/main.ts"]["css"][0]]
    assert all(re.search(r"-[A-Z2-7]{8}\.css$", f) for f in files)
    styles = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    expected = []
    for f in files:
        css = (built / f).read_text()
        css = re.sub(r"\s*/\*# sourceMappingURL=[^*]*\*/\s*$", "", css).strip()
        expected.append(css.replace('url("../', 'url("/assets/'))
    assert styles == expected
    assert not [a for t, a in tags_of(html) if t == "link" and a.get("rel") == "stylesheet"]


def test_every_url_in_every_page_resolves_to_a_file(built: Path) -> None:
    for page in ("index.html", "about.html"):
        for name, attrs in tags_of((built / page).read_text()):
            for attr in ("src", "href", "content"):
                url = attrs.get(attr) or ""
                if name != "a" and url.startswith("/"):
                    assert (built / unquote(url.lstrip("/"))).is_file(), (page, url)


def test_modulepreload_is_exactly_the_static_closure(built: Path) -> None:
    m = manifest(built)
    for page, entry in (("index.html", "src/main.ts"), ("about.html", "src/about.ts")):
        tags = tags_of((built / page).read_text())
        preloads = [a["href"] for t, a in tags if t == "link" and a.get("rel") == "modulepreload"]
        assert len(preloads) == len(set(preloads)), "no duplicates"
        assert {p.lstrip("/") for p in preloads} == static_closure(m, entry)
        assert m["src/routes/gallery.ts"]["file"] not in {p.lstrip("/") for p in preloads}


def test_lazy_chunk_loads_its_css_through_the_helper(built: Path) -> None:
    m = manifest(built)
    main_js = (built / m["src/main.ts"]["file"]).read_text()
    gallery = m["src/routes/gallery.ts"]
    css_name = Path(gallery["css"][0]).name
    assert f'import("../{Path(gallery["file"]).name}")' in main_js
    assert css_name in main_js, "the wrapped import() names the lazy chunk's CSS"


def test_b9_names_are_hashes_of_final_bytes(sample_app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """Editing the lazy route's CSS renames its CSS and every file that points at it."""
    assert run_cli("build", sample_app, "--no-images", "--no-compress").returncode == 0
    before = manifest(sample_app / "dist")
    css = sample_app / "src/routes/gallery.css"
    css.write_text(css.read_text() + "\n.gallery figcaption { font-weight: 700; }\n")
    assert run_cli("build", sample_app, "--no-images", "--no-compress").returncode == 0
    after = manifest(sample_app / "dist")
    assert after["src/routes/gallery.ts"]["css"] != before["src/routes/gallery.ts"]["css"]
    assert after["src/main.ts"]["file"] != before["src/main.ts"]["file"], "main names the CSS"
    assert after["src/about.ts"]["file"] == before["src/about.ts"]["file"], "unrelated: unchanged"


def test_source_map_still_points_at_the_source_after_wrapping(built: Path) -> None:
    from bundlewise.sourcemap import decode_vlq

    m = manifest(built)
    script = built / m["src/main.ts"]["file"]
    text = script.read_text()
    data = json.loads((built / (m["src/main.ts"]["file"] + ".map")).read_text())
    target = text.index('"#gallery"')  # after the inserted helper call on the same line
    line = text.count("\n", 0, target)
    column = target - (text.rfind("\n", 0, target) + 1)
    state = [0, 0, 0, 0]
    best = None
    for segment in data["mappings"].split(";")[line].split(","):
        fields = decode_vlq(segment)
        state[0] += fields[0]
        if len(fields) >= 4:
            state[1] += fields[1]
            state[2] += fields[2]
            state[3] += fields[3]
        if state[0] <= column:
            best = (data["sources"][state[1]], state[2] + 1)
    assert best is not None
    source, source_line = best
    assert source.endswith("src/main.ts")
    original = (built.parent / "src/main.ts").read_text().splitlines()
    assert '"#gallery"' in original[source_line - 1]


def test_public_files_are_copied_verbatim(built: Path, sample_app: Path) -> None:
    assert (built / "robots.txt").read_bytes() == (sample_app / "public/robots.txt").read_bytes()


def test_html_outside_edited_tags_is_unchanged(built: Path, sample_app: Path) -> None:
    source = (sample_app / "about.html").read_text()
    output = (built / "about.html").read_text()
    assert output.startswith(source[: source.index('<link rel="icon"')])
    between = source[source.index("</head>") : source.index("<img")]
    assert between in output
    assert output.endswith(source[source.index("\n    </main>") :])


def test_second_build_replaces_the_first_and_leaves_no_staging(sample_app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("build", sample_app, "--no-images", "--no-compress").returncode == 0
    first = snapshot(sample_app / "dist")
    (sample_app / "src/about.ts").write_text("console.log('renamed');\n")
    assert run_cli("build", sample_app, "--no-images", "--no-compress").returncode == 0
    second = snapshot(sample_app / "dist")
    assert first != second
    leftovers = [p.name for p in sample_app.iterdir() if p.name.startswith(".dist")]
    assert leftovers == []


def test_entries_from_config_for_backend_rendered_html(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project(
        {
            "bundlewise.toml": 'entries = ["src/admin.ts"]\nmanifest = "manifest.json"\n',
            "src/admin.ts": "export const x: number = 1; console.log(x);\n",
        }
    )
    done = run_cli("build", root)
    assert done.returncode == 0, done.stderr
    m = json.loads((root / "dist/manifest.json").read_text())
    assert m["src/admin.ts"]["isEntry"] is True
    assert (root / "dist" / m["src/admin.ts"]["file"]).is_file()


def test_d19_odd_file_names_are_not_flags_and_urls_are_encoded(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project(
        {
            "index.html": '<script type="module" src="./-dash%20%231 é.js"></script>\n',
            "-dash #1 é.js": "console.log('odd');\n",
        }
    )
    done = run_cli("build", root, "--no-compress")
    assert done.returncode == 0, done.stderr
    html = (root / "dist/index.html").read_text()
    src = next(a["src"] for t, a in tags_of(html) if t == "script")
    assert "%23" in src and "%20" in src and " " not in src
    assert (root / "dist" / unquote(src.lstrip("/"))).is_file()


def test_a_file_used_by_css_and_html_ships_once(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    font = (
        Path(__file__).parents[1] / "sample_app/fonts/inter-latin-400-normal.woff2"
    ).read_bytes()
    root = make_project(
        {
            "index.html": '<link rel="preload" href="./f.woff2" as="font" crossorigin>\n'
            '<link rel="stylesheet" href="./site.css">\n',
            "site.css": '@font-face{font-family:I;src:url("./f.woff2")}body{font-family:I}\n',
            "f.woff2": font,
        }
    )
    done = run_cli("build", root, "--no-compress")
    assert done.returncode == 0, done.stderr
    fonts = sorted((root / "dist").rglob("*.woff2"))
    assert len(fonts) == 1
    html = (root / "dist/index.html").read_text()
    css = next((root / "dist").rglob("site-*.css")).read_text()
    assert f'href="/assets/{fonts[0].name}"' in html and fonts[0].name in css


def test_d19_names_with_quotes_ampersands_and_decomposed_accents(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    import unicodedata

    name = unicodedata.normalize("NFD", "rock & roll 'café'.js")
    root = make_project(
        {
            "index.html": f'<script type="module" src="./{name.replace("&", "&amp;")}"></script>\n',
            name: "console.log('odd');\n",
        }
    )
    done = run_cli("build", root, "--no-compress")
    assert done.returncode == 0, done.stderr
    src = next(
        a["src"] for t, a in tags_of((root / "dist/index.html").read_text()) if t == "script"
    )
    assert "%26" in src and "%27" in src and "'" not in src
    assert (root / "dist" / unquote(src.lstrip("/"))).is_file()


def test_every_output_is_readable_by_a_web_server(built: Path) -> None:
    for path in built.rglob("*"):
        if path.is_file():
            assert path.stat().st_mode & 0o044 == 0o044, path
