"""A third-party plugin: puts a comment with a configured text at the top of every page."""

from __future__ import annotations

from dataclasses import dataclass

from bundlewise.plugins import Build, Plugin
from bundlewise.result import PageResult


@dataclass(frozen=True)
class BannerOptions:
    text: str
    repeat: int = 1


class BannerPlugin(Plugin):
    Options = BannerOptions
    options: BannerOptions

    def on_html(self, html: str, *, page: PageResult, build: Build) -> str:
        return f"<!-- {self.options.text} -->\n" * self.options.repeat + html
