"""How JSX is compiled: the `[jsx]` section, else the app's TypeScript config, else its dependencies.

esbuild reads `jsx`/`jsxImportSource` only from the `tsconfig.json` nearest to each file. The Vite
starters keep them in `tsconfig.app.json`, reached through `references`, which esbuild does not
follow: left alone, their JSX compiles to `React.createElement` and the page throws "React is not
defined". So we read the settings the way `tsc` does (following `extends` and `references`) and
pass them to esbuild as flags:

1. `[jsx]` in bundlewise's config (`runtime`, `import_source`, `factory`, `fragment`);
2. `compilerOptions` of `tsconfig.json` (or `jsconfig.json`) at the app root, with `extends`
   applied; if it sets no `jsx`, the first project in its `references` that does;
3. no TypeScript setting: the automatic runtime from `preact` or `react` when package.json
   depends on it;
4. otherwise esbuild's default (classic `React.createElement`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any, Literal

from bundlewise.config_schema import NOT_A_KEY, Check
from bundlewise.errors import Location, Message
from bundlewise.js import jsonc

Runtime = Literal["automatic", "classic", "preserve"]
# tsc's `jsx` values → esbuild's runtime (`react-jsxdev` is the dev flavour of `react-jsx`).
_TSC_JSX: dict[str, Runtime] = {
    "react-jsx": "automatic",
    "react-jsxdev": "automatic",
    "react": "classic",
    "preserve": "preserve",
    "react-native": "preserve",
}
_MAX_EXTENDS = 20  # a cycle of `extends` stops here


def _name(value: str) -> str:
    if not value.strip():
        raise ValueError(f"expected a non-empty string, got {value!r}")
    return value.strip()


Name = Annotated[str | None, Check(_name)]


@dataclass(frozen=True)
class JsxOptions:
    """`[jsx]`: how JSX compiles. Unset fields come from the app's tsconfig or dependencies."""

    # "automatic" (`react/jsx-runtime`), "classic" (`React.createElement`) or "preserve".
    runtime: Runtime | None = None
    # The package that provides `jsx-runtime` for the automatic runtime: "react", "preact", ...
    import_source: Name = None
    # Classic runtime: the function a JSX element calls ("h"), and the fragment ("Fragment").
    factory: Name = None
    fragment: Name = None
    # Where the settings were read from (for `-v` and messages); not a config key.
    origin: str = field(default="", metadata=NOT_A_KEY)

    @property
    def is_set(self) -> bool:
        return any((self.runtime, self.import_source, self.factory, self.fragment))

    def esbuild_args(self) -> list[str]:
        args = []
        if self.runtime == "classic":
            args.append("--jsx=transform")
        elif self.runtime:
            args.append(f"--jsx={self.runtime}")
        if self.import_source:
            args.append(f"--jsx-import-source={self.import_source}")
        if self.factory:
            args.append(f"--jsx-factory={self.factory}")
        if self.fragment:
            args.append(f"--jsx-fragment={self.fragment}")
        return args


def resolve_jsx(root: Path, configured: JsxOptions | None) -> tuple[JsxOptions, list[Message]]:
    """The JSX settings for the app in `root`; warnings for TypeScript configs we cannot read."""
    warnings: list[Message] = []
    found = _from_tsconfig(root, warnings) or _from_dependencies(root) or JsxOptions()
    if configured is None or not configured.is_set:
        return found, warnings
    # The config wins key by key; a runtime change drops what only made sense for the old one.
    if configured.runtime and configured.runtime != found.runtime:
        found = JsxOptions()
    merged = {
        f.name: getattr(configured, f.name) or getattr(found, f.name)
        for f in fields(JsxOptions)
        if f.name != "origin"
    }
    return JsxOptions(**merged, origin=configured.origin), warnings


def _from_tsconfig(root: Path, warnings: list[Message]) -> JsxOptions | None:
    for name in ("tsconfig.json", "jsconfig.json"):
        path = root / name
        if not path.is_file():
            continue
        options = _compiler_options(path, warnings)
        if options is None:
            return None
        if "jsx" in options:
            return _from_compiler_options(options, path, root)
        for ref in _references(path, warnings):
            ref_options = _compiler_options(ref, warnings)
            if ref_options and "jsx" in ref_options:
                return _from_compiler_options(ref_options, ref, root)
        return None
    return None


def _from_compiler_options(options: Mapping[str, Any], path: Path, root: Path) -> JsxOptions:
    runtime = _TSC_JSX.get(str(options.get("jsx", "")).lower())
    factory = options.get("jsxFactory") if runtime == "classic" else None
    fragment = options.get("jsxFragmentFactory") if runtime == "classic" else None
    source = options.get("jsxImportSource") if runtime == "automatic" else None
    return JsxOptions(
        runtime=runtime,
        import_source=source if isinstance(source, str) else None,
        factory=factory if isinstance(factory, str) else None,
        fragment=fragment if isinstance(fragment, str) else None,
        origin=path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path),
    )


def _compiler_options(path: Path, warnings: list[Message], depth: int = 0) -> dict[str, Any] | None:
    """`compilerOptions` of the config at `path`, with every `extends` applied (later wins)."""
    data = _read(path, warnings)
    if data is None or depth > _MAX_EXTENDS:
        return None
    merged: dict[str, Any] = {}
    extends = data.get("extends")
    for base in [extends] if isinstance(extends, str) else extends or []:
        base_path = _resolve_extends(path.parent, str(base)) if isinstance(base, str) else None
        if base_path is None:
            warnings.append(
                Message(
                    f"{path.name}: cannot find {base!r} named in 'extends'",
                    Location(str(path)),
                    "warning",
                )
            )
            continue
        merged.update(_compiler_options(base_path, warnings, depth + 1) or {})
    own = data.get("compilerOptions")
    merged.update(own if isinstance(own, dict) else {})
    return merged


def _read(path: Path, warnings: list[Message]) -> dict[str, Any] | None:
    try:
        data = jsonc.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        warnings.append(
            Message(
                f"cannot read {path.name}: {exc}; its JSX settings are ignored",
                Location(str(path), getattr(exc, "lineno", 0)),
                "warning",
            )
        )
        return None
    return data if isinstance(data, dict) else None


def _resolve_extends(folder: Path, spec: str) -> Path | None:
    """A relative path, or a package in `node_modules` of this folder or a parent, as tsc does."""
    if spec.startswith((".", "/")):
        candidates = [folder / spec, folder / f"{spec}.json"]
    else:
        candidates = []
        for parent in (folder, *folder.parents):
            base = parent / "node_modules" / spec
            candidates += [base, Path(f"{base}.json"), base / "tsconfig.json"]
    return next((c.resolve() for c in candidates if c.is_file()), None)


def _references(path: Path, warnings: list[Message]) -> list[Path]:
    data = _read(path, warnings) or {}
    refs = data.get("references")
    out = []
    for ref in refs if isinstance(refs, list) else []:
        target = ref.get("path") if isinstance(ref, dict) else None
        if isinstance(target, str):
            ref_path = path.parent / target
            ref_path = ref_path / "tsconfig.json" if ref_path.is_dir() else ref_path
            if ref_path.is_file():
                out.append(ref_path)
    return out


def _from_dependencies(root: Path) -> JsxOptions | None:
    """No TypeScript setting: the automatic runtime of the JSX library the app depends on."""
    try:
        package = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(package, dict):
        return None
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        if isinstance(package.get(key), dict):
            deps.update(package[key])
    for library in ("preact", "react"):
        if library in deps:
            return JsxOptions("automatic", library, origin=f"package.json depends on {library}")
    return None
