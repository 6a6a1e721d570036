"""HTML pages: find tags with exact byte offsets, and edit them without touching anything else."""

from bundlewise.html.edit import PageEditor
from bundlewise.html.scan import Attr, Tag, scan_tags

__all__ = ["Attr", "PageEditor", "Tag", "scan_tags"]
