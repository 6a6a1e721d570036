"""bundlewise: a production frontend build tool for Python shops."""

__version__ = "0.1.0"

# The esbuild release bundlewise is built and tested against. Bumping it means re-running the
# whole suite: the metafile layout and error format are relied on.
ESBUILD_VERSION = "0.28.2"
