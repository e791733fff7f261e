// Yardstick's one script: sortable and filterable tables, and the search
// box of the home page. Every page works without it.
(function () {
  "use strict";

  function cellKey(cell) {
    var v = cell.getAttribute("data-v");
    if (v !== null) {
      return v === "" ? null : parseFloat(v);
    }
    return cell.textContent.trim().toLowerCase();
  }

  function sortBy(table, col, th) {
    var tbody = table.tBodies[0];
    var desc = th.getAttribute("aria-sort") === "ascending";
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      var x = cellKey(a.cells[col]), y = cellKey(b.cells[col]);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; } // blanks last either way
      if (y === null) { return -1; }
      var c = x < y ? -1 : x > y ? 1 : 0;
      return desc ? -c : c;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", desc ? "descending" : "ascending");
  }

  function sortable(table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = th.textContent;
      b.title = "Sort by " + th.textContent;
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () { sortBy(table, i, th); });
    });
  }

  var filters = 0;
  function filterable(table) {
    var id = "filter-" + (++filters);
    var p = document.createElement("p");
    p.className = "filter";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Show only rows containing ";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    var status = document.createElement("span");
    status.setAttribute("aria-live", "polite");
    p.appendChild(label);
    p.appendChild(input);
    p.appendChild(status);
    table.parentNode.insertBefore(p, table);
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase(), shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        var hit = q === "" || r.textContent.toLowerCase().indexOf(q) >= 0;
        r.hidden = !hit;
        if (hit) { shown++; }
      });
      status.textContent = q === "" ? "" : " " + shown + " rows shown";
    });
  }

  function search(form) {
    var input = form.querySelector("input[type=search]");
    var list = form.querySelector(".results");
    var root = form.getAttribute("data-root");
    var entries = null;
    form.querySelector(".hint").hidden = true;
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    function show() {
      var q = input.value.trim().toLowerCase();
      list.textContent = "";
      if (q.length < 2 || !entries) { return; }
      var n = 0;
      for (var i = 0; i < entries.length && n < 20; i++) {
        var e = entries[i];
        // A provider is found by any of its names, and shown by the one
        // it is published under, with the other name that matched.
        var alias = "";
        if (e.n.toLowerCase().indexOf(q) < 0) {
          for (var j = 0; e.a && j < e.a.length && !alias; j++) {
            if (e.a[j].toLowerCase().indexOf(q) >= 0) { alias = e.a[j]; }
          }
          if (!alias) { continue; }
        }
        n++;
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + e.u;
        a.textContent = e.n;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" (" + e.k + (e.d ? ", " + e.d : "") + (alias ? "; also called " + alias : "") + ")"));
        list.appendChild(li);
      }
      if (n === 0) {
        var none = document.createElement("li");
        none.textContent = "Nothing matches.";
        list.appendChild(none);
      }
    }
    // The index is fetched once, on the first key pressed; keys pressed
    // while it loads are answered when it arrives, not by fetching it
    // again (a national index is megabytes).
    var loading = false;
    input.addEventListener("input", function () {
      if (entries) { show(); return; }
      if (loading) { return; }
      loading = true;
      fetch(form.getAttribute("data-index"))
        .then(function (r) { if (!r.ok) { throw new Error(r.statusText); } return r.json(); })
        .then(function (j) { entries = j; show(); })
        .catch(function () { loading = false; list.textContent = "Search is unavailable here; use the lists below."; });
    });
  }

  // newer says, on a page of a release that is no longer the live one,
  // that a newer release exists, and links to this page in it. A page
  // cannot know what was published after it, so it asks: the live
  // release's release.json, at the address in the body's data-live
  // (yardstick serve serves the live release at / and the others at
  // /releases/<id>/). Opened from disk, offline, with JavaScript off, or
  // on a host that serves no release.json there, it says nothing.
  function newer() {
    var body = document.body;
    var live = body.getAttribute("data-live");
    if (!live || !window.fetch || location.protocol === "file:") { return; }
    fetch(live, { cache: "no-cache" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (cur) {
        if (!cur || typeof cur.id !== "string" || typeof cur.created !== "string") { return; }
        if (cur.id === body.getAttribute("data-release") || cur.created <= body.getAttribute("data-created")) { return; }
        var base = live.slice(0, live.lastIndexOf("/") + 1);
        var box = document.createElement("div");
        box.className = "newer";
        box.setAttribute("role", "status");
        var p = document.createElement("p");
        p.appendChild(document.createTextNode("A newer release, " + cur.id + ", has been published since this one. "));
        var here = document.createElement("a");
        here.href = base + body.getAttribute("data-page");
        here.textContent = "This page in the newest release";
        p.appendChild(here);
        p.appendChild(document.createTextNode(" (if it is still there), or "));
        var home = document.createElement("a");
        home.href = base;
        home.textContent = "its home page";
        p.appendChild(home);
        p.appendChild(document.createTextNode("."));
        box.appendChild(p);
        var main = document.getElementById("main");
        if (main) { main.insertBefore(box, main.firstChild); }
      })
      .catch(function () {});
  }

  newer();
  // Filter boxes are added at load, so that nothing above a table moves
  // later. Sort buttons are added to a table as it comes within a
  // screen's height of being seen, not to all at load: a button in a
  // header makes the browser lay the whole table out again, and on a
  // provider page of forty tables that second layout was most of what a
  // phone did after the page arrived (before pages of tables were split
  // at 48 KB; it still costs one layout a table).
  document.querySelectorAll("table[data-filter]").forEach(filterable);
  var tables = document.querySelectorAll("table.sortable");
  if (window.IntersectionObserver) {
    var near = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { near.unobserve(e.target); sortable(e.target); }
      });
    }, { rootMargin: "100% 0px" });
    tables.forEach(function (t) { near.observe(t); });
  } else {
    tables.forEach(sortable);
  }
  document.querySelectorAll("form.search").forEach(search);
})();
