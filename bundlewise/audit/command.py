"""What `bundlewise audit` does between reading its options and printing: pick the pages, serve
the output folder (or take `--url`), run the audit, write the HTML report, build the summary."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bundlewise.audit.metrics import RunMetrics
from bundlewise.audit.profiles import PROFILES
from bundlewise.audit.run import Target, page_targets, run_audit, url_targets
from bundlewise.errors import BundlewiseError, ConfigError, Location, Message


def built_pages(out_dir: Path) -> list[str]:
    """The pages of the last build (from its stats), or every HTML file of the folder."""
    from bundlewise.report.stats import load_stats
    from bundlewise.result import STATS_FILE

    if not out_dir.is_dir():
        raise ConfigError(
            Message(
                f"no build to audit: {out_dir} does not exist",
                notes=("run `bundlewise build` first, or `bundlewise audit --build`",),
            )
        )
    stats = out_dir / STATS_FILE
    if stats.is_file():
        try:
            found = sorted(page.output for page in load_stats(stats).pages.values())
            if found:
                return found
        except BundlewiseError:
            pass  # an unreadable stats file: fall back to the folder's HTML files
    return sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*.html"))


def pick(pages: Sequence[str], wanted: Sequence[str]) -> list[str]:
    """`--page` values: a page path or a glob; each must match at least one page."""
    if not wanted:
        return list(pages)
    chosen: dict[str, None] = {}
    for pattern in wanted:
        matches = [p for p in pages if fnmatch.fnmatchcase(p, pattern)]
        if not matches:
            raise ConfigError(
                Message(f"--page {pattern}: no such page", notes=(f"pages: {', '.join(pages)}",))
            )
        chosen.update(dict.fromkeys(matches))
    return list(chosen)


def audit_config(
    config: Any,
    *,
    pages: Sequence[str] = (),
    urls: Sequence[str] = (),
    profile: str = "mobile",
    runs: int = 3,
    jobs: int | None = None,
    chromium: str | None = None,
    html_path: Path | None = None,
    on_run: Callable[[Target, int, RunMetrics], None] = lambda t, i, m: None,
) -> dict[str, Any]:
    """Audit the build of `config` (or `urls`) and return the summary (see `report.summarize`)."""
    from bundlewise.audit.report import summarize
    from bundlewise.audit.serving import StaticServer

    timing, lighthouse = config.budget.timing, config.budget.lighthouse
    if html_path is not None and not html_path.parent.is_dir():
        raise ConfigError(
            Message("folder of the HTML report does not exist", Location(str(html_path)))
        )
    kwargs: dict[str, Any] = dict(
        runs=runs, budget=timing, lighthouse=lighthouse, chromium=chromium,
        jobs=jobs, filmstrip=html_path is not None, on_run=on_run,
    )  # fmt: skip
    chosen_profile = PROFILES[profile]
    if urls:
        audits = run_audit(url_targets(urls), chosen_profile, **kwargs)
    else:
        sources = pick(built_pages(config.out_dir), pages)
        if not sources:
            raise ConfigError(Message(f"no HTML pages to audit in {config.out_dir}"))
        with StaticServer(config.out_dir, config.base) as server:
            audits = run_audit(page_targets(sources, server.url), chosen_profile, **kwargs)
    if html_path is not None:
        from bundlewise.audit.html import write_html

        write_html(html_path, summarize(audits, chosen_profile, runs, frames=True))
    return summarize(audits, chosen_profile, runs)
