"""Vite's query imports (`?url`, `?raw`, `?inline`), built in on the plugin callbacks."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from plugin_fixture import node_output, write_config

RunCli = Callable[..., subprocess.CompletedProcess[str]]

pytestmark = pytest.mark.skipif(not shutil.which("node"), reason="needs Node to run the output")

MAIN = """
import logoUrl from './logo.svg?url';
import workerUrl from './worker.js?url';
import notes from './notes.md?raw';
import cardCss from './card.css?inline';
console.log(JSON.stringify({ logoUrl, workerUrl, notes, cardCss }));
"""


def run_entry(dist: Path) -> dict[str, str]:
    result: dict[str, str] = json.loads(node_output(dist))
    return result


def test_url_raw_and_inline(make_project: Callable[..., Path], run_cli: RunCli) -> None:
    app = make_project(
        {
            "index.html": '<!doctype html><script type="module" src="./src/main.js"></script>',
            "src/main.js": MAIN,
            "src/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>',
            "src/worker.js": "self.onmessage = () => postMessage('pong');\n",
            "src/notes.md": "# Notes\n\nexact *bytes*\n",
            "src/card.css": "@import './base.css';\n.card { color: red; background: url(./dot.svg) }\n",
            "src/base.css": ".base { margin: 0 }\n",
            "src/dot.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
        }
    )
    write_config(app, [])
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 0, done.stderr
    dist = app / "dist"
    values = run_entry(dist)
    assert values["notes"] == "# Notes\n\nexact *bytes*\n"
    # The URLs name emitted files with the sources' exact bytes (a script is copied, not bundled).
    for key, source in (("logoUrl", "src/logo.svg"), ("workerUrl", "src/worker.js")):
        name = Path(values[key]).name
        emitted = [p for p in dist.rglob(name) if p.is_file()]
        assert emitted, f"{values[key]} was not emitted"
        assert emitted[0].read_bytes() == (app / source).read_bytes()
    css = values["cardCss"]
    assert ".base{margin:0}" in css and ".card{" in css and "color:red" in css
    assert "data:image/svg+xml" in css  # url() inlined: the string stands alone
    # Not injected: no stylesheet holds the card's rules.
    assert not any(".card{" in p.read_text() for p in dist.rglob("*.css"))


def test_a_missing_file_with_a_query_is_esbuilds_error(
    make_project: Callable[..., Path], run_cli: RunCli
) -> None:
    app = make_project(
        {
            "index.html": '<!doctype html><script type="module" src="./src/main.js"></script>',
            "src/main.js": "import x from './nope.txt?raw';\nconsole.log(x);\n",
        }
    )
    write_config(app, [])
    done = run_cli("build", app, "--no-compress")
    assert done.returncode == 1
    assert "src/main.js:1:" in done.stderr and "nope.txt?raw" in done.stderr
