/* The standalone page of a view (partnergraph export-view): draw the embedded view with vis-network.

   Everything comes from the JSON in #standalone-data: pyvis's nodes and edges (shape, colour,
   size, fixed position; physics off), the options, each node's details as [label, text] rows, and
   each edge's types and the people who link its ends. Tooltips and the details panel are built
   with textContent (window.partnergraph.el), never innerHTML: names can hold markup. Hooks for
   tests and benchmarks, as on the graph page: window.partnergraphNetwork, window.partnergraphData,
   window.partnergraphReady (true once drawn) and window.partnergraphReadyAt (performance.now()). */
"use strict";

(function () {
  const { el, facts } = window.partnergraph;
  const $ = (id) => document.getElementById(id);
  const data = JSON.parse($("standalone-data").textContent);
  const canvas = $("graph-canvas");
  const detail = $("graph-detail");
  const EDGE_STYLE = Object.fromEntries(data.styles.edges.map((s) => [s.type, s]));
  const LINKS = Object.fromEntries(data.edge_details.map((e) => [e.from + "\u0000" + e.to, e]));

  function tooltip(n) {
    return el("div", { className: "tip" }, el("strong", {}, n.name), el("br"), n.kind + (facts(n) ? " · " + facts(n) : ""));
  }

  function linkText(e) {
    const words = e.types.map((t) => (EDGE_STYLE[t] || { label: t }).label).join(", ");
    if (!e.people) return words;
    const count = e.people.length;
    return [words, count ? (count === 1 ? "1 person links these" : count + " people link these") : "",
            e.partnership ? "a formal partnership" : ""].filter(Boolean).join(" · ");
  }

  const nodes = new vis.DataSet(data.nodes.map(function (n) {
    const about = data.details[n.id] || { id: n.id, name: n.id, kind: "", rows: [] };
    return Object.assign({}, n, { name: about.name, title: tooltip(about) });
  }));
  const edges = new vis.DataSet(data.edges.map(function (e) {
    const id = e.from + "\u0000" + e.to;
    return Object.assign({}, e, { id: id, title: el("div", {}, linkText(LINKS[id] || { types: [] })) });
  }));
  const network = new vis.Network(canvas, { nodes, edges }, data.options);
  const labels = window.partnergraphLabeller(network, nodes, canvas);
  labels.setOrder(nodes.get().sort((a, b) => (b.size - a.size) || (a.name < b.name ? -1 : 1)).map((n) => n.id));
  window.partnergraphNetwork = network;
  window.partnergraphData = { nodes, edges };
  window.partnergraphReady = false;

  network.once("afterDrawing", function () {
    window.partnergraphReady = true;
    window.partnergraphReadyAt = performance.now();
  });
  // Fit with a margin, so that the labels of the outermost elements fit too (as the graph page does).
  network.fit({ animation: false });
  network.moveTo({ scale: network.getScale() * 0.88, animation: false });

  function show(kind, colour, name, factsLine, rows) {
    detail.hidden = false;
    $("detail-kind").textContent = kind;
    $("detail-kind").style.background = colour || "";
    $("detail-name").textContent = name;
    $("detail-facts").textContent = factsLine;
    $("detail-props").replaceChildren(...rows.flatMap(([label, text]) => [el("dt", {}, label), el("dd", {}, text)]));
  }

  function showNode(id) {
    const about = data.details[id];
    const item = nodes.get(id);
    if (!about || !item) return;
    detail.dataset.id = id;
    show(about.kind, item.color && item.color.background, about.name, facts(about), about.rows);
  }

  function showEdge(id) {
    const e = LINKS[id];
    if (!e) return;
    const ends = [data.details[e.from], data.details[e.to]].map((n) => (n ? n.name : ""));
    const rows = [["types", e.types.map((t) => (EDGE_STYLE[t] || { label: t }).label).join(", ")]];
    if (e.partnership) {
      const p = e.partnership;
      rows.push(["partnership", [p.status, p.since ? "since " + p.since : "", p.until ? "until " + p.until : ""]
        .filter(Boolean).join(", ") || "formal"]);
    }
    if (e.people && e.people.length) rows.push(["linked by", e.people.map((p) => p.name).join(", ")]);
    detail.dataset.id = "";
    show("link", "", ends[0] + " – " + ends[1], linkText(e), rows);
  }

  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });
  $("detail-close").addEventListener("click", function () { detail.hidden = true; network.unselectAll(); });
})();
