// The graph page's renderer for big graphs: sigma.js + graphology in WebGL (vendor/sigma-graphology.min.js,
// window.KGSigma). Positions come precomputed from Python. Nodes are WebGL points and edges
// one-pixel lines; edges are left out while the camera moves, so panning and zooming stay fluid.
// Filters and the time window restyle only the items whose state changed (sigma's partial
// refresh); a click highlights its neighbourhood on a 2D overlay, at O(degree) cost.
(function () {
  "use strict";
  var FADED_NODE = "#e4e4e8", FADED_EDGE = "#f0f0f3";
  var VEIL = "rgba(255,255,255,0.8)";

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

  // the highlighted neighbourhood on a 2D canvas above sigma's: veil, edges with arrows, nodes, labels
  function overlay(container, sigma, model) {
    var canvas = document.createElement("canvas");
    canvas.className = "kg-overlay";
    container.appendChild(canvas);
    var ctx = canvas.getContext("2d"), hl = null;
    function at(id) {
      var d = sigma.getNodeDisplayData(id);
      var p = sigma.framedGraphToViewport({x: d.x, y: d.y});
      return {x: p.x, y: p.y, r: Math.max(3, sigma.scaleSize(d.size)), colour: d.color};
    }
    function edge(e, busy) {
      var a = at(e.from), b = at(e.to), dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy);
      ctx.strokeStyle = e.color; ctx.lineWidth = busy ? 1 : 2;
      ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke();
      if (busy || len < b.r + 10) return;
      var ux = dx / len, uy = dy / len, tx = b.x - ux * (b.r + 1), ty = b.y - uy * (b.r + 1), s = 9;
      ctx.fillStyle = e.color; ctx.beginPath(); ctx.moveTo(tx, ty);
      ctx.lineTo(tx - ux * s - uy * s * 0.5, ty - uy * s + ux * s * 0.5);
      ctx.lineTo(tx - ux * s + uy * s * 0.5, ty - uy * s - ux * s * 0.5);
      ctx.closePath(); ctx.fill();
    }
    function node(id, labelled) {
      var p = at(id);
      ctx.fillStyle = p.colour; ctx.strokeStyle = "#111111"; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.arc(p.x, p.y, p.r, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
      if (!labelled) return;
      ctx.font = "12px system-ui, sans-serif"; ctx.textBaseline = "middle"; ctx.lineWidth = 3;
      ctx.strokeStyle = "#ffffff"; ctx.strokeText(model.nodeById[id].label, p.x + p.r + 3, p.y);
      ctx.fillStyle = "#222222"; ctx.fillText(model.nodeById[id].label, p.x + p.r + 3, p.y);
    }
    // a hub's neighbourhood can be thousands of entities: label the centre and its best-linked 25
    function labelled(hl) {
      var ids = Array.from(hl.nodes);
      if (ids.length > 26) {
        ids.sort(function (a, b) { return model.nodeById[b].degree - model.nodeById[a].degree; });
        ids = ids.slice(0, 25);
      }
      var out = new Set(ids);
      if (hl.center !== undefined) out.add(hl.center);
      return out;
    }
    function draw() {
      var ratio = window.devicePixelRatio || 1, w = container.clientWidth, h = container.clientHeight;
      if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
        canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
        canvas.style.width = w + "px"; canvas.style.height = h + "px";
      }
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, w, h);
      if (!hl) return;
      ctx.fillStyle = VEIL; ctx.fillRect(0, 0, w, h);
      var busy = hl.edges.size > 300, names = labelled(hl);
      hl.edges.forEach(function (id) { edge(model.edgeById[id], busy); });
      hl.nodes.forEach(function (id) { if (!names.has(id)) node(id, false); });
      names.forEach(function (id) { node(id, true); });
    }
    sigma.on("afterRender", draw);
    return {set: function (next) { hl = next; draw(); }, draw: draw};
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
        var dn = changed(st.fadedN, n), de = changed(st.fadedE, e);
        st.fadedN = n; st.fadedE = e; refresh(dn, de);
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
