"""Plugins in real builds of the sample app: order, value threading, loading, errors, --strict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from plugin_fixture import install_test_plugin, snapshot, write_config, write_plugin

TRACER = """
    from pathlib import Path
    order = "{order}"
    TRACE = Path(__file__).parents[1] / "trace.txt"

    def log(hook):
        with TRACE.open("a") as f:
            f.write(f"{{hook}} {name}\\n")

    def on_config(config, *, build):
        log("on_config")

    def on_esbuild_args(args, *, entries, build):
        log("on_esbuild_args")

    def on_graph(graph, *, build):
        log("on_graph")

    def on_html(html, *, page, build):
        log("on_html")
        return html + "<!-- {name} -->"

    def on_manifest(manifest, *, build):
        log("on_manifest")
        entry = manifest["src/main.ts"]
        return {{**manifest, "src/main.ts": {{**entry, "trace": entry.get("trace", "") + "{name} "}}}}

    def on_post_build(result, *, stats, build):
        log("on_post_build")
"""


def tracer(app: Path, name: str, order: str = "normal") -> str:
    return write_plugin(app, name, TRACER.format(name=name, order=order))


def test_hooks_run_pre_normal_post_then_in_config_order(sample_app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    listed = [
        tracer(sample_app, "late", "post"),
        tracer(sample_app, "a"),
        tracer(sample_app, "early", "pre"),
        tracer(sample_app, "b"),
    ]
    write_config(sample_app, listed)
    done = run_cli("build", sample_app)
    assert done.returncode == 0, done.stderr
    trace = (sample_app / "trace.txt").read_text().splitlines()
    plugins = ["early", "a", "b", "late"]
    expected = [
        f"{hook} {p}" for hook in ("on_config", "on_esbuild_args", "on_graph") for p in plugins
    ]
    expected += [f"on_html {p}" for _page in ("about", "index") for p in plugins]
    expected += [f"{hook} {p}" for hook in ("on_manifest", "on_post_build") for p in plugins]
    assert trace == expected


def test_each_plugin_gets_the_value_the_previous_one_returned(sample_app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    listed = [tracer(sample_app, "a"), tracer(sample_app, "b", "pre"), tracer(sample_app, "c")]
    write_config(sample_app, listed)
    assert run_cli("build", sample_app).returncode == 0
    page = (sample_app / "dist" / "index.html").read_text()
    assert page.endswith("</html>\n<!-- b --><!-- a --><!-- c -->")
    manifest = json.loads((sample_app / "dist" / ".vite" / "manifest.json").read_text())
    assert manifest["src/main.ts"]["trace"] == "b a c "
    assert manifest["src/main.ts"]["isEntry"] is True, "returned values keep the rest"


def test_hooks_change_config_esbuild_args_and_graph(sample_app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    plugin = write_plugin(
        sample_app,
        "changes",
        """
        import dataclasses, json
        from pathlib import Path

        def on_config(config, *, build):
            return dataclasses.replace(config, minify=False)

        def on_esbuild_args(args, *, entries, build):
            assert "src/main.ts" in entries
            return [*args, "--banner:js=/* built with a plugin */"]

        def on_graph(graph, *, build):
            (build.out_dir / "graph.json").write_text(json.dumps(sorted(graph.entries)))
        """,
    )
    write_config(sample_app, [plugin])
    done = run_cli("build", sample_app)
    assert done.returncode == 0, done.stderr
    dist = sample_app / "dist"
    manifest = json.loads((dist / ".vite" / "manifest.json").read_text())
    script = (dist / manifest["src/main.ts"]["file"]).read_text()
    assert "/* built with a plugin */\n" in script
    assert "\n  " in script, "on_config turned minification off"
    entries = json.loads((dist / "graph.json").read_text())
    assert entries == ["src/about.ts", "src/main.ts", "styles/site.css"]


def test_plugin_from_an_installed_package_entry_point(
    sample_app: Path, run_cli, tmp_path_factory: pytest.TempPathFactory
) -> None:  # type: ignore[no-untyped-def]
    site = install_test_plugin(tmp_path_factory.mktemp("site"))
    write_config(
        sample_app, ["banner"], '[plugin.banner]\ntext = "hello from a package"\nrepeat = 2'
    )
    done = run_cli("build", sample_app, PYTHONPATH=str(site))
    assert done.returncode == 0, done.stderr
    page = (sample_app / "dist" / "about.html").read_text()
    assert page.startswith("<!-- hello from a package -->\n" * 2 + "<!doctype html>")


def test_plugin_options_are_validated_like_the_config(
    sample_app: Path, run_cli, tmp_path_factory: pytest.TempPathFactory
) -> None:  # type: ignore[no-untyped-def]
    site = install_test_plugin(tmp_path_factory.mktemp("site"))
    write_config(sample_app, ["banner"], '[plugin.banner]\nrepeat = "two"\ncolour = "red"')
    done = run_cli("build", sample_app, PYTHONPATH=str(site))
    assert done.returncode == 2
    assert "bundlewise.toml: [plugin.banner].colour: unknown key (expected one of" in done.stderr
    assert "bundlewise.toml: [plugin.banner].repeat: expected an integer, got 'two'" in done.stderr
    assert "bundlewise.toml: [plugin.banner].text: missing (this key is required)" in done.stderr
    assert not (sample_app / "dist").exists()


def test_unknown_plugin_is_a_config_error(sample_app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_config(sample_app, ["no_such_plugin"], "[plugin.other]\nx = 1")
    done = run_cli("build", sample_app)
    assert done.returncode == 2
    assert "plugin 'no_such_plugin' not found" in done.stderr
    assert "note: available: cache_headers, sri" in done.stderr
    assert (
        "bundlewise.toml: [plugin.other]: options for plugin 'other', not in `plugins`"
        in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_plugin_with_a_syntax_error_names_file_and_line(sample_app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    plugin = write_plugin(sample_app, "broken", "def on_html(html):\n    return html +\n")
    write_config(sample_app, [plugin])
    done = run_cli("build", sample_app)
    assert done.returncode == 2
    assert f"{sample_app / plugin}:2:" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("hook", ["on_config", "on_esbuild_args", "on_html", "on_post_build"])
def test_crashing_plugin_names_plugin_and_hook_and_leaves_dist_unchanged(
    sample_app: Path, run_cli, hook: str
) -> None:  # type: ignore[no-untyped-def]
    write_config(sample_app, [])
    assert run_cli("build", sample_app).returncode == 0
    before = snapshot(sample_app / "dist")
    plugin = write_plugin(
        sample_app,
        "crash",
        f"""
        def {hook}(value, **context):
            settings = {{}}
            return settings["missing"]
        """,
    )
    write_config(sample_app, [plugin])
    done = run_cli("build", sample_app)
    assert done.returncode == 1
    assert (
        f"{sample_app / plugin}:4:4: error: plugin 'crash' failed in {hook}: KeyError: 'missing'"
        in done.stderr
    )
    assert '4 │     return settings["missing"]\n' in done.stderr, "the code frame shows the line"
    assert "Traceback" not in done.stderr
    assert snapshot(sample_app / "dist") == before
    assert sorted(p.name for p in sample_app.iterdir() if p.name.startswith(".dist")) == []


def test_plugin_reports_errors_as_messages(sample_app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    plugin = write_plugin(
        sample_app,
        "checker",
        """
        from bundlewise.errors import Location

        def on_html(html, *, page, build):
            if "<title>" in html:
                build.error("pages must not set a title", Location(page.source, 6, 4))
                build.error("and a second problem")
        """,
    )
    write_config(sample_app, [plugin])
    done = run_cli("build", sample_app)
    assert done.returncode == 1
    assert "about.html:6:4: error: [checker] pages must not set a title" in done.stderr
    assert "error: [checker] and a second problem" in done.stderr
    assert not (sample_app / "dist").exists()


WARNER = """
    def on_post_build(result, *, build):
        build.warning("this page is heavy")
"""


def test_plugin_warning_is_shown_and_strict_fails_on_it(sample_app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    plugin = write_plugin(sample_app, "warner", WARNER)
    write_config(sample_app, [plugin])
    done = run_cli("build", sample_app)
    assert done.returncode == 0, done.stderr
    assert "warning: [warner] this page is heavy" in done.stderr
    before = snapshot(sample_app / "dist")
    (sample_app / "src" / "main.ts").write_text('console.log("changed");\n')
    strict = run_cli("build", sample_app, "--strict")
    assert strict.returncode == 1
    assert "warning: [warner] this page is heavy" in strict.stderr
    assert "error: 1 warning(s) with --strict" in strict.stderr
    assert snapshot(sample_app / "dist") == before, "a strict failure does not replace the output"


def test_strict_from_the_config_file(sample_app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    plugin = write_plugin(sample_app, "warner", WARNER)
    write_config(sample_app, [plugin], "strict = true")
    done = run_cli("build", sample_app)
    assert done.returncode == 1
    assert not (sample_app / "dist").exists()


def test_on_build_error_sees_the_error(sample_app: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    plugin = write_plugin(
        sample_app,
        "notify",
        """
        from pathlib import Path

        def on_build_error(error, *, build):
            text = "\\n".join(m.text for m in error.messages)
            (Path(__file__).parents[1] / "failure.txt").write_text(text)
        """,
    )
    write_config(sample_app, [plugin])
    (sample_app / "src" / "main.ts").write_text("export const x = {;\n")
    done = run_cli("build", sample_app)
    assert done.returncode == 1
    assert (sample_app / "failure.txt").read_text() == 'Expected identifier but found ";"'


def test_on_image_sees_each_image_and_can_replace_its_bytes(make_project, run_cli) -> None:  # type: ignore[no-untyped-def]
    from io import BytesIO

    from PIL import Image

    def png(color: str) -> bytes:
        out = BytesIO()
        Image.new("RGB", (40, 30), color).save(out, "PNG")
        return out.getvalue()

    app = make_project(
        {
            "index.html": '<link rel="stylesheet" href="site.css"><img src="photo.png" alt="">\n',
            "site.css": "body { background: url(./tile.png); }\n",
            "photo.png": png("red"),
            "tile.png": png("blue"),
        }
    )
    plugin = write_plugin(
        app,
        "paint",
        """
        import dataclasses
        from io import BytesIO
        from pathlib import Path
        from PIL import Image

        def on_image(image, *, source, build):
            with (Path(__file__).parents[1] / "images.txt").open("a") as f:
                f.write(f"{source} {image.width}x{image.height}\\n")
            out = BytesIO()
            Image.new("RGB", (image.width, image.height), "green").save(out, "PNG")
            primary = dataclasses.replace(image.primary, data=out.getvalue())
            return dataclasses.replace(image, primary=primary, kept_source=False)
        """,
    )
    (app / "bundlewise.toml").write_text(f'plugins = ["{plugin}"]\n')
    done = run_cli("build", app)
    assert done.returncode == 0, done.stderr
    seen = sorted((app / "images.txt").read_text().splitlines())
    assert seen[1] == "photo.png 40x30"
    assert seen[0].startswith("assets/tile-") and seen[0].endswith(".png 40x30")
    pngs = sorted((app / "dist" / "assets").glob("*.png"))
    assert [p.name.split("-")[0] for p in pngs] == ["photo", "tile"]
    for built in pngs:
        with Image.open(built) as image:
            assert image.convert("RGB").getpixel((0, 0)) == (0, 128, 0), built.name
