"""Watch mode: rebuild on every change, fast, and survive every error.

    watcher = Watcher(lambda: load_config(app), WatchOptions(debounce=0.1), console)
    watcher.listeners.append(server.publish)      # optional: the dev server's live reload
    watcher.run()                                  # until Ctrl-C / SIGTERM

Design, chosen by measurement (2-core machine shared with other jobs, esbuild 0.28.2):

- A fresh esbuild per rebuild throws away everything esbuild parsed. three.js ×10 (not minified,
  source maps) took 7–9 s from scratch but 0.6–2 s as an incremental rebuild; the sample app took
  ~115 ms per plain `pipeline.build` against ~75 ms with a kept context.
- So the watcher keeps one `esbuild --service` child (the process esbuild's JS API drives) with an
  open build context (`service.py`, `incremental.py`) and asks it to rebuild when *our* watchdog
  observer says files changed. Letting esbuild's own `--watch` drive instead would leave two
  watchers deciding when to build: a burst could not be held to one build, and pages, images,
  config and `public/` need our observer anyway. Here one observer sees every file, one debouncer
  decides when to build, and one thread builds: never two builds at once.
- esbuild writes each rebuild straight into the staging folder (`write: true`; copying 37 MB of
  three.js output through the pipe cost ~60 ms more); the rest of the pipeline (pages, manifest,
  stats, swap) runs as in a production build, so the output folder is swapped atomically after
  every rebuild.
- Edit-to-output latency (benchmarks/bench_watch.py, medians of 20 edits, both watchers side by
  side): three.js ×10 1.26 s against 1.03 s for esbuild's own `--watch` (1.22×); the sample app
  181 ms against 20 ms. The difference is mostly the 100 ms quiet period, which esbuild does not
  wait for; `--debounce` lowers it, at the cost of splitting slow bursts into more builds.
"""

from bundlewise.watch.loop import BuildOutcome, Watcher, WatchOptions, dev_config

__all__ = ["BuildOutcome", "WatchOptions", "Watcher", "dev_config"]
