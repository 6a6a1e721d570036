"""Validate a `[plugin.NAME]` table against the plugin's `Options` dataclass.

Through the validator every config table goes through (`bundlewise.config_schema`): unknown keys,
wrong types and missing required keys are all reported, each as
`bundlewise.toml: [plugin.NAME].key: problem`, before the build aborts once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from bundlewise.config_schema import Problems, check_table
from bundlewise.errors import Message


def validate_options(
    options_cls: type | None, table: Mapping[str, Any], name: str, problems: Problems
) -> Any:
    """The validated options instance (`None` for a plugin without `Options`, or bad options)."""
    section = f"plugin.{name}"
    if options_cls is None:
        for key in table:
            problems.add(section, key, f"unknown key (plugin {name!r} takes no options)")
        return None
    if not dataclasses.is_dataclass(options_cls):
        problems.messages.append(Message(f"plugin {name!r}: Options must be a dataclass"))
        return None
    count = len(problems.messages)
    values = check_table(options_cls, table, problems, section)
    if len(problems.messages) > count:
        return None
    return options_cls(**values)
