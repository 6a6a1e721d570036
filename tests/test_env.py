"""`import.meta.env` and `%VAR%` in pages: Vite's variables, and nothing private ever shipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import open_page, snapshot

from bundlewise.js.env import parse_dotenv

SECRET = "hunter2-never-ship-this"

MAIN = """\
const env = import.meta.env
document.querySelector('#out').textContent = JSON.stringify({
  title: import.meta.env.VITE_TITLE,
  mode: import.meta.env.MODE,
  prod: import.meta.env.PROD,
  dev: import.meta.env.DEV,
  ssr: import.meta.env.SSR,
  base: import.meta.env.BASE_URL,
  ours: import.meta.env.BUNDLEWISE_FLAG,
  local: import.meta.env.VITE_LOCAL,
  secret: import.meta.env.SECRET_TOKEN,
  keys: Object.keys(env),
})
"""


@pytest.fixture
def env_app(make_project: Any) -> Path:
    return make_project(  # type: ignore[no-any-return]
        {
            "index.html": "<!doctype html><html><head><title>%VITE_TITLE% (%MODE%)</title>"
            '<link rel="icon" href="data:,"></head><body><p id="out"></p>'
            "<p id=secret>%SECRET_TOKEN%</p>"
            '<script type="module" src="./main.js"></script></body></html>',
            "main.js": MAIN,
            ".env": f"# shared\nVITE_TITLE=Hello env\nSECRET_TOKEN={SECRET}\nVITE_LOCAL=from .env\n",
            ".env.local": "VITE_LOCAL='from .env.local'\n",
            ".env.production": "BUNDLEWISE_FLAG=on # production only\n",
            ".env.staging": "BUNDLEWISE_FLAG=staging\n",
        }
    )


def test_unprefixed_variable_appears_in_no_output(run_cli: Any, env_app: Path) -> None:
    done = run_cli("build", env_app, "--strict", BUNDLEWISE_CACHE_SECRET="own-setting-value")
    assert done.returncode == 0, done.stderr
    files = snapshot(env_app / "dist")
    assert files
    for secret in (SECRET, "own-setting-value", str(env_app)):
        assert not [path for path, data in files.items() if secret.encode() in data], secret
    page = files["index.html"].decode()
    assert "<title>Hello env (production)</title>" in page
    assert "%SECRET_TOKEN%" in page, "an unprefixed name is left as written"


@pytest.mark.browser
def test_import_meta_env_in_the_browser(
    browser: Any, run_cli: Any, serve: Any, env_app: Path
) -> None:
    # The shell may set a VITE_ variable, or replace a BUNDLEWISE_ one that .env declares; its
    # other BUNDLEWISE_ variables are bundlewise's own settings (BUNDLEWISE_ESBUILD here).
    done = run_cli(
        "build", env_app, "--base", "/", VITE_FROM_SHELL="shell", BUNDLEWISE_FLAG="from shell"
    )
    assert done.returncode == 0, done.stderr
    page, problems = open_page(browser, serve(env_app / "dist") + "/index.html")
    seen = json.loads(page.text_content("#out") or "")
    assert seen == {
        "title": "Hello env",
        "mode": "production",
        "prod": True,
        "dev": False,
        "ssr": False,
        "base": "/",
        "ours": "from shell",
        "local": "from .env.local",
        "keys": [
            "BASE_URL", "MODE", "DEV", "PROD", "SSR",
            "BUNDLEWISE_FLAG", "VITE_FROM_SHELL", "VITE_LOCAL", "VITE_TITLE",
        ],
    }  # fmt: skip
    assert page.title() == "Hello env (production)"
    assert problems == []
    page.close()


def test_mode_selects_its_env_file(run_cli: Any, env_app: Path) -> None:
    (env_app / "bundlewise.toml").write_text('mode = "staging"\n')
    done = run_cli("build", env_app)
    assert done.returncode == 0, done.stderr
    (script,) = (env_app / "dist/assets").glob("main-*.js")
    assert '"staging"' in script.read_text()
    assert '"on"' not in script.read_text()


def test_bad_mode_is_a_config_error(run_cli: Any, env_app: Path) -> None:
    (env_app / "bundlewise.toml").write_text('mode = "../../etc"\n')
    done = run_cli("build", env_app)
    assert done.returncode == 2
    assert (
        "bundlewise.toml: mode: expected letters, digits, '-' or '_', got '../../etc'"
        in done.stderr
    )


def test_undefined_public_variable_in_a_page_is_a_warning(run_cli: Any, make_project: Any) -> None:
    app = make_project({"index.html": "<title>t</title>\n<p>%VITE_TYPO%</p>\n<p>100% sure%</p>"})
    done = run_cli("build", app)
    assert done.returncode == 0, done.stderr
    assert (
        "index.html:2" in done.stderr and "%VITE_TYPO% is not a defined env variable" in done.stderr
    )
    assert "100% sure%" in (app / "dist/index.html").read_text()


def test_dotenv_syntax() -> None:
    text = (
        "export A=1\n"
        "B = spaced value   # comment\n"
        'C="line\\nbreak"\n'
        "D='$A literal'\n"
        "E=${A}-$B\n"
        "# F=commented\n"
        "not a line\n"
    )
    assert parse_dotenv(text) == {
        "A": "1",
        "B": "spaced value",
        "C": "line\nbreak",
        "D": "$A literal",
        "E": "1-spaced value",
    }
