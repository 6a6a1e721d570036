"""Watch mode: rebuild on every change, fast, and survive every error.

    watcher = Watcher(lambda: load_config(app), WatchOptions(debounce=0.1), console)
    watcher.listeners.append(server.publish)      # optional: the dev server's live reload
    watcher.run()                                  # until Ctrl-C / SIGTERM

Design, chosen by measurement (2-core machine under load from other jobs, esbuild 0.28.2):

- A fresh esbuild per rebuild throws away everything esbuild parsed. three.js ×10 (not minified,
  source maps) takes 7–9 s from scratch but about 2 s as an incremental rebuild; the sample app
  takes ~115 ms per plain `pipeline.build` against ~80 ms with a kept context.
- So the watcher keeps one `esbuild --service` child (the process esbuild's JS API drives) with an
  open build context (`service.py`, `incremental.py`) and asks it to rebuild when *our* watchdog
  observer says files changed. esbuild's own `--watch` polls (a changed file is noticed after up to
  100 ms when it changed recently, up to ~2 s otherwise) and cannot be told to wait for a quiet
  period, so letting it drive would give a burst of changes several builds and a slow first save.
  Here one observer sees every file (scripts, pages, images, config, `public/`), one debouncer
  decides when to build, and one thread builds: never two builds at once.
- The rest of the pipeline (pages, manifest, swap) runs as in a production build, on esbuild's
  in-memory output, so the output folder is swapped atomically after every rebuild.
"""

from bundlewise.watch.loop import BuildOutcome, Watcher, WatchOptions, dev_config

__all__ = ["BuildOutcome", "WatchOptions", "Watcher", "dev_config"]
