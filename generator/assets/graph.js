// Concept-graph pictures (svg.gg-graph): highlight a node's links on hover or focus,
// zoom and pan by changing the viewBox (pointer, wheel, pinch or keys), fade the
// nodes without a chosen tag. On the whole graph: switches per relation kind,
// search-to-focus, and labels shown from the zoom level the build computed for
// each (data-z), so labels never overlap. On a neighbourhood: one to three hops.
// Our own code, no libraries, no requests.
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var DRAG_PX = 5; // a press that moves less than this stays a click on the link
  var MAX_ZOOM = 40;
  var STEP = Math.pow(2, 1 / 3); // labels.py's STEP: three label levels per doubling
  var PAN = 0.15; // an arrow key moves the view by this share of its width

  function readBox(svg) {
    return svg.getAttribute("viewBox").trim().split(/[\s,]+/).map(Number);
  }

  function writeBox(svg, box) {
    svg.setAttribute("viewBox", box.map(function (v) { return v.toFixed(2); }).join(" "));
  }

  function toUser(svg, clientX, clientY) {
    var ctm = svg.getScreenCTM();
    if (!ctm) return { x: 0, y: 0 };
    var p = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse());
    return { x: p.x, y: p.y };
  }

  function makeButton(text, label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "gg-button";
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.title = label;
    return button;
  }

  function Graph(svg) {
    this.svg = svg;
    // The toolbar goes above the picture's own scroll box, if it has one, and below a legend.
    this.scroller = svg.parentNode.classList.contains("gg-scroll") ? svg.parentNode : null;
    this.frame = svg.closest(".gg-frame") || (this.scroller || svg).parentNode;
    this.whole = svg.classList.contains("gg-whole");
    this.homeText = svg.getAttribute("viewBox");
    this.home = readBox(svg);
    this.box = this.home.slice();
    this.nodes = Array.prototype.slice.call(svg.querySelectorAll("a.gg-node"));
    this.index = new Map();
    this.links = this.nodes.map(function () { return []; });
    this.lit = [];
    this.pointers = new Map();
    this.press = null;
    this.panned = false;
    this.tag = "";
    this.pending = 0;
    this.level = null;
    this.found = null;
    this.labels = this.readLabels();
    this.nodes.forEach(function (node, i) { this.index.set(node, i); }, this);
    svg.querySelectorAll(".gg-links [data-e]").forEach(function (edge) {
      var ends = edge.getAttribute("data-e").split(" ").map(Number);
      if (this.links[ends[0]] && this.links[ends[1]]) {
        this.links[ends[0]].push({ edge: edge, other: ends[1] });
        this.links[ends[1]].push({ edge: edge, other: ends[0] });
      }
    }, this);
    this.buildToolbar();
    this.listen();
    this.wireKinds();
    if (!svg.hasAttribute("tabindex")) svg.setAttribute("tabindex", "0");
    this.showLabels();
    this.centreScroller();
  }

  // A picture wider than its scroll box opens scrolled to its centre concept (x = 0).
  Graph.prototype.centreScroller = function () {
    var box = this.scroller;
    if (!box || box.scrollWidth <= box.clientWidth) return;
    var scale = this.svg.getBoundingClientRect().width / this.home[2];
    box.scrollLeft = Math.max(0, -this.home[0] * scale - box.clientWidth / 2);
  };

  // Labels with their level, lowest first, so a zoom step touches only those that change.
  Graph.prototype.readLabels = function () {
    var floor = parseFloat(this.svg.getAttribute("data-zfloor"));
    if (!(floor > 0)) return null;
    var list = Array.prototype.map.call(this.svg.querySelectorAll(".gg-nodes text[data-z]"), function (t) {
      return { el: t, z: parseInt(t.getAttribute("data-z"), 10) };
    });
    return {
      floor: floor,
      top: parseInt(this.svg.getAttribute("data-ztop"), 10) || 0,
      px: parseFloat(this.svg.getAttribute("data-label-px")) || 13,
      list: list,
    };
  };

  // Screen pixels per picture unit now (the zoom the label levels are in).
  Graph.prototype.pixelsPerUnit = function () {
    var ctm = this.svg.getScreenCTM();
    return ctm && ctm.a > 0 ? ctm.a : 0;
  };

  Graph.prototype.levelZoom = function (z) {
    return this.labels.floor * Math.pow(STEP, z);
  };

  Graph.prototype.buildToolbar = function () {
    var self = this;
    var bar = document.createElement("div");
    bar.className = "gg-toolbar";
    var zoomIn = makeButton("+", "Zoom in");
    var zoomOut = makeButton("\u2212", "Zoom out");
    var reset = makeButton("Reset", "Reset the view");
    zoomIn.addEventListener("click", function () { self.zoomAtCentre(1 / 1.5); });
    zoomOut.addEventListener("click", function () { self.zoomAtCentre(1.5); });
    reset.addEventListener("click", function () { self.reset(); });
    bar.appendChild(zoomIn);
    bar.appendChild(zoomOut);
    bar.appendChild(reset);
    this.buildDepths(bar);
    var tags = this.collectTags();
    if (tags.length) {
      var select = document.createElement("select");
      select.className = "gg-tags";
      select.setAttribute("aria-label", "Show concepts with this tag");
      select.appendChild(new Option("All tags", ""));
      tags.forEach(function (tag) { select.appendChild(new Option(tag, tag)); });
      select.addEventListener("change", function () { self.filter(select.value); });
      bar.appendChild(select);
    }
    if (this.whole) this.buildSearch(bar);
    var hint = document.createElement("span");
    hint.className = "gg-keys";
    hint.textContent = "Keys: + \u2212 zoom, arrows pan, 0 resets";
    bar.appendChild(hint);
    var legend = this.frame.querySelector(".gg-legend-box");
    var before = legend ? legend.nextSibling : this.scroller || this.svg;
    before.parentNode.insertBefore(bar, before);
  };

  // One, two or three hops: the picture holds them all, tagged data-d, with a viewBox each.
  Graph.prototype.buildDepths = function (bar) {
    var text = this.svg.getAttribute("data-depths");
    if (!text) return;
    var self = this;
    this.depthBoxes = text.split(",").map(function (b) { return b.trim().split(/\s+/).map(Number); });
    var group = document.createElement("span");
    group.className = "gg-depths";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "How many links out from this concept");
    this.depthButtons = this.depthBoxes.map(function (_, i) {
      var d = i + 1;
      var label = d === 1 ? "Show only the concepts linked to this one" : "Show concepts up to " + d + " links away";
      var button = makeButton(d + (d === 1 ? " hop" : " hops"), label);
      button.setAttribute("aria-pressed", d === 1 ? "true" : "false");
      button.addEventListener("click", function () { self.setDepth(d); });
      group.appendChild(button);
      return button;
    });
    bar.appendChild(group);
  };

  Graph.prototype.setDepth = function (depth) {
    this.svg.querySelectorAll("[data-d]").forEach(function (el) {
      if (+el.getAttribute("data-d") <= depth) el.removeAttribute("display");
      else el.setAttribute("display", "none");
    });
    this.depthButtons.forEach(function (b, i) { b.setAttribute("aria-pressed", i + 1 === depth ? "true" : "false"); });
    var drawn = parseFloat(this.svg.style.getPropertyValue("--gg-width")) / this.home[2] || 0.85;
    this.home = this.depthBoxes[depth - 1].slice();
    this.homeText = this.home.join(" ");
    this.svg.style.setProperty("--gg-width", (this.home[2] * drawn).toFixed(1) + "px");
    this.reset();
    this.centreScroller();
  };

  Graph.prototype.buildSearch = function (bar) {
    var self = this;
    var id = (this.svg.id || "gg-whole") + "-names";
    var list = document.createElement("datalist");
    list.id = id;
    var names = [];
    this.nodes.forEach(function (node) {
      var title = node.querySelector("title");
      names.push(title ? title.textContent : node.getAttribute("data-key"));
      (node.getAttribute("data-aliases") || "").split("|").forEach(function (alias) {
        if (alias) names.push(alias);
      });
    });
    Array.from(new Set(names)).sort().forEach(function (name) { list.appendChild(new Option(name)); });
    var input = document.createElement("input");
    input.type = "search";
    input.className = "gg-search";
    input.setAttribute("list", id);
    input.setAttribute("aria-label", "Find a concept in the graph");
    input.placeholder = "Find a concept";
    input.addEventListener("change", function () { self.find(input.value); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        self.find(input.value);
      }
    });
    bar.appendChild(input);
    bar.appendChild(list);
  };

  // The first node, in key order, whose title or alias is the query; else starts with it; else holds it.
  Graph.prototype.match = function (query) {
    var q = query.trim().toLowerCase();
    if (!q) return -1;
    var names = this.nodes.map(function (node) {
      var title = node.querySelector("title");
      var all = [(title ? title.textContent : "").toLowerCase()];
      (node.getAttribute("data-aliases") || "").split("|").forEach(function (a) { if (a) all.push(a.toLowerCase()); });
      return all;
    });
    var tests = [
      function (n) { return n === q; },
      function (n) { return n.indexOf(q) === 0; },
      function (n) { return n.indexOf(q) >= 0; },
    ];
    for (var t = 0; t < tests.length; t++) {
      for (var i = 0; i < names.length; i++) if (names[i].some(tests[t])) return i;
    }
    return -1;
  };

  // Centre the view on the concept, zoomed in until its label shows, and mark it.
  Graph.prototype.find = function (query) {
    var i = this.match(query);
    if (i < 0) return;
    var node = this.nodes[i];
    var c = node.querySelector("circle");
    var x = +c.getAttribute("cx");
    var y = +c.getAttribute("cy");
    var now = this.pixelsPerUnit();
    var want = now;
    var text = node.querySelector("text[data-z]");
    if (this.labels && text) want = Math.max(now, this.levelZoom(+text.getAttribute("data-z")) * 1.01);
    var factor = now > 0 ? now / want : 1;
    var b = this.box;
    this.setBox([x - (b[2] * factor) / 2, y - (b[3] * factor) / 2, b[2] * factor, b[3] * factor]);
    if (this.found) this.found.classList.remove("gg-found");
    this.found = node;
    node.classList.add("gg-found");
    node.focus({ preventScroll: true });
    this.highlight(i);
    this.svg.scrollIntoView({ block: "nearest" });
  };

  // The legend's switches show or hide each kind's group of edges.
  Graph.prototype.wireKinds = function () {
    var svg = this.svg;
    this.frame.querySelectorAll("input.gg-kind-toggle").forEach(function (input) {
      var group = svg.querySelector('.gg-links .gg-edges[data-kind="' + input.getAttribute("data-kind") + '"]');
      function apply() {
        if (!group) return;
        if (input.checked) group.removeAttribute("display");
        else group.setAttribute("display", "none");
      }
      input.addEventListener("change", apply);
      apply(); // a page restored from history keeps its switches as the reader left them
    });
  };

  Graph.prototype.collectTags = function () {
    var seen = new Set();
    this.nodes.forEach(function (node) {
      (node.getAttribute("data-tags") || "").split(" ").forEach(function (tag) {
        if (tag) seen.add(tag);
      });
    });
    return Array.from(seen).sort();
  };

  Graph.prototype.tagsOf = function (node) {
    return (node.getAttribute("data-tags") || "").split(" ");
  };

  Graph.prototype.filter = function (tag) {
    var self = this;
    var dim = this.nodes.map(function (node) {
      return tag !== "" && self.tagsOf(node).indexOf(tag) < 0;
    });
    this.nodes.forEach(function (node, i) { node.classList.toggle("gg-dim", dim[i]); });
    this.links.forEach(function (links, i) {
      links.forEach(function (link) { link.edge.classList.toggle("gg-dim", dim[i] || dim[link.other]); });
    });
    this.tag = tag;
  };

  Graph.prototype.highlight = function (i) {
    this.clear();
    this.svg.classList.add("gg-focus");
    this.lit.push(this.nodes[i]);
    this.links[i].forEach(function (link) {
      // A link hidden by its kind's switch or by the depth control lights nothing.
      if (link.edge.getAttribute("display") === "none") return;
      if (link.edge.parentNode.getAttribute("display") === "none") return;
      this.lit.push(link.edge, this.nodes[link.other]);
    }, this);
    this.lit.forEach(function (el) { el.classList.add("gg-hi"); });
  };

  Graph.prototype.clear = function () {
    this.svg.classList.remove("gg-focus");
    this.lit.forEach(function (el) { el.classList.remove("gg-hi"); });
    this.lit = [];
  };

  Graph.prototype.nodeOf = function (target) {
    var node = target && target.closest ? target.closest("a.gg-node") : null;
    return node && this.index.has(node) ? this.index.get(node) : -1;
  };

  Graph.prototype.setBox = function (box) {
    this.box = box;
    writeBox(this.svg, box);
    this.showLabels();
    if (this.whole) this.scheduleSettle();
  };

  Graph.prototype.reset = function () {
    this.setBox(this.home.slice());
    this.svg.setAttribute("viewBox", this.homeText);
  };

  // The deepest zoom: far enough that every label level shows.
  Graph.prototype.maxScale = function () {
    if (!this.labels) return MAX_ZOOM;
    var p = this.pixelsPerUnit();
    if (!(p > 0)) return MAX_ZOOM;
    var home = (p * this.box[2]) / this.home[2];
    return Math.max(MAX_ZOOM, (this.levelZoom(this.labels.top + 1) * 1.05) / home);
  };

  Graph.prototype.zoomAt = function (point, factor) {
    var b = this.box;
    var scale = this.home[2] / (b[2] * factor);
    if ((factor < 1 && scale > this.maxScale()) || (factor > 1 && scale < 0.5)) return;
    this.setBox([
      point.x - (point.x - b[0]) * factor,
      point.y - (point.y - b[1]) * factor,
      b[2] * factor,
      b[3] * factor,
    ]);
  };

  Graph.prototype.zoomAtCentre = function (factor) {
    var b = this.box;
    this.zoomAt({ x: b[0] + b[2] / 2, y: b[1] + b[3] / 2 }, factor);
  };

  Graph.prototype.listen = function () {
    var self = this;
    var svg = this.svg;
    svg.addEventListener("pointerover", function (e) {
      var i = self.nodeOf(e.target);
      if (i >= 0 && !self.panned) self.highlight(i);
    });
    svg.addEventListener("pointerout", function (e) {
      if (self.nodeOf(e.target) !== self.nodeOf(e.relatedTarget)) self.clear();
    });
    svg.addEventListener("focusin", function (e) {
      var i = self.nodeOf(e.target);
      if (i < 0) return;
      self.bringIntoView(i);
      self.highlight(i);
    });
    svg.addEventListener("keydown", function (e) { self.onKey(e); });
    var resized = 0;
    window.addEventListener("resize", function () {
      window.cancelAnimationFrame(resized);
      resized = window.requestAnimationFrame(function () { self.showLabels(); });
    });
    svg.addEventListener("focusout", function () { self.clear(); });
    svg.addEventListener("wheel", function (e) { self.onWheel(e); }, { passive: false });
    svg.addEventListener("pointerdown", function (e) { self.onDown(e); });
    svg.addEventListener("pointermove", function (e) { self.onMove(e); });
    svg.addEventListener("pointerup", function (e) { self.onUp(e); });
    svg.addEventListener("pointercancel", function (e) { self.onUp(e); });
    // After a real pan, the click that ends it must not follow a link.
    svg.addEventListener("click", function (e) {
      if (self.panned) {
        e.preventDefault();
        e.stopPropagation();
        self.panned = false;
      }
    }, true);
  };

  // Keyboard focus on a node outside the view (or at its edge) pans the view to it.
  Graph.prototype.bringIntoView = function (i) {
    var c = this.nodes[i].querySelector("circle");
    var x = +c.getAttribute("cx");
    var y = +c.getAttribute("cy");
    var b = this.box;
    var mx = b[2] * 0.1;
    var my = b[3] * 0.1;
    if (x > b[0] + mx && x < b[0] + b[2] - mx && y > b[1] + my && y < b[1] + b[3] - my) return;
    this.setBox([x - b[2] / 2, y - b[3] / 2, b[2], b[3]]);
  };

  Graph.prototype.onKey = function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var b = this.box;
    var moves = {
      ArrowLeft: [-PAN * b[2], 0],
      ArrowRight: [PAN * b[2], 0],
      ArrowUp: [0, -PAN * b[3]],
      ArrowDown: [0, PAN * b[3]],
    };
    if (e.key === "+" || e.key === "=") this.zoomAtCentre(1 / 1.5);
    else if (e.key === "-" || e.key === "_") this.zoomAtCentre(1.5);
    else if (e.key === "0") this.reset();
    else if (moves[e.key]) this.setBox([b[0] + moves[e.key][0], b[1] + moves[e.key][1], b[2], b[3]]);
    else return;
    e.preventDefault();
  };

  Graph.prototype.onWheel = function (e) {
    // The whole-graph page zooms on any wheel; a picture inside a page only with
    // Ctrl or a trackpad pinch (which arrives as Ctrl+wheel), so the page still scrolls.
    if (!this.whole && !e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    var step = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    var factor = Math.exp(Math.max(-100, Math.min(100, step)) * 0.0025);
    this.zoomAt(toUser(this.svg, e.clientX, e.clientY), factor);
  };

  Graph.prototype.onDown = function (e) {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    this.panned = false;
    var ctm = this.svg.getScreenCTM();
    this.press = {
      x: e.clientX,
      y: e.clientY,
      box: this.box.slice(),
      unit: ctm ? 1 / ctm.a : 1,
      spread: this.spread(),
    };
  };

  Graph.prototype.spread = function () {
    var points = Array.from(this.pointers.values());
    if (points.length < 2) return 0;
    return Math.hypot(points[0].x - points[1].x, points[0].y - points[1].y);
  };

  Graph.prototype.onMove = function (e) {
    if (!this.press || !this.pointers.has(e.pointerId)) return;
    var before = this.spread();
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (this.pointers.size >= 2) {
      var after = this.spread();
      var points = Array.from(this.pointers.values());
      var mid = toUser(this.svg, (points[0].x + points[1].x) / 2, (points[0].y + points[1].y) / 2);
      if (before > 0 && after > 0) this.zoomAt(mid, before / after);
      this.startPan(e);
      return;
    }
    var dx = e.clientX - this.press.x;
    var dy = e.clientY - this.press.y;
    if (!this.panned && Math.hypot(dx, dy) < DRAG_PX) return;
    this.startPan(e);
    var b = this.press.box;
    this.setBox([b[0] - dx * this.press.unit, b[1] - dy * this.press.unit, b[2], b[3]]);
  };

  Graph.prototype.startPan = function (e) {
    if (this.panned) return;
    this.panned = true;
    this.clear();
    this.svg.classList.add("gg-panning");
    // Capture only now: capturing on press would retarget the click away from the link.
    if (this.svg.setPointerCapture) this.svg.setPointerCapture(e.pointerId);
  };

  Graph.prototype.onUp = function (e) {
    this.pointers.delete(e.pointerId);
    this.svg.classList.remove("gg-panning");
    if (this.pointers.size === 0) {
      this.press = null;
    } else {
      var rest = Array.from(this.pointers.values())[0];
      this.press = { x: rest.x, y: rest.y, box: this.box.slice(), unit: this.press.unit, spread: 0 };
    }
  };

  // While the whole graph moves, graph.css draws the tree only; the rest returns once it settles.
  Graph.prototype.scheduleSettle = function () {
    var self = this;
    window.clearTimeout(this.pending);
    this.svg.classList.add("gg-moving");
    this.pending = window.setTimeout(function () { self.svg.classList.remove("gg-moving"); }, 150);
  };

  // Keep labels one size on screen, and show those whose level this zoom has reached.
  Graph.prototype.showLabels = function () {
    var p = this.pixelsPerUnit();
    if (!(p > 0)) return;
    // User units per screen pixel, so graph.css can keep dashes a few pixels long.
    this.svg.style.setProperty("--gg-u", (1 / p).toFixed(6) + "px");
    if (!this.labels) return;
    this.svg.style.fontSize = (this.labels.px / p).toFixed(6) + "px";
    var level = Math.floor(Math.log(p / this.labels.floor) / Math.log(STEP) + 1e-9);
    if (level === this.level) return;
    this.level = level;
    this.labels.list.forEach(function (label) {
      if (label.z <= level) label.el.removeAttribute("display");
      else label.el.setAttribute("display", "none");
    });
  };

  function initAll() {
    document.querySelectorAll("svg.gg-graph").forEach(function (svg) {
      if (svg.getAttribute("data-gg-ready") || !svg.getAttribute("viewBox")) return;
      svg.setAttribute("data-gg-ready", "1");
      new Graph(svg);
    });
  }

  // Material's instant navigation swaps pages without reloading scripts; it
  // announces each new page on document$.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(initAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
