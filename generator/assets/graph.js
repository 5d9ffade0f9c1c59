// Concept-graph pictures (svg.gg-graph): highlight a node's links on hover or focus,
// zoom and pan by changing the viewBox, fade the nodes without a chosen tag.
// Our own code, no libraries, no requests.
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var DRAG_PX = 5; // a press that moves less than this stays a click on the link
  var MAX_ZOOM = 40;
  var ZOOM_LABELS = 150;

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
    this.whole = svg.classList.contains("gg-whole");
    this.homeText = svg.getAttribute("viewBox");
    this.home = readBox(svg);
    this.box = this.home.slice();
    this.font = parseFloat(svg.getAttribute("font-size")) || 12;
    this.nodes = Array.prototype.slice.call(svg.querySelectorAll("a.gg-node"));
    this.index = new Map();
    this.links = this.nodes.map(function () { return []; });
    this.lit = [];
    this.pointers = new Map();
    this.press = null;
    this.panned = false;
    this.tag = "";
    this.labelLayer = null;
    this.pending = 0;
    this.points = null;
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
    if (this.whole) this.showLabels();
  }

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
    this.svg.parentNode.insertBefore(bar, this.svg);
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
    if (this.whole) this.scheduleLabels();
  };

  Graph.prototype.reset = function () {
    this.setBox(this.home.slice());
    this.svg.setAttribute("viewBox", this.homeText);
  };

  Graph.prototype.zoomAt = function (point, factor) {
    var b = this.box;
    var scale = this.home[2] / (b[2] * factor);
    if (scale > MAX_ZOOM || scale < 0.5) return;
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
      if (i >= 0) self.highlight(i);
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

  // Relabel once the view has settled: redrawing thousands of nodes per wheel
  // step is the expensive part, so labels wait until zooming pauses.
  Graph.prototype.scheduleLabels = function () {
    var self = this;
    window.clearTimeout(this.pending);
    this.svg.classList.add("gg-moving");
    this.pending = window.setTimeout(function () {
      self.svg.classList.remove("gg-moving");
      self.showLabels();
    }, 150);
  };

  Graph.prototype.readPoints = function () {
    if (this.points) return this.points;
    this.points = this.nodes.map(function (node) {
      var c = node.querySelector("circle");
      var title = node.querySelector("title");
      return {
        x: +c.getAttribute("cx"),
        y: +c.getAttribute("cy"),
        r: +c.getAttribute("r"),
        text: title ? title.textContent : node.getAttribute("data-key"),
        labelled: !!node.querySelector("text"),
      };
    });
    return this.points;
  };

  // Zoomed into the whole graph: keep text the same size on screen and label
  // the nodes in view that have no label yet, largest first, none overlapping.
  Graph.prototype.showLabels = function () {
    var b = this.box;
    var ratio = b[2] / this.home[2];
    var font = this.font * ratio;
    var ctm = this.svg.getScreenCTM();
    this.svg.style.fontSize = font + "px";
    // User units per screen pixel, so graph.css can keep dashes a few pixels long.
    if (ctm && ctm.a > 0) this.svg.style.setProperty("--gg-u", (1 / ctm.a).toFixed(4) + "px");
    if (this.labelLayer) this.labelLayer.remove();
    this.labelLayer = null;
    if (ratio > 0.5) return;
    var layer = document.createElementNS(SVG_NS, "g");
    layer.setAttribute("class", "gg-zoom-labels");
    var taken = [];
    var candidates = this.readPoints().filter(function (n) {
      return !n.labelled && n.x >= b[0] && n.x <= b[0] + b[2] && n.y >= b[1] && n.y <= b[1] + b[3];
    });
    candidates.sort(function (p, q) { return q.r - p.r; });
    for (var i = 0; i < candidates.length && taken.length < ZOOM_LABELS; i++) {
      var n = candidates[i];
      var text = n.text;
      if (text.length > 24) text = text.slice(0, 23) + "\u2026";
      var box = [n.x + n.r + font * 0.3, n.y - font * 0.65, text.length * font * 0.54, font * 1.25];
      var clash = taken.some(function (t) {
        return box[0] < t[0] + t[2] && t[0] < box[0] + box[2] && box[1] < t[1] + t[3] && t[1] < box[1] + box[3];
      });
      if (clash) continue;
      taken.push(box);
      var label = document.createElementNS(SVG_NS, "text");
      label.setAttribute("x", box[0].toFixed(1));
      label.setAttribute("y", (n.y + font * 0.35).toFixed(1));
      label.textContent = text;
      layer.appendChild(label);
    }
    this.svg.querySelector(".gg-nodes").appendChild(layer);
    this.labelLayer = layer;
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
