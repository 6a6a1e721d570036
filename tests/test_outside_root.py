"""Files from outside the app root: refused beyond the workspace, named by where they belong.

Failing builds check RELIABILITY.md's invariants: exit 1 (G1), the importing file with
line:column (G2), the previous `dist/` byte for byte (G3), nothing written beside the project
(G4), no temp files (G5: a private TMPDIR, checked empty).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from helpers import snapshot, tree
from PIL import Image

PAGE = '<!doctype html>\n<title>t</title>\n<script type="module" src="./src/main.js"></script>\n'
SECRET = "TOP SECRET 4711 do not publish"


def png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (9, 7), colour).save(out, "PNG")
    return out.getvalue()


def write(files: dict[str, str | bytes], base: Path) -> None:
    for rel, content in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def build(run_cli, app: Path, *args: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    temp = app.parent / "tmp"
    temp.mkdir(exist_ok=True)
    done = run_cli("build", app, "--no-compress", *args, TMPDIR=str(temp))
    assert "Traceback" not in done.stderr
    assert not any(temp.iterdir()), "G5: temp files left behind"
    return done.returncode, done.stderr


def fails(run_cli, app: Path, *args: str) -> str:  # type: ignore[no-untyped-def]
    """Build again: exit 1, old dist unchanged, nothing written outside the project."""
    dist_before = snapshot(app / "dist")
    outside_before = {p for p in tree(app.parent) if "user-cache" not in p}
    code, err = build(run_cli, app, *args)
    assert code == 1, err  # G1
    assert snapshot(app / "dist") == dist_before  # G3
    outside_after = {p for p in tree(app.parent) if "user-cache" not in p}
    assert outside_after - outside_before <= {"app/.bundlewise-cache"}  # G4
    return err


def every_output_text(dist: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in dist.rglob("*") if p.is_file()
    )


def assert_references_resolve(dist: Path) -> None:
    """Every `.png` URL in shipped JS and CSS names a file that exists (base `/` = `dist/`)."""
    for path in [*dist.rglob("*.js"), *dist.rglob("*.css")]:
        for url in map(unquote, re.findall(r"[\w./@%-]+\.png", path.read_text())):
            target = dist / url[1:] if url.startswith("/") else path.parent / url
            assert target.resolve().is_file(), f"{path.name}: {url}"


@pytest.fixture
def app(make_project, run_cli) -> Path:  # type: ignore[no-untyped-def]
    root = make_project(
        {
            "index.html": PAGE,
            "src/main.js": 'import "./style.css";\nconsole.log(1);\n',
            "src/style.css": "body {\n  color: red;\n}\n",
        }
    )
    code, err = build(run_cli, root)
    assert code == 0, err
    return root


def test_h38_f30_an_import_beyond_the_workspace_is_refused_at_its_line(app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (app.parent / "secret.txt").write_text(SECRET)
    (app.parent / "outside.png").write_bytes(png("red"))
    (app / "src/main.js").write_text(
        'import "./style.css";\nimport s from "../../secret.txt";\nconsole.log(s);\n'
    )
    (app / "src/style.css").write_text(
        "body {\n  color: red;\n  background: url(../../outside.png);\n}\n"
    )
    err = fails(run_cli, app)
    assert "src/main.js:2:14: error: '../../secret.txt' resolves to" in err
    assert "src/style.css:3:18: error: '../../outside.png' resolves to" in err
    assert "outside the app root and its workspace" in err and "fs_allow" in err


def monorepo(tmp_path: Path, marker: dict[str, str]) -> Path:
    """`ws/` with a workspace marker, the app in `ws/apps/web`, a shared package beside it."""
    write(
        {
            **marker,
            "packages/ui/logo.png": png("blue"),
            "packages/ui/button.js": 'import logo from "./logo.png";\nexport const b = logo;\n',
            "packages/ui/button.css": ".b { background: url(./logo.png) }\n",
            "apps/web/index.html": PAGE,
            "apps/web/src/main.js": 'import { b } from "../../../packages/ui/button.js";\n'
            'import "../../../packages/ui/button.css";\nconsole.log(b);\n',
        },
        tmp_path / "ws",
    )
    return tmp_path / "ws/apps/web"


@pytest.mark.parametrize(
    "marker",
    [
        {"pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n"},
        {"package.json": '{"private": true, "workspaces": ["apps/*", "packages/*"]}'},
        {".git/HEAD": "ref: refs/heads/main\n"},
    ],
    ids=["pnpm", "npm-workspaces", "git"],
)
def test_h38_an_import_inside_the_workspace_builds_without_dotdot_names(  # type: ignore[no-untyped-def]
    tmp_path: Path, run_cli, marker: dict[str, str]
) -> None:
    app = monorepo(tmp_path, marker)
    code, err = build(run_cli, app)
    assert code == 0, err
    dist = app / "dist"
    names = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file())
    assert not [n for n in names if "_.._" in n or "/ws/" in n or n.startswith("ws/")]
    logo = [n for n in names if n.endswith(".png")]
    assert len(logo) == 1 and logo[0].startswith("assets/_workspace/packages/ui/logo-")
    assert_references_resolve(dist)


def test_h38_without_a_workspace_the_same_import_is_refused_and_fs_allow_permits_it(  # type: ignore[no-untyped-def]
    tmp_path: Path, run_cli
) -> None:
    app = monorepo(tmp_path, {})
    code, err = build(run_cli, app)
    assert code == 1
    assert "src/main.js:1:18: error: '../../../packages/ui/button.js' resolves to" in err
    (app / "bundlewise.toml").write_text('fs_allow = ["../../packages"]\n')
    code, err = build(run_cli, app)
    assert code == 0, err
    [logo] = (app / "dist/assets/_workspace/ui").glob("logo-*.png")
    assert Image.open(io.BytesIO(logo.read_bytes())).convert("RGB").getpixel((0, 0)) == (0, 0, 255)


PACKAGE = {
    "package.json": '{"name": "@scope/pkg", "version": "1.0.0", "main": "index.js"}',
    "index.js": 'import x from "./img/x.png";\nimport "./style.css";\nexport const pic = x;\n',
    "style.css": ".p { background: url(./img/x.png) }\n",
    "img/x.png": png("green"),
}
APP = {
    "index.html": PAGE,
    "src/main.js": 'import { pic } from "@scope/pkg";\nconsole.log(pic);\n',
}


def place_package(tmp_path: Path, how: str, where: str) -> Path:
    """The app in `tmp_path/<where>/app`, with @scope/pkg reached through node_modules `how`."""
    base = tmp_path / where
    app = base / "app"
    write(APP, app)
    if how == "symlinked node_modules":  # node_modules -> a store folder outside the app
        write(PACKAGE, base / "store/deps/@scope/pkg")
        (app / "node_modules").symlink_to(base / "store/deps")
    elif how == "npm link":  # only the package is a link, to a checkout named otherwise
        write(PACKAGE, base / "checkouts/pkg-src")
        (app / "node_modules/@scope").mkdir(parents=True)
        (app / "node_modules/@scope/pkg").symlink_to(base / "checkouts/pkg-src")
    else:  # hoisted: the workspace's node_modules above the app
        write({"package.json": '{"private": true, "workspaces": ["app"]}'}, base)
        write(PACKAGE, base / "node_modules/@scope/pkg")
    return app


@pytest.mark.parametrize("how", ["symlinked node_modules", "npm link", "hoisted"])
def test_h38_a_dependency_is_named_by_its_package_wherever_it_really_lives(  # type: ignore[no-untyped-def]
    tmp_path: Path, run_cli, how: str
) -> None:
    builds = []
    for where in ("one", "deeper/folder-two"):
        app = place_package(tmp_path, how, where)
        code, err = build(run_cli, app)
        assert code == 0, err
        builds.append(snapshot(app / "dist"))
        text = every_output_text(app / "dist")
        for folder in ("store", "checkouts", "pkg-src", "deeper", "folder-two", "_.._"):
            assert folder not in text and not any(folder in n for n in builds[-1]), folder
        assert_references_resolve(app / "dist")
    assert builds[0] == builds[1], "the output does not depend on where the package lives"
    names = list(builds[0])
    assert [n for n in names if n.endswith(".png")] == [
        next(n for n in names if n.startswith("assets/node_modules/@scope/pkg/img/x-"))
    ]
    manifest = json.loads(builds[0][".vite/manifest.json"])
    assert "node_modules/@scope/pkg/img/x.png" in manifest
    source_map = json.loads(next(v for k, v in builds[0].items() if k.endswith(".js.map")))
    assert "../../../node_modules/@scope/pkg/index.js" in source_map["sources"]


LEAKY = {
    "package.json": '{"name": "leaky", "version": "2.0.0", "main": "dist/index.js"}',
    "dist/index.js": 'export const hi = () => "hi";\n//# sourceMappingURL=index.js.map\n',
}


@pytest.mark.parametrize("with_content", [True, False], ids=["sourcesContent", "read-from-disk"])
def test_h42_a_dependency_map_naming_a_file_outside_the_app_never_publishes_it(  # type: ignore[no-untyped-def]
    make_project, run_cli, with_content: bool
) -> None:
    source_map = {"version": 3, "file": "index.js", "names": [], "mappings": "AAAA",
                  "sources": ["../../../../secret.txt", "../src/index.ts"]}  # fmt: skip
    if with_content:  # else esbuild reads the files named in `sources` from the disk
        source_map["sourcesContent"] = [SECRET, "export const hi = () => 'hi'"]
    app = make_project(
        {
            **APP,
            "src/main.js": 'import { hi } from "leaky";\nconsole.log(hi());\n',
            **{f"node_modules/leaky/{k}": v for k, v in LEAKY.items()},
            "node_modules/leaky/dist/index.js.map": json.dumps(source_map),
            "node_modules/leaky/src/index.ts": "export const hi = () => 'hi'",
        }
    )
    (app.parent / "secret.txt").write_text(SECRET)
    code, err = build(run_cli, app)
    assert code == 0, err
    assert "warning: ../secret.txt left out of the published source maps" in err
    assert SECRET not in every_output_text(app / "dist")
    [map_file] = (app / "dist/assets/src").glob("main-*.js.map")
    published = json.loads(map_file.read_text())
    kept = dict(zip(published["sources"], published["sourcesContent"], strict=True))
    assert kept["../../../node_modules/leaky/src/index.ts"] == "export const hi = () => 'hi'"
    assert not [s for s in published["sources"] if "secret" in s]
    strict = fails_strict(run_cli, app)
    assert "../secret.txt left out" in strict


def fails_strict(run_cli, app: Path) -> str:  # type: ignore[no-untyped-def]
    before = snapshot(app / "dist")
    code, err = build(run_cli, app, "--strict")
    assert code == 1 and snapshot(app / "dist") == before
    return err


def test_h38_a_dependency_reaching_outside_its_package_and_the_workspace_is_refused(  # type: ignore[no-untyped-def]
    tmp_path: Path, run_cli
) -> None:
    app = place_package(tmp_path, "symlinked node_modules", "one")
    (tmp_path / "one/store/secret.txt").write_text(SECRET)
    index = tmp_path / "one/store/deps/@scope/pkg/index.js"
    index.write_text('import s from "../../../secret.txt";\nexport const pic = s;\n')
    code, err = build(run_cli, app)
    assert code == 1
    assert "node_modules/@scope/pkg/index.js:1:14: error:" not in err  # named by its real path
    assert "store/deps/@scope/pkg/index.js:1:14: error: '../../../secret.txt'" in err
    assert not (app / "dist").exists()


def test_h38_package_names_come_from_bare_specifiers_only() -> None:
    from bundlewise.sources.workspace import package_name

    assert package_name("@scope/pkg/img/x.png") == "@scope/pkg"
    assert package_name("lit/decorators.js") == "lit"
    assert [package_name(s) for s in ("./x", "../x", "/x", "https://cdn/x", "@scope")] == [None] * 5


def test_h38_the_workspace_root_is_the_nearest_marked_folder(tmp_path: Path) -> None:
    from bundlewise.sources.workspace import workspace_root

    write(
        {"ws/package.json": '{"workspaces": ["apps/*"]}', "ws/apps/web/package.json": "{}"},
        tmp_path,
    )
    assert workspace_root(tmp_path / "ws/apps/web") == tmp_path / "ws"
    (tmp_path / "ws/apps/.git").mkdir()
    assert workspace_root(tmp_path / "ws/apps/web") == tmp_path / "ws/apps"
    assert workspace_root(tmp_path) == tmp_path, "no marker: the app root alone"
