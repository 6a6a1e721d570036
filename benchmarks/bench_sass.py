"""bundlewise build vs `vite build` on a Bootstrap 5 app compiled from its SCSS.

The app: a page linking `src/styles.scss` (a `$primary` override, then all of Bootstrap's SCSS) and
a script importing Bootstrap's JS (with Popper). Both tools get the same app folder, whose
`node_modules` holds vite, npm's `sass` (what Vite compiles SCSS with), bootstrap and Popper; no
`sass-embedded`, so Vite uses `sass`. bundlewise uses its pinned native Dart Sass (its managed
copy, installed with npm on first use). Both minify, write source maps and do not compress
(bundlewise runs with `--no-compress`). Runs are interleaved; the figure is the ratio of medians.

    python benchmarks/bench_sass.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import CACHE, esbuild_binary, median_of, timed

PACKAGES = ("vite@7", "sass@1.105.0", "bootstrap@5.3.3", "@popperjs/core@2.11.8")
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bootstrap</title>
<link rel="stylesheet" href="src/styles.scss"></head>
<body><div class="dropdown"><button class="btn btn-primary dropdown-toggle"
data-bs-toggle="dropdown">Menu</button><ul class="dropdown-menu"><li>One</li></ul></div>
<script type="module" src="src/main.js"></script></body></html>
"""
CONFIG = """export default {
  logLevel: "warn",
  css: { devSourcemap: true, preprocessorOptions: { scss: { quietDeps: true } } },
  build: { outDir: "../bootstrap-vite-dist", emptyOutDir: true, sourcemap: true, minify: true },
};
"""


def bootstrap_app() -> Path:
    app = CACHE / "bootstrap-app"
    if not (app / "node_modules" / "vite").is_dir():
        app.mkdir(parents=True, exist_ok=True)
        (app / "package.json").write_text('{"name": "bootstrap-app", "private": true}')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", *PACKAGES], cwd=app,
                       check=True)  # fmt: skip
    (app / "src").mkdir(exist_ok=True)
    (app / "index.html").write_text(PAGE)
    (app / "src/styles.scss").write_text(
        '$primary: #7b2ff7;\n@import "bootstrap/scss/bootstrap";\n'
    )
    (app / "src/main.js").write_text(
        "import * as bootstrap from 'bootstrap';\nwindow.bs = bootstrap;\n"
    )
    (app / "vite.config.mjs").write_text(CONFIG)
    (app / "bundlewise.toml").write_text(
        'out_dir = "bw-dist"\n[images]\nenabled = false\n[budget]\ninitial = "10 MB"\n'
    )
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    app = bootstrap_app()
    vite = ["node", str(app / "node_modules/vite/bin/vite.js"), "build"]
    ours = [sys.executable, "-m", "bundlewise", "-q", "build", str(app), "--no-compress",
            "--esbuild", str(esbuild_binary())]  # fmt: skip
    subprocess.run(vite, cwd=app, check=True)  # warm up both (and install Dart Sass)
    subprocess.run(ours, check=True)
    vite_times, our_times = [], []
    for _ in range(runs):
        vite_times.append(timed(lambda: subprocess.run(vite, cwd=app, check=True)))
        shutil.rmtree(app / "bw-dist", ignore_errors=True)
        our_times.append(timed(lambda: subprocess.run(ours, check=True)))
    vite_s, our_s = median_of(vite_times), median_of(our_times)
    sizes = {
        name: sum(p.stat().st_size for p in (app / name).rglob("*.css"))
        for name in ("../bootstrap-vite-dist", "bw-dist")
    }
    print("runs (s): vite build", " ".join(f"{t:.2f}" for t in vite_times))
    print("runs (s): bundlewise", " ".join(f"{t:.2f}" for t in our_times))
    print(json.dumps({"css_bytes": sizes}))
    print("| input | vite build (sass) | bundlewise build | ratio |")
    print("|---|---|---|---|")
    print(f"| Bootstrap 5.3 from SCSS + its JS ({runs} runs, median) | {vite_s:.2f} s "
          f"| {our_s:.2f} s | {our_s / vite_s:.2f}× |")  # fmt: skip


if __name__ == "__main__":
    main()
