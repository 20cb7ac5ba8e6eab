// Charts and map of the report page, drawn with the vendored d3 bundle (window.KGCharts):
// stacked weekly bars with flagged weeks marked, and the world map with places and edges.
(function () {
  "use strict";
  var D = window.KGCharts, el = KG.el;
  var COLOURS = ["#2f6db5", "#c4412b", "#3b9a57", "#d48a1e", "#7a4fb0", "#1f9aa8", "#9a9a9a"];
  var W = 1000, H = 240, M = {top: 14, right: 10, bottom: 26, left: 36};

  function legend(names, colour) {
    var box = el("div", "legend");
    names.forEach(function (n) {
      var item = el("span"), key = el("span", "key");
      key.style.background = colour(n);
      item.appendChild(key); item.appendChild(document.createTextNode(n)); box.appendChild(item);
    });
    return box;
  }
  function stackedRows(weeks, series) {
    return weeks.map(function (w, i) {
      var row = {week: w};
      series.forEach(function (s) { row[s.name] = s.counts[i]; });
      return row;
    });
  }
  // weekly stacked bars; `flagged` holds the weeks to mark with a triangle
  function weeklyBars(container, weeks, series, flagged) {
    if (!weeks.length || !series.length) {
      container.appendChild(el("p", "empty", "No dated events of this kind: nothing to chart."));
      return;
    }
    var names = series.map(function (s) { return s.name; });
    var colour = D.scaleOrdinal(names, COLOURS);
    var stacked = D.stack().keys(names)(stackedRows(weeks, series));
    var top = D.max(stacked[stacked.length - 1], function (d) { return d[1]; }) || 1;
    var x = D.scaleBand(weeks, [M.left, W - M.right]).padding(0.15);
    var y = D.scaleLinear([0, top], [H - M.bottom, M.top]).nice();
    var svg = D.select(container).append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("role", "img");
    svg.append("g").selectAll("g").data(stacked).join("g").attr("fill", function (d) { return colour(d.key); })
      .selectAll("rect").data(function (d) { return d; }).join("rect").attr("class", "bar")
      .attr("x", function (d) { return x(d.data.week); }).attr("width", x.bandwidth())
      .attr("y", function (d) { return y(d[1]); }).attr("height", function (d) { return y(d[0]) - y(d[1]); })
      .append("title").text(function (d) { return d.data.week + ": " + (d[1] - d[0]); });
    var every = Math.max(1, Math.ceil(weeks.length / 12));
    svg.append("g").attr("transform", "translate(0," + (H - M.bottom) + ")")
      .call(D.axisBottom(x).tickValues(weeks.filter(function (w, i) { return i % every === 0; })));
    svg.append("g").attr("transform", "translate(" + M.left + ",0)").call(D.axisLeft(y).ticks(Math.min(5, top)));
    svg.append("g").selectAll("path").data(weeks.filter(function (w) { return flagged.has(w); })).join("path")
      .attr("class", "flag-mark").attr("d", "M-5,0L5,0L0,-8Z")
      .attr("transform", function (w) { return "translate(" + (x(w) + x.bandwidth() / 2) + "," + (M.top + 2) + ")"; })
      .append("title").text(function (w) { return "rise flagged in the week of " + w; });
    container.appendChild(legend(names, colour));
  }

  function drawMapBase(svg, path, world) {
    svg.append("path").datum({type: "Sphere"}).attr("class", "sphere").attr("d", path);
    svg.append("path").datum(D.geoGraticule10()).attr("class", "graticule").attr("d", path);
    var land = D.feature(world, world.objects.countries);
    svg.append("g").selectAll("path").data(land.features).join("path").attr("class", "land").attr("d", path);
  }
  function worldMap(container, world, layer) {
    var w = 1000, h = 520;
    var projection = D.geoEqualEarth().fitSize([w, h], {type: "Sphere"});
    var path = D.geoPath(projection);
    var svg = D.select(container).append("svg").attr("viewBox", "0 0 " + w + " " + h).attr("role", "img");
    drawMapBase(svg, path, world);
    var top = D.max(layer.edges, function (e) { return e.events; }) || 1;
    var width = D.scaleSqrt([1, top], [1.2, 5]);
    svg.append("g").selectAll("path").data(layer.edges).join("path")
      .attr("class", function (e) { return "edge " + e.kind; })
      .attr("d", function (e) { return path({type: "LineString", coordinates: [[e.src[1], e.src[0]], [e.dst[1], e.dst[0]]]}); })
      .attr("stroke-width", function (e) { return width(e.events); })
      .append("title").text(function (e) { return e.fromLabel + " " + e.kind + " " + e.toLabel + ": " + e.events; });
    var radius = D.scaleSqrt([1, D.max(layer.places, function (p) { return p.events; }) || 1], [3, 9]);
    var colour = {base: "#7a4fb0", sea: "#1f9aa8", location: "#d48a1e", nation: "#3b9a57"};
    var g = svg.append("g").selectAll("g").data(layer.places).join("g")
      .attr("transform", function (p) { return "translate(" + projection([p.lon, p.lat]) + ")"; });
    g.append("circle").attr("class", "place").attr("r", function (p) { return radius(p.events); })
      .attr("fill", function (p) { return colour[p.kind] || "#555555"; })
      .append("title").text(function (p) { return p.label + " (" + p.kind + "): " + p.events + " events"; });
    g.append("text").attr("class", "place-label").attr("x", 6).attr("y", 3).text(function (p) { return p.label; });
    if (!layer.places.length && !layer.edges.length) container.appendChild(el("p", "empty", "No event has a place with known coordinates."));
  }
  window.KGReportCharts = {weeklyBars: weeklyBars, worldMap: worldMap};
})();
