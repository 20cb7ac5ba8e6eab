// The report page: charts, flags, co-flying pairs and response chains from the page data.
(function () {
  "use strict";
  var $ = KG.$, el = KG.el, data = KG.readData(), C = window.KGReportCharts;

  function table(headers, rows, numeric) {
    var t = el("table", "data"), head = el("tr");
    headers.forEach(function (h) { head.appendChild(el("th", null, h)); });
    t.appendChild(head);
    rows.forEach(function (r) {
      var tr = el("tr");
      r.forEach(function (v, i) { tr.appendChild(el("td", numeric[i] ? "num" : null, v)); });
      t.appendChild(tr);
    });
    return t;
  }
  function flaggedWeeks(kind, names) {
    var wanted = new Set(names);
    return new Set(data.flags.filter(function (f) { return f.kind === kind && (!names || wanted.has(f.name)); })
      .map(function (f) { return f.week; }));
  }
  function flags() {
    var r = data.rule;
    $("flag-rule").textContent = "A week is flagged when a region's (sea or place) or a nation pair's count is more than " +
      Math.round(r.rise * 100) + "% above its average over the " + r.baselineWeeks + " weeks before, with at least " +
      r.minEvents + " events in the week.";
    if (!data.flags.length) { $("flags").appendChild(el("p", "empty", "No week meets the rule.")); return; }
    $("flags").appendChild(table(["Week", "Kind", "Name", "Events", "Previous " + r.baselineWeeks + "-week average", "Rise"],
      data.flags.map(function (f) {
        return [f.week, f.kind, f.name, f.count, f.baseline.toFixed(2), f.rise === null ? "new" : "+" + Math.round(f.rise * 100) + "%"];
      }), [false, false, false, true, true, true]));
  }
  function coflying() {
    if (!data.coflying.length) { $("coflying").appendChild(el("p", "empty", "No encounter names two aircraft types on one side.")); return; }
    $("coflying").appendChild(table(["Aircraft", "with", "Encounters"],
      data.coflying.map(function (c) { return [c.a, c.b, c.events]; }), [false, false, true]));
  }
  function chains() {
    if (!data.chains.length) { $("chains").appendChild(el("p", "empty", "No response follows an earlier event of the party it answers.")); return; }
    data.chains.slice(0, 50).forEach(function (c) {
      var p = el("div", "chain");
      p.appendChild(el("strong", null, c.length + " steps, " + c.days + " days: "));
      c.steps.forEach(function (s) {
        if (s.lag !== null) p.appendChild(el("span", "lag", "→ +" + s.lag + " d →"));
        p.appendChild(el("span", null, s.label + " (" + s.date + ")"));
      });
      $("chains").appendChild(p);
    });
  }
  ["predicate", "pair", "sea", "aircraft"].forEach(function (dim) {
    var series = data.series[dim];
    var marks = dim === "pair" ? flaggedWeeks("pair", null) : dim === "sea" ? flaggedWeeks("region", series.map(function (s) { return s.name; })) : new Set();
    C.weeklyBars($("chart-" + dim), data.weeks, series, marks);
  });
  C.worldMap($("map"), data.world, data.map);
  flags(); coflying(); chains();
  document.body.setAttribute("data-ready", "1");
})();
