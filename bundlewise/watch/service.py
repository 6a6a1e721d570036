"""Moved: the esbuild service client lives in `bundlewise.esbuild.service`."""

from bundlewise.esbuild.service import EsbuildService, RebuildResult

__all__ = ["EsbuildService", "RebuildResult"]
