// Sortable tables: a click on a header sorts by that column (numbers largest first, text
// A to Z; a second click reverses) and shows all the rows the page has, with the "others"
// row of the whole list. Unticking "show all" puts back the top rows in the page's order.
// Without this script the page is complete, ordered by requests. The live page (`serve`)
// calls fsmgSortable again on each new report's tables.
(function () {
  "use strict";
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  var sortable = function (root) { each(root.querySelectorAll("table.sortable"), function (table) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    var all = document.getElementById(table.getAttribute("data-all") || "");
    var key = function (row, i) {
      var c = row.cells[i];
      if (!c) return "";
      var v = c.getAttribute("data-v");
      return v === null ? c.textContent : parseFloat(v);
    };
    var order = function (compare) {
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        return compare(a, b) || a.getAttribute("data-i") - b.getAttribute("data-i");
      });
      each(rows, function (r) { body.appendChild(r); });
    };
    var unmark = function () {
      each(heads, function (h) { h.removeAttribute("aria-sort"); });
    };
    each(heads, function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var numeric = th.className.indexOf("num") >= 0;
        var was = th.getAttribute("aria-sort");
        var down = was ? was === "ascending" : numeric;
        unmark();
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        order(function (a, b) {
          var x = key(a, i), y = key(b, i);
          var d = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
          return down ? -d : d;
        });
        if (all) all.checked = true;
      });
    });
    if (all) {
      all.addEventListener("change", function () {
        if (all.checked) return;
        unmark();
        order(function () { return 0; });
      });
    }
  }); };
  sortable(document);
  window.fsmgSortable = sortable;
})();
