// The graph page's renderer for big graphs: sigma.js + graphology in WebGL (vendor/sigma-graphology.min.js,
// window.KGSigma). Positions come precomputed from Python. Nodes are WebGL points and edges
// one-pixel lines; edges are left out while the camera moves, so panning and zooming stay fluid.
// Filters restyle only the items whose state changed (sigma's partial refresh); a narrow time
// window and a click's neighbourhood are drawn on a 2D overlay, at O(items drawn) cost.
(function () {
  "use strict";
  var FADED_NODE = "#e4e4e8", FADED_EDGE = "#f0f0f3";
  var VEIL = "rgba(255,255,255,0.8)", WINDOW_VEIL = "rgba(255,255,255,0.85)";
  // a window with up to this many relations in it is drawn on the 2D overlay (moving it costs
  // O(relations in it)); a wider one restyles the WebGL items that changed
  var OVERLAY_WINDOW = 8000;

  function buildGraph(model) {
    var graph = new KGSigma.Graph({multi: true, type: "directed", allowSelfLoops: true});
    graph.import({
      nodes: model.nodes.map(function (n) {
        return {key: n.id, attributes: {x: n.x, y: -n.y, size: n.size, color: n.color, label: n.label}};
      }),
      edges: model.edges.map(function (e) {
        return {key: e.id, source: e.from, target: e.to, attributes: {color: e.color, size: e.width}};
      })
    });
    return graph;
  }

  // Drawing on the 2D overlay above sigma's canvases; `pen` = {ctx, at(id) -> viewport point}.
  function drawEdge(pen, e, busy) {
    var ctx = pen.ctx, a = pen.at(e.from), b = pen.at(e.to);
    var dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy);
    ctx.strokeStyle = e.color; ctx.lineWidth = busy ? 1 : 2;
    ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke();
    if (busy || len < b.r + 10) return;
    var ux = dx / len, uy = dy / len, tx = b.x - ux * (b.r + 1), ty = b.y - uy * (b.r + 1), s = 9;
    ctx.fillStyle = e.color; ctx.beginPath(); ctx.moveTo(tx, ty);
    ctx.lineTo(tx - ux * s - uy * s * 0.5, ty - uy * s + ux * s * 0.5);
    ctx.lineTo(tx - ux * s + uy * s * 0.5, ty - uy * s - ux * s * 0.5);
    ctx.closePath(); ctx.fill();
  }
  function drawNode(pen, id, label) {
    var ctx = pen.ctx, p = pen.at(id);
    ctx.fillStyle = p.colour; ctx.strokeStyle = "#111111"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.arc(p.x, p.y, p.r, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    if (!label) return;
    ctx.font = "12px system-ui, sans-serif"; ctx.textBaseline = "middle"; ctx.lineWidth = 3;
    ctx.strokeStyle = "#ffffff"; ctx.strokeText(label, p.x + p.r + 3, p.y);
    ctx.fillStyle = "#222222"; ctx.fillText(label, p.x + p.r + 3, p.y);
  }
  // a hub's neighbourhood can be thousands of entities: label the centre and its best-linked 25
  function labelled(model, hl) {
    var ids = Array.from(hl.nodes);
    if (ids.length > 26) {
      ids.sort(function (a, b) { return model.nodeById[b].degree - model.nodeById[a].degree; });
      ids = ids.slice(0, 25);
    }
    var out = new Set(ids);
    if (hl.center !== undefined) out.add(hl.center);
    return out;
  }
  function drawNeighbourhood(pen, model, hl, w, h) {
    pen.ctx.fillStyle = VEIL; pen.ctx.fillRect(0, 0, w, h);
    var busy = hl.edges.size > 300, names = labelled(model, hl);
    hl.edges.forEach(function (id) { drawEdge(pen, model.edgeById[id], busy); });
    hl.nodes.forEach(function (id) { if (!names.has(id)) drawNode(pen, id, null); });
    names.forEach(function (id) { drawNode(pen, id, model.nodeById[id].label); });
  }
  // what is inside a narrow time window, drawn again over a veil: one path per colour
  function drawWindow(pen, model, win, w, h) {
    var ctx = pen.ctx, byColour = {};
    ctx.fillStyle = WINDOW_VEIL; ctx.fillRect(0, 0, w, h);
    win.edges.forEach(function (id) { var e = model.edgeById[id]; (byColour[e.color] = byColour[e.color] || []).push(e); });
    ctx.lineWidth = 1;
    Object.keys(byColour).forEach(function (colour) {
      ctx.strokeStyle = colour; ctx.beginPath();
      byColour[colour].forEach(function (e) { var a = pen.at(e.from), b = pen.at(e.to); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); });
      ctx.stroke();
    });
    win.nodes.forEach(function (id) {
      var p = pen.at(id);
      ctx.fillStyle = p.colour; ctx.beginPath(); ctx.arc(p.x, p.y, Math.max(2, p.r - 1), 0, 2 * Math.PI); ctx.fill();
    });
  }

  // the 2D canvas above sigma's, redrawn after each of sigma's frames: time window, then highlight
  function overlay(container, sigma, model) {
    var canvas = document.createElement("canvas");
    canvas.className = "kg-overlay";
    container.appendChild(canvas);
    var hl = null, win = null, pen = {ctx: canvas.getContext("2d"), at: function (id) {
      var d = sigma.getNodeDisplayData(id), p = sigma.framedGraphToViewport({x: d.x, y: d.y});
      return {x: p.x, y: p.y, r: Math.max(3, sigma.scaleSize(d.size)), colour: d.color};
    }};
    function draw() {
      var ratio = window.devicePixelRatio || 1, w = container.clientWidth, h = container.clientHeight;
      if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
        canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
        canvas.style.width = w + "px"; canvas.style.height = h + "px";
      }
      pen.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      pen.ctx.clearRect(0, 0, w, h);
      if (win) drawWindow(pen, model, win, w, h);
      if (hl) drawNeighbourhood(pen, model, hl, w, h);
    }
    sigma.on("afterRender", draw);
    return {
      set: function (next) { hl = next; draw(); },
      window: function (next) { win = next; draw(); }
    };
  }

  function wireEvents(sigma, container, events) {
    function clientPoint(p) {
      var rect = container.getBoundingClientRect();
      return {x: rect.left + p.x, y: rect.top + p.y};
    }
    sigma.on("enterNode", function (p) { events.hoverNode(p.node, clientPoint(p.event)); });
    sigma.on("leaveNode", events.blur);
    sigma.on("clickNode", function (p) { events.click({node: p.node}); });
    sigma.on("clickStage", function () { events.click({}); });
    sigma.getCamera().on("updated", events.blur);
    // sigma drew once in its constructor; ready on the next frame, once that one is composited
    requestAnimationFrame(events.ready);
  }

  // the items whose membership differs between two sets
  function changed(before, after) {
    var out = [];
    before.forEach(function (id) { if (!after.has(id)) out.push(id); });
    after.forEach(function (id) { if (!before.has(id)) out.push(id); });
    return out;
  }

  // the entities and relations shown and inside the time window
  function activeItems(model, st, fadedN, fadedE) {
    var nodes = [], edges = [];
    model.nodes.forEach(function (n) { if (!fadedN.has(n.id) && !st.hiddenN.has(n.id)) nodes.push(n.id); });
    model.edges.forEach(function (e) { if (!fadedE.has(e.id) && !st.hiddenE.has(e.id)) edges.push(e.id); });
    return {nodes: nodes, edges: edges};
  }

  function create(container, model, data, events) {
    var st = {hiddenN: new Set(), hiddenE: new Set(), fadedN: new Set(), fadedE: new Set()};
    var graph = buildGraph(model);
    var sigma = new KGSigma.Sigma(graph, container, {
      defaultNodeType: "point", defaultEdgeType: "line",
      nodeProgramClasses: {point: KGSigma.NodePointProgram},
      edgeProgramClasses: {line: KGSigma.EdgeLineProgram},
      hideEdgesOnMove: true, renderEdgeLabels: false, enableEdgeEvents: false, zIndex: false,
      labelRenderedSizeThreshold: 5, labelDensity: 0.4, labelGridCellSize: 120, minCameraRatio: 0.01, maxCameraRatio: 4,
      nodeReducer: function (id, attr) {
        if (st.hiddenN.has(id)) return Object.assign({}, attr, {hidden: true});
        if (st.fadedN.has(id)) return Object.assign({}, attr, {color: FADED_NODE, label: null});
        return attr;
      },
      edgeReducer: function (id, attr) {
        if (st.hiddenE.has(id)) return Object.assign({}, attr, {hidden: true});
        if (st.fadedE.has(id)) return Object.assign({}, attr, {color: FADED_EDGE});
        return attr;
      }
    });
    var layer = overlay(container, sigma, model);
    wireEvents(sigma, container, events);
    function refresh(nodes, edges) {
      if (nodes.length || edges.length) sigma.refresh({partialGraph: {nodes: nodes, edges: edges}});
    }
    return {
      setHidden: function (n, e) {
        var dn = changed(st.hiddenN, n), de = changed(st.hiddenE, e);
        st.hiddenN = n; st.hiddenE = e; refresh(dn, de);
      },
      setFaded: function (n, e) {
        var inside = n.size || e.size ? activeItems(model, st, n, e) : null;
        var limit = data.overlayWindow === undefined ? OVERLAY_WINDOW : data.overlayWindow;  // tests lower it
        var narrow = inside && inside.edges.length <= limit;
        if (narrow) { n = new Set(); e = new Set(); }
        var dn = changed(st.fadedN, n), de = changed(st.fadedE, e);
        st.fadedN = n; st.fadedE = e; refresh(dn, de);
        layer.window(narrow ? inside : null);
      },
      highlight: layer.set,
      focus: function (id) {
        var d = sigma.getNodeDisplayData(id);
        sigma.getCamera().animate({x: d.x, y: d.y, ratio: Math.min(sigma.getCamera().ratio, 0.3)}, {duration: 350});
      },
      fit: function () { sigma.getCamera().animatedReset({duration: 0}); },
      extras: {sigma: sigma, graph: graph}
    };
  }
  window.KGRenderers = window.KGRenderers || {};
  window.KGRenderers.sigma = create;
})();
