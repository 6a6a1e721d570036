"""Pages with faults: the message points at the attribute at fault, with a code frame, and a
failed build leaves everything as it was (RELIABILITY.md G1–G5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from build_invariants import build, fails

from bundlewise.errors import Location, Message

GOOD = {
    "index.html": '<!doctype html>\n<title>t</title>\n<script type="module" src="./main.js"></script>\n',
    "main.js": "console.log(1);\n",
    "logo.png": b"",  # replaced by a real PNG in the fixture
}


@pytest.fixture
def app(make_project, run_cli) -> Path:  # type: ignore[no-untyped-def]
    """A project with a good build in dist/, so failures can be checked to leave it untouched."""
    from PIL import Image

    root = make_project({k: v for k, v in GOOD.items() if k != "logo.png"})
    Image.new("RGB", (4, 4), (200, 30, 30)).save(root / "logo.png")
    done = run_cli("build", root, "--no-compress")
    assert done.returncode == 0, done.stderr
    return root


def test_missing_img_src_in_a_tag_spanning_three_lines_points_at_the_attribute(
    app: Path,
    run_cli,  # type: ignore[no-untyped-def]
) -> None:
    (app / "index.html").write_text(
        '<!doctype html>\n<title>t</title>\n<img\n  alt="a photo"\n  src="./gone.png">\n'
    )
    assert fails(run_cli, app) == (
        "index.html:5:7: error: image './gone.png' not found (looked for gone.png)\n"
        '  5 │   src="./gone.png">\n'
        "    ╵        ^\n"
        "\n"
        "build failed with 1 error\n"
    )


def test_missing_srcset_candidate_points_at_the_candidate(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "index.html").write_text(
        '<!doctype html>\n<p>é</p><img srcset="logo.png 1x, gone.png 2x" src="logo.png">\n'
    )
    err = fails(run_cli, app)
    # Column in UTF-8 bytes, as esbuild counts it: "é" is two bytes.
    assert err.startswith("index.html:2:35: error: image 'gone.png' not found")
    frame = err.splitlines()[1:3]
    assert frame[1].index("^") - frame[1].index("╵") == frame[0].index("gone") - frame[0].index("│")


def test_f30_reference_outside_the_root_names_page_line_and_column(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app.parent / "secret.css").write_text("body{}")
    (app / "index.html").write_text(
        '<!doctype html>\n<link rel="stylesheet"\n      href="../../../../../etc/passwd">\n'
        '<link rel="stylesheet" href="../secret.css">\n'
    )
    err = fails(run_cli, app)
    assert (
        "index.html:3:12: error: stylesheet '../../../../../etc/passwd' is outside the app root"
        in err
    )
    assert "index.html:4:29: error: stylesheet '../secret.css' is outside the app root" in err
    assert "2 errors" in err


def test_f30_symlink_out_of_the_root_is_not_followed(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app.parent / "outside.png").write_bytes((app / "logo.png").read_bytes())
    (app / "link.png").symlink_to(app.parent / "outside.png")
    (app / "index.html").write_text('<!doctype html>\n<img src="link.png">\n')
    err = fails(run_cli, app)
    assert "index.html:2:10: error: image 'link.png' is outside the app root" in err


FILE_URL_PAGE = (
    '<!doctype html>\n<title>t</title>\n<script type="module" src="./main.js"></script>\n'
    '<img alt="x"\n     src="file:///etc/passwd">\n'
    '<img srcset="logo.png 1x, FILE:///home/me/logo@2x.png 2x" src="logo.png">\n'
)


def test_f30_file_url_is_a_warning_left_as_written_and_nothing_read(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "index.html").write_text(FILE_URL_PAGE)
    done = build(run_cli, app)
    assert done.returncode == 0, done.stderr
    assert (
        "index.html:5:10: warning: file 'file:///etc/passwd' is a local-file URL, which a page "
        "served over the web cannot load: left as written and nothing read" in done.stderr
    )
    assert '  5 │      src="file:///etc/passwd">\n    ╵ ' + " " * 10 + "^" in done.stderr
    assert "index.html:6:26: warning: image 'FILE:///home/me/logo@2x.png'" in done.stderr
    page = (app / "dist/index.html").read_text()
    assert 'src="file:///etc/passwd"' in page
    assert "FILE:///home/me/logo@2x.png 2x" in page
    shipped = b"".join(p.read_bytes() for p in (app / "dist").rglob("*") if p.is_file())
    assert b"root:x:0:0" not in shipped, "/etc/passwd was read into the output"


def test_f30_file_url_is_an_error_with_strict(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app / "index.html").write_text(FILE_URL_PAGE)
    err = fails(run_cli, app, "--strict")
    assert "index.html:5:10: warning: file 'file:///etc/passwd' is a local-file URL" in err
    assert "with --strict" in err


def test_code_frame_serves_esbuild_messages_too() -> None:
    message = Message(
        'Unexpected "}"', Location("bad.js", 1, 35, "export function go(){ console.log( }")
    )
    assert message.format() == (
        'bad.js:1:35: error: Unexpected "}"\n'
        "  1 │ export function go(){ console.log( }\n"
        "    ╵                                    ^"
    )


def test_code_frame_of_a_very_long_line_shows_a_window_around_the_column() -> None:
    line = "x" * 5000 + "BAD" + "y" * 5000
    frame = Message("bad", Location("min.js", 12, 5000, line)).format().splitlines()
    assert len(frame[1]) < 130
    assert frame[1].index("BAD") - frame[1].index("│") == frame[2].index("^") - frame[2].index("╵")


def test_code_frame_keeps_the_caret_under_the_column_after_bytes_that_are_not_utf8() -> None:
    text = b"\xff\xfe <img src=gone.png>".decode("utf-8", "surrogateescape")
    frame = Message("bad", Location("p.html", 1, 12, text)).format().splitlines()
    assert frame[1] == "  1 │ \ufffd\ufffd <img src=gone.png>"
    assert frame[2] == "    ╵ " + " " * 12 + "^"
