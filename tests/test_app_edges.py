"""Ordinary app code that used to crash or leave debris: external `import()`, pages without
scripts, another tool's build folder inside the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import snapshot

PAGE = '<!doctype html><title>t</title><script type="module" src="./main.js"></script>'


def test_import_of_a_url_or_an_external_name_is_left_as_written(
    run_cli: Any, make_project: Any
) -> None:
    app = make_project(
        {
            "index.html": PAGE,
            "main.js": "import('https://cdn.example/x.js').then(console.log)\n"
            "import('ext-pkg').then(console.log)\n"
            "import('./lazy.js').then(console.log)\n",
            "lazy.js": "export const lazy = 1\n",
            "bundlewise.toml": 'external = ["ext-pkg"]\n',
        }
    )
    done = run_cli("build", app, "--strict")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    (script,) = (app / "dist/assets").glob("main-*.js")
    code = script.read_text()
    assert 'import("https://cdn.example/x.js")' in code
    assert 'import("ext-pkg")' in code
    assert list((app / "dist/assets").glob("lazy-*.js"))


def test_pages_without_scripts_write_no_empty_stdin_chunk(run_cli: Any, make_project: Any) -> None:
    app = make_project({"index.html": "<!doctype html><title>t</title><p>static</p>"})
    done = run_cli("build", app)
    assert done.returncode == 0, done.stderr
    files = snapshot(app / "dist")
    assert not [f for f in files if "stdin" in f]
    assert not [f for f in files if f.endswith(".js")]


def test_another_tools_build_folder_is_not_taken_for_pages(
    run_cli: Any, make_project: Any, tmp_path: Path
) -> None:
    app = make_project(
        {
            "index.html": PAGE,
            "main.js": "console.log('source')\n",
            # What `vite build` leaves in the app: pages pointing at files only it wrote.
            "dist/index.html": '<script type="module" src="/assets/index-Bx1e2kZq.js"></script>',
            "dist/.vite/manifest.json": "{}",
            "dist/assets/index-Bx1e2kZq.js": "console.log('vite')\n",
            # An earlier bundlewise build written elsewhere.
            "old/index.html": '<script type="module" src="/assets/gone.js"></script>',
            "old/.bundlewise-output": "",
        }
    )
    out = tmp_path / "elsewhere"
    done = run_cli("-v", "build", app, "-o", out, "--strict")
    assert done.returncode == 0, done.stderr
    assert "skipping dist/: it holds a build (.vite/manifest.json)" in done.stderr
    assert "skipping old/: it holds a build (.bundlewise-output)" in done.stderr
    assert [f for f in snapshot(out) if f.endswith(".html")] == ["index.html"]
    quiet = run_cli("build", app, "-o", tmp_path / "again")
    assert "skipping" not in quiet.stderr


def test_single_file_components_fail_with_what_to_do(run_cli: Any, make_project: Any) -> None:
    app = make_project(
        {
            "index.html": PAGE,
            "main.js": "import App from './App.vue'\nimport Card from './Card.svelte'\n"
            "console.log(App, Card)\n",
            "App.vue": "<template><p>hi</p></template>\n",
            "Card.svelte": "<p>hi</p>\n",
        }
    )
    done = run_cli("build", app)
    assert done.returncode == 1
    assert 'main.js:1:16: error: No loader is configured for ".vue" files' in done.stderr
    assert "bundlewise does not compile Vue single-file components (.vue)" in done.stderr
    assert "bundlewise does not compile Svelte single-file components (.svelte)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (app / "dist").exists()


def test_vite_only_code_is_never_silently_broken(run_cli: Any, make_project: Any) -> None:
    app = make_project(
        {
            "index.html": PAGE,
            "main.js": "const pages = import.meta.glob('./pages/*.js')\nconsole.log(pages)\n",
        }
    )
    done = run_cli("build", app)
    assert done.returncode == 0, done.stderr
    assert "main.js:1:14: warning: import.meta.glob is a Vite extension" in done.stderr
    assert run_cli("build", app, "--strict").returncode == 1
    (app / "main.js").write_text(
        "import { registerSW } from 'virtual:pwa-register'\nregisterSW()\n"
    )
    failed = run_cli("build", app)
    assert failed.returncode == 1
    assert "'virtual:' modules are made by Vite plugins" in failed.stderr
