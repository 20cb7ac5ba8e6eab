// graph.html, whatever draws it: legend and filters, the time window, search, tooltips and the
// details panel. The drawing itself is a renderer from window.KGRenderers (graph-vis.js for
// small graphs, graph-sigma.js for big ones) that this script drives through a small interface:
//   renderer = KGRenderers[name](container, model, data, events)
//   renderer.setHidden(hiddenNodes, hiddenEdges)  renderer.setFaded(fadedNodes, fadedEdges)
//   renderer.highlight({nodes, edges} | null)     renderer.focus(id)  renderer.fit(ids)
//   renderer.extras: fields added to window.kg (vis: network, nodes, edges, ...)
// and that calls back events.hoverNode(id, clientXY), hoverEdge(id, clientXY), blur(),
// click({node} | {edge} | {}), ready().
(function () {
  "use strict";
  var el = KG.el, $ = KG.$, kv = KG.kv;
  var GLYPH = {dot: "\u25cf", hexagon: "\u2b22", triangle: "\u25b2", diamond: "\u25c6", square: "\u25a0",
    triangleDown: "\u25bc", star: "\u2605"};
  var FACTS = {operatedBy: true, memberOf: true};
  var CLAIMS = {claimed: "claimed by one side", denied: "denied by a party (disputed)",
    confirmed: "confirmed by both sides", reported: "reported, no party's claim"};
  var data = KG.readData();

  // ---------------------------------------------------------------- model
  // "objects": vis items as they are (small graphs); "columns": arrays and string tables (big graphs)
  function decodeColumns(d) {
    var N = d.nodes, E = d.edges, nodes = [], edges = [], i;
    function pick(table, idx) { return idx.map(function (k) { return table[k]; }); }
    for (i = 0; i < N.id.length; i++) {
      var c = d.classes[N.cls[i]];
      nodes.push({id: N.id[i], label: N.label[i], kind: c.kind, cls: c.cls, color: c.colour, shape: c.shape,
        iri: N.id[i], aliases: N.aliases[i], operators: N.operators[i], wikidata: N.wikidata[i],
        iso2: N.iso2[i], mentions: N.mentions[i], degree: N.degree[i], x: N.x[i], y: N.y[i], size: N.size[i]});
    }
    for (i = 0; i < E.from.length; i++) {
      var p = d.predicates[E.predicate[i]];
      edges.push({id: "e" + i, from: N.id[E.from[i]], to: N.id[E.to[i]], predicate: p.predicate,
        kind: FACTS[p.predicate] ? "fact" : "relation", color: p.colour, width: E.width[i],
        events: E.events[i], dates: pick(d.dates, E.dates[i]), confidence: E.confidence[i],
        evidence: E.evidence[i], articles: pick(d.articles, E.articles[i]), places: pick(d.places, E.places[i]),
        claim: E.claim ? E.claim[i] : ""});
    }
    return {nodes: nodes, edges: edges};
  }
  function buildModel(d) {
    var m = d.format === "columns" ? decodeColumns(d) : {nodes: d.nodes, edges: d.edges};
    m.nodeById = {}; m.edgeById = {}; m.incident = {};
    m.nodes.forEach(function (n) { m.nodeById[n.id] = n; m.incident[n.id] = []; });
    m.edges.forEach(function (e) {
      e.days = e.dates.map(KG.dayNumber);
      e.firstDay = e.days.length ? Math.min.apply(null, e.days) : NaN;
      e.lastDay = e.days.length ? Math.max.apply(null, e.days) : NaN;
      m.edgeById[e.id] = e; m.incident[e.from].push(e.id);
      if (e.to !== e.from) m.incident[e.to].push(e.id);
    });
    return m;
  }
  var model = buildModel(data);
  var nodeById = model.nodeById, edgeById = model.edgeById;
  var kg = window.kg = {ready: false, focused: null, highlighted: null, neighbourhood: null, data: data,
    model: model, renderer: data.renderer};
  var state = {hiddenN: new Set(), hiddenE: new Set(), fadedN: new Set(), fadedE: new Set(), window: null};

  // ---------------------------------------------------------------- tooltips and details
  function nodeContent(n, full) {
    var box = el("div");
    box.appendChild(el("div", "tip-title", n.label));
    var dl = el("dl", "kv");
    kv(dl, "Type", n.cls === n.kind ? n.kind : n.cls + " (" + n.kind + ")");
    kv(dl, "Aliases", n.aliases);
    kv(dl, n.operators.length > 1 ? "Operators" : "Operator", n.operators);
    kv(dl, "ISO", n.iso2);
    kv(dl, "Wikidata", n.wikidata ? (full ? KG.link(n.wikidata) : n.wikidata) : "");
    kv(dl, "Mentions", n.mentions + (n.mentions === 1 ? " article" : " articles"));
    kv(dl, "Links", n.degree);
    if (full) kv(dl, "IRI", n.iri);
    box.appendChild(dl);
    if (full) box.appendChild(relationList(n));
    return box;
  }
  // the entity's relations, each a button that opens its evidence (edges of big graphs are thin)
  function relationList(n) {
    var list = el("ul", "relations"), ids = model.incident[n.id].filter(function (id) { return !state.hiddenE.has(id); });
    ids.slice(0, 200).forEach(function (id) {
      var e = edgeById[id], item = el("li", state.fadedE.has(id) ? "faded" : null);
      var text = nodeById[e.from].label + " " + e.predicate + " " + nodeById[e.to].label;
      var b = el("button", null, e.events ? text + " (" + e.events + ")" : text);
      b.type = "button";
      b.setAttribute("data-edge", id);
      b.addEventListener("click", function () { showDetails(edgeContent(e, true)); });
      item.appendChild(b); list.appendChild(item);
    });
    if (ids.length > 200) list.appendChild(el("li", "more", "+" + (ids.length - 200) + " more relations"));
    return list;
  }
  function edgeContent(e, full) {
    var box = el("div");
    var from = nodeById[e.from], to = nodeById[e.to];
    box.appendChild(el("div", "tip-title", from.label + " " + e.predicate + " " + to.label));
    var dl = el("dl", "kv");
    if (e.kind === "fact") kv(dl, "Kind", "fact (reference data)");
    else {
      kv(dl, "Events", e.events);
      kv(dl, "Dates", e.dates);
      kv(dl, "Places", e.places);
      kv(dl, "Confidence", e.confidence ? e.confidence.toFixed(2) : "");
      kv(dl, "Sources", e.articles);
      kv(dl, "Claim", CLAIMS[e.claim] || "");
    }
    box.appendChild(dl);
    var limit = full ? e.evidence.length : 3;
    e.evidence.slice(0, limit).forEach(function (s) { box.appendChild(el("blockquote", "evidence", s)); });
    if (e.evidence.length > limit) box.appendChild(el("div", "more", "+" + (e.evidence.length - limit) + " more (click the relation)"));
    return box;
  }
  var tip = $("tip");
  function showTip(content, point) {
    tip.replaceChildren(content);
    tip.hidden = false;
    var x = point.x + 14, y = point.y + 14, w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 4) x = Math.max(4, point.x - w - 14);
    if (y + h > window.innerHeight - 4) y = Math.max(4, window.innerHeight - h - 4);
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; }
  function showDetails(content) { $("details").replaceChildren(content); }
  function clearDetails() { $("details").replaceChildren(el("p", "hint", "Click an entity or a relation.")); }

  // ---------------------------------------------------------------- highlight
  function highlight(id) {
    var keepN = new Set([id]), keepE = new Set();
    model.incident[id].forEach(function (eid) {
      if (state.hiddenE.has(eid)) return;
      keepE.add(eid); keepN.add(edgeById[eid].from); keepN.add(edgeById[eid].to);
    });
    kg.highlighted = id;
    kg.neighbourhood = {nodes: keepN, edges: keepE, center: id};
    renderer.highlight(kg.neighbourhood);
  }
  function clearHighlight() { kg.highlighted = null; kg.neighbourhood = null; renderer.highlight(null); }
  kg.highlight = highlight;
  kg.clearHighlight = clearHighlight;

  var events = {
    hoverNode: function (id, point) { showTip(nodeContent(nodeById[id], false), point); },
    hoverEdge: function (id, point) { showTip(edgeContent(edgeById[id], false), point); },
    blur: hideTip,
    click: function (hit) {
      hideTip();
      if (hit.node !== undefined) { highlight(hit.node); showDetails(nodeContent(nodeById[hit.node], true)); }
      else if (hit.edge !== undefined) { clearHighlight(); showDetails(edgeContent(edgeById[hit.edge], true)); }
      else { clearHighlight(); clearDetails(); }
    },
    ready: function () {
      kg.ready = true; window.__kgReady = performance.now(); document.body.setAttribute("data-ready", "1");
    }
  };
  var renderer = KGRenderers[data.renderer]($("network"), model, data, events);
  Object.keys(renderer.extras).forEach(function (k) { kg[k] = renderer.extras[k]; });

  // ---------------------------------------------------------------- legend and filters
  var kindOn = {}, predOn = {}, kindCount = {}, predCount = {};
  function checkboxRow(parent, glyph, colour, text, total, onChange, dashed) {
    var label = el("label", "row");
    var box = el("input"); box.type = "checkbox"; box.checked = true;
    box.addEventListener("change", function () { onChange(box.checked); });
    label.appendChild(box);
    var g = glyph ? el("span", "glyph", glyph) : el("span", "swatch" + (dashed ? " dashed" : ""));
    if (glyph) g.style.color = colour; else g.style.borderTopColor = colour;
    label.appendChild(g);
    label.appendChild(el("span", null, text));
    var count = el("span", "count", total);
    count.setAttribute("data-total", total);
    label.appendChild(count);
    parent.appendChild(label);
    return {box: box, count: count};
  }
  function kindLegend(k) {
    var glyph = data.renderer === "sigma" ? GLYPH.dot : GLYPH[k.shape] || GLYPH.dot;
    kindOn[k.kind] = true;
    var row = checkboxRow($("kinds"), glyph, k.colour, k.kind, k.count, function (on) { kindOn[k.kind] = on; applyFilters(); });
    row.box.setAttribute("data-kind", k.kind);
    row.count.setAttribute("data-kind", k.kind);
    kindCount[k.kind] = row.count;
    if (k.classes.length > 1 || k.classes[0].cls !== k.kind) {
      var sub = el("div", "classes");
      k.classes.forEach(function (c) {
        var s = el("span", "cls"), g = el("span", "glyph", glyph);
        g.style.color = c.colour;
        s.appendChild(g); s.appendChild(document.createTextNode(c.cls + " " + c.count)); sub.appendChild(s);
      });
      $("kinds").appendChild(sub);
    }
  }
  data.kinds.forEach(kindLegend);
  data.predicates.forEach(function (p) {
    predOn[p.predicate] = true;
    var dashed = FACTS[p.predicate] && data.renderer !== "sigma";
    var row = checkboxRow($("predicates"), null, p.colour, p.predicate, p.count,
      function (on) { predOn[p.predicate] = on; applyFilters(); }, dashed);
    row.box.setAttribute("data-predicate", p.predicate);
    row.count.setAttribute("data-predicate", p.predicate);
    predCount[p.predicate] = row.count;
  });
  if (data.renderer !== "sigma" && model.edges.some(function (e) { return e.claim === "claimed" || e.claim === "denied"; })) {
    var key = el("div", "row claim-key");
    key.appendChild(el("span", "swatch dashed claim"));
    key.appendChild(el("span", "hint", "dashed: claimed by one side only, or denied"));
    $("predicates").appendChild(key);
  }

  function inDates(e, from, to) {
    return e.dates.some(function (d) { return (!from || d >= from) && (!to || d <= to); });
  }
  // what the filters hide: unchecked types and relations, relations outside From/To
  function applyFilters() {
    var from = $("date-from").value, to = $("date-to").value, undated = $("undated").checked;
    var ranged = !!(from || to), showN = {}, touched = new Set(), showE = {};
    model.nodes.forEach(function (n) { showN[n.id] = !!kindOn[n.kind]; });
    model.edges.forEach(function (e) {
      var ok = predOn[e.predicate] && showN[e.from] && showN[e.to];
      if (ok && e.kind === "relation") ok = e.dates.length ? !ranged || inDates(e, from, to) : undated;
      showE[e.id] = ok;
      if (ok && e.kind === "relation") { touched.add(e.from); touched.add(e.to); }
    });
    if (ranged) model.nodes.forEach(function (n) { if (showN[n.id] && !touched.has(n.id)) showN[n.id] = false; });
    state.hiddenN = new Set(); state.hiddenE = new Set();
    model.nodes.forEach(function (n) { if (!showN[n.id]) state.hiddenN.add(n.id); });
    model.edges.forEach(function (e) { if (!(showE[e.id] && showN[e.from] && showN[e.to])) state.hiddenE.add(e.id); });
    renderer.setHidden(state.hiddenN, state.hiddenE);
    if (kg.highlighted !== null) {
      if (state.hiddenN.has(kg.highlighted)) clearHighlight(); else highlight(kg.highlighted);
    }
    applyWindow();
  }
  kg.applyFilters = applyFilters;
  kg.state = state;

  // ---------------------------------------------------------------- time window
  // Two handles over the days of the graph's date range; relations with no event inside the
  // window fade, and so do entities with no relation inside it; counts follow.
  var firstDay = KG.dayNumber(data.dateRange[0]), lastDay = KG.dayNumber(data.dateRange[1]);
  var hasDates = !isNaN(firstDay);
  function windowDays() {
    if (!hasDates) return null;
    var a = +$("window-from").value, b = +$("window-to").value;
    if (a > b) { var t = a; a = b; b = t; }
    return a === 0 && b === lastDay - firstDay ? null : [firstDay + a, firstDay + b];
  }
  function edgeInWindow(e, w) {  // 100,000 calls per move of a handle: bounds first, then each day
    if (!(e.lastDay >= w[0] && e.firstDay <= w[1])) return false;
    if (e.firstDay >= w[0] || e.lastDay <= w[1]) return true;
    for (var i = 0; i < e.days.length; i++) if (e.days[i] >= w[0] && e.days[i] <= w[1]) return true;
    return false;
  }
  function applyWindow() {
    var w = windowDays(), fadedN = new Set(), fadedE = new Set();
    state.window = w;
    if (w) {
      var active = new Set();
      model.edges.forEach(function (e) {
        if (e.kind === "relation" && !state.hiddenE.has(e.id) && edgeInWindow(e, w)) { active.add(e.from); active.add(e.to); }
      });
      model.nodes.forEach(function (n) { if (!active.has(n.id)) fadedN.add(n.id); });
      model.edges.forEach(function (e) {
        var ok = e.kind === "relation" ? edgeInWindow(e, w) : !fadedN.has(e.from) && !fadedN.has(e.to);
        if (!ok) fadedE.add(e.id);
      });
    }
    state.fadedN = fadedN; state.fadedE = fadedE;
    renderer.setFaded(fadedN, fadedE);
    var span = Math.max(1, lastDay - firstDay), fill = $("window-fill").style;
    fill.left = (w ? (w[0] - firstDay) / span * 100 : 0) + "%";
    fill.right = (w ? (lastDay - w[1]) / span * 100 : 0) + "%";
    $("window-label").textContent = hasDates
      ? (w ? KG.isoDay(w[0]) + " \u2013 " + KG.isoDay(w[1]) : data.dateRange[0] + " \u2013 " + data.dateRange[1] + " (all)")
      : "no dated events";
    updateCounts();
  }
  function setWindow(a, b) {
    $("window-from").value = String(a); $("window-to").value = String(b);
    applyWindow();
  }
  function setupWindow() {
    var span = hasDates ? lastDay - firstDay : 0;
    ["window-from", "window-to"].forEach(function (id) {
      $(id).max = String(span); $(id).disabled = !hasDates;
      $(id).addEventListener("input", scheduleWindow);
    });
    $("window-to").value = String(span);
    if (!hasDates) $("window-section").classList.add("disabled");
    function last(days) { var b = Math.max(+$("window-from").value, +$("window-to").value); setWindow(Math.max(0, b - days + 1), b); }
    $("window-week").addEventListener("click", function () { last(7); });
    $("window-month").addEventListener("click", function () { last(30); });
    $("window-all").addEventListener("click", function () { setWindow(0, span); });
  }
  var windowFrame = 0;
  function scheduleWindow() {  // one recount per frame however fast the handle moves
    if (windowFrame) return;
    windowFrame = requestAnimationFrame(function () { windowFrame = 0; applyWindow(); });
  }
  kg.setWindow = function (fromIso, toIso) {
    setWindow(KG.dayNumber(fromIso) - firstDay, KG.dayNumber(toIso) - firstDay);
  };
  setupWindow();

  // ---------------------------------------------------------------- counts
  function setCount(span, n) {
    var total = +span.getAttribute("data-total");
    span.textContent = n === total ? String(total) : n + " / " + total;
  }
  function updateCounts() {
    var byKind = {}, byPred = {}, shownN = 0, shownE = 0, activeN = 0, activeE = 0;
    model.nodes.forEach(function (n) {
      if (state.hiddenN.has(n.id)) return;
      shownN++;
      if (!state.fadedN.has(n.id)) { activeN++; byKind[n.kind] = (byKind[n.kind] || 0) + 1; }
    });
    model.edges.forEach(function (e) {
      if (state.hiddenE.has(e.id)) return;
      shownE++;
      if (!state.fadedE.has(e.id)) { activeE++; byPred[e.predicate] = (byPred[e.predicate] || 0) + 1; }
    });
    Object.keys(kindCount).forEach(function (k) { setCount(kindCount[k], byKind[k] || 0); });
    Object.keys(predCount).forEach(function (p) { setCount(predCount[p], byPred[p] || 0); });
    var t = data.total, text = shownN + " of " + model.nodes.length + " entities, " + shownE + " of " + model.edges.length + " relations shown";
    if (state.window) text += "; " + activeN + " entities, " + activeE + " relations in the window";
    if (t.nodes !== model.nodes.length) text += " (graph: " + t.nodes + " entities, " + t.edges + " relations)";
    $("counts").textContent = text;
  }

  ["date-from", "date-to"].forEach(function (id) {
    if (data.dateRange[0]) { $(id).min = data.dateRange[0]; $(id).max = data.dateRange[1]; }
    $(id).addEventListener("change", applyFilters);
    $(id).addEventListener("input", applyFilters);
  });
  $("undated").addEventListener("change", applyFilters);
  $("reset").addEventListener("click", function () {
    document.querySelectorAll("aside input[type=checkbox]").forEach(function (b) { b.checked = true; });
    Object.keys(kindOn).forEach(function (k) { kindOn[k] = true; });
    Object.keys(predOn).forEach(function (k) { predOn[k] = true; });
    $("date-from").value = ""; $("date-to").value = "";
    $("window-from").value = "0"; $("window-to").value = $("window-to").max;
    applyFilters();
  });
  if (!model.nodes.length) {
    var empty = el("p", "hint", "No entities in this graph: was anything extracted? See skipped.txt in OUTDIR.");
    empty.style.cssText = "position:absolute;top:40%;width:100%;text-align:center;z-index:1";
    $("network").appendChild(empty);
  }
  applyWindow();

  // ---------------------------------------------------------------- search and fit
  var datalist = $("kg-labels"), seenLabels = new Set(), frag = document.createDocumentFragment();
  model.nodes.forEach(function (n) {
    if (seenLabels.has(n.label) || seenLabels.size >= 5000) return;
    seenLabels.add(n.label);
    var o = document.createElement("option"); o.value = n.label; frag.appendChild(o);
  });
  datalist.appendChild(frag);
  function find(query) {
    var q = query.trim().toLowerCase();
    if (!q) return null;
    var tests = [
      function (n) { return n.label.toLowerCase() === q || n.iri.toLowerCase() === q; },
      function (n) { return n.aliases.some(function (a) { return a.toLowerCase() === q; }); },
      function (n) { return n.label.toLowerCase().indexOf(q) === 0; },
      function (n) { return n.label.toLowerCase().indexOf(q) >= 0 || n.aliases.some(function (a) { return a.toLowerCase().indexOf(q) >= 0; }); }
    ];
    for (var i = 0; i < tests.length; i++) {
      var hits = model.nodes.filter(tests[i]);
      if (hits.length) {
        var visible = hits.filter(function (n) { return !state.hiddenN.has(n.id); });
        return (visible.length ? visible : hits).sort(function (a, b) { return b.degree - a.degree; })[0];
      }
    }
    return null;
  }
  function focusNode(query) {
    var n = find(query);
    $("message").textContent = "";
    if (!n) { $("message").textContent = "No entity matches \u201c" + query + "\u201d"; return null; }
    if (state.hiddenN.has(n.id)) { $("message").textContent = n.label + " is hidden by the filters"; return null; }
    highlight(n.id);
    showDetails(nodeContent(n, true));
    renderer.focus(n.id);
    kg.focused = n.id;
    return n.id;
  }
  kg.focusNode = focusNode;
  $("search-form").addEventListener("submit", function (ev) { ev.preventDefault(); focusNode($("search").value); });
  $("fit").addEventListener("click", function () {
    renderer.fit(model.nodes.filter(function (n) { return !state.hiddenN.has(n.id); }).map(function (n) { return n.id; }));
  });
})();
