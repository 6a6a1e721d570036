"""F28 and D19 through the real CLI: a page keeps every byte outside the edited attributes, and
odd file names build with percent-encoded URLs."""

from __future__ import annotations

from urllib.parse import unquote

from build_invariants import build
from helpers import tags_of
from PIL import Image

# Every construct of RELIABILITY.md F28, with CRLF line ends and a BOM.
ROUND_TRIP_PAGE = "\r\n".join(
    [
        "\ufeff<!DOCTYPE html>",
        "<html><head><title>Round &amp; trip</title>",
        "<!--[if lt IE 9]><script src=html5shiv.js></script><![endif]-->",
        '<script type="module" src="./main.js"></script>',
        "</head><body>",
        "<template><p>  kept   as  is </p><!-- in a template --></template>",
        '<svg viewBox="0 0 2 2"><path d="M0 0h2v2z" fill="#c00"/><text x=0 y=1>&lt;svg&gt;</text></svg>',
        "<pre>  two  spaces\r\n\r\n\ttab\r\n</pre>",
        "<img src=logo.png alt=unquoted data-x = 'spaced'>",
        '<img src="logo.png?v=1&amp;w=2" alt="an entity in the URL">',
        "<a href=\"?a=1&amp;b=2\" title='single'>link &copy; &#169; &#xA9;</a>",
        '<script>var end = "</" + "script>"; if (1 < 2 && 3 > 2) {}</script>',
        "</body></html>",
        "",
    ]
)


def test_f28_a_built_page_keeps_every_byte_outside_the_edited_attributes(
    make_project,
    run_cli,  # type: ignore[no-untyped-def]
) -> None:
    root = make_project(
        {
            "index.html": ROUND_TRIP_PAGE.encode("utf-8"),
            "main.js": "document.title += '!';\n",
            # Hints add attributes of their own; this test is about what the rewrite keeps.
            "bundlewise.toml": "[html]\nenabled = false\n",
        }
    )
    Image.new("RGB", (4, 4), (0, 90, 0)).save(root / "logo.png")
    done = build(run_cli, root)
    assert done.returncode == 0, done.stderr
    output = (root / "dist/index.html").read_bytes().decode("utf-8")
    script = next(a["src"] for t, a in tags_of(output) if t == "script" and a.get("src"))
    logo = next(a["src"] for t, a in tags_of(output) if t == "img")
    assert script and logo and (root / "dist" / logo.lstrip("/")).is_file()
    expected = (
        ROUND_TRIP_PAGE.replace('src="./main.js"', f'src="{script}"')
        .replace("src=logo.png alt", f'src="{logo}" alt')
        .replace('src="logo.png?v=1&amp;w=2"', f'src="{logo}?v=1&amp;w=2"')
    )
    assert output == expected


def test_d19_names_with_percent_and_question_marks_build_with_encoded_urls(
    make_project,
    run_cli,  # type: ignore[no-untyped-def]
) -> None:
    root = make_project(
        {
            "index.html": '<script type="module" src="./50%25%20off%3F.js"></script>\n'
            '<img src="./-what%3F%20100%25.png" alt="">\n',
            "50% off?.js": "document.title = 'sale';\n",
        }
    )
    Image.new("RGB", (4, 4), (9, 9, 9)).save(root / "-what? 100%.png")
    done = build(run_cli, root)
    assert done.returncode == 0, done.stderr
    page = (root / "dist/index.html").read_text()
    urls = [a.get("src") or "" for t, a in tags_of(page) if t in ("script", "img")]
    assert len(urls) == 2
    for url in urls:
        assert "?" not in url and " " not in url and "%25" in url, url
        assert (root / "dist" / unquote(url.lstrip("/"))).is_file(), url
