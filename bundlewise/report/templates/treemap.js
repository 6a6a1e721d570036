// Squarified treemap of the report data, drawn as SVG. Names are only ever set as textContent.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("bundlewise-data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var svg = document.getElementById("treemap");
  var crumbs = document.getElementById("crumbs");
  var tip = document.getElementById("tip");
  var W = 960, H = 540, HEAD = 18;
  var COLORS = ["#8ecae6", "#ffb703", "#90be6d", "#f4a261", "#cdb4db", "#a8dadc", "#e9c46a", "#b5e48c"];
  var path = [data.tree];

  function fmt(n) {
    if (n < 1000) return n + " B";
    if (n < 1e6) return (n / 1000).toFixed(2) + " kB";
    return (n / 1e6).toFixed(2) + " MB";
  }

  function el(name, attrs) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  function worst(areas, side) {
    var sum = 0, max = 0, min = Infinity;
    areas.forEach(function (a) { sum += a; max = Math.max(max, a); min = Math.min(min, a); });
    var s2 = sum * sum, l2 = side * side;
    return Math.max((l2 * max) / s2, s2 / (l2 * min));
  }

  // Bruls, Huizing and van Wijk's squarified layout: fill rows along the short side while the
  // worst aspect ratio improves.
  function layout(items, x, y, w, h) {
    var total = 0, out = [];
    items.forEach(function (n) { total += n.size; });
    if (total <= 0 || w <= 1 || h <= 1) return out;
    var scale = (w * h) / total;
    var rest = items.filter(function (n) { return n.size > 0; })
      .sort(function (a, b) { return b.size - a.size || (a.name < b.name ? -1 : 1); });
    while (rest.length) {
      var side = Math.min(w, h), row = [], areas = [], best = Infinity;
      while (rest.length) {
        var next = areas.concat([rest[0].size * scale]);
        var ratio = worst(next, side);
        if (row.length && ratio > best) break;
        row.push(rest.shift()); areas = next; best = ratio;
      }
      var rowArea = areas.reduce(function (s, a) { return s + a; }, 0);
      var thick = rowArea / side, offset = 0;
      row.forEach(function (n, i) {
        var len = areas[i] / thick;
        if (w >= h) out.push({ node: n, x: x, y: y + offset, w: thick, h: len });
        else out.push({ node: n, x: x + offset, y: y, w: len, h: thick });
        offset += len;
      });
      if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
    }
    return out;
  }

  function label(parent, text, x, y, w) {
    if (w < 40) return;
    var t = el("text", { x: x + 4, y: y + 13 });
    var max = Math.floor((w - 8) / 7);
    t.textContent = text.length > max ? "…" + text.slice(text.length - max + 1) : text;
    parent.appendChild(t);
  }

  function cell(c, i) {
    var n = c.node, g = el("g", { "class": n.children ? "cell zoomable" : "cell" });
    var title = el("title", {});
    title.textContent = n.name + " — " + fmt(n.size);
    g.appendChild(title);
    g.appendChild(el("rect", { x: c.x, y: c.y, width: c.w, height: c.h, fill: COLORS[i % COLORS.length] }));
    if (n.children && c.h > HEAD + 8) {
      layout(n.children, c.x + 2, c.y + HEAD, c.w - 4, c.h - HEAD - 2).forEach(function (s) {
        var r = el("rect", { "class": "sub", x: s.x, y: s.y, width: s.w, height: s.h, fill: "#555" });
        var st = el("title", {});
        st.textContent = s.node.name + " — " + fmt(s.node.size);
        r.appendChild(st);
        g.appendChild(r);
        if (s.w > 60 && s.h > 16) label(g, s.node.name, s.x, s.y, s.w);
      });
    }
    if (c.h > 14) label(g, n.name + " " + fmt(n.size), c.x, c.y, c.w);
    g.addEventListener("mouseenter", function () { tip.textContent = n.name + " — " + fmt(n.size); });
    if (n.children) g.addEventListener("click", function () { path.push(n); draw(); });
    return g;
  }

  function drawCrumbs() {
    while (crumbs.firstChild) crumbs.removeChild(crumbs.firstChild);
    path.forEach(function (n, i) {
      if (i) { var s = document.createElement("span"); s.className = "sep"; s.textContent = "›"; crumbs.appendChild(s); }
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = n.name + " (" + fmt(n.size) + ")";
      b.addEventListener("click", function () { path = path.slice(0, i + 1); draw(); });
      crumbs.appendChild(b);
    });
  }

  function draw() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var node = path[path.length - 1];
    layout(node.children || [], 0, 0, W, H).forEach(function (c, i) { svg.appendChild(cell(c, i)); });
    if (!svg.firstChild) {
      var t = el("text", { x: 16, y: 28 });
      t.textContent = "No module data: nothing was bundled.";
      svg.appendChild(t);
    }
    drawCrumbs();
  }

  draw();
})();
