"""The HTML report: one self-contained file (inline CSS and script, nothing fetched).

Names are data, never markup: the template autoescapes every value, the treemap script sets
`textContent` only, and the data reaches the script as JSON inside `<script type=application/json>`
with `<`, `>`, `&` and the U+2028/U+2029 separators escaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bundlewise.report.record import Stats
from bundlewise.report.stats import package_of
from bundlewise.report.units import format_delta, format_kb, format_size
from bundlewise.report.view import file_groups, hidden, page_rows, printable, verdict_line

if TYPE_CHECKING:
    import jinja2

    from bundlewise.result import BuildResult


def render_html(stats: Stats, result: BuildResult | None = None) -> str:
    verdict = stats.budget
    template = _environment().get_template("report.html.j2")
    return template.render(
        verdict=verdict,
        verdict_line=verdict_line(verdict),
        pages=page_rows(stats),
        groups=file_groups(stats),
        hidden=hidden(stats),
        total=stats.totals["all"],
        sizes={p: e.size(verdict.measure) for p, e in stats.files.items()},
        version=stats.version,
        generated=stats.generated,
        data={"tree": treemap_tree(stats), "measure": verdict.measure},
    )


def write_html(path: str | Path, stats: Stats) -> None:
    Path(path).write_text(render_html(stats), encoding="utf-8", newline="\n")


def treemap_tree(stats: Stats) -> dict[str, Any]:
    """Chunks → npm packages → modules, sized by the bytes each contributes to the output."""
    chunks = []
    for path, chunk in sorted(stats.chunks.items()):
        packages: dict[str, list[dict[str, Any]]] = {}
        own: list[dict[str, Any]] = []
        for module, size in chunk.modules.items():
            pkg = package_of(module)
            node = {"name": module, "size": size}
            (packages.setdefault(pkg, []) if pkg else own).append(node)
        children = own + [
            {"name": pkg, "size": sum(m["size"] for m in mods), "package": True, "children": mods}
            for pkg, mods in sorted(packages.items())
        ]
        chunks.append(
            {"name": path, "size": sum(c["size"] for c in children), "children": children}
        )
    return {"name": "all chunks", "size": sum(c["size"] for c in chunks), "children": chunks}


def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bundlewise.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # `tojson` escapes < > & ' for us; ASCII-only output also escapes U+2028/U+2029.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": True}
    env.filters.update(kb=format_kb, size=format_size, delta=format_delta, printable=printable)
    return env
