"""F31 through the real CLI: a file whose name is markup shows in the HTML report as text."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from build_invariants import build

EVIL = "<img src=x onerror=alert(1)>"


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def test_f31_a_file_named_like_markup_is_text_in_the_html_report(
    make_project,
    run_cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    root = make_project(
        {
            "index.html": '<script type="module" src="./main.js"></script>\n',
            "main.js": f'import("./{EVIL}.js").then((m) => m.go());\n',
            f"{EVIL}.js": "export function go() { document.title = '</script>'; }\n",
        }
    )
    done = build(run_cli, root)
    assert done.returncode == 0, done.stderr
    assert any(EVIL in p.name for p in (root / "dist").rglob("*.js")), "the name reached dist"
    report = tmp_path / "report.html"
    shown = run_cli("report", root, "--html", report)
    assert shown.returncode == 0, shown.stderr
    parser = _Elements()
    parser.feed(report.read_text())
    parser.close()
    names = [tag for tag, _ in parser.elements]
    assert "img" not in names, "the file name became an element"
    assert not [a for _, attrs in parser.elements for a, _ in attrs if a.startswith("on")]
    assert "&lt;img src=x onerror=alert(1)&gt;" in report.read_text()
