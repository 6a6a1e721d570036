"""`new URL('./file', import.meta.url)`: the standard way to point at a file from a module.

esbuild leaves this pattern as it is, so the emitted script still names the *source* file, which
is not in the output. We find each such reference in the sources that went into every script, and:

- a script (`new Worker(new URL('./worker.js', import.meta.url), {type: 'module'})`, or any
  `.js`/`.ts` file) is bundled as an entry of its own (`worker_entries`, before the final esbuild
  run), and the reference points at its output;
- any other file is emitted like a file imported from JS: content-hashed, and optimized by the
  image step when it is an image.

The emitted script's string is replaced by the output's URL (see `file_urls.url_from`); the
`import.meta.url` argument stays, so a relative URL resolves against the script itself.

The references in a script are matched to the sources in the order esbuild wrote the sources into
it (the metafile lists a script's inputs in that order). When code was dropped (tree-shaking) the
counts differ, and each reference is matched by its text among the script's sources instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from bundlewise.config import Config
from bundlewise.errors import Location, Message
from bundlewise.esbuild.graph import BuildGraph, Output
from bundlewise.js.edits import Edit, edit_output
from bundlewise.js.file_urls import url_from
from bundlewise.rehash import hashed_name

PATTERN = re.compile(
    r"new\s+URL\s*\(\s*(?P<q>[\"'`])(?P<spec>\.{1,2}/[^\"'`\\$\n]*)(?P=q)\s*,\s*import\.meta\.url\s*\)"
)
_WORKER_BEFORE = re.compile(r"new\s+(?:Shared)?Worker\s*\(\s*\Z")
_MODULE_TYPE_AFTER = re.compile(r"\s*,\s*\{[^}]*\btype\s*:\s*[\"'`]module[\"'`]")
SCRIPT_EXTENSIONS = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")


@dataclass(frozen=True)
class Reference:
    source: str
    """The module that makes the reference, relative to the root."""
    line: int
    spec: str
    target: str | None
    """The referenced file relative to the root, or None when it does not exist."""
    column: int = 0
    classic_worker: bool = False
    """`new Worker(new URL(...))` without `{type: 'module'}`: it cannot run our ES module output."""


def references_in(config: Config, source: str, text: str) -> list[Reference]:
    """Every `new URL('./x', import.meta.url)` in `text` (module `source`), in order."""
    refs = []
    for m in PATTERN.finditer(text):
        spec = m.group("spec").split("?")[0].split("#")[0]
        path = (config.root / source).parent / spec
        resolved = Path(os.path.normpath(path))
        target = (
            config.rel(resolved)
            if resolved.is_file() and resolved.is_relative_to(config.root)
            else None
        )
        before = text[max(0, m.start() - 40) : m.start()]
        classic = bool(_WORKER_BEFORE.search(before)) and not _MODULE_TYPE_AFTER.match(
            text, m.end()
        )
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1)
        refs.append(Reference(source, line, m.group("spec"), target, column, classic))
    return refs


def _sources_of(config: Config, out: Output) -> Iterator[tuple[str, str]]:
    """(source, text) of each file in `out` that mentions `import.meta.url`, in output order."""
    for source in out.inputs:
        path = config.root / source
        if path.suffix.lower() not in SCRIPT_EXTENSIONS or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "import.meta.url" in text:
            yield source, text


def collect(
    config: Config, graph: BuildGraph, read: Callable[[str], bytes]
) -> dict[str, list[Reference]]:
    """Script output → the references its sources make, in order.

    Only scripts whose own bytes hold `import.meta.url` have their sources read.
    """
    found: dict[str, list[Reference]] = {}
    for out in graph:
        if out.is_js and b"import.meta.url" in read(out.path):
            refs = [r for s, t in _sources_of(config, out) for r in references_in(config, s, t)]
            if refs:
                found[out.path] = refs
    return found


def worker_entries(
    config: Config, graph: BuildGraph, entries: Collection[str], read: Callable[[str], bytes]
) -> list[str]:
    """Scripts referenced through `new URL` that are not entries yet, in a stable order."""
    wanted: dict[str, None] = {}
    for refs in collect(config, graph, read).values():
        for ref in refs:
            if ref.target and ref.target.endswith(SCRIPT_EXTENSIONS) and ref.target not in entries:
                wanted.setdefault(ref.target)
    return sorted(wanted)


@dataclass
class MetaUrlResult:
    files: dict[str, bytes] = field(default_factory=dict)
    """Changed scripts and maps (output path → bytes)."""
    emitted: dict[str, bytes] = field(default_factory=dict)
    """New asset outputs to write (output path → bytes)."""
    references: dict[str, frozenset[str]] = field(default_factory=dict)
    """Script → the outputs its rewritten references name (for renaming by content)."""
    warnings: list[Message] = field(default_factory=list)
    graph: BuildGraph | None = None


def rewrite_meta_urls(
    config: Config, graph: BuildGraph, read: Callable[[str], bytes]
) -> MetaUrlResult:
    result = MetaUrlResult()
    emitted = graph.asset_sources()
    new_outputs: dict[str, Output] = {}
    assets_of: dict[str, list[str]] = {}
    for path, refs in collect(config, graph, read).items():
        text = read(path).decode("utf-8", "surrogateescape")
        matches = list(PATTERN.finditer(text))
        pairs = _pair(matches, refs)
        edits = []
        named: set[str] = set()
        for m, ref in pairs:
            if ref is None or ref.target is None:
                if ref is not None:
                    result.warnings.append(_missing(config, ref))
                continue
            if ref.classic_worker and ref.target.endswith(SCRIPT_EXTENSIONS):
                result.warnings.append(_classic_worker(ref))
            target = _output_for(config, ref.target, graph, emitted, result, new_outputs)
            if target is None:
                continue
            named.add(target)
            if not ref.target.endswith(SCRIPT_EXTENSIONS):
                assets_of.setdefault(path, []).append(target)
            quote_char = m.group("q")
            new = quote_char + url_from(config, target, path) + quote_char
            edits.append(Edit(m.start("q"), m.end("spec") + 1, new))
        has_map = path + ".map" in graph.outputs
        result.files.update(edit_output(path, edits, read, has_map))
        if named:
            result.references[path] = frozenset(named)
    result.graph = _with_assets(graph, new_outputs, assets_of)
    return result


def _pair(
    matches: list[re.Match[str]], refs: list[Reference]
) -> list[tuple[re.Match[str], Reference | None]]:
    """Each reference in the emitted script with the source reference it came from."""
    if len(matches) == len(refs) and all(
        m.group("spec") == r.spec for m, r in zip(matches, refs, strict=True)
    ):
        return list(zip(matches, refs, strict=True))
    by_spec: dict[str, set[str | None]] = {}
    first: dict[str, Reference] = {}
    for ref in refs:
        by_spec.setdefault(ref.spec, set()).add(ref.target)
        first.setdefault(ref.spec, ref)
    # A text that names different files from different sources cannot be told apart: left as is.
    return [
        (m, first[m.group("spec")] if len(by_spec.get(m.group("spec"), ())) == 1 else None)
        for m in matches
    ]


def _output_for(
    config: Config,
    source: str,
    graph: BuildGraph,
    emitted: dict[str, str],
    result: MetaUrlResult,
    new_outputs: dict[str, Output],
) -> str | None:
    """The output a referenced source became: an entry (scripts) or an asset we emit once."""
    if source.endswith(SCRIPT_EXTENSIONS):
        return graph.entries.get(source)
    if source not in emitted:
        data = (config.root / source).read_bytes()
        name = f"{config.assets_dir}/{source}" if config.assets_dir else source
        out = hashed_name(name, data) if config.hash_names else name
        emitted[source] = out
        result.emitted[out] = data
        new_outputs[out] = Output(out, "asset", len(data), inputs={source: len(data)})
    return emitted[source]


def _with_assets(
    graph: BuildGraph, new: dict[str, Output], assets_of: dict[str, list[str]]
) -> BuildGraph:
    outputs = {**graph.outputs, **new}
    for path, assets in assets_of.items():
        out = outputs[path]
        extra = tuple(a for a in dict.fromkeys(assets) if a not in out.assets)
        outputs[path] = replace(out, assets=(*out.assets, *extra))
    return replace(graph, outputs=dict(sorted(outputs.items())))


def _classic_worker(ref: Reference) -> Message:
    return Message(
        f"new Worker(new URL({ref.spec!r}, import.meta.url)) without {{type: 'module'}}: the "
        "worker is built as an ES module and will not start as a classic worker",
        Location(ref.source, ref.line, ref.column),
        "warning",
        notes=("pass {type: 'module'} as the Worker's second argument",),
    )


def _missing(config: Config, ref: Reference) -> Message:
    return Message(
        f"new URL({ref.spec!r}, import.meta.url): file not found; the URL is left as written and "
        "will not load",
        Location(ref.source, ref.line, ref.column),
        "warning",
    )
