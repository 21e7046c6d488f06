/* Labels of the graph that never overlap: drawn by us after vis-network draws the graph.

   The most important nodes (the order given: largest first) are labelled first; a label that would
   overlap one already placed is left out, so zooming in (more room) or hovering a node (it goes
   first) shows the others. Boxes are in DOM pixels of the canvas, so labels keep their size at any
   zoom. window.partnergraphLabels() returns the labels drawn last: [{id, text, left, top, width,
   height}], and window.partnergraphLabelFont the font they are measured and drawn with (tests
   check the boxes from the rendered positions). */
"use strict";

window.partnergraphLabeller = function (network, nodes, container) {
  const FONT = "600 12px system-ui, -apple-system, 'Segoe UI', sans-serif";
  const HEIGHT = 15, PAD = 3, GAP = 3, MAX_CHARS = 48;
  const measurer = document.createElement("canvas").getContext("2d");
  measurer.font = FONT;
  const widths = new Map();
  let order = [];
  let hovered = null;
  let drawn = [];
  window.partnergraphLabelFont = FONT;
  window.partnergraphLabels = () => drawn.slice();

  function text(item) {
    const name = item.name || "";
    return name.length > MAX_CHARS ? name.slice(0, MAX_CHARS - 1) + "…" : name;
  }

  function width(label) {
    if (!widths.has(label)) widths.set(label, measurer.measureText(label).width);
    return widths.get(label);
  }

  function overlaps(a, b) {
    return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
  }

  /* Place and draw the labels: hovered first, then in `order`, skipping those that would overlap. */
  function draw(ctx) {
    const bounds = { width: container.clientWidth, height: container.clientHeight };
    const ids = hovered && nodes.get(hovered) ? [hovered, ...order.filter((id) => id !== hovered)] : order;
    const positions = network.getPositions(ids);
    const placed = [];
    for (const id of ids) {
      const item = nodes.get(id);
      if (!item || !positions[id]) continue;
      const label = text(item);
      if (!label) continue;
      const box = network.getBoundingBox(id);
      const centre = network.canvasToDOM(positions[id]);
      const below = network.canvasToDOM({ x: positions[id].x, y: box.bottom });
      const w = width(label) + 2 * PAD;
      const candidate = { id: id, text: label, left: centre.x - w / 2, top: below.y + GAP, width: w, height: HEIGHT };
      if (candidate.left > bounds.width || candidate.left + w < 0 || candidate.top > bounds.height || candidate.top + HEIGHT < 0) continue;
      if (placed.some((other) => overlaps(candidate, other))) continue;
      placed.push(candidate);
    }
    const surface = container.querySelector("canvas");
    const ratio = surface && surface.clientWidth ? surface.width / surface.clientWidth : 1;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const box of placed) {
      ctx.fillStyle = box.id === hovered ? "rgba(255,255,255,1)" : "rgba(255,255,255,0.85)";
      ctx.fillRect(box.left, box.top, box.width, box.height);
      ctx.fillStyle = "#1d2733";
      ctx.fillText(box.text, box.left + box.width / 2, box.top + box.height / 2 + 0.5);
    }
    ctx.restore();
    drawn = placed;
  }

  network.on("afterDrawing", draw);
  network.on("hoverNode", (params) => { hovered = params.node; network.redraw(); });
  network.on("blurNode", () => { hovered = null; network.redraw(); });

  return {
    /* Set which nodes are labelled first: ids, most important first. */
    setOrder(ids) { order = ids.slice(); },
  };
};
