// timeline.html: filter the event rows by text and by type (rows are rendered by the template).
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#rows tr[data-type]"));
  var text = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#types input[type=checkbox]"));
  function apply() {
    var q = KG.$("q").value.trim().toLowerCase();
    var on = {};
    boxes.forEach(function (b) { on[b.getAttribute("data-type")] = b.checked; });
    var shown = 0;
    rows.forEach(function (r, i) {
      var ok = on[r.getAttribute("data-type")] !== false && (!q || text[i].indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    KG.$("n-shown").textContent = String(shown);
  }
  KG.$("q").addEventListener("input", apply);
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  window.kgTimeline = {apply: apply, ready: true};
})();
