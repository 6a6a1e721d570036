"""The plugin API in-process: loading rules, options, the runner's contract, `on_watch_event`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from plugin_fixture import write_config, write_plugin

from bundlewise.config import load_config
from bundlewise.config_schema import Problems
from bundlewise.errors import BuildError, ConfigError
from bundlewise.plugins import HOOKS, Build, Plugin, PluginRunner, load_plugins
from bundlewise.plugins.options import validate_options


def runner_for(app: Path, plugins: list[str], extra: str = "") -> PluginRunner:
    write_config(app, plugins, extra)
    return load_plugins(load_config(app))


def test_every_hook_is_documented_on_the_base_class() -> None:
    for hook in HOOKS:
        doc = getattr(Plugin, hook).__doc__
        assert doc and len(doc) > 80, hook


def test_watch_event_hook_filters_the_changed_paths(tmp_path: Path) -> None:
    plugin = write_plugin(
        tmp_path,
        "ignore_drafts",
        """
        def on_watch_event(paths, *, build):
            return [p for p in paths if not p.name.startswith("draft")]
        """,
    )
    runner = runner_for(tmp_path, [plugin])
    config = load_config(tmp_path)
    changed = [tmp_path / "src" / "main.ts", tmp_path / "draft.html"]
    kept = runner.run("on_watch_event", changed, build=Build(config, None))
    assert kept == [tmp_path / "src" / "main.ts"]
    assert runner.watch_event(changed, config) == kept
    assert runner.has("on_watch_event") and not runner.has("on_html")


def test_hooks_get_only_the_keyword_arguments_they_declare(tmp_path: Path) -> None:
    plugin = write_plugin(
        tmp_path,
        "minimal",
        """
        def on_html(html):
            return html.upper()

        def on_manifest(manifest, **context):
            return {"k": {"file": sorted(context)[0]}}
        """,
    )
    runner = runner_for(tmp_path, [plugin])
    build = Build(load_config(tmp_path), tmp_path)
    assert runner.run("on_html", "<p>", build=build, page=None) == "<P>"
    assert runner.run("on_manifest", {}, build=build) == {"k": {"file": "build"}}


def test_a_hook_returning_the_wrong_type_is_named(tmp_path: Path) -> None:
    plugin = write_plugin(tmp_path, "wrong", "def on_html(html, **kw):\n    return 42\n")
    runner = runner_for(tmp_path, [plugin])
    with pytest.raises(BuildError) as caught:
        runner.run("on_html", "<p>", build=Build(load_config(tmp_path), tmp_path))
    assert (
        caught.value.messages[0].text
        == "plugin 'wrong': on_html returned int, expected str or None"
    )


def test_class_plugin_gets_its_name_and_options(tmp_path: Path) -> None:
    plugin = write_plugin(
        tmp_path,
        "stamp",
        """
        from dataclasses import dataclass
        from bundlewise.plugins import Plugin

        @dataclass(frozen=True)
        class StampOptions:
            words: tuple[str, ...] = ()
            ratio: float = 1.0
            label: str | None = None

        class Stamp(Plugin):
            order = "pre"
            Options = StampOptions

            def on_html(self, html, *, build):
                return f"{self.name}:{self.options.words}:{self.options.ratio}:{self.options.label}"
        """,
    )
    runner = runner_for(tmp_path, [plugin], '[plugin.stamp]\nwords = ["a", "b"]\nratio = 2')
    assert runner.plugins[0].order == "pre"
    out = runner.run("on_html", "", build=Build(load_config(tmp_path), tmp_path))
    assert out == "stamp:('a', 'b'):2.0:None"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("x = 1\n", "plugin 'p' has no hooks: define on_* functions or a Plugin subclass"),
        (
            "from bundlewise.plugins import Plugin\nclass A(Plugin): pass\nclass B(Plugin): pass\n",
            "plugin 'p' defines 2 Plugin classes; keep one per module",
        ),
        (
            "order = 'first'\ndef on_html(h): pass\n",
            "plugin 'p': order must be 'pre', 'normal' or 'post'",
        ),
        ("raise RuntimeError('no')\n", "plugin 'plugins/p.py' failed to import: RuntimeError: no"),
    ],
)
def test_bad_plugin_modules_are_config_errors(tmp_path: Path, source: str, problem: str) -> None:
    plugin = write_plugin(tmp_path, "p", source)
    with pytest.raises(ConfigError) as caught:
        runner_for(tmp_path, [plugin])
    assert [m.text for m in caught.value.messages] == [problem]


def test_listing_a_plugin_twice_is_an_error(tmp_path: Path) -> None:
    plugin = write_plugin(tmp_path, "p", "def on_html(h): pass\n")
    with pytest.raises(ConfigError, match="listed twice"):
        runner_for(tmp_path, [plugin, plugin])


def test_first_party_names_resolve_to_the_plugins_folder(tmp_path: Path) -> None:
    runner = runner_for(tmp_path, ["sri", "cache_headers"])
    assert runner.names == ("sri", "cache_headers")
    assert all(
        Path(p.file or "").parent.name in ("plugins", "_first_party_plugins")
        for p in runner.plugins
    )


@dataclasses.dataclass(frozen=True)
class Opts:
    size: int
    names: list[str] = dataclasses.field(default_factory=list)
    flag: bool = False


@pytest.mark.parametrize(
    ("table", "errors"),
    [
        ({"size": 3, "names": ["a"]}, []),
        ({"size": True}, ["size: expected an integer, got True"]),
        ({"size": 1, "names": ["a", 2]}, ["names: expected a list of strings, got ['a', 2]"]),
        ({"size": 1, "flag": "yes"}, ["flag: expected true or false, got 'yes'"]),
        ({}, ["size: missing (this key is required)"]),
        ({"size": 1, "nmes": []}, ["nmes: unknown key (did you mean names?)"]),
    ],
)
def test_option_types(table: dict[str, object], errors: list[str]) -> None:
    problems = Problems("bundlewise.toml")
    result = validate_options(Opts, table, "x", problems)
    assert [p.text for p in problems.messages] == [
        f"bundlewise.toml: [plugin.x].{error}" for error in errors
    ]
    assert (result is None) == bool(errors)
