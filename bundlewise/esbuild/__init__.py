"""esbuild as a subprocess: finding or installing the pinned binary, running it, reading its log.

binary = find_esbuild(app_root, explicit=cli_flag, on_notice=log.info)
result = run_esbuild(binary, [entry_arg("src/main.ts"), "--bundle", ...], cwd=app_root, timeout=120)
if result.errors:
    raise BuildError(result.errors)
"""

from bundlewise.esbuild.locate import (
    EsbuildBinary,
    find_esbuild,
    install_esbuild,
    managed_dir,
    probe_esbuild,
)
from bundlewise.esbuild.messages import parse_messages
from bundlewise.esbuild.run import EsbuildResult, entry_arg, run_esbuild

__all__ = [
    "EsbuildBinary",
    "EsbuildResult",
    "entry_arg",
    "find_esbuild",
    "install_esbuild",
    "managed_dir",
    "parse_messages",
    "probe_esbuild",
    "run_esbuild",
]
