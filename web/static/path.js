/* The path finder: draw each path as a small graph beside its hops, and suggest ids while typing. */
"use strict";

(function () {
  const { KIND_COLORS, el, getJSON } = window.partnergraph;
  const data = document.getElementById("path-data");
  window.partnergraphPaths = [];

  if (data && window.vis) {
    const result = JSON.parse(data.textContent);
    result.paths.forEach(function (path, index) {
      const container = document.getElementById("path-graph-" + index);
      if (!container) return;
      // A path is a chain: lay it out on a gentle zig-zag, left to right, no physics.
      const nodes = path.nodes.map(function (n, i) {
        return { id: n.id, label: n.name, x: i * 190, y: (i % 2) * 40, color: KIND_COLORS[n.kind] || "#888",
                 shape: "dot", size: 16, font: { size: 20, color: "#1d2733", strokeWidth: 4, strokeColor: "#fbfcfd" } };
      });
      const edges = path.hops.map(function (h) {
        return { from: h.from, to: h.to, label: h.type.replace("_", " ").toLowerCase(),
                 font: { size: 15, color: "#5f6b78", strokeWidth: 4, align: "top" }, color: "#9aa7b4", width: 2 };
      });
      const network = new vis.Network(container, { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }, {
        physics: false, interaction: { dragView: true, zoomView: false, dragNodes: true },
        nodes: { borderWidth: 0 }, edges: { smooth: false },
      });
      network.once("afterDrawing", function () { network.fit(); });
      window.partnergraphPaths.push(network);
    });
  }

  // Suggestions for the from / to / avoid fields, from /api/search.
  const list = document.getElementById("path-suggestions");
  let timer = null;
  document.querySelectorAll("#path-form input[list]").forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      const text = input.value.split(";").pop().trim();
      if (text.length < 2) return;
      timer = setTimeout(async function () {
        try {
          const found = await getJSON("/api/search?limit=8&q=" + encodeURIComponent(text));
          list.replaceChildren(...found.results.map(function (r) {
            return el("option", { value: r.id, label: r.name + " (" + r.kind + ")" });
          }));
        } catch (e) { list.replaceChildren(); }
      }, 200);
    });
  });
})();
