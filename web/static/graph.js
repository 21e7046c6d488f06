/* The graph explorer: fetch /api/graph and draw it with vis-network (served by this app).

   Tooltips and the detail panel are built with textContent; vis gets DOM elements as titles, so a
   name holding markup shows as text. Large views arrive with server-computed positions and are
   drawn with physics off. Hooks for tests and benchmarks: window.partnergraphNetwork (the
   vis.Network), window.partnergraphData ({nodes, edges} DataSets), window.partnergraphReady
   (true once the view is interactive) and window.partnergraphExportPng() (a PNG data URL). */
"use strict";

(function () {
  const { KIND_COLORS, el, getJSON, elementUrl, facts } = window.partnergraph;
  const canvas = document.getElementById("graph-canvas");
  const message = document.getElementById("graph-message");
  const detail = document.getElementById("graph-detail");
  const $ = (id) => document.getElementById(id);

  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const network = new vis.Network(canvas, { nodes, edges }, {
    autoResize: true,
    nodes: {
      shape: "dot", borderWidth: 1, borderWidthSelected: 3,
      font: { size: 13, color: "#1d2733", strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { min: 6, max: 34, label: { enabled: true, min: 11, max: 22, drawThreshold: 7, maxVisible: 26 } },
    },
    edges: { color: { color: "#c3ccd6", highlight: "#2458c6", hover: "#7d8b99" }, smooth: false, selectionWidth: 2 },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: true, navigationButtons: false, keyboard: false },
    physics: {
      solver: "barnesHut", barnesHut: { gravitationalConstant: -5000, springLength: 110, springConstant: 0.03, damping: 0.3 },
      stabilization: { enabled: true, iterations: 250, updateInterval: 50, fit: true },
    },
    layout: { improvedLayout: false },
  });
  window.partnergraphNetwork = network;
  window.partnergraphData = { nodes, edges };
  window.partnergraphReady = false;

  const view = { center: canvas.dataset.center || null, depth: Number(canvas.dataset.depth) || 1, loads: 0 };

  function say(text, tone) {
    message.replaceChildren();
    if (text) message.append(el("span", { className: tone || "" }, text));
  }

  function tooltip(n) {
    return el("div", { className: "tip" }, el("strong", {}, n.name), el("br"), n.kind + (facts(n) ? " · " + facts(n) : ""));
  }

  function visNode(n, degreeShown) {
    const node = { id: n.id, label: n.name, title: tooltip(n), color: { background: KIND_COLORS[n.kind] || "#888",
      border: "#ffffff", highlight: { background: KIND_COLORS[n.kind] || "#888", border: "#1d2733" } },
      value: n.score !== undefined ? n.score : (degreeShown[n.id] || 0) + 1, raw: n };
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    if (n.id === view.center) { node.borderWidth = 3; node.color.border = "#1d2733"; }
    return node;
  }

  function visEdge(e) {
    const label = e.types.join(", ").toLowerCase().replace(/_/g, " ") + (e.strength ? ", strength " + e.strength : "");
    return { id: e.from + "\u0000" + e.to, from: e.from, to: e.to, title: el("div", {}, label),
             width: e.strength ? 0.6 + e.strength * 0.5 : 1, dashes: e.types.length === 1 && e.types[0] === "WORKS_ON" };
  }

  function query(center, depth) {
    const params = new URLSearchParams();
    if (center) { params.set("center", center); params.set("depth", depth); }
    const boxes = Array.from(document.querySelectorAll("input[name=kind]"));
    const kinds = boxes.filter((b) => b.checked).map((b) => b.value);
    if (kinds.length === 0) { params.append("kind", "none"); }
    else if (kinds.length < boxes.length) kinds.forEach((k) => params.append("kind", k));
    for (const [name, id] of [["issue", "graph-issue"], ["region", "graph-region"], ["status", "graph-status"], ["size", "graph-size"]]) {
      if ($(id).value) params.set(name, $(id).value);
    }
    params.set("limit", $("graph-limit").value || "500");
    return params;
  }

  /* Load a view: the ego network of `center` (or the whole graph); `merge` adds to what is shown. */
  let latestLoad = 0;  // filters fire loads in quick succession: only the newest may draw

  async function load(center, depth, merge) {
    window.partnergraphReady = false;
    const mine = ++latestLoad;
    const params = query(center, depth);
    if (params.getAll("kind").includes("none")) {
      nodes.clear(); edges.clear(); say("Tick at least one kind to show.", "warn"); window.partnergraphReady = true; return;
    }
    say("Loading…");
    let data;
    try {
      data = await getJSON(canvas.dataset.api + "?" + params.toString());
    } catch (error) {
      if (mine === latestLoad) { say(error.message, "err"); window.partnergraphReady = true; }
      return;
    }
    if (mine !== latestLoad) return;  // a newer load has started; its answer replaces this one
    if (!merge) {
      view.center = center; view.depth = depth;
      const url = new URL(window.location.href);
      url.search = center ? new URLSearchParams({ center: center, depth: depth }).toString() : "";
      window.history.replaceState(null, "", url);
    }
    const degree = {};
    for (const e of data.edges) { degree[e.from] = (degree[e.from] || 0) + 1; degree[e.to] = (degree[e.to] || 0) + 1; }
    const newNodes = data.nodes.map((n) => visNode(n, degree));
    const newEdges = data.edges.map(visEdge);
    const usePhysics = data.physics && newNodes.length > 1;
    network.setOptions({ physics: { enabled: usePhysics } });
    if (merge) {
      nodes.update(newNodes.filter((n) => !nodes.get(n.id)));
      edges.update(newEdges);
    } else {
      nodes.clear(); edges.clear();
      nodes.add(newNodes); edges.add(newEdges);
    }
    view.loads += 1;
    const shown = nodes.length + " elements, " + edges.length + " connections";
    if (data.truncated) say(data.message, "warn");
    else if (data.nodes.length === 0) say("Nothing matches these filters.", "warn");
    else say(shown + (data.center ? " around " + data.center.name : ""));
    if (usePhysics) network.stabilize(250);  // fires stabilizationIterationsDone, then ready()
    else { network.fit(); ready(); }
  }

  function ready() {
    window.partnergraphReady = true;
    canvas.dispatchEvent(new CustomEvent("partnergraph:ready"));
  }

  network.on("stabilizationIterationsDone", function () {
    // Freeze the settled layout: the view stays still and the CPU idle while people read it.
    network.setOptions({ physics: { enabled: false } });
    network.fit();
    ready();
  });

  async function showDetail(id) {
    const item = nodes.get(id);
    if (!item) return;
    const n = item.raw;
    detail.hidden = false;
    $("detail-kind").textContent = n.kind;
    $("detail-kind").className = "kind kind-" + n.kind;
    $("detail-name").textContent = n.name;
    $("detail-facts").textContent = facts(n);
    $("detail-open").href = elementUrl(n.kind, n.id);
    detail.dataset.id = n.id;
    const props = $("detail-props");
    props.replaceChildren(el("dt", {}, "connections"), el("dd", {}, String(n.degree)));
    try {
      const full = await getJSON(canvas.dataset.node + encodeURIComponent(n.id).replace(/%2F/g, "/"));
      if (detail.dataset.id !== n.id) return;
      const rows = [];
      for (const [key, value] of Object.entries(full.properties)) {
        if (value === null || value === "" || ["type", "region", "country", "status"].includes(key)) continue;
        rows.push(el("dt", {}, key.replace(/_/g, " ")), el("dd", {}, Array.isArray(value) ? value.join(", ") : String(value)));
      }
      const counts = { holders: "held by", members: "members", member_of: "member of", knows: "knows",
                       holds: "holds", partners: "partners", affiliates: "affiliates", issues: "issues",
                       organisations: "organisations" };
      for (const [key, label] of Object.entries(counts)) {
        if (Array.isArray(full[key]) && full[key].length) rows.push(el("dt", {}, label), el("dd", {}, String(full[key].length)));
      }
      props.append(...rows);
    } catch (error) {
      props.append(el("dt", {}, "error"), el("dd", {}, error.message));
    }
  }

  network.on("click", function (params) {
    if (params.nodes.length) showDetail(params.nodes[0]);
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) load(params.nodes[0], 1, true);
  });
  $("detail-close").addEventListener("click", () => { detail.hidden = true; network.unselectAll(); });
  $("detail-expand").addEventListener("click", () => load(detail.dataset.id, 1, true));
  $("detail-center").addEventListener("click", () => load(detail.dataset.id, Number($("graph-depth").value), false));
  $("graph-whole").addEventListener("click", () => load(null, 1, false));
  $("graph-depth").addEventListener("change", () => { if (view.center) load(view.center, Number($("graph-depth").value), false); });
  for (const control of document.querySelectorAll(".controls select:not(#graph-depth), .controls input[name=kind], #graph-limit")) {
    control.addEventListener("change", () => load(view.center, view.depth, false));
  }

  function focus(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showDetail(id);
  }

  // Search to focus: an element already shown is focused; another one becomes the centre.
  const search = $("graph-search");
  const suggestions = $("graph-search-results");
  let timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    const text = search.value.trim();
    if (!text) { suggestions.hidden = true; return; }
    timer = setTimeout(async function () {
      let found;
      try { found = await getJSON(canvas.dataset.search + "?limit=8&q=" + encodeURIComponent(text)); }
      catch (error) { say(error.message, "err"); return; }
      suggestions.replaceChildren(...found.results.map(function (r) {
        const button = el("button", { type: "button" }, el("span", { className: "swatch kind-" + r.kind }), r.name);
        button.addEventListener("click", async function () {
          suggestions.hidden = true; search.value = r.name;
          if (!nodes.get(r.id)) await load(r.id, Number($("graph-depth").value), false);
          focus(r.id);
        });
        return el("li", {}, button);
      }));
      if (!found.results.length) suggestions.replaceChildren(el("li", { className: "muted" }, "No match"));
      suggestions.hidden = false;
    }, 180);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { const first = suggestions.querySelector("button"); if (first) first.click(); }
    if (event.key === "Escape") suggestions.hidden = true;
  });

  /* Return the current view as a PNG data URL, on white (the canvas itself is transparent). */
  function exportPng() {
    const source = canvas.querySelector("canvas");
    const copy = document.createElement("canvas");
    copy.width = source.width; copy.height = source.height;
    const context = copy.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, copy.width, copy.height);
    context.drawImage(source, 0, 0);
    return copy.toDataURL("image/png");
  }
  window.partnergraphExportPng = exportPng;
  $("graph-png").addEventListener("click", function () {
    const link = el("a", { href: exportPng(), download: "partnergraph-" + (view.center || "graph") + ".png" });
    document.body.append(link); link.click(); link.remove();
  });

  load(view.center, view.depth, false);
})();
