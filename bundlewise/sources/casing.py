"""Names that differ only in case (`Util.js` and `util.js`): an error naming both.

On macOS and Windows the two names are one file; on Linux they are two. An app that holds both
builds differently on each, and esbuild, which looks names up without regard to case, takes one for
the other even on Linux: `import "./util.js"` next to `Util.js` bundles `Util.js`, and the build
succeeds with the wrong module. Two checks catch it:

- before esbuild, among the pages and the files they reference (`page_source_collisions`);
- after esbuild, in the import records of its metafile: an import whose path as written names
  one existing file but was resolved to another (`import_case_collisions`).
"""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bundlewise.errors import BuildError, Location, Message
from bundlewise.esbuild.graph import BuildGraph
from bundlewise.sources.specifiers import locate_specifier

if TYPE_CHECKING:
    from bundlewise.pages.read import Page

# Import paths that name a file relative to the importer (CSS `url(x.png)` and `@import "x.css"`
# are relative without the `./`).
_RELATIVE = re.compile(r"^\.\.?/")
_NOT_A_FILE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|/|#|~|@)")


def page_source_collisions(pages: Sequence[Page], entries: Iterable[str]) -> list[Message]:
    """`case_collisions` among the pages, the entries and the files the pages reference; a
    referenced file is named where a page references it."""
    referenced = [r for p in pages for r in p.refs if r.kind != "public"]
    paths = [*(p.source for p in pages), *entries, *(r.source for r in referenced)]

    def where(path: str) -> Location:
        for page in pages:
            for ref in page.refs:
                if ref.source == path and ref.kind != "public" and not ref.via:
                    return page.where(ref)
        return Location(path)

    return case_collisions(paths, where)


def case_collisions(
    paths: Iterable[str], where: Callable[[str], Location] = Location
) -> list[Message]:
    """An error for each pair of sources whose names differ only in case (or Unicode form).

    `where` gives the location of a path, asked only for the paths that collide."""
    seen: dict[str, str] = {}
    problems = []
    for path in sorted(set(paths)):
        folded = unicodedata.normalize("NFC", path).casefold()
        other = seen.setdefault(folded, path)
        if other != path:
            text = f"{other!r} and {path!r} differ only in case or Unicode form"
            problems.append(Message(text, where(path)))
    return problems


# esbuild's warning (`different-path-case`) when an import's case differs from the file's.
_ESBUILD_CASE_WARNING = "to avoid issues with case-sensitive file systems"


def with_case_warnings(errors: Iterable[Message], warnings: Iterable[Message]) -> list[Message]:
    """esbuild's errors, then its warnings that an import's case differs from its file's.

    When esbuild takes `Util.js` for `util.js`, its error ("No matching export in src/Util.js")
    only makes sense beside that warning, which a failed build would otherwise not show.
    """
    return [*errors, *(w for w in warnings if _ESBUILD_CASE_WARNING in w.text)]


def raise_on_import_case_collisions(graph: BuildGraph, root: Path) -> None:
    """Fail the build when esbuild took one file for another of the same name but for case."""
    problems = import_case_collisions(graph, root)
    if problems:
        raise BuildError(problems)


def import_case_collisions(graph: BuildGraph, root: Path) -> list[Message]:
    """An error for each import that names one existing file but was resolved to another whose
    name differs only in case. An import whose case is merely wrong (one file on disk) is left to
    esbuild's own warning (`different-path-case`)."""
    problems = []
    for importer, imports in sorted(graph.sources.items()):
        if ":" in importer or importer.startswith("<"):
            continue  # esbuild's own namespaces (`<runtime>`, `(disabled):...`)
        is_css = importer.endswith(_STYLESHEETS)
        folder = posixpath.dirname(importer)
        for ref in imports:
            original, resolved = ref.original, ref.path
            if not is_css and not original.startswith("."):
                continue  # a package (most imports of a large app): no work for it
            written = _written_path(folder, original, is_css)
            if written is None or not _differs_only_in_case(written, resolved):
                continue
            meant = written + resolved[len(written) :]  # with the extension esbuild added
            if meant == resolved or not _exists_exactly(root, meant):
                continue
            problems.append(
                Message(
                    f"{meant!r} and {resolved!r} differ only in case: import {original!r} "
                    f"names {meant}, but {resolved} was bundled in its place",
                    locate_specifier(root, importer, original),
                    notes=("rename one of them: on macOS and Windows they are the same file",),
                )
            )
    return problems


def _written_path(folder: str, original: str, is_css: bool) -> str | None:
    """The source path an import in `folder` names as written, or None for packages, URLs and
    aliases (`is_css`: the importer is a stylesheet, where `url(x.png)` is relative too)."""
    has_query = "?" in original or "#" in original
    path = re.split(r"[?#]", original, maxsplit=1)[0] if has_query else original
    if not path or _NOT_A_FILE.match(path) or not (_RELATIVE.match(path) or is_css):
        return None
    if not folder or folder.endswith("/"):
        return posixpath.normpath(posixpath.join(folder, path))
    if path.startswith("./") and not _UNNORMAL.search(path, 1):
        return f"{folder}/{path[2:]}"  # what normpath gives, without its cost (most imports)
    return posixpath.normpath(f"{folder}/{path}")


_STYLESHEETS = (".css", ".scss", ".sass", ".less")
# What `normpath` would change in a `./` path beyond its leading `./`: `.`/`..` parts, `//`.
_UNNORMAL = re.compile(r"/\.\.?(?:/|$)|//|/$")


def _differs_only_in_case(written: str, resolved: str) -> bool:
    """`resolved` is `written` (plus an added extension or `/index.js`) but for case."""
    head = resolved[: len(written)]
    return head != written and head.casefold() == written.casefold()


def _exists_exactly(root: Path, path: str) -> bool:
    """`path` exists with exactly this case (a plain `exists()` ignores case on macOS)."""
    folder = str(root)
    for part in path.split("/"):
        if part == "..":
            folder = os.path.dirname(folder)
            continue
        try:
            if part not in os.listdir(folder):
                return False
        except OSError:
            return False
        folder = os.path.join(folder, part)
    return True
