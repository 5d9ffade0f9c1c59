// Search: Material's search box and dialog, answered by Pagefind's JS API.
// The dialog's markup is Material's (our partials/search.html), so it looks and
// opens the same: the magnifier, and the keys "/", "s" and "f". Pagefind's index
// is split into chunks fetched only for the words searched, so a search costs
// little even on a large glossary. Browsers refuse those fetches on a page opened
// from disk (file://); the dialog then says how to serve the site instead.
(function () {
  "use strict";

  var MAX_RESULTS = 10;
  var MAX_SECTIONS = 3;
  var MAX_EXACT = 5; // exact-phrase hits put ahead of the ranked ones
  var DEBOUNCE_MS = 120;
  // Text and commands, in order; the README gives the same commands.
  var SERVE_HINT = [
    "Search needs the site served over HTTP: browsers refuse it on a page opened from disk. Run ",
    ["python -m http.server -d site"],
    " in the glossary's folder and open ",
    ["http://localhost:8000/"],
    ", or run ",
    ["glossgraph serve"],
    " while writing.",
  ];

  var self = document.currentScript;
  var dialog = document.querySelector("[data-gg-search]");
  if (!self || !self.src || !dialog) return;
  var root = new URL("../../", self.src);
  var toggle = document.getElementById("__search");
  var form = dialog.querySelector("form");
  var input = dialog.querySelector("input[name=query]");
  var meta = dialog.querySelector("[data-gg-search-meta]");
  var list = dialog.querySelector("[data-gg-search-list]");
  var engine = null; // the Pagefind module's promise, once asked for
  var shown = ""; // the query whose results are on screen

  function load() {
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", root).href).then(function (pagefind) {
        // Result URLs are from the site root; this keeps them right under a sub-path.
        return pagefind.options({ baseUrl: root.pathname }).then(function () {
          pagefind.init();
          return pagefind;
        });
      });
    }
    return engine;
  }

  function say(text) {
    meta.textContent = text;
  }

  function unavailable() {
    list.replaceChildren();
    var box = document.createElement("p");
    box.className = "gg-search-offline";
    box.setAttribute("role", "alert");
    if (location.protocol !== "file:") box.textContent = "Search could not load its index.";
    else
      SERVE_HINT.forEach(function (part) {
        if (typeof part === "string") return box.append(part);
        var code = document.createElement("code");
        code.textContent = part[0];
        box.append(code);
      });
    meta.replaceChildren(box);
  }

  function count(n) {
    if (n === 0) return meta.dataset.none || "No matching documents";
    if (n === 1) return meta.dataset.one || "1 matching document";
    return (meta.dataset.other || "# matching documents").replace("#", String(n));
  }

  // Pagefind's excerpts are escaped text with <mark> around the hits: keep the
  // text and the marks, and nothing else, whatever the page held.
  function excerpt(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var out = document.createElement("p");
    template.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.append(mark);
      } else {
        out.append(document.createTextNode(node.textContent || ""));
      }
    });
    return out;
  }

  function entry(url, title, text, heading, level) {
    var link = document.createElement("a");
    link.href = url;
    link.className = "md-search-result__link";
    link.tabIndex = -1;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    if (level === "h1") article.classList.add("md-search-result__article--document");
    var head = document.createElement(level);
    head.textContent = heading || title;
    article.append(head, excerpt(text));
    link.append(article);
    return link;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var title = (data.meta && data.meta.title) || data.url;
    li.append(entry(data.url, title, data.excerpt, title, "h1"));
    var sections = (data.sub_results || []).filter(function (sub) {
      // The h1's own entry is the page, already shown above its sections.
      return sub.url.indexOf("#") >= 0 && !(sub.anchor && sub.anchor.element === "h1");
    });
    sections.slice(0, MAX_SECTIONS).forEach(function (sub) {
      li.append(entry(sub.url, title, sub.excerpt, sub.title, "h2"));
    });
    return li;
  }

  function normal(text) {
    return text.toLowerCase().replace(/\s+/g, " ").trim();
  }

  // Pagefind's ranking favours pages whose title holds the query's words, so a
  // sentence from a body could sink below them. Its exact-phrase search (the
  // query in quotes) finds the page that holds the sentence: those come first,
  // then the ranked results, and a page titled exactly as the query above all.
  function ranked(pagefind, plain, query) {
    var words = query.trim().split(/\s+/);
    var phrase = words.length > 1 && query.indexOf('"') < 0;
    var exact = phrase ? pagefind.search('"' + query.trim() + '"') : Promise.resolve(null);
    return exact.then(function (found) {
      var seen = {};
      var merged = [];
      var exactHits = found ? found.results.slice(0, MAX_EXACT) : [];
      exactHits.concat(plain.results.slice(0, MAX_RESULTS)).forEach(function (r) {
        if (!seen[r.id]) merged.push(r);
        seen[r.id] = true;
      });
      var ids = new Set(plain.results.map(function (r) { return r.id; }));
      var total = ids.size;
      (found ? found.results : []).forEach(function (r) {
        if (!ids.has(r.id)) total += 1;
      });
      return Promise.all(merged.map(function (r) { return r.data(); })).then(function (data) {
        var at = data.findIndex(function (d) {
          return normal((d.meta && d.meta.title) || "") === normal(query);
        });
        if (at > 0) data.unshift(data.splice(at, 1)[0]);
        return { total: total, data: data.slice(0, MAX_RESULTS) };
      });
    });
  }

  function run(query) {
    if (!query.trim()) {
      shown = "";
      list.replaceChildren();
      delete list.dataset.query;
      say(meta.dataset.placeholder || "Type to start searching");
      return;
    }
    load()
      .then(function (pagefind) {
        return pagefind.debouncedSearch(query, {}, DEBOUNCE_MS).then(function (plain) {
          if (plain === null || input.value !== query) return null; // a newer query won
          return ranked(pagefind, plain, query);
        });
      })
      .then(function (found) {
        if (found === null || input.value !== query) return;
        shown = query;
        say(count(found.total));
        list.replaceChildren.apply(list, found.data.map(item));
        list.dataset.query = query; // which query the list answers
      })
      .catch(unavailable);
  }

  function open() {
    if (toggle && !toggle.checked) toggle.click();
    input.focus();
    input.select();
  }

  function close() {
    if (toggle && toggle.checked) toggle.click();
    input.blur();
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a.md-search-result__link"));
  }

  function move(step) {
    var all = links();
    if (!all.length) return;
    var at = all.indexOf(document.activeElement);
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : at + step;
    if (next < 0 || next >= all.length) return input.focus();
    all[next].focus();
  }

  function editable(node) {
    return (
      node instanceof HTMLElement &&
      (node.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(node.tagName))
    );
  }

  meta.dataset.placeholder = meta.textContent.trim();
  input.addEventListener("input", function () {
    run(input.value);
  });
  input.addEventListener("focus", function () {
    if (toggle && !toggle.checked) toggle.click();
    if (location.protocol === "file:") load().catch(unavailable);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = links()[0];
    if (first && shown === input.value) first.click();
  });
  form.addEventListener("reset", function () {
    window.setTimeout(function () {
      run("");
      input.focus();
    });
  });
  document.querySelectorAll("label[for=__search]").forEach(function (label) {
    label.addEventListener("click", function () {
      window.setTimeout(function () {
        if (toggle && toggle.checked) input.focus();
      });
    });
  });
  list.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("a")) close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var inside = dialog.contains(document.activeElement);
    if (toggle && toggle.checked && (inside || document.activeElement === document.body)) {
      if (event.key === "Escape") close();
      else if (event.key === "ArrowDown") move(1);
      else if (event.key === "ArrowUp") move(-1);
      else return;
      event.preventDefault();
      return;
    }
    if (editable(event.target)) return;
    if (event.key === "/" || event.key === "s" || event.key === "f") {
      event.preventDefault();
      open();
    }
  });
})();
