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
- What a rebuild costs beyond esbuild, and what was cut (sample app, in-process, 2 cores):
  our own output folder used to be watched too, so each rebuild's hundreds of created, renamed
  and deleted entries went through watchdog's threads while the build ran (48 ms a rebuild
  instead of 22); now folders holding ours are watched alone and only file-changing events are
  asked for (`tree.py`). The previous output is deleted on a thread after the rebuild is
  announced (`output.staging.BackgroundRemoval`), and image sizes for the HTML hints are read once per
  file version. A sample-app rebuild went from ~50 ms to ~18 ms; on three.js ×10, esbuild's own
  rebuild is ~540 ms of ~600.
- Edit-to-output latency (benchmarks/bench_watch.py, medians of 20 edits, watchers side by side,
  two runs): against esbuild's `--watch --watch-delay=100` (the same quiet period), the sample
  app 125–132 ms against 130–135 ms (0.96–0.98×; SSE reload 0.99–1.00×) and three.js ×10
  808–847 ms against 726–848 ms (1.00–1.11×). Against plain `--watch`, which rebuilds as soon as
  it sees a change: 35–49 ms for the sample app and 1.25–1.27× on three.js ×10. The difference
  is the 100 ms quiet period; `--debounce` lowers it, at the cost of splitting slow bursts into
  more builds.
"""

from bundlewise.watch.loop import BuildOutcome, Watcher, WatchOptions, dev_config

__all__ = ["BuildOutcome", "WatchOptions", "Watcher", "dev_config"]
