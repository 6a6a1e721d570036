"""D20: two names that differ only in case (`Util.js` and `util.js`) are an error naming both.

On Linux they are two files; esbuild looks names up without regard to case and bundles one in
place of the other, so without the check the build succeeds with the wrong module.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from build_invariants import fails

from bundlewise.esbuild.graph import BuildGraph, SourceImport
from bundlewise.sources.casing import import_case_collisions

PAGE = '<!doctype html>\n<script type="module" src="./src/main.js"></script>\n'


@pytest.fixture
def app(make_project, run_cli) -> Path:  # type: ignore[no-untyped-def]
    """A project with a good build in dist/, so failures can be checked to leave it untouched."""
    root = make_project({"index.html": PAGE, "src/main.js": "console.log(1);\n"})
    done = run_cli("build", root, "--no-compress")
    assert done.returncode == 0, done.stderr
    return root


def test_d20_js_imports_that_differ_only_in_case_are_an_error(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "src/Util.js").write_text('export const name = "Util";\n')
    (app / "src/util.js").write_text('export const name = "util";\n')
    (app / "src/main.js").write_text(
        'import { name as a } from "./Util.js";\n'
        'import { name as b } from "./util.js";\n'
        "document.title = a + b;\n"
    )
    err = fails(run_cli, app)
    # Which of the two esbuild keeps depends on its directory cache; the message names both.
    assert "error: 'src/util.js' and 'src/Util.js' differ only in case" in err or (
        "error: 'src/Util.js' and 'src/util.js' differ only in case" in err
    )
    assert "src/main.js:1:26:" in err or "src/main.js:2:26:" in err, "the importing file and line"
    assert "was bundled in its place" in err


def test_d20_extensionless_import_that_differs_only_in_case(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "src/Format.ts").write_text("export const f = (n: number) => `${n}!`;\n")
    (app / "src/format.ts").write_text("export const f = (n: number) => `${n}?`;\n")
    (app / "src/main.js").write_text(
        'import { f } from "./Format";\nimport { f as g } from "./format";\nconsole.log(f(1), g(2));\n'
    )
    err = fails(run_cli, app)
    assert "differ only in case" in err and "src/format.ts" in err and "src/Format.ts" in err


def test_d20_css_urls_that_differ_only_in_case(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect fill="{}"/></svg>'
    (app / "src/Dot.svg").write_text(svg.format("red"))
    (app / "src/dot.svg").write_text(svg.format("blue"))
    (app / "src/main.css").write_text(
        ".a { background: url(Dot.svg) }\n.b { background: url(./dot.svg) }\n"
    )
    (app / "src/main.js").write_text('import "./main.css";\n')
    err = fails(run_cli, app)
    assert "differ only in case" in err and "src/dot.svg" in err and "src/Dot.svg" in err
    assert "src/main.css:" in err


def test_d20_pages_that_differ_only_in_case_are_an_error(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "About.html").write_text(PAGE)
    (app / "about.html").write_text(PAGE.replace("<!doctype html>", "<!doctype html><p>2</p>"))
    err = fails(run_cli, app)
    assert "error: 'About.html' and 'about.html' differ only in case" in err


def test_d20_an_import_in_the_right_case_is_not_flagged(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src/Util.js").write_text("")
    graph = BuildGraph(
        {},
        {},
        {
            "src/main.js": (
                SourceImport("src/Util.js", "import-statement", "./Util.js"),
                SourceImport("src/Util.js", "import-statement", "./Util"),
                SourceImport("y", "import-statement", "x"),
            )
        },
    )
    assert import_case_collisions(graph, tmp_path) == []


def test_d20_when_esbuild_fails_on_the_wrong_module_its_case_warning_is_shown(
    app: Path,
    run_cli,  # type: ignore[no-untyped-def]
) -> None:
    (app / "src/Util.js").write_text("export const upper = 1;\n")
    (app / "src/util.js").write_text("export const lower = 2;\n")
    (app / "src/main.js").write_text(
        'import { upper } from "./Util.js";\nimport { lower } from "./util.js";\n'
        "console.log(upper, lower);\n"
    )
    err = fails(run_cli, app)
    # esbuild reads one file for both imports, so one of them has no such export; the warning
    # that names both files is what explains it.
    assert "error: No matching export in" in err
    assert (
        'warning: Use "src/Util.js" instead of "src/util.js"' in err
        or 'warning: Use "src/util.js" instead of "src/Util.js"' in err
    )


def test_d20_html_references_that_differ_only_in_case_name_the_page_line(
    app: Path,
    run_cli,  # type: ignore[no-untyped-def]
) -> None:
    (app / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (app / "Logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>')
    (app / "index.html").write_text(PAGE + '<img src="Logo.svg">\n<p>\n  <img src="logo.svg">\n')
    err = fails(run_cli, app)
    assert err.startswith(
        "index.html:5:12: error: 'Logo.svg' and 'logo.svg' differ only in case or Unicode form\n"
        '  5 │   <img src="logo.svg">\n'
    )
