"""The rebuild loop: one build at a time, after each quiet period, surviving every error.

The main thread alternates between waiting for a batch of changes and building, so two builds can
never overlap; changes made during a build form the next batch. A failed build (syntax error,
missing import) leaves the output folder as it was (the pipeline builds into a staging folder) and
the loop keeps waiting; an invalid config keeps the last good one until the file is fixed.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from bundlewise.config import CONFIG_FILE, Config
from bundlewise.errors import BundlewiseError, ConfigError, Message
from bundlewise.esbuild.bundler import ServiceBundler
from bundlewise.output.staging import BackgroundRemoval
from bundlewise.progress import ProgressCallback, no_progress
from bundlewise.watch.events import Debouncer, PathFilter, own_dirs, own_prefixes
from bundlewise.watch.observer import start_observer
from bundlewise.watch.outside import OutsideFiles


class Reporter(Protocol):
    def info(self, text: str) -> None: ...
    def message(self, message: Message) -> None: ...


@dataclass(frozen=True)
class WatchOptions:
    production: bool = False
    """Run the full production pipeline on every rebuild (minify, hashes, images, compression)."""
    debounce: float = 0.1
    """Seconds without a new file event before a rebuild starts."""
    poll: bool = False
    """Poll the file system instead of using inotify (network file systems)."""


@dataclass(frozen=True)
class BuildOutcome:
    """What a listener (the dev server) hears after each build."""

    ok: bool
    changed: tuple[str, ...] = ()
    """Output paths (relative to the output folder) whose bytes changed; source maps left out."""
    errors: tuple[Message, ...] = ()


def dev_config(config: Config) -> Config:
    """The dev profile: readable output, stable names, no image re-encoding, no compression."""
    # Stylesheets stay linked: the dev server swaps a changed one in place, without a reload.
    return replace(
        config,
        minify=False,
        hash_names=False,
        mode="development",
        images=replace(config.images, enabled=False),
        compress=replace(config.compress, enabled=False),
        html=replace(config.html, inline_css=0),
    )


ConfigLoader = Callable[[], Config]


class Watcher:
    """`Watcher(load, options, reporter).run()`: build, then rebuild on every change until stopped."""

    def __init__(
        self,
        load: ConfigLoader,
        options: WatchOptions,
        reporter: Reporter,
        progress: ProgressCallback = no_progress,
    ) -> None:
        self.load = load
        self.options = options
        self.reporter = reporter
        self.progress = progress
        """Hears how far a long stage got (the images of a `--production` rebuild)."""
        self.listeners: list[Callable[[BuildOutcome], None]] = []
        self.config = self._profile(load())
        self.bundler = ServiceBundler(incremental=True)
        self.plugins: Any = None
        self._digests: dict[str, str] = {}
        self._removal: BackgroundRemoval | None = None
        self._outside: OutsideFiles | None = None

    def run(self) -> None:
        """Never returns normally; Ctrl-C (KeyboardInterrupt) or SIGTERM (SystemExit) end it."""
        debouncer = Debouncer(self.options.debounce)
        observer = None
        # The previous output is deleted after each rebuild is announced (see `build`); leaving
        # the block waits for that, so no old output is left behind.
        with BackgroundRemoval() as self._removal:
            try:
                # Watch first: a file saved during the first build gives a rebuild, not stale output.
                observer = self._observe(debouncer)
                self._name_odd_links()
                self.build(0, initial=True)
                while True:
                    batch = debouncer.wait()
                    if self._config_changed(batch):
                        if self._reload():
                            observer.stop()
                            observer = self._observe(debouncer)
                    elif not self._wanted(batch):
                        continue
                    self.build(len(batch))
            finally:
                if observer is not None:
                    observer.stop()
                self.bundler.close()
                self._removal = None

    def build(self, changes: int, initial: bool = False) -> BuildOutcome:
        from bundlewise.pipeline import build

        started = time.perf_counter()
        try:
            if self.plugins is None:
                from bundlewise.plugins import load_plugins

                self.plugins = load_plugins(self.config)
            result = build(
                self.config, self.plugins, self.bundler, self.reporter.info, self.progress
            )
        except BundlewiseError as error:
            outcome = BuildOutcome(ok=False, errors=error.messages)
            for message in error.messages:
                self.reporter.message(message)
            self.reporter.info(
                f"build failed in {_ms(started)} ms ({changes} changes); "
                "keeping the last good output, watching for changes"
            )
        else:
            for message in (*result.warnings, *result.infos):
                self.reporter.message(message)
            outcome = BuildOutcome(ok=True, changed=self._changed_outputs())
            verb = "built" if initial else "rebuilt"
            self.reporter.info(f"{verb} in {_ms(started)} ms ({changes} changes)")
        if self._outside is not None:
            # A failed build names its files too: fixing the partial that broke it rebuilds.
            self._outside.update(self.bundler.watch_files, self.bundler.watch_dirs)
        for listener in self.listeners:
            listener(outcome)
        if self._removal is not None:
            self._removal.start()
        return outcome

    def _wanted(self, batch: set[str]) -> bool:
        """Whether a batch of changes calls for a rebuild, once plugins' `on_watch_event` have
        filtered it (a plugin may drop paths it knows do not matter). A failing plugin is reported
        and the rebuild happens: a change is never lost to a plugin's bug."""
        if self.plugins is None:
            return True  # plugins did not load: the rebuild reports why
        try:
            kept = self.plugins.watch_event([Path(p) for p in sorted(batch)], self.config)
        except BundlewiseError as error:
            for message in error.messages:
                self.reporter.message(message)
            return True
        for warning in self.plugins.warnings:
            self.reporter.message(warning)
        self.plugins.warnings.clear()
        if not kept:
            self.reporter.info(f"{len(batch)} change(s) left out by a plugin's on_watch_event")
        return bool(kept)

    def _profile(self, config: Config) -> Config:
        return config if self.options.production else dev_config(config)

    def _observe(self, debouncer: Debouncer) -> Any:
        config = self.config
        allowed = PathFilter(
            config.root, own_dirs(config.out_dir, config.cache_dir), own_prefixes(config.out_dir)
        )

        def on_path(path: str) -> None:
            if allowed(path):
                debouncer.add(path)

        observer = start_observer(
            config.root, on_path, self.options.poll, self.reporter.info, allowed
        )
        # `watch_files` outside the tree: filtered by their own list, not by `allowed`.
        self._outside = OutsideFiles(observer, debouncer.add, allowed)
        self._outside.update(self.bundler.watch_files, self.bundler.watch_dirs)
        return observer

    def _name_odd_links(self) -> None:
        """Dangling links and link loops, which the observer does not follow (`links`)."""
        from bundlewise.watch.links import odd_links

        config = self.config
        allowed = PathFilter(config.root, own_dirs(config.out_dir, config.cache_dir))
        for line in odd_links(config.root, allowed):
            self.reporter.info(line)

    def _config_changed(self, batch: set[str]) -> bool:
        names = {self.config.root / CONFIG_FILE, self.config.root / "pyproject.toml"}
        if self.config.config_file is not None:
            names.add(self.config.config_file)
        return any(Path(p) in names for p in batch)

    def _reload(self) -> bool:
        """Load the config again; on error keep the last good one. True when the folders moved."""
        try:
            config = self._profile(self.load())
        except ConfigError as error:
            for message in error.messages:
                self.reporter.message(message)
            self.reporter.info("config invalid; keeping the last good config until it is fixed")
            return False
        moved = (config.root, config.out_dir, config.cache_dir) != (
            self.config.root, self.config.out_dir, self.config.cache_dir,
        )  # fmt: skip
        self.config, self.plugins = config, None
        self.reporter.info("config reloaded")
        return moved

    def _changed_outputs(self) -> tuple[str, ...]:
        """Outputs whose bytes differ from the previous good build (only when someone listens)."""
        if not self.listeners:
            return ()
        digests = _digests(self.config.out_dir)
        changed = [p for p, d in digests.items() if self._digests.get(p) != d]
        changed += [p for p in self._digests if p not in digests]
        self._digests = digests
        return tuple(sorted(changed))


def _digests(out_dir: Path) -> dict[str, str]:
    digests = {}
    for folder, dirs, files in os.walk(out_dir):
        # Not into a deploy repository kept in the output folder (`output.foreign`): never ours.
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            path = Path(folder, name)
            if not name.endswith(".map") and not path.is_symlink():
                with path.open("rb") as handle:
                    digest = hashlib.file_digest(handle, "blake2b").hexdigest()
                digests[path.relative_to(out_dir).as_posix()] = digest
    return digests


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
