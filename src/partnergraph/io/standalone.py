"""Write a view of the graph as one standalone HTML page: pyvis's `Network`, the project's own template.

pyvis builds the vis-network data (nodes with shape, colour, size and fixed position; edges with
their line) and options; the page is web/templates/standalone.html, rendered with autoescaping,
not pyvis's default template (which links CDNs and puts titles in as markup). vis-network and the
page's scripts are inlined from web/static, so the file opens offline and asks no host for
anything (its Content-Security-Policy forbids it). Data reaches the page as JSON in a
`<script type="application/json">` element and the DOM only through textContent. The caller
says where web/ is (`config.package_root()`: io reads no settings).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from pyvis.network import Network

from partnergraph.io.drawing import draw, edge_style
from partnergraph.schema import edge_styles, kind_css, kind_styles

# The scripts and styles the page inlines, in order: the vendored vis-network, then ours.
SCRIPTS = ("vendor/vis-network/vis-network.min.js", "common.js", "graph_labels.js", "standalone.js")
STYLES = ("vendor/vis-network/vis-network.css",)
# The viewer's options (web/static/graph.js), with physics off: every node has its position.
OPTIONS: dict[str, Any] = {
    "autoResize": True,
    "nodes": {"shape": "dot", "borderWidth": 1, "borderWidthSelected": 3},
    "edges": {"color": {"color": "#c3ccd6", "highlight": "#2458c6", "hover": "#7d8b99"}, "smooth": False,
              "selectionWidth": 2},
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True, "navigationButtons": False,
                    "keyboard": False},
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
}


@cache
def _inlined(web: Path, relative: str) -> Markup:
    """Return a static file's text to inline in the page (the project's own files, never data)."""
    text = (web / "static" / relative).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():  # pragma: no cover - a vendored file changed
        raise RuntimeError(f"web/static/{relative} cannot be inlined: it closes its own element")
    return Markup(text)


@cache
def _environment(web: Path) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(web / "templates")), autoescape=True,
                              undefined=jinja2.StrictUndefined)


def network(view: Mapping[str, Any], colour_by: str = "region") -> tuple[Network, dict[str, Any]]:
    """Return the pyvis Network of a view (the shape of /api/graph, every node with x/y) and its legend."""
    drawing = draw(view, colour_by)
    center = view["center"]["id"] if view.get("center") else None
    # Directed only to skip pyvis's duplicate-edge check, a scan of every edge per edge: the
    # view's edges are distinct already, and no arrow is drawn.
    net = Network(height="100%", width="100%", directed=True, cdn_resources="local")
    for n in view["nodes"]:
        drawn = drawing["nodes"][n["id"]]
        colour = drawn["colour"]
        border = "#1d2733" if n["id"] == center else "#ffffff"
        net.add_node(n["id"], label=n["name"] or n["id"], shape=drawn["shape"], size=drawn["size"],
                     x=n.get("x", 0.0), y=n.get("y", 0.0), physics=False, borderWidth=3 if n["id"] == center else 1,
                     color={"background": colour, "border": border,
                            "highlight": {"background": colour, "border": "#1d2733"},
                            "hover": {"background": colour, "border": "#1d2733"}})
    for e in view["edges"]:
        style = edge_style(e["types"])
        people = e.get("people")
        width = (1 + min(len(people), 12) * 0.6 + (1 if e.get("partnership") else 0) if people is not None
                 else 0.6 + e["strength"] * 0.5 if e.get("strength") else 1)
        net.add_edge(e["from"], e["to"], arrows={"to": {"enabled": False}}, width=width, dashes=style["dashes"],
                     color={"color": style["colour"], "opacity": 0.75, "highlight": "#1d2733",
                            "hover": style["colour"]})
    for node in net.nodes:
        # Names are drawn by graph_labels.js (labels that never overlap), as in the viewer; the
        # tooltips are built from the details as text.
        node.pop("label", None)
    net.options = dict(OPTIONS)
    return net, drawing["legend"]


def _summary(view: Mapping[str, Any]) -> str:
    count = f"{len(view['nodes']):,} element{'s' if len(view['nodes']) != 1 else ''}, {len(view['edges']):,} connection{'s' if len(view['edges']) != 1 else ''}"
    if view.get("center"):
        depth = view.get("depth") or 1
        return f"{count} within {depth} step{'s' if depth > 1 else ''} of {view['center']['name']}"
    if view.get("view") == "overview":
        return f"The overview of organisations: {count}"
    return f"{count} of the graph"


def render_page(view: Mapping[str, Any], *, web: Path, colour_by: str = "region", today: date,
                public: bool = False) -> str:
    """Return the standalone page of a view with its node details (`view["details"]`).

    `web`: the folder of the viewer's templates/ and static/ (`config.package_root() / "web"`).
    """
    net, legend = network(view, colour_by)
    nodes, edges, *_ = net.get_network_data()
    title = f"{view['center']['name']}: its network" if view.get("center") else "The partnergraph network"
    data = {"nodes": nodes, "edges": edges, "options": net.options, "details": view.get("details", {}),
            # Only the types drawn: a reader who may not see attendance gets no word of it.
            "styles": {"edges": [s for s in edge_styles() if s["type"] in {t for e in view["edges"] for t in e["types"]}]},
            "edge_details": [{"from": e["from"], "to": e["to"], "types": e["types"], "people": e.get("people"),
                              "partnership": e.get("partnership")} for e in view["edges"]]}
    template = _environment(web).get_template("standalone.html")
    return template.render(title=title, summary=_summary(view), message=view.get("message"), legend=legend,
                           data=data, today=today.isoformat(), public=public,
                           kind_styles=kind_styles(), kind_css=kind_css(),
                           scripts=[_inlined(web, s) for s in SCRIPTS], styles=[_inlined(web, s) for s in STYLES])


def write_page(path: Path, text: str) -> None:
    """Write a page to `path`, whole or not at all (a half-written page would not open)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
