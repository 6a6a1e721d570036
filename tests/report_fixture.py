"""A synthetic build for the report tests: two pages, a shared chunk, a lazy route, npm packages.

Sizes are chosen by hand (not measured) so that the golden reports are easy to check by eye.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bundlewise.config_schema import Problems
from bundlewise.errors import Message
from bundlewise.esbuild.graph import BuildGraph, Output
from bundlewise.report.budget import BudgetConfig, read_budget
from bundlewise.result import BuildResult, OutputFile, PageResult, file_kind


@dataclass(frozen=True)
class FakeSizes:
    raw: int
    gzip: int
    brotli: int
    zstd: int | None = None


# path → (raw, gzip, brotli, manifest key)
FILES: dict[str, tuple[int, int, int, str | None]] = {
    "index.html": (1_520, 610, 480, "index.html"),
    "about/index.html": (1_210, 530, 420, "about/index.html"),
    "assets/index-AB3DEF7G.js": (142_000, 46_100, 40_200, "src/main.ts"),
    "assets/index-AB3DEF7G.js.map": (420_000, 120_000, 100_000, None),
    "assets/chunk-QW2ERT5Y.js": (31_000, 11_200, 9_900, None),
    "assets/lazy-ZX6CVB4N.js": (12_400, 4_300, 3_800, "src/lazy.ts"),
    "assets/about-PL7OKM3N.js": (2_100, 990, 850, "src/about.ts"),
    "assets/index-HJ4KL5MN.css": (18_300, 4_100, 3_500, "src/main.ts#css"),
    "assets/logo-RT3YU2IO.png": (24_500, 24_500, 24_500, "src/logo.png"),
    "assets/inter-GH5JK6LQ.woff2": (48_000, 48_000, 48_000, "src/inter.woff2"),
    ".vite/manifest.json": (900, 300, 250, None),
}

INPUTS: dict[str, dict[str, int]] = {
    "assets/index-AB3DEF7G.js": {
        "src/main.ts": 6_000,
        "src/app.tsx": 18_000,
        "node_modules/react/cjs/react.production.js": 7_800,
        "node_modules/react-dom/cjs/react-dom.production.js": 104_000,
        "node_modules/@acme/ui/dist/button.js": 6_200,
        "node_modules/unused/index.js": 0,
    },
    "assets/chunk-QW2ERT5Y.js": {
        "src/shared.ts": 3_000,
        "node_modules/lodash-es/map.js": 2_800,
        "node_modules/lodash-es/_baseMap.js": 25_200,
    },
    "assets/lazy-ZX6CVB4N.js": {"src/lazy.ts": 12_400},
    "assets/about-PL7OKM3N.js": {"src/about.ts": 2_100},
    "assets/index-HJ4KL5MN.css": {
        "src/style.css": 15_000,
        "node_modules/@acme/ui/dist/ui.css": 3_300,
    },
}


def graph(
    inputs: dict[str, dict[str, int]], files: dict[str, tuple[int, int, int, str | None]]
) -> BuildGraph:
    """Outputs for the files that have module inputs (the JS and CSS esbuild wrote)."""
    outputs = {}
    for path, modules in sorted(inputs.items()):
        kind: Any = (
            "css" if path.endswith(".css") else "chunk" if files[path][3] is None else "entry"
        )
        outputs[path] = Output(path=path, kind=kind, bytes=files[path][0], inputs=modules)
    return BuildGraph(outputs=outputs, entries={})


PAGES = (
    PageResult(
        source="index.html",
        output="index.html",
        scripts=("assets/index-AB3DEF7G.js",),
        preloads=("assets/chunk-QW2ERT5Y.js",),
        stylesheets=("assets/index-HJ4KL5MN.css",),
        fonts=("assets/inter-GH5JK6LQ.woff2",),
        images=("assets/logo-RT3YU2IO.png",),
        lazy=("assets/lazy-ZX6CVB4N.js",),
    ),
    PageResult(
        source="about/index.html",
        output="about/index.html",
        scripts=("assets/about-PL7OKM3N.js",),
        preloads=("assets/chunk-QW2ERT5Y.js",),
    ),
)


def renamed(pages: tuple[PageResult, ...], old: str, new: str) -> tuple[PageResult, ...]:
    """The pages after one output got a new name (a new content hash)."""

    def swap(paths: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if p == old else p for p in paths)

    return tuple(
        replace(p, scripts=swap(p.scripts), preloads=swap(p.preloads), lazy=swap(p.lazy))
        for p in pages
    )


def build_result(
    files: dict[str, tuple[int, int, int, str | None]] | None = None,
    inputs: dict[str, dict[str, int]] | None = None,
    pages: tuple[PageResult, ...] = PAGES,
) -> tuple[BuildResult, dict[str, FakeSizes]]:
    files = FILES if files is None else files
    result = BuildResult(
        out_dir=Path("/nonexistent/dist"),
        root=Path("/nonexistent"),
        graph=graph(INPUTS if inputs is None else inputs, files),
        pages=pages,
        files=tuple(
            OutputFile(p, file_kind(p), raw, key) for p, (raw, _, _, key) in sorted(files.items())
        ),
        manifest={},
    )
    sizes = {p: FakeSizes(raw, gz, br) for p, (raw, gz, br, _) in files.items()}
    return result, sizes


def parse_budget(
    table: dict[str, Any], base_dir: Path = Path(".")
) -> tuple[BudgetConfig, list[Message]]:
    """A `[budget]` table of a bundlewise.toml in `base_dir`, read alone, and its problems."""
    problems = Problems("bundlewise.toml")
    return read_budget(table, problems, base_dir), problems.messages


def budget(table: dict[str, Any] | None = None, base_dir: Path = Path(".")) -> BudgetConfig:
    config, messages = parse_budget(table or {}, base_dir)
    assert messages == [], [m.format() for m in messages]
    return config


FAILING_BUDGET = {
    "initial": "60 kB",
    "total": "150 kB",
    "pages": {"about/*": "20 kB"},
    "kinds": {"css": "3 KiB"},
    "files": {"assets/chunk-*.js": "10 kB", "src/lazy.ts": "5 kB"},
}
