/* The graph explorer: fetch /api/graph and draw it with vis-network (served by this app).

   Without a centre it opens on the overview (docs/viewer.md#the-graph): organisations, with the
   people who link two of them folded into the line between them; clicking a line lists those
   people. "Show everyone" asks for every element instead. Node shapes and line colours come from
   the schema (the #graph-styles JSON the page renders); labels are placed by graph_labels.js.

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
  const STYLES = JSON.parse($("graph-styles").textContent);
  const EDGE_STYLE = Object.fromEntries(STYLES.edges.map((s) => [s.type, s]));
  // Colours for regions and communities: distinct, readable on white, and never a kind's colour.
  const PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4",
                   "#b2182b", "#4d9221", "#8c510a", "#5e3c99", "#c51b7d", "#01665e"];

  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const network = new vis.Network(canvas, { nodes, edges }, {
    autoResize: true,
    nodes: {
      shape: "dot", borderWidth: 1, borderWidthSelected: 3,
      scaling: { min: 6, max: 34, label: { enabled: false } },
    },
    edges: { color: { color: "#c3ccd6", highlight: "#2458c6", hover: "#7d8b99" }, smooth: false, selectionWidth: 2 },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: true, navigationButtons: false, keyboard: false },
    physics: {
      solver: "barnesHut", barnesHut: { gravitationalConstant: -5000, springLength: 110, springConstant: 0.03, damping: 0.3 },
      stabilization: { enabled: true, iterations: 250, updateInterval: 50, fit: true },
    },
    layout: { improvedLayout: false },
  });
  const labels = window.partnergraphLabeller(network, nodes, canvas);
  window.partnergraphNetwork = network;
  window.partnergraphData = { nodes, edges };
  window.partnergraphReady = false;

  const view = { center: canvas.dataset.center || null, depth: Number(canvas.dataset.depth) || 1, loads: 0,
                 mode: canvas.dataset.view || "overview", colourBy: "region", regions: {}, communities: {} };

  function say(text, tone) {
    message.replaceChildren();
    if (text) message.append(el("span", { className: tone || "" }, text));
  }

  function tooltip(n) {
    return el("div", { className: "tip" }, el("strong", {}, n.name), el("br"), n.kind + (facts(n) ? " · " + facts(n) : ""));
  }

  /* The colour of a node: by its kind, its region or its overview community. Events keep their
     kind's colour in every scheme: a conference is a place people meet, not a member of a region's
     or community's organisations. */
  function colourOf(n) {
    if (n.kind === "event") return KIND_COLORS.event;
    if (view.colourBy === "region") {
      if (!n.region) return "#b8c0c9";
      if (!(n.region in view.regions)) view.regions[n.region] = PALETTE[Object.keys(view.regions).length % PALETTE.length];
      return view.regions[n.region];
    }
    if (view.colourBy === "community" && n.community !== undefined) {
      view.communities[n.community] = PALETTE[n.community % PALETTE.length];
      return view.communities[n.community];
    }
    return KIND_COLORS[n.kind] || "#888";
  }

  function visNode(n, degreeShown) {
    const colour = colourOf(n);
    const node = { id: n.id, name: n.name, title: tooltip(n), shape: STYLES.kinds[n.kind] || "dot",
      color: { background: colour, border: "#ffffff", highlight: { background: colour, border: "#1d2733" },
               hover: { background: colour, border: "#1d2733" } },
      value: n.score !== undefined ? n.score : (view.mode === "overview" && !view.center ? Math.sqrt(n.degree) : degreeShown[n.id] || 0) + 1, raw: n };
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    if (n.id === view.center) { node.borderWidth = 3; node.color.border = "#1d2733"; }
    return node;
  }

  /* The type an edge is drawn as: of those it carries, the one the schema emphasises most. */
  function drawnType(types) {
    return types.slice().sort((a, b) => (EDGE_STYLE[b] || {}).emphasis - (EDGE_STYLE[a] || {}).emphasis)[0];
  }

  function peopleText(count) {
    return count === 1 ? "1 person links these" : count + " people link these";
  }

  function visEdge(e) {
    const style = EDGE_STYLE[drawnType(e.types)] || { colour: "#9aa7b4", dashes: false };
    const words = e.types.map((t) => (EDGE_STYLE[t] || { label: t }).label).join(", ");
    const people = e.people ? e.people.length : 0;
    const label = e.people ? [words, people ? peopleText(people) : "", e.partnership ? "a formal partnership" : ""]
      .filter(Boolean).join(" · ") : words + (e.strength ? ", strength " + e.strength : "");
    const width = e.people ? 1 + Math.min(people, 12) * 0.6 + (e.partnership ? 1 : 0) : (e.strength ? 0.6 + e.strength * 0.5 : 1);
    return { id: e.from + "\u0000" + e.to, from: e.from, to: e.to, title: el("div", {}, label), raw: e,
             width: width, dashes: style.dashes,
             color: { color: style.colour, opacity: 0.75, highlight: "#1d2733", hover: style.colour } };
  }

  /* The legend: shapes of the kinds shown, what colours mean, and the line of each type shown. */
  function legend() {
    const box = $("graph-legend");
    const shown = nodes.get();
    const kinds = Array.from(new Set(shown.map((n) => n.raw.kind))).sort();
    const types = Array.from(new Set(edges.get().map((e) => drawnType(e.raw.types))));
    const parts = [el("strong", { className: "legend-title" }, "Shapes")];
    for (const kind of kinds) parts.push(el("span", { className: "legend-kind" }, el("span", { className: "shape shape-" + STYLES.kinds[kind] }), kind));
    parts.push(el("strong", { className: "legend-title" }, "Colour: " + view.colourBy));
    const keys = view.colourBy === "region" ? Object.entries(view.regions).sort()
      : view.colourBy === "community" ? Object.entries(view.communities).map(([c, colour]) => ["community " + (Number(c) + 1), colour])
      : kinds.map((k) => [k, KIND_COLORS[k]]);
    if (view.colourBy !== "kind" && kinds.includes("event")) keys.unshift(["event", KIND_COLORS.event]);
    for (const [name, colour] of keys.slice(0, 14)) {
      const swatch = el("span", { className: "swatch" }); swatch.style.background = colour;
      parts.push(el("span", {}, swatch, name));
    }
    parts.push(el("strong", { className: "legend-title" }, "Lines"));
    for (const style of STYLES.edges.filter((s) => types.includes(s.type))) {
      const line = el("span", { className: "line" + (style.dashes ? " dashed" : "") }); line.style.borderColor = style.colour;
      parts.push(el("span", { className: "legend-edge", dataset: { type: style.type } }, line, style.label));
    }
    if (view.mode === "overview" && !view.center) parts.push(el("span", { className: "muted" }, "thicker: more people link them"));
    box.replaceChildren(...parts);
  }

  function query(center, depth) {
    const params = new URLSearchParams();
    if (center) { params.set("center", center); params.set("depth", depth); }
    else params.set("view", view.mode);
    const boxes = Array.from(document.querySelectorAll("input[name=kind]"));
    const kinds = boxes.filter((b) => b.checked && !b.disabled).map((b) => b.value);
    if (center && view.mode === "overview") { /* an organisation's own network, people and all: no kind filter */ }
    else if (kinds.length === 0) { params.append("kind", "none"); }
    // The overview shows issues only when asked: it always names the kinds it wants.
    else if (kinds.length < boxes.length || view.mode === "overview") kinds.forEach((k) => params.append("kind", k));
    for (const [name, id] of [["issue", "graph-issue"], ["region", "graph-region"], ["status", "graph-status"], ["type", "graph-type"], ["size", "graph-size"]]) {
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
      url.search = center ? new URLSearchParams({ center: center, depth: depth }).toString()
        : view.mode === "all" ? "view=all" : "";
      window.history.replaceState(null, "", url);
      view.params = params;
      download();
    }
    const degree = {};
    for (const e of data.edges) { degree[e.from] = (degree[e.from] || 0) + 1; degree[e.to] = (degree[e.to] || 0) + 1; }
    if (!merge) { view.regions = {}; view.communities = {}; }
    const newNodes = data.nodes.map((n) => visNode(n, degree));
    const newEdges = data.edges.map(visEdge);
    const usePhysics = data.physics && newNodes.length > 1;
    // Organisations in the overview are sized by links: a narrower range keeps the picture airy.
    const range = data.view === "overview" && !merge ? { min: 10, max: 40 } : { min: 6, max: 34 };
    network.setOptions({ physics: { enabled: usePhysics }, nodes: { scaling: range } });
    if (merge) {
      nodes.update(newNodes.filter((n) => !nodes.get(n.id)));
      edges.update(newEdges);
    } else {
      nodes.clear(); edges.clear();
      nodes.add(newNodes); edges.add(newEdges);
    }
    view.loads += 1;
    labels.setOrder(nodes.get().sort((a, b) => (b.value - a.value) || (a.name < b.name ? -1 : 1)).map((n) => n.id));
    legend();
    const folded = data.edges.some((e) => e.people && e.people.length);  // none in the public directory
    const shown = data.view === "overview" && !merge
      ? nodes.length + " organisations, " + edges.length + " links" + (folded ? "; people are folded into the lines: click one to see who" : "")
      : nodes.length + " elements, " + edges.length + " connections";
    if (data.truncated) say(data.message, "warn");
    else if (data.nodes.length === 0) say("Nothing matches these filters.", "warn");
    else say(shown + (data.center ? " around " + data.center.name : ""));
    if (usePhysics) network.stabilize(250);  // fires stabilizationIterationsDone, then ready()
    else { fit(); ready(); }
  }

  /* Fit the view with a margin, so that the labels of the outermost elements fit too. */
  function fit() {
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.88, animation: false });
  }

  function ready() {
    window.partnergraphReady = true;
    canvas.dispatchEvent(new CustomEvent("partnergraph:ready"));
  }

  network.on("stabilizationIterationsDone", function () {
    // Freeze the settled layout: the view stays still and the CPU idle while people read it.
    network.setOptions({ physics: { enabled: false } });
    fit();
    ready();
  });

  async function showDetail(id) {
    const item = nodes.get(id);
    if (!item) return;
    const n = item.raw;
    detail.hidden = false;
    $("detail-actions").hidden = false;
    $("detail-people").hidden = true;
    $("detail-link-actions").hidden = true;
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

  /* An overview line: the two organisations, their formal partnership, and the people who link them. */
  function showEdge(id) {
    const item = edges.get(id);
    if (!item) return;
    const e = item.raw;
    const ends = [nodes.get(e.from), nodes.get(e.to)].map((n) => (n ? n.raw : { id: "", name: "", kind: "" }));
    detail.hidden = false;
    detail.dataset.id = "";
    $("detail-actions").hidden = true;
    $("detail-kind").textContent = "link";
    $("detail-kind").className = "kind";
    $("detail-name").textContent = ends[0].name + " – " + ends[1].name;
    const people = e.people || [];
    $("detail-facts").textContent = people.length ? peopleText(people.length) : "No one links these: a formal partnership only";
    const props = $("detail-props");
    props.replaceChildren();
    if (e.partnership) {
      const p = e.partnership;
      props.append(el("dt", {}, "partnership"), el("dd", {}, [p.status, p.since ? "since " + p.since : "",
        p.until ? "until " + p.until : ""].filter(Boolean).join(", ") || "formal"));
    }
    if (!e.people) props.append(el("dt", {}, "types"), el("dd", {}, e.types.map((t) => EDGE_STYLE[t].label).join(", ")));
    const list = $("detail-people");
    list.replaceChildren(...people.map(function (p) {
      const how = ends.map((end) => (EDGE_STYLE[p.ties[end.id]] || { label: "" }).label + " " + end.name).join("; ");
      return el("li", {}, el("a", { href: elementUrl(p.kind, p.id) }, p.name), el("span", { className: "muted" }, " " + how));
    }));
    list.hidden = people.length === 0;
    $("detail-link-actions").hidden = people.length === 0;
    detail.dataset.edge = id;
  }

  /* Unfold a line: draw the people who make it around its middle, each tied to both organisations. */
  function showPeople() {
    const item = edges.get(detail.dataset.edge);
    if (!item) return;
    const e = item.raw, people = e.people || [];
    const at = network.getPositions([e.from, e.to]);
    const middle = { x: (at[e.from].x + at[e.to].x) / 2, y: (at[e.from].y + at[e.to].y) / 2 };
    const radius = 25 + 6 * people.length;
    people.forEach(function (p, i) {
      const angle = (2 * Math.PI * i) / people.length;
      if (!nodes.get(p.id)) {
        nodes.add(visNode(Object.assign({}, p, { degree: 2, x: middle.x + radius * Math.cos(angle), y: middle.y + radius * Math.sin(angle) }), {}));
      }
      for (const end of [e.from, e.to]) edges.update(visEdge({ from: p.id, to: end, types: [p.ties[end]], strength: null }));
    });
    labels.setOrder(nodes.get().sort((a, b) => (b.value - a.value) || (a.name < b.name ? -1 : 1)).map((n) => n.id));
    legend();
  }

  network.on("click", function (params) {
    if (params.nodes.length) showDetail(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) load(params.nodes[0], 1, true);
  });
  $("detail-show-people").addEventListener("click", showPeople);
  $("detail-close").addEventListener("click", () => { detail.hidden = true; network.unselectAll(); });
  $("detail-expand").addEventListener("click", () => load(detail.dataset.id, 1, true));
  $("detail-center").addEventListener("click", () => load(detail.dataset.id, Number($("graph-depth").value), false));
  $("graph-whole").addEventListener("click", () => load(null, 1, false));
  /* Overview: organisations only (people are folded into the lines); everyone: every kind. */
  function setMode(mode) {
    view.mode = mode;
    $("graph-everyone").checked = mode === "all";
    $("graph-colour").value = view.colourBy = mode === "overview" ? "region" : "kind";
    for (const box of document.querySelectorAll("input[name=kind]")) {
      box.disabled = mode === "overview" && (box.value === "contact" || box.value === "event");
      if (mode === "all") box.checked = true;
      else box.checked = box.value === "affiliate" || box.value === "partner";
    }
  }
  setMode(view.center ? "all" : view.mode);
  $("graph-everyone").addEventListener("change", function () {
    setMode($("graph-everyone").checked ? "all" : "overview");
    load(null, 1, false);
  });
  $("graph-colour").addEventListener("change", function () {
    view.colourBy = $("graph-colour").value;
    view.regions = {}; view.communities = {};
    nodes.update(nodes.get().map((item) => {
      const colour = colourOf(item.raw);
      return { id: item.id, color: { background: colour, border: item.id === view.center ? "#1d2733" : "#ffffff",
               highlight: { background: colour, border: "#1d2733" }, hover: { background: colour, border: "#1d2733" } } };
    }));
    legend();
    download();
  });
  $("graph-depth").addEventListener("change", () => { if (view.center) load(view.center, Number($("graph-depth").value), false); });
  for (const control of document.querySelectorAll(".controls select:not(#graph-depth):not(#graph-colour), .controls input[name=kind], #graph-limit")) {
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

  /* Point "Download as HTML" at the view shown: its query and colouring (/graph/download). */
  function download() {
    const params = new URLSearchParams(view.params || "");
    params.set("colour", view.colourBy);
    $("graph-html").href = canvas.dataset.download + "?" + params.toString();
  }

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
