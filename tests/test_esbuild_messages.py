"""Reading esbuild's log: checked against what the real esbuild prints for broken inputs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from esbuild_fixture import real_esbuild
from hypothesis import given
from hypothesis import strategies as st

from bundlewise.errors import Location, Message
from bundlewise.esbuild import parse_messages
from bundlewise.esbuild.messages import read_source_lines

FLAGS = ["--bundle", "--color=false", "--log-level=warning", "--log-limit=0", "--outdir=out"]


@pytest.fixture(scope="session")
def esbuild() -> Path:
    return real_esbuild()


def esbuild_log(esbuild: Path, root: Path, files: dict[str, str], *args: str) -> str:
    """Write `files` under `root`, run the real esbuild there, return its stderr."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [str(esbuild), *FLAGS, *args], cwd=root, capture_output=True, text=True, timeout=30
    )
    return done.stderr


def test_js_syntax_error(esbuild: Path, tmp_path: Path) -> None:
    log = esbuild_log(
        esbuild, tmp_path, {"bad.js": "export function go(){ console.log( }\n"}, "bad.js"
    )
    assert parse_messages(log) == [
        Message(
            'Unexpected "}"',
            Location("bad.js", 1, 35, "export function go(){ console.log( }"),
        )
    ]


def test_typescript_error_in_a_subfolder_keeps_the_relative_path(
    esbuild: Path, tmp_path: Path
) -> None:
    files = {"src/app.ts": "import './util'\n", "src/util.ts": "let a: number = ;\n"}
    log = esbuild_log(esbuild, tmp_path, files, "src/app.ts")
    assert parse_messages(log) == [
        Message('Unexpected ";"', Location("src/util.ts", 1, 16, "let a: number = ;"))
    ]


def test_missing_imports_with_a_note(esbuild: Path, tmp_path: Path) -> None:
    source = 'import x from "./nope"\nimport y from "left-pad"\nconsole.log(x, y)\n'
    log = esbuild_log(esbuild, tmp_path, {"main.js": source}, "main.js")
    first, second = parse_messages(log)
    assert first == Message(
        'Could not resolve "./nope"', Location("main.js", 1, 14, 'import x from "./nope"')
    )
    assert second.text == 'Could not resolve "left-pad"'
    assert second.location == Location("main.js", 2, 14, 'import y from "left-pad"')
    assert second.notes == (
        'You can mark the path "left-pad" as external to exclude it from the bundle, which will '
        "remove this error and leave the unresolved path in the bundle.",
    )


def test_css_warnings_and_a_note_pointing_elsewhere(esbuild: Path, tmp_path: Path) -> None:
    log = esbuild_log(
        esbuild, tmp_path, {"bad.css": ".a { color: red\n.b { width: 10px; }\n"}, "bad.css"
    )
    messages = parse_messages(log)
    assert [m.severity for m in messages] == ["warning", "warning"]
    assert messages[0] == Message(
        "Expected identifier but found whitespace [css-syntax-error]",
        Location("bad.css", 1, 11, ".a { color: red"),
        "warning",
    )
    assert messages[1].text == 'Expected "}" to go with "{" [css-syntax-error]'
    assert messages[1].location is not None and messages[1].location.line == 3
    # The note's own location stays with the note, not the message.
    assert messages[1].notes == ('The unbalanced "{" is here: bad.css:1:3',)


def test_js_warning_with_located_note(esbuild: Path, tmp_path: Path) -> None:
    log = esbuild_log(esbuild, tmp_path, {"w.js": "export const o = {x:1, x:2}\n"}, "w.js")
    assert parse_messages(log) == [
        Message(
            'Duplicate key "x" in object literal [duplicate-object-key]',
            Location("w.js", 1, 23, "export const o = {x:1, x:2}"),
            "warning",
            ('The original key "x" is here: w.js:1:18',),
        )
    ]


def test_every_message_beyond_esbuilds_default_limit(esbuild: Path, tmp_path: Path) -> None:
    source = "".join(f'import "./missing{i}"\n' for i in range(9))
    messages = parse_messages(esbuild_log(esbuild, tmp_path, {"many.js": source}, "many.js"))
    assert [m.location.line for m in messages if m.location] == list(range(1, 10))
    assert all(m.severity == "error" for m in messages)


def test_errors_from_several_files_in_one_run(esbuild: Path, tmp_path: Path) -> None:
    files = {
        "main.js": 'import "./a.js"\nimport "./b.css"\n',
        "a.js": "const = 1\n",
        "b.css": '@import "gone.css";\n',
    }
    messages = parse_messages(esbuild_log(esbuild, tmp_path, files, "main.js"))
    assert sorted(str(m.location) for m in messages) == ["a.js:1:6", "b.css:1:8"]


def test_message_without_a_location(esbuild: Path, tmp_path: Path) -> None:
    log = esbuild_log(esbuild, tmp_path, {}, "nothere.js")
    assert parse_messages(log) == [Message('Could not resolve "nothere.js"')]


def test_odd_file_names_are_kept_as_esbuild_wrote_them(esbuild: Path, tmp_path: Path) -> None:
    name = "src/caf\u00e9 #1 & more.js"
    log = esbuild_log(esbuild, tmp_path, {name: "let = ;\n"}, name)
    (message,) = parse_messages(log)
    assert message.location is not None
    assert message.location.file == name


def test_long_line_is_read_from_the_source_when_cwd_is_given(esbuild: Path, tmp_path: Path) -> None:
    line = "const x = 1;" + " " * 300 + "let y = ;"
    log = esbuild_log(esbuild, tmp_path, {"long.js": line + "\n"}, "long.js")
    (shortened,) = parse_messages(log)
    assert shortened.location is not None
    assert shortened.location.line_text.startswith("...")  # esbuild's frame, cut to fit
    (full,) = parse_messages(log, cwd=tmp_path)
    assert full.location == Location("long.js", 1, 320, line)


def test_tabs_are_kept_when_cwd_is_given(esbuild: Path, tmp_path: Path) -> None:
    log = esbuild_log(esbuild, tmp_path, {"tab.js": "\n\t\tlet x = ;\n"}, "tab.js")
    (message,) = parse_messages(log, cwd=tmp_path)
    assert message.location == Location("tab.js", 2, 10, "\t\tlet x = ;")


def test_summary_lines_are_ignored(esbuild: Path, tmp_path: Path) -> None:
    files = {"bad.js": "let = ;\n"}
    quiet = esbuild_log(esbuild, tmp_path, files, "bad.js")
    chatty = esbuild_log(esbuild, tmp_path, files, "bad.js", "--log-level=info")
    assert "1 error" in chatty
    assert parse_messages(chatty) == parse_messages(quiet)
    assert len(parse_messages(quiet)) == 1


def test_plugin_name_and_watch_lines() -> None:
    log = (
        "[watch] build started\n"
        "✘ [ERROR] [plugin env] Cannot read .env\n"
        "\n"
        "    app.js:3:0:\n"
        "      3 │ import env from 'env'\n"
        "        ╵ ^\n"
        "\n"
        "[watch] build finished\n"
    )
    assert parse_messages(log) == [
        Message("Cannot read .env", Location("app.js", 3, 0, "import env from 'env'"), plugin="env")
    ]


def test_empty_log() -> None:
    assert parse_messages("") == []


@given(st.text())
def test_any_text_parses_without_raising(text: str) -> None:
    for message in parse_messages(text):
        assert message.severity in ("error", "warning")


def test_source_lines_around_a_very_long_line(tmp_path: Path) -> None:
    path = tmp_path / "min.js"
    path.write_text("short one\n" + "x" * 200_000 + "\nthird\r\nfourth")
    assert read_source_lines(path, {1, 2, 3, 4, 9}) == {1: "short one", 3: "third", 4: "fourth"}
    assert read_source_lines(tmp_path / "missing.js", {1}) == {}


def test_many_errors_in_one_big_file_read_once(esbuild: Path, tmp_path: Path) -> None:
    source = "".join(f'import "./gone{i}"\n' for i in range(2000))
    log = esbuild_log(esbuild, tmp_path, {"big.js": source}, "big.js")
    messages = parse_messages(log, cwd=tmp_path)
    assert len(messages) == 2000
    assert messages[-1].location == Location("big.js", 2000, 7, 'import "./gone1999"')
