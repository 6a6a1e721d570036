"""What the steps of one build hand each other: `BuildState`.

The pipeline makes one per build, inside its staging folder, and passes it to each step in turn;
a step reads what earlier steps recorded and records what it made. Stage modules import it from
here (not from the pipeline), so that reading or testing a stage never needs the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bundlewise.cache import Cache
from bundlewise.config import Config
from bundlewise.errors import MessageLog
from bundlewise.plugins import Build, PluginRunner
from bundlewise.rehash import hashed_name

if TYPE_CHECKING:
    from bundlewise.esbuild.graph import BuildGraph
    from bundlewise.images.records import ShippedImage
    from bundlewise.pages.read import Page
    from bundlewise.pages.rewrite import PageRewrite

T = TypeVar("T")


@dataclass
class BuildState:
    """What the steps hand each other inside one build."""

    config: Config
    staging: Path
    cache: Cache
    log: MessageLog = field(default_factory=MessageLog)
    pages: list[Page] = field(default_factory=list)
    graph: BuildGraph | None = None
    changed: dict[str, bytes] = field(default_factory=dict)
    """Outputs whose bytes we changed after esbuild (path → new bytes), not yet written."""
    page_files: dict[str, str] = field(default_factory=dict)
    """Source → output path of each file referenced from HTML (images and other assets)."""
    images: dict[str, ShippedImage] = field(default_factory=dict)
    """Source → record of each image pages show (from the image step), for the HTML hints."""
    css_images: dict[str, ShippedImage] = field(default_factory=dict)
    """Output path → record of each CSS/JS image with its full-width modern twins, for
    `image-set()`."""
    image_outcomes: dict[str, str] = field(default_factory=dict)
    """Source → what the image step did with it (`images.records.ImagesSummary.of` counts them)."""
    references: dict[str, frozenset[str]] = field(default_factory=dict)
    """Output → outputs its bytes name beyond what the metafile records (see `js.lazy_chunk_css`)."""
    rewrites: list[PageRewrite] = field(default_factory=list)
    plugins: PluginRunner = field(default_factory=PluginRunner)

    def read(self, path: str) -> bytes:
        """An output's current bytes: changed in memory, or as written in staging."""
        changed = self.changed.get(path)
        return changed if changed is not None else (self.staging / path).read_bytes()

    def emit_page_file(self, source: str, data: bytes) -> str:
        """Write `data` for a file pages reference, as `assets/<source>` named by its content
        hash (dev builds keep the name), and record it for the pages; returns the output path."""
        out = f"{self.config.assets_dir}/{source}"
        if self.config.hash_names:
            out = hashed_name(out, data)
        target = self.staging / out
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.page_files[source] = out
        return out

    def hook(self, name: str, value: T, **context: Any) -> T:
        """`value` through plugin hook `name` (see `bundlewise.plugins.Plugin`)."""
        build = Build(self.config, self.staging, self.log)
        return self.plugins.run(name, value, build=build, **context)
