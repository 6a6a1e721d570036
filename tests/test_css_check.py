"""Preprocessor syntax left in shipped CSS is a warning at its source line (an error with --strict)."""

from __future__ import annotations

from pathlib import Path

from helpers import snapshot

# Tailwind syntax in a stylesheet that does not import Tailwind: nothing compiles it.
TAILWIND = '@config "./tw.js";\n.btn {\n  @apply font-bold;\n}\n@theme { --color-x: red; }\n'
SASS = '@use "sass:math";\n$primary: #333;\n@mixin m { color: red; }\n.a { @include m; }\n'
CLEAN = (
    '/* @tailwind base; $x: 1; */\n.a::after { content: "@apply not $x: 1"; }\n'
    'a[href$="x"] { color: red; }\n@media (min-width: 1px) { .b { color: blue; } }\n'
    "@layer base { .c { color: green; } }\n"
)


def app(make_project, css: dict[str, str]) -> Path:  # type: ignore[no-untyped-def]
    return make_project(  # type: ignore[no-any-return]
        {
            "index.html": '<link rel="stylesheet" href="./site.css">\n'
            '<script type="module" src="./main.js"></script>\n',
            "main.js": 'import "./widget.css";\n',
            "site.css": "body { margin: 0; }\n",
            "widget.css": "",
            **css,
        }
    )


def test_h41_tailwind_at_rules_left_in_css_are_warnings_at_their_source_line(
    make_project, run_cli
) -> None:  # type: ignore[no-untyped-def]
    root = app(make_project, {"site.css": TAILWIND})
    done = run_cli("build", root, "--no-images", "--no-compress")
    assert done.returncode == 0, done.stderr
    assert "site.css:1:0: warning: @config is Tailwind CSS syntax" in done.stderr
    assert "site.css:3:2: warning: @apply is Tailwind CSS syntax" in done.stderr
    assert "site.css:5:0: warning: @theme is Tailwind CSS syntax" in done.stderr
    assert 'add @import "tailwindcss" to the stylesheet' in done.stderr


def test_sass_syntax_in_css_imported_from_js_is_named_at_its_source(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = app(make_project, {"widget.css": SASS})
    done = run_cli("build", root, "--no-images", "--no-compress")
    assert done.returncode == 0, done.stderr
    for found in ("widget.css:1:0: warning: @use", "widget.css:2:0: warning: $primary",
                  "widget.css:3:0: warning: @mixin", "widget.css:4:5: warning: @include"):  # fmt: skip
        assert found in done.stderr, done.stderr


def test_strict_makes_it_an_error_and_keeps_the_previous_output(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = app(make_project, {})
    assert run_cli("build", root, "--no-images", "--no-compress").returncode == 0
    before = snapshot(root / "dist")
    (root / "widget.css").write_text(SASS)
    done = run_cli("build", root, "--no-images", "--no-compress", "--strict")
    assert done.returncode == 1
    assert "widget.css:2:0: warning: $primary is Sass syntax" in done.stderr
    assert snapshot(root / "dist") == before


def test_comments_strings_and_real_at_rules_are_not_flagged(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = app(make_project, {"site.css": CLEAN})
    done = run_cli("build", root, "--no-images", "--strict")
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
