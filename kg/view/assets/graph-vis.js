// The graph page's renderer for small graphs: vis-network (inlined from the pyvis package).
// Filters work through DataViews: vis adds and removes only what changed, which is several
// times cheaper than updating a `hidden` flag on thousands of items.
(function () {
  "use strict";
  var FADE = "rgba(255,255,255,0.78)", WINDOW_FADE = "rgba(255,255,255,0.82)";

  function arrowHead(ctx, from, to, colour) {
    var dx = to.x - from.x, dy = to.y - from.y, len = Math.sqrt(dx * dx + dy * dy);
    if (len < 1) return;
    var ux = dx / len, uy = dy / len, r = (to.options.size || 10) + 2, s = 9;
    var tipX = to.x - ux * r, tipY = to.y - uy * r;
    ctx.beginPath();
    ctx.moveTo(tipX, tipY);
    ctx.lineTo(tipX - ux * s - uy * s * 0.5, tipY - uy * s + ux * s * 0.5);
    ctx.lineTo(tipX - ux * s + uy * s * 0.5, tipY - uy * s - ux * s * 0.5);
    ctx.closePath();
    ctx.fillStyle = colour; ctx.fill();
    ctx.fillStyle = "#444444";
  }
  function drawEdgeLabels(ctx, body, hl, edgeById) {
    ctx.font = "10px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.lineWidth = 3; ctx.strokeStyle = "#ffffff"; ctx.fillStyle = "#444444";
    hl.edges.forEach(function (id) {
      var e = body.edges[id]; if (!e || !e.connected) return;
      var x = (e.from.x + e.to.x) / 2, y = (e.from.y + e.to.y) / 2;
      ctx.strokeText(edgeById[id].predicate, x, y); ctx.fillText(edgeById[id].predicate, x, y);
    });
  }
  // The neighbourhood is drawn again on top of a translucent veil after vis' own drawing, so a
  // click costs O(degree) whatever the graph size (restyling every item took seconds at 5,000
  // nodes). Uses vis-network 9.1.2 internals (body.nodes/edges, draw, drawArrows), pinned by pyvis.
  function veil(ctx, colour) {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  }
  function drawNeighbourhood(ctx, network, hl, edgeById, physics) {
    veil(ctx, FADE);
    var body = network.body, external = [];
    hl.edges.forEach(function (id) { var e = body.edges[id]; if (e && e.connected) e.draw(ctx); });
    hl.edges.forEach(function (id) { var e = body.edges[id]; if (e && e.connected) e.drawArrows(ctx); });
    if (!physics && hl.edges.size <= 150) drawEdgeLabels(ctx, body, hl, edgeById);  // big graphs carry no edge labels
    if (!physics) {  // and no arrows either: draw the highlighted ones
      hl.edges.forEach(function (id) {
        var e = body.edges[id]; if (e && e.connected) arrowHead(ctx, e.from, e.to, edgeById[id].color);
      });
    }
    hl.nodes.forEach(function (id) {
      var n = body.nodes[id]; if (!n) return;
      var r = n.draw(ctx); if (r && r.drawExternalLabel) external.push(r.drawExternalLabel);
    });
    external.forEach(function (f) { f(); });
  }

  function wireEvents(network, nodes, events, clientPoint) {
    network.once("afterDrawing", events.ready);
    network.on("dragEnd", function (p) {  // keep dragged nodes where they were dropped across filters
      if (!p.nodes.length) return;
      var at = network.getPositions(p.nodes);
      nodes.update(p.nodes.map(function (id) { return {id: id, x: at[id].x, y: at[id].y}; }));
    });
    network.on("hoverNode", function (p) { events.hoverNode(p.node, clientPoint(p.pointer.DOM)); });
    network.on("hoverEdge", function (p) { events.hoverEdge(p.edge, clientPoint(p.pointer.DOM)); });
    ["blurNode", "blurEdge", "dragStart", "zoom"].forEach(function (name) { network.on(name, events.blur); });
    network.on("click", function (p) {
      if (p.nodes.length) events.click({node: p.nodes[0]});
      else if (p.edges.length) events.click({edge: p.edges[0]});
      else events.click({});
    });
  }

  // The time window: everything goes under a veil, then what is inside the window is drawn again
  // on top, like the highlight. Moving the window restyles nothing (restyling thousands of vis
  // items took a third of a second at 1,000 nodes); a frame costs O(items in the window) more.
  function drawWindow(ctx, network, faded, hidden) {
    veil(ctx, WINDOW_FADE);
    var body = network.body, external = [];
    body.edgeIndices.forEach(function (id) {
      var e = body.edges[id];
      if (e && e.connected && !faded.edges.has(id) && !hidden.edges.has(id)) { e.draw(ctx); e.drawArrows(ctx); }
    });
    body.nodeIndices.forEach(function (id) {
      if (faded.nodes.has(id)) return;
      var r = body.nodes[id].draw(ctx); if (r && r.drawExternalLabel) external.push(r.drawExternalLabel);
    });
    external.forEach(function (f) { f(); });
  }

  function create(container, model, data, events) {
    var hiddenN = new Set(), hiddenE = new Set(), hl = null, faded = null;
    var nodes = new vis.DataSet(data.nodes);
    var edges = new vis.DataSet(data.edges);
    var nodesView = new vis.DataView(nodes, {filter: function (n) { return !hiddenN.has(n.id); }});
    var edgesView = new vis.DataView(edges, {filter: function (e) { return !hiddenE.has(e.id); }});
    var network = new vis.Network(container, {nodes: nodesView, edges: edgesView}, data.options);
    if (!data.physics) network.fit({animation: false});
    else {
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({physics: {enabled: false}});
        network.storePositions();  // so nodes shown again by a filter come back where they were
      });
    }
    function clientPoint(p) {
      var rect = container.getBoundingClientRect();
      return {x: rect.left + p.x, y: rect.top + p.y};
    }
    wireEvents(network, nodes, events, clientPoint);
    network.on("afterDrawing", function (ctx) {
      if (faded) drawWindow(ctx, network, faded, {edges: hiddenE});
      if (hl) drawNeighbourhood(ctx, network, hl, model.edgeById, data.physics);
    });
    // one draw on the next frame, shared with vis' own (a click already asks for one)
    function requestRedraw() { network.body.emitter.emit("_requestRedraw"); }
    return {
      setHidden: function (n, e) {
        hiddenN = n; hiddenE = e;
        edgesView.refresh(); nodesView.refresh();
      },
      setFaded: function (n, e) {
        var next = n.size || e.size ? {nodes: n, edges: e} : null;
        if (next || faded) { faded = next; requestRedraw(); }
      },
      highlight: function (next) { hl = next; requestRedraw(); },
      focus: function (id) {
        network.selectNodes([id]);
        network.focus(id, {scale: Math.max(network.getScale(), 1.2), animation: {duration: 350, easingFunction: "easeInOutQuad"}});
      },
      fit: function () { network.fit({nodes: nodesView.getIds(), animation: false}); },
      extras: {network: network, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView}
    };
  }
  window.KGRenderers = window.KGRenderers || {};
  window.KGRenderers.vis = create;
})();
