"""JSX compiles as the project declares it: tsconfig (with references and extends), dependencies, [jsx]."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import read_table

from bundlewise.js.jsx import JsxOptions, resolve_jsx

# Written the way the Vite starters write them: comments and trailing commas (JSONC).
ROOT_TSCONFIG = """{
  "files": [],
  "references": [
    { "path": "./tsconfig.node.json" },
    { "path": "./tsconfig.app.json" }, // the app's own settings
  ],
}"""
APP_TSCONFIG = """{
  "extends": "./tsconfig.base.json",
  "compilerOptions": {
    /* Bundler mode */
    "jsx": "react-jsx",
  },
  "include": ["src"],
}"""
BASE_TSCONFIG = '{"compilerOptions": {"jsxImportSource": "mini-jsx", "strict": true}}'
NODE_TSCONFIG = '{"compilerOptions": {"types": ["node"]}, "include": ["vite.config.ts"]}'

MINI_RUNTIME = """\
export function jsx(type, props) {
  const el = document.createElement(type)
  el.textContent = [].concat(props.children ?? []).join('')
  return el
}
export const jsxs = jsx
export const Fragment = 'mini-jsx-fragment'
"""


def starter_like(make_project: Any, **extra: str) -> Path:
    files = {
        "tsconfig.json": ROOT_TSCONFIG,
        "tsconfig.app.json": APP_TSCONFIG,
        "tsconfig.base.json": BASE_TSCONFIG,
        "tsconfig.node.json": NODE_TSCONFIG,
        "index.html": '<div id="root"></div><script type="module" src="/src/main.tsx"></script>',
        "src/main.tsx": "document.getElementById('root')!.append(<p>hello</p>)\n",
        "node_modules/mini-jsx/package.json": json.dumps(
            {"name": "mini-jsx", "type": "module", "exports": {"./jsx-runtime": "./jsx-runtime.js"}}
        ),
        "node_modules/mini-jsx/jsx-runtime.js": MINI_RUNTIME,
        **extra,
    }
    return make_project(files)  # type: ignore[no-any-return]


def test_settings_come_from_a_referenced_config_and_what_it_extends(make_project: Any) -> None:
    app = starter_like(make_project)
    jsx, warnings = resolve_jsx(app, None)
    assert (jsx.runtime, jsx.import_source, jsx.origin) == (
        "automatic",
        "mini-jsx",
        "tsconfig.app.json",
    )
    assert warnings == []


def test_root_config_setting_jsx_wins_over_its_references(make_project: Any) -> None:
    app = starter_like(make_project)
    (app / "tsconfig.json").write_text(
        '{"compilerOptions": {"jsx": "react", "jsxFactory": "h"},\n "references": [{"path": "./tsconfig.app.json"}]}'
    )
    jsx, _ = resolve_jsx(app, None)
    assert (jsx.runtime, jsx.factory, jsx.esbuild_args()) == (
        "classic",
        "h",
        ["--jsx=transform", "--jsx-factory=h"],
    )


def test_without_tsconfig_the_dependency_decides(make_project: Any) -> None:
    preact = make_project({"package.json": '{"dependencies": {"preact": "^10"}}'}, name="p")
    react = make_project(
        {"package.json": '{"dependencies": {"react": "^19", "react-dom": "^19"}}'}, name="r"
    )
    plain = make_project({"package.json": '{"dependencies": {"lit": "^3"}}'}, name="l")
    assert resolve_jsx(preact, None)[0].esbuild_args() == [
        "--jsx=automatic",
        "--jsx-import-source=preact",
    ]
    assert resolve_jsx(react, None)[0].esbuild_args() == [
        "--jsx=automatic",
        "--jsx-import-source=react",
    ]
    assert resolve_jsx(plain, None)[0].esbuild_args() == []


def test_jsx_section_overrides_the_tsconfig(make_project: Any) -> None:
    app = starter_like(make_project)
    configured, problems = read_table(JsxOptions, {"import_source": "other"}, "jsx")
    assert problems == []
    jsx, _ = resolve_jsx(app, configured)
    assert jsx.esbuild_args() == ["--jsx=automatic", "--jsx-import-source=other"]
    classic, _ = read_table(JsxOptions, {"runtime": "classic", "factory": "h"}, "jsx")
    assert resolve_jsx(app, classic)[0].esbuild_args() == ["--jsx=transform", "--jsx-factory=h"]


def test_unreadable_tsconfig_is_a_warning_naming_it(make_project: Any) -> None:
    app = starter_like(make_project, **{"tsconfig.app.json": '{"compilerOptions": {"jsx": }'})
    jsx, warnings = resolve_jsx(app, None)
    assert jsx.runtime is None
    assert [w.severity for w in warnings] == ["warning"]
    assert "tsconfig.app.json" in warnings[0].format()


def test_build_uses_the_referenced_jsx_runtime(make_project: Any, run_cli: Any) -> None:
    app = starter_like(make_project)
    done = run_cli("build", app, "--strict")
    assert done.returncode == 0, done.stderr
    (script,) = (app / "dist/assets/src").glob("main-*.js")
    code = script.read_text()
    assert "concat(" in code, "the runtime named by tsconfig.base.json is bundled"
    assert "React" not in code


def test_invalid_jsx_section_is_a_config_error(make_project: Any, run_cli: Any) -> None:
    app = starter_like(
        make_project, **{"bundlewise.toml": '[jsx]\nruntime = "magic"\nfactory = 3\n'}
    )
    done = run_cli("build", app)
    assert done.returncode == 2
    assert (
        "bundlewise.toml: [jsx].runtime: expected one of 'automatic', 'classic', 'preserve', "
        "got 'magic'" in done.stderr
    )
    assert "bundlewise.toml: [jsx].factory: expected a string, got 3" in done.stderr
    assert not (app / "dist").exists()


def test_h41_jsx_calling_a_global_react_nobody_defines_is_a_warning(
    make_project: Any, run_cli: Any
) -> None:
    app = make_project(
        {
            "index.html": '<div id="root"></div><script type="module" src="/src/main.jsx"></script>',
            "src/main.jsx": "import { App } from './App.jsx'\ndocument.body.append(App())\n",
            "src/App.jsx": "export const App = () => <><p>hi</p></>\n",
        }
    )
    done = run_cli("build", app)
    assert done.returncode == 0, done.stderr
    assert "src/App.jsx:1:25: warning: JSX compiled to React.createElement" in done.stderr
    assert "src/main.jsx" not in done.stderr, "only the file that holds JSX is named"
    strict = run_cli("build", app, "--strict")
    assert strict.returncode == 1
    assert "React is not defined" in strict.stderr


def test_a_module_that_defines_the_global_react_silences_the_warning(
    make_project: Any, run_cli: Any
) -> None:
    app = make_project(
        {
            "index.html": '<script type="module" src="/src/main.jsx"></script>',
            "src/main.jsx": "import './react-global.js'\ndocument.body.append(<p>hi</p>)\n",
            "src/react-global.js": "globalThis.React = { createElement: (t) => document.createElement(t) }\n",
        }
    )
    done = run_cli("build", app, "--strict")
    assert done.returncode == 0, done.stderr


def test_extends_may_name_a_package(make_project: Any) -> None:
    app = make_project(
        {
            "tsconfig.json": '{"extends": "@acme/tsconfig/react.json"}',
            "node_modules/@acme/tsconfig/react.json": '{"compilerOptions": {"jsx": "react-jsx", '
            '"jsxImportSource": "preact"}}',
        }
    )
    jsx, warnings = resolve_jsx(app, None)
    assert jsx.esbuild_args() == ["--jsx=automatic", "--jsx-import-source=preact"]
    assert warnings == []
    (app / "tsconfig.json").write_text('{"extends": "@acme/missing"}')
    jsx, warnings = resolve_jsx(app, None)
    assert jsx.runtime is None
    assert "cannot find '@acme/missing' named in 'extends'" in warnings[0].text
