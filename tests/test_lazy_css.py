"""Lazy CSS stays lazy: a page starts with the CSS of its static imports only, in import order."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import tags_of
from test_sass import sass_path  # noqa: F401  (fixture: the pinned Dart Sass)

MAIN = """\
import "./base.css";
import "./shared.js";
import "./after.css";
document.querySelector("#go").addEventListener("click", async () => {
  const { show } = await import("./route.js");
  show();
});
"""

FILES: dict[str, str] = {
    "index.html": (
        "<!doctype html>\n<html>\n  <head>\n    <title>lazy</title>\n  </head>\n  <body>\n"
        '    <p class="box">box</p><p class="route">route</p><p class="nested">nested</p>\n'
        '    <button id="go">go</button><p id="done"></p>\n'
        '    <script type="module" src="./src/main.js"></script>\n  </body>\n</html>\n'
    ),
    "src/main.js": MAIN,
    "src/shared.js": 'import "./shared.css";\nexport const shared = 1;\n',
    "src/route.js": (
        'import "./base.css";\nimport "./route.css";\n'
        "export function show() {\n"
        '  import("./nested.js").then(() => { document.querySelector("#done").textContent = "ok"; });\n'
        "}\n"
    ),
    "src/nested.js": 'import "./nested.css";\nexport default 1;\n',
    # after.css overrides base.css: re-applying base.css later would turn the box red again.
    "src/base.css": ".box { color: rgb(255, 0, 0); } .base-rule { order: 1; }\n",
    "src/shared.css": ".shared-rule { order: 2; }\n",
    "src/after.css": ".box { color: rgb(0, 128, 0); } .after-rule { order: 3; }\n",
    "src/route.css": ".route { color: rgb(0, 0, 255); }\n",
    "src/nested.css": ".nested { color: rgb(255, 0, 255); }\n",
}


@pytest.fixture
def app(make_project) -> Path:  # type: ignore[no-untyped-def]
    return make_project(FILES)  # type: ignore[no-any-return]


def build(run_cli: Any, root: Path, *args: str) -> Path:
    done = run_cli("build", root, "--no-images", "--no-compress", *args)
    assert done.returncode == 0, done.stderr
    return root / "dist"


def manifest_of(dist: Path) -> dict[str, Any]:
    return json.loads((dist / ".vite/manifest.json").read_text())  # type: ignore[no-any-return]


def css_text(dist: Path, key: str) -> str:
    files = manifest_of(dist)[key].get("css", [])
    return "".join((dist / f).read_text() for f in files)


def page_stylesheets(dist: Path, page: str = "index.html") -> list[str]:
    html = (dist / page).read_text()
    return [
        str(a["href"]) for t, a in tags_of(html) if t == "link" and a.get("rel") == "stylesheet"
    ]


def test_entry_css_holds_only_its_static_imports_in_import_order(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    dist = build(run_cli, app)
    css = css_text(dist, "src/main.js")
    assert ".route" not in css and ".nested" not in css
    positions = [css.index(rule) for rule in (".base-rule", ".shared-rule", ".after-rule")]
    assert positions == sorted(positions)


def test_lazy_chunk_css_holds_its_own_rules_not_nested_or_already_applied_ones(
    app: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    dist = build(run_cli, app)
    route = css_text(dist, "src/route.js")
    assert ".route" in route
    assert ".nested" not in route, "a chunk's own import() targets bring their CSS later"
    assert ".base-rule" not in route, "the page has applied base.css already"
    assert ".nested" in css_text(dist, "src/nested.js")


def test_initial_css_equals_what_esbuild_gives_without_the_lazy_import(
    app: Path, make_project, run_cli
) -> None:  # type: ignore[no-untyped-def]
    """The rebuilt bundle is byte for byte esbuild's own bundle of the static imports."""
    static = make_project({**FILES, "src/main.js": MAIN.split("document")[0]}, name="static")
    lazy_css = css_text(build(run_cli, app), "src/main.js")
    static_css = css_text(build(run_cli, static), "src/main.js")
    strip = re.compile(r"/\*# sourceMappingURL=.*\*/")
    assert strip.sub("", lazy_css) == strip.sub("", static_css)


def test_source_map_of_the_rebuilt_css_points_at_the_sources(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    dist = build(run_cli, app)
    css_file = manifest_of(dist)["src/main.js"]["css"][0]
    assert f"sourceMappingURL={Path(css_file).name}.map" in (dist / css_file).read_text()
    sourcemap = json.loads((dist / (css_file + ".map")).read_text())
    folder = (dist / css_file).parent
    found = {(folder / s).resolve() for s in sourcemap["sources"]}
    assert found == {(app / "src" / n).resolve() for n in ("base.css", "shared.css", "after.css")}


def test_stylesheets_of_a_body_script_go_in_head(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "bundlewise.toml").write_text("[html]\ninline_css = 0\n")  # keep the <link>
    html = (build(run_cli, app) / "index.html").read_text()
    link = html.index('rel="stylesheet"')
    assert link < html.index("</head>") < html.index("<script")
    assert '    <link rel="stylesheet"' in html, "indented like the head's other tags"
    (app / "bundlewise.toml").unlink()  # inlined, the CSS takes the link's place
    html = (build(run_cli, app) / "index.html").read_text()
    assert html.index("    <style>") < html.index("</head>") < html.index("<script")


def test_report_counts_only_initial_css(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    dist = build(run_cli, app)
    page = json.loads((dist / "bundlewise-stats.json").read_text())["pages"]["index.html"]
    m = manifest_of(dist)
    initial_css = [f for f in page["initial"]["files"] if f.endswith(".css")]
    assert initial_css == m["src/main.js"]["css"]
    lazy = set(page["lazy"]["files"])
    assert set(m["src/route.js"]["css"]) <= lazy and set(m["src/nested.js"]["css"]) <= lazy


def test_entry_whose_css_is_all_lazy_links_no_stylesheet(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project(
        {
            "index.html": '<script type="module" src="./main.js"></script>\n',
            "main.js": 'import("./route.js");\n',
            "route.js": 'import "./route.css";\nexport default 1;\n',
            "route.css": ".route { color: blue; }\n",
        }
    )
    dist = build(run_cli, root)
    assert page_stylesheets(dist) == []
    assert "css" not in manifest_of(dist)["main.js"]
    css_files = sorted(p.name for p in dist.rglob("*.css"))
    assert len(css_files) == 1 and css_files[0].startswith("route-")


def test_dev_build_without_hashes_or_maps_keeps_lazy_css_lazy(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "bundlewise.toml").write_text("sourcemap = false\nminify = false\n")
    dist = build(run_cli, app)
    css = css_text(dist, "src/main.js")
    assert ".after-rule" in css and ".route" not in css
    assert not list(dist.rglob("*.css.map"))
    assert not (dist / ".bundlewise-css").exists(), "the second pass's work folder is removed"


@pytest.mark.browser
def test_lazy_route_css_applies_after_the_click_and_not_before(
    app: Path, run_cli, serve, browser: Any
) -> None:  # type: ignore[no-untyped-def]
    dist = build(run_cli, app)
    site = serve(dist)
    page = browser.new_page()
    problems: list[str] = []
    scripts: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(r.url))
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(site + "/index.html", wait_until="networkidle")
    manifest = manifest_of(dist)
    entry = manifest["src/main.js"]
    static = [entry["file"], *(manifest[key]["file"] for key in entry.get("imports", []))]
    # The helper that wraps import() is part of the entry: no module of its own to fetch first.
    assert sorted(u.split("/")[-1] for u in scripts) == sorted(f.split("/")[-1] for f in static)

    def color(selector: str) -> str:
        return str(page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).color"))

    assert color(".box") == "rgb(0, 128, 0)"
    assert color(".route") == "rgb(0, 0, 0)", "the lazy route's CSS must not apply at load"
    assert color(".nested") == "rgb(0, 0, 0)"
    page.click("#go")
    page.wait_for_selector("#done:has-text('ok')")
    assert color(".route") == "rgb(0, 0, 255)"
    assert color(".nested") == "rgb(255, 0, 255)"
    assert color(".box") == "rgb(0, 128, 0)", "loading the route does not re-apply base.css"
    assert problems == []
    page.close()


def test_import_wrapper_is_written_into_the_script_that_uses_it(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    dist = build(run_cli, app)
    manifest = manifest_of(dist)
    entry = (dist / manifest["src/main.js"]["file"]).read_text()
    route = (dist / manifest["src/route.js"]["file"]).read_text()
    for script in (entry, route):  # each wraps an import() of a chunk with CSS
        assert script.count("function __bwPreload(") == 1
        assert "__bwPreload(()=>import(" in script
    assert not list(dist.rglob("preload-helper*")), "no helper module to fetch before the entry"
    assert not any("preload-helper" in json.dumps(m) for m in manifest.values())


def test_rebuilt_css_goes_through_the_same_loaders_as_the_first_run(
    make_project,
    run_cli,
    sass_path: Path,  # noqa: F811  (the fixture imported above)
) -> None:  # type: ignore[no-untyped-def]
    """The second pass compiles Sass like the first one (it runs the same built-in callbacks)."""
    root = make_project(
        {
            "index.html": '<script type="module" src="./main.js"></script>\n',
            "main.js": 'import "./theme.scss";\nimport("./route.js");\n',
            "theme.scss": "$ink: rgb(1, 2, 3);\n.themed { color: $ink; }\n",
            "route.js": 'import "./route.css";\nexport default 1;\n',
            "route.css": ".route { color: blue; }\n",
        }
    )
    done = run_cli("build", root, "--no-images", "--no-compress", BUNDLEWISE_SASS=str(sass_path))
    assert done.returncode == 0, done.stderr
    css = css_text(root / "dist", "main.js")
    assert ".themed{color:#010203}" in css and "$ink" not in css and ".route" not in css
