// The live dashboard (`fsmg-stats serve`): server-sent events bring the throughput and,
// when the followed logs have new requests, the report's version; the page then fetches
// itself again (every few seconds at most) and puts the new sections in place, each table kept in the order its
// reader chose. The address's query (the token, if any) goes with every request.
(function () {
  "use strict";
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  var query = location.search;
  var bar = document.getElementById("live");
  var shown = document.querySelector('meta[name="fsmg-version"]').content;
  var busy = false, fetched = 0;
  var rate = function (c, seconds) {
    return (c.requests / seconds).toFixed(2) + " req/s, " +
      (c.bytes * 8 / seconds / 1e6).toFixed(2) + " Mbit/s";
  };
  // Each sortable table's sorted column and direction, or whether it shows all rows, and
  // which of its headers has the keyboard focus.
  var saved = function () {
    var out = [];
    each(document.querySelectorAll("table.sortable"), function (t) {
      var all = document.getElementById(t.getAttribute("data-all") || "");
      var column = -1, dir = null;
      each(t.tHead.rows[0].cells, function (th, i) {
        if (th.getAttribute("aria-sort")) { column = i; dir = th.getAttribute("aria-sort"); }
      });
      var focused = document.activeElement && t.tHead.contains(document.activeElement) ?
        Array.prototype.indexOf.call(t.tHead.rows[0].cells, document.activeElement.closest("th")) : -1;
      out.push({ column: column, dir: dir, all: !!(all && all.checked), focused: focused });
    });
    return out;
  };
  var restore = function (state) {
    each(document.querySelectorAll("table.sortable"), function (t, i) {
      var s = state[i];
      if (!s) return;
      if (s.column >= 0) {
        var th = t.tHead.rows[0].cells[s.column];
        var button = th && th.querySelector("button");
        if (!button) return;
        button.click();
        if (th.getAttribute("aria-sort") !== s.dir) button.click();
      } else if (s.all) {
        var all = document.getElementById(t.getAttribute("data-all") || "");
        if (all) all.checked = true;
      }
      // A keyboard reader's place stays where it was.
      var head = s.focused >= 0 && t.tHead.rows[0].cells[s.focused];
      var focus = head && head.querySelector("button");
      if (focus) focus.focus({ preventScroll: true });
    });
  };
  var refresh = function () {
    busy = true;
    fetched = Date.now();
    fetch(location.pathname + query, { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var state = saved();
        each(["main", "nav", "header .period", "footer"], function (sel) {
          var now = document.querySelector(sel), next = doc.querySelector(sel);
          if (now && next) now.replaceWith(document.importNode(next, true));
        });
        if (window.fsmgSortable) window.fsmgSortable(document.querySelector("main"));
        restore(state);
        shown = doc.querySelector('meta[name="fsmg-version"]').content;
        document.querySelector('meta[name="fsmg-version"]').content = shown;
        document.title = doc.title;
      })
      .catch(function () {})
      .then(function () { busy = false; });
  };
  var events = new EventSource("events" + query);
  events.addEventListener("snapshot", function (e) {
    var s = JSON.parse(e.data), t = s.throughput;
    bar.textContent = "Live: " + rate(t.minute, 60) + " over the last minute, " +
      rate(t.five_minutes, 300) + " over 5 minutes, " + rate(t.hour, 3600) +
      " over the hour; " + s.requests.toLocaleString("en") + " requests";
    // A busy log makes a new report every second: the page follows every few seconds.
    if (String(s.version) !== shown && !busy && Date.now() - fetched > 3000) refresh();
  });
  events.addEventListener("error", function () {
    bar.textContent = "Live: connection lost, trying again";
  });
})();
