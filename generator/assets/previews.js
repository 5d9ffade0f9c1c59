// Hover previews: resting the mouse on a link to a concept page, or reaching it
// with the keyboard, shows that concept's title and summary in a small card.
// Touch is left alone (a tap follows the link). The text comes from one file all
// pages share, data/previews.js next to this script, loaded as a <script> on the
// first hover so that it also works on a site opened from file://, where fetch()
// of a local file is refused. Our own code, no libraries, no requests off the site.
(function () {
  "use strict";

  var SHOW_MS = 300; // a pointer merely passing over a link shows nothing
  var HIDE_MS = 200; // time to move the pointer from the link onto the card
  var GAP_PX = 6; // between the link and the card
  var EDGE_PX = 8; // the card keeps this far from the viewport's edges
  var MAX_WIDTH_PX = 352;
  var CARD_ID = "gg-preview";
  var KEY = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.html|\/(?:index\.html)?)?$/;

  var self = document.currentScript;
  if (!self || !self.src) return;
  var conceptsUrl = new URL("../../concepts/", self.src).href;
  var dataUrl = new URL("data/previews.js", self.src).href;

  var data = null; // key -> {title, summary}, once loaded
  var loading = false;
  var card = null;
  var shownFor = null; // the link whose preview is open
  var waitingFor = null; // the link whose preview is due after SHOW_MS
  var dueFor = null; // the link whose preview waits for the data
  var dismissed = null; // the link whose preview Esc closed, until the pointer leaves it
  var showTimer = 0;
  var hideTimer = 0;
  var savedDescribedBy = null;

  function pageOf(url) {
    return url.split("#")[0].split("?")[0];
  }

  // The concept a link points to, or null: an <a> in the page content whose
  // target is concepts/<key>.html (or concepts/<key>/), other than this page.
  function conceptKey(link) {
    if (!(link instanceof HTMLAnchorElement) || !link.closest(".md-content")) return null;
    var target = pageOf(link.href);
    if (target.indexOf(conceptsUrl) !== 0 || target === pageOf(location.href)) return null;
    var match = KEY.exec(target.slice(conceptsUrl.length));
    return match ? match[1] : null;
  }

  function linkAt(node) {
    return node instanceof Element ? node.closest("a[href]") : null;
  }

  // Fetch the shared data once; a preview whose delay has passed opens when it lands.
  function loadData() {
    if (loading) return;
    loading = true;
    var script = document.createElement("script");
    script.src = dataUrl;
    script.async = true;
    script.onload = function () {
      data = window.glossgraphPreviews || {};
      if (dueFor) show(dueFor);
    };
    script.onerror = function () {
      data = {};
    };
    document.head.appendChild(script);
  }

  function makeCard() {
    var box = document.createElement("div");
    box.id = CARD_ID;
    box.className = "gg-preview";
    box.setAttribute("role", "tooltip");
    box.hidden = true;
    var title = document.createElement("p");
    title.className = "gg-preview__title";
    var summary = document.createElement("p");
    summary.className = "gg-preview__summary";
    box.appendChild(title);
    box.appendChild(summary);
    box.addEventListener("pointerover", function () { clearTimeout(hideTimer); });
    box.addEventListener("pointerout", function (event) {
      if (!box.contains(event.relatedTarget) && linkAt(event.relatedTarget) !== shownFor) {
        hideSoon();
      }
    });
    document.body.appendChild(box);
    return box;
  }

  // Below the link, or above it when there is more room there; never over it.
  function place(link) {
    var rect = link.getBoundingClientRect();
    var width = document.documentElement.clientWidth;
    var height = document.documentElement.clientHeight;
    if (rect.bottom < 0 || rect.top > height) {
      hide();
      return;
    }
    card.style.maxWidth = Math.max(0, Math.min(MAX_WIDTH_PX, width - 2 * EDGE_PX)) + "px";
    card.style.maxHeight = "";
    card.style.left = "0px";
    card.style.top = "0px";
    var size = card.getBoundingClientRect();
    var below = height - rect.bottom - GAP_PX - EDGE_PX;
    var above = rect.top - GAP_PX - EDGE_PX;
    var top;
    if (size.height <= below || below >= above) {
      top = rect.bottom + GAP_PX;
      if (size.height > below) card.style.maxHeight = Math.max(0, below) + "px";
    } else {
      top = rect.top - GAP_PX - Math.min(size.height, above);
      if (size.height > above) card.style.maxHeight = above + "px";
    }
    var left = Math.min(rect.left, width - size.width - EDGE_PX);
    card.style.left = Math.max(EDGE_PX, left) + "px";
    card.style.top = top + "px";
  }

  function show(link) {
    dueFor = null;
    if (data === null) {
      dueFor = link;
      return;
    }
    var key = conceptKey(link);
    var entry = Object.prototype.hasOwnProperty.call(data, key) ? data[key] : null;
    if (shownFor && shownFor !== link) hide();
    if (!entry || !link.isConnected) return;
    if (!card || !card.isConnected) card = makeCard(); // instant navigation may swap the body
    card.firstChild.textContent = entry.title;
    card.lastChild.textContent = entry.summary || "";
    card.lastChild.hidden = !entry.summary;
    card.hidden = false;
    place(link);
    if (card.hidden) return;
    if (shownFor !== link) {
      savedDescribedBy = link.getAttribute("aria-describedby");
      link.setAttribute("aria-describedby", CARD_ID);
    }
    shownFor = link;
  }

  function showSoon(link) {
    clearTimeout(hideTimer);
    if (link === shownFor || link === waitingFor || link === dismissed) return;
    clearTimeout(showTimer);
    waitingFor = link;
    loadData();
    showTimer = setTimeout(function () {
      waitingFor = null;
      show(link);
    }, SHOW_MS);
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    waitingFor = null;
    dueFor = null;
    if (card) card.hidden = true;
    if (shownFor) {
      if (savedDescribedBy === null) shownFor.removeAttribute("aria-describedby");
      else shownFor.setAttribute("aria-describedby", savedDescribedBy);
      shownFor = null;
    }
  }

  function hideSoon() {
    clearTimeout(showTimer);
    waitingFor = null;
    dueFor = null;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_MS);
  }

  document.addEventListener("pointerover", function (event) {
    if (event.pointerType === "touch") return;
    var link = linkAt(event.target);
    if (link && conceptKey(link)) showSoon(link);
  });

  document.addEventListener("pointerout", function (event) {
    var link = linkAt(event.target);
    if (!link || link.contains(event.relatedTarget)) return;
    if (link === dismissed) dismissed = null;
    if (card && card.contains(event.relatedTarget)) return;
    if (link === shownFor || link === waitingFor || link === dueFor) hideSoon();
  });

  document.addEventListener("pointerdown", function (event) {
    if (!card || !card.contains(event.target)) hide();
  });

  // Keyboard focus only: a click or tap also focuses the link, without :focus-visible.
  document.addEventListener("focusin", function (event) {
    var link = linkAt(event.target);
    if (link && conceptKey(link) && link.matches(":focus-visible")) showSoon(link);
  });

  document.addEventListener("focusout", function (event) {
    var link = linkAt(event.target);
    if (link === dismissed) dismissed = null;
    if (link && (link === shownFor || link === waitingFor)) hide();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !(shownFor || waitingFor || dueFor)) return;
    dismissed = shownFor || waitingFor || dueFor;
    hide();
  });

  window.addEventListener("scroll", function () {
    if (shownFor) place(shownFor);
  }, { capture: true, passive: true });

  window.addEventListener("resize", hide);
})();
