"""Sass and SCSS, built in: `.scss` and `.sass` files compile with Dart Sass when esbuild loads them.

A stylesheet imported from JS (`import './app.scss'`) or linked from a page
(`<link rel="stylesheet" href="app.scss">`) is compiled by the Dart Sass executable (see
`sass_binary.py` for how it is found and pinned), and esbuild bundles, minifies and hashes the CSS
like any other. Choices, as a user of Vite expects them:

- load paths: every `node_modules` folder from the file's app up to the file-system root, so
  `@use "bootstrap/scss/bootstrap"` and `@import "pkg/file"` work;
- `url()` inside a partial is relative to the partial that wrote it (as Vite does): each relative
  `url()` of the compiled CSS is traced back through Sass's source map to its file and rewritten
  for the stylesheet esbuild reads (`sass_urls.py`);
- source maps: Sass embeds its map (with the sources) in the CSS it returns, and esbuild chains it
  into the output's map, so a rule points at its `.scss` line;
- a Sass error is a build error at its `file:line:column`; deprecation warnings from dependencies
  are silenced (`--quiet-deps`), and those from the app's own files are counted by kind into one
  warning per stylesheet, not printed by the hundred; `@warn` and `@debug` are warnings;
- watch mode: the files Sass read (from its source map) are the module's `watch_files`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from bundlewise.errors import Location, Message
from bundlewise.esbuild.callbacks import LoadArgs, LoadResult, PluginSetup
from bundlewise.plugins.base import Build, Plugin

_HEADER = re.compile(
    r"^(Error|DEPRECATION WARNING \[(?P<kind>[\w-]+)\]|WARNING|DEBUG): ?(?P<text>.*)$"
)
_TRACE = re.compile(r"^\s+(?P<file>\S.*?) (?P<line>\d+):(?P<col>\d+)\s")
_CODE = re.compile(r"^(?P<line>\d+) \| (?P<text>.*)$")


class Sass(Plugin):
    """Compile `.scss` / `.sass` with Dart Sass when esbuild loads them."""

    def on_esbuild_setup(self, esbuild: PluginSetup, *, build: Build) -> None:
        compiler = _LazyCompiler(build)
        esbuild.on_load(r"\.s[ac]ss$", compiler.load, namespace="file")


@dataclass
class _Report:
    """What Sass printed on stderr, read as messages."""

    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    deprecations: dict[str, int] = field(default_factory=dict)
    first_deprecation: Message | None = None


class _LazyCompiler:
    """Finds Dart Sass on the first stylesheet (an app without Sass never looks for it)."""

    def __init__(self, build: Build) -> None:
        self.build = build
        self.argv: tuple[str, ...] | None = None

    def load(self, args: LoadArgs) -> LoadResult:
        from bundlewise.builtins.sass_binary import find_sass
        from bundlewise.builtins.sass_urls import embedded_map, rebase_urls
        from bundlewise.esbuild.process import run_process

        config = self.build.config
        if self.argv is None:
            self.argv = find_sass(config.root).argv
        path = Path(args.path)
        load_paths = [f"--load-path={p / 'node_modules'}" for p in [path.parent, *path.parents]
                      if (p / "node_modules").is_dir()]  # fmt: skip
        argv = [*self.argv, "--no-unicode", "--no-color", "--quiet-deps", "--style=expanded",
                "--embed-source-map", "--embed-sources", "--source-map-urls=absolute",
                *load_paths, str(path)]  # fmt: skip
        try:
            done = run_process(argv, cwd=config.root, timeout=config.esbuild_timeout)
        except OSError as exc:
            raise RuntimeError(f"cannot run Dart Sass ({argv[0]}): {exc.strerror or exc}") from exc
        report = read_report(done.stderr, config.root)
        if done.timed_out:
            report.errors.append(
                Message(f"Dart Sass did not finish within {config.esbuild_timeout:g} s")
            )
        elif done.returncode != 0 and not report.errors:
            tail = done.stderr.strip()[-1500:] or "(it printed nothing)"
            report.errors.append(Message(f"Dart Sass exited with code {done.returncode}: {tail}"))
        if report.errors:
            return LoadResult(errors=report.errors, watch_files=(str(path),))
        warnings = list(report.warnings)
        if report.deprecations:
            warnings.append(_summary(report, _show(path, config.root)))
        source_map = embedded_map(done.stdout)
        sources = [
            unquote(s.removeprefix("file://")) for s in (source_map or {}).get("sources", [])
        ]
        css = rebase_urls(done.stdout, source_map, path) if source_map else done.stdout
        return LoadResult(
            contents=css,
            loader="css",
            resolve_dir=str(path.parent),
            warnings=warnings,
            watch_files=tuple(dict.fromkeys([str(path), *sources])),
        )


def read_report(stderr: str, root: Path) -> _Report:
    """Dart Sass's stderr (`--no-unicode`) as errors, warnings and counted deprecations."""
    report = _Report()
    blocks: list[list[str]] = []
    for line in stderr.splitlines():
        if _HEADER.match(line):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    for block in blocks:
        header = _HEADER.match(block[0])
        assert header is not None
        location = _location(block, root)
        text = header["text"]
        if block[0].startswith("Error"):
            report.errors.append(Message(text, location))
        elif header["kind"]:
            kind = header["kind"]
            report.deprecations[kind] = report.deprecations.get(kind, 0) + 1
            if report.first_deprecation is None:
                report.first_deprecation = Message(text, location, "warning")
        else:
            report.warnings.append(Message(text, location, "warning"))
    omitted = re.search(r"(\d+) repetitive deprecation warnings omitted", stderr)
    if omitted:
        report.deprecations["repeated"] = int(omitted[1])
    return report


def _location(block: list[str], root: Path) -> Location | None:
    for line in block[1:]:
        trace = _TRACE.match(line)
        if trace:
            number = int(trace["line"])
            code = next(
                (m["text"] for m in map(_CODE.match, block) if m and int(m["line"]) == number), ""
            )
            file = trace["file"].removeprefix("file://")
            return Location(_show(Path(file), root), number, int(trace["col"]) - 1, code)
    return None


def _summary(report: _Report, stylesheet: str) -> Message:
    total = sum(report.deprecations.values())
    kinds = ", ".join(f"{kind} ×{count}" for kind, count in sorted(report.deprecations.items()))
    first = report.first_deprecation
    notes = []
    if first is not None:
        notes.append(f"first: {first.text}")
    notes.append("run Dart Sass on the file to see each one; see sass-lang.com/d/ for migrations")
    return Message(
        f"{total} Sass deprecation warning(s) compiling {stylesheet} ({kinds})",
        first.location if first else None,
        "warning",
        tuple(notes),
    )


def _show(path: Path, root: Path) -> str:
    try:
        return (path if path.is_absolute() else root / path).relative_to(root).as_posix()
    except ValueError:
        return str(path)
