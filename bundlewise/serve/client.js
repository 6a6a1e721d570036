// bundlewise live reload: listens to the dev server's events; served as /__bundlewise/client.js.
(() => {
  const events = new EventSource("/__bundlewise/events");
  let overlay = null;

  const hideOverlay = () => {
    if (overlay) overlay.remove();
    overlay = null;
  };

  const showOverlay = (text) => {
    hideOverlay();
    overlay = document.createElement("div");
    overlay.id = "bundlewise-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
      "background:rgba(20,20,20,.92);color:#f6f6f6;font:14px/1.5 ui-monospace,monospace";
    const title = document.createElement("strong");
    title.textContent = "Build failed: the page shows the last good build.";
    title.style.color = "#ff7b72";
    const pre = document.createElement("pre");
    pre.textContent = text; // text, never HTML: messages quote source code
    pre.style.whiteSpace = "pre-wrap";
    overlay.append(title, pre);
    document.documentElement.append(overlay);
  };

  // New stylesheets load beside the old ones, which go once the new ones applied: no flash.
  const swapStylesheets = () => {
    const stamp = String(Date.now());
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("bundlewise", stamp);
      const next = link.cloneNode();
      next.href = url.href;
      next.addEventListener("load", () => link.remove(), { once: true });
      next.addEventListener("error", () => next.remove(), { once: true });
      link.after(next);
    }
  };

  events.addEventListener("reload", () => location.reload());
  events.addEventListener("css", () => {
    hideOverlay();
    swapStylesheets();
  });
  events.addEventListener("ok", hideOverlay);
  events.addEventListener("build-error", (event) => showOverlay(JSON.parse(event.data).text));
})();
