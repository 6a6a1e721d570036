// Runs in the audited page before any of its own scripts (Playwright's init script).
// Records what the Performance APIs report during the load, keyed to the page's own clock
// (performance.now(), milliseconds since navigation start), and keeps DOM nodes described as
// plain data so that they survive the page changing afterwards.
(() => {
  if (window.__bundlewiseAudit) return;
  const data = (window.__bundlewiseAudit = {
    lcp: [],
    shifts: [],
    longTasks: [],
    fcp: null,
    fontsLoaded: [],
  });

  function selectorOf(node) {
    if (!node || node.nodeType !== 1) {
      return node && node.parentElement ? selectorOf(node.parentElement) + " > #text" : "";
    }
    const parts = [];
    for (let el = node; el && el.nodeType === 1 && parts.length < 4; el = el.parentElement) {
      let part = el.localName;
      if (el.id) {
        parts.unshift(part + "#" + el.id);
        break;
      }
      const classes = Array.from(el.classList).slice(0, 2);
      if (classes.length) part += "." + classes.join(".");
      const parent = el.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter((c) => c.localName === el.localName);
        if (same.length > 1) part += ":nth-of-type(" + (same.indexOf(el) + 1) + ")";
      }
      parts.unshift(part);
    }
    return parts.join(" > ");
  }

  function rect(r) {
    return r ? { x: r.x, y: r.y, width: r.width, height: r.height } : null;
  }

  // What makes an element's box depend on something that arrives late.
  function describe(node) {
    const el = node && node.nodeType === 1 ? node : node && node.parentElement;
    if (!el) return { selector: "", tag: "" };
    const style = getComputedStyle(el);
    const info = {
      selector: selectorOf(el),
      tag: el.localName,
      text: (el.textContent || "").trim().slice(0, 80),
      src: el.currentSrc || el.src || "",
      widthAttr: el.getAttribute("width"),
      heightAttr: el.getAttribute("height"),
      aspectRatio: style.aspectRatio,
      fontFamily: style.fontFamily,
    };
    // Elements with no box of their own yet (a replaced element before its image decodes)
    // shift the elements below them: note the nearest earlier sibling image/iframe.
    const before = [];
    for (let s = el.previousElementSibling; s && before.length < 3; s = s.previousElementSibling) {
      for (const m of [s, ...s.querySelectorAll("img, iframe, video")]) {
        if (["img", "iframe", "video"].includes(m.localName)) {
          before.push({
            selector: selectorOf(m),
            tag: m.localName,
            src: m.currentSrc || m.src || "",
            widthAttr: m.getAttribute("width"),
            heightAttr: m.getAttribute("height"),
            aspectRatio: getComputedStyle(m).aspectRatio,
          });
        }
      }
    }
    info.before = before;
    return info;
  }

  function observe(type, callback, extra) {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(callback)).observe({
        type,
        buffered: true,
        ...extra,
      });
    } catch (e) {
      /* an entry type this browser does not support */
    }
  }

  observe("largest-contentful-paint", (e) => {
    data.lcp.push({
      time: e.startTime,
      size: e.size,
      url: e.url || "",
      element: describe(e.element),
      rect: e.element ? rect(e.element.getBoundingClientRect()) : null,
    });
  });
  observe("layout-shift", (e) => {
    if (e.hadRecentInput) return;
    data.shifts.push({
      time: e.startTime,
      value: e.value,
      fontsLoadedBefore: data.fontsLoaded.slice(),
      sources: (e.sources || []).map((s) => ({
        node: describe(s.node),
        before: rect(s.previousRect),
        after: rect(s.currentRect),
      })),
    });
  });
  observe("longtask", (e) => data.longTasks.push({ start: e.startTime, duration: e.duration }));
  observe("paint", (e) => {
    if (e.name === "first-contentful-paint") data.fcp = e.startTime;
  });
  if (document.fonts) {
    document.fonts.addEventListener("loadingdone", (event) => {
      for (const face of event.fontfaces) {
        data.fontsLoaded.push({ family: face.family, time: performance.now() });
      }
    });
  }
})();
