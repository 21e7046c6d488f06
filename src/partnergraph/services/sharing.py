"""Sharing what one sees: a view of the graph as one standalone HTML page, and the picture GEXF/GraphML carry.

The page shows exactly the view the viewer's graph page shows for the same options (the nodes
and edges of `Browse.ego_graph`), drawn as the viewer draws it (`io.drawing`), at the server
layout's positions with physics off. Every node's details panel holds what the reader of the page
may see: with `personal`, what a signed-in user sees; without, no contact details, free text or
provenance (`privacy.redact`) and no personal relationship type; with a public query, only the
public directory (no person at all).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from partnergraph.analysis.browse import WHOLE_LAYOUT_LIMIT, describe_node, layout, neighbourhood
from partnergraph.config import package_root
from partnergraph.io import standalone
from partnergraph.io.drawing import COLOUR_BY
from partnergraph.io.standalone import write_page
from partnergraph.model import Kind, PartnergraphError
from partnergraph.schema import PERSONAL_TYPES, RELATIONSHIPS, page_sections
from partnergraph.services.browse import Browse
from partnergraph.services.options import GraphQuery
from partnergraph.services.privacy import redact

__all__ = ["COLOUR_BY", "Sharing", "node_details", "write_page"]

# The details panel lists at most this many neighbours per section, then "and N more".
NAMES_SHOWN = 12
# Properties the panel's header already says (kind, name, and the facts line).
_IN_HEADER = ("kind", "name", "type", "region", "country", "status")
_PERSONAL_SECTIONS = frozenset(s.key for spec in RELATIONSHIPS.values() if spec.personal for s in spec.sections)
_SECTION_TITLES = {kind.slug: (("holders", "Held by"), *page_sections(kind)) for kind in Kind}


def _names(entries: list[dict[str, Any]]) -> str:
    shown = [e["name"] for e in entries[:NAMES_SHOWN]]
    more = len(entries) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def node_details(graph: nx.Graph, node: str, *, personal: bool) -> dict[str, Any]:
    """Return what the details panel shows of a node: its properties and neighbours by section, as text rows."""
    properties = {k: v for k, v in graph.nodes[node].items() if k not in _IN_HEADER and v not in (None, "", [])}
    if not personal:
        properties = redact(properties)
    rows = [["connections", str(_connections(graph, node, personal=personal))]]
    rows += [[k.replace("_", " "), _text(v)] for k, v in sorted(properties.items())]
    sections = neighbourhood(graph, node)
    for key, title in _SECTION_TITLES[graph.nodes[node]["kind"]]:
        if sections.get(key) and (personal or key not in _PERSONAL_SECTIONS):
            rows.append([title, _names(sections[key])])
    return {**describe_node(graph, node), "rows": rows}


def _without_personal_types(view: dict[str, Any]) -> dict[str, Any]:
    """Return a view as if no personal relationship type (attendance) existed.

    An edge of only those goes; around a centre, so do the elements it no longer reaches within
    the depth (someone shown only because they attended the centre would tell that they did).
    """
    edges = []
    for e in view["edges"]:
        types = [t for t in e["types"] if t not in PERSONAL_TYPES]
        if types:
            edges.append({**e, "types": types})
    nodes = view["nodes"]
    if view.get("center"):
        links = nx.Graph([(e["from"], e["to"]) for e in edges])
        links.add_node(view["center"]["id"])
        reached = nx.single_source_shortest_path_length(links, view["center"]["id"], cutoff=view.get("depth") or 1)
        nodes = [n for n in nodes if n["id"] in reached]
        edges = [e for e in edges if e["from"] in reached and e["to"] in reached]
    return {**view, "nodes": nodes, "edges": edges}


def _connections(graph: nx.Graph, node: str, *, personal: bool) -> int:
    """Return how many elements a node is connected to, by relationships the reader may see."""
    if personal:
        return graph.degree(node)
    return sum(1 for other in graph.neighbors(node)
               if any(r["type"] not in PERSONAL_TYPES for r in graph.edges[node, other]["relations"]))


class Sharing:
    """Standalone pages of views, and the layout that GEXF and GraphML files carry."""

    def __init__(self, browse: Browse):
        self.browse = browse

    def view(self, query: GraphQuery, *, personal: bool) -> dict[str, Any]:
        """Return the view of `query` with server positions for every node, and each node's details.

        The shape of /api/graph (docs/json-api.md), every node with x/y, plus `details`:
        node id -> {id, name, kind, facts..., rows: [[label, text]]}.
        """
        # Positions for every node, however small the view: the page draws with physics off.
        found = self.browse.ego_graph(dataclasses.replace(query, physics_limit=0))
        personal = personal and not query.public
        if not personal:
            found = _without_personal_types(found)
        graph = self.browse.view_graph(public=query.public)
        found["details"] = {n["id"]: node_details(graph, n["id"], personal=personal) for n in found["nodes"]}
        return found

    def view_page(self, query: GraphQuery, *, personal: bool, colour_by: str | None = None,
                  today: date | None = None) -> tuple[str, dict[str, Any]]:
        """Return the standalone HTML page of a view (see `view`), coloured by `colour_by`, and the view.

        `colour_by`: region, kind, or community (the overview's); by default as the graph page
        opens the view: the overview by region, every other view by kind.
        """
        colour_by = colour_by or ("region" if query.view == "overview" else "kind")
        if colour_by not in COLOUR_BY:
            raise PartnergraphError(f"colour must be one of {', '.join(COLOUR_BY)}, not {colour_by!r}")
        found = self.view(query, personal=personal)
        page = standalone.render_page(found, web=package_root() / "web", colour_by=colour_by,
                                      today=today or date.today(), public=query.public)
        return page, found

    def write_view(self, path: Path, query: GraphQuery, *, personal: bool,
                   colour_by: str | None = None) -> dict[str, int]:
        """Write the standalone page of a view to `path` (whole or not at all); return how many nodes and edges it shows."""
        if path.is_dir():
            raise PartnergraphError(f"{path}: is a folder; give the name of the HTML file to write")
        if not path.parent.is_dir():
            raise PartnergraphError(f"{path}: folder {path.parent} does not exist")
        page, found = self.view_page(query, personal=personal, colour_by=colour_by)
        write_page(path, page)
        return {"nodes": len(found["nodes"]), "edges": len(found["edges"])}

    def whole_layout(self, *, public: bool = False) -> dict[str, tuple[float, float]]:
        """Return the server layout of the whole graph (or of the public view): what the viewer draws it with.

        The same positions the graph page gives every element of a view when the whole graph has
        up to `WHOLE_LAYOUT_LIMIT` elements (one memo with `Browse.ego_graph`); a larger graph is
        laid out whole with the grid approximation.
        """
        graph = self.browse.view_graph(public=public)
        if graph.number_of_nodes() <= WHOLE_LAYOUT_LIMIT:
            return self.browse.cache.memo("layout", ("whole", public), lambda: layout(graph))
        # Larger than any view: the viewer never draws it whole, and the exact repulsion would
        # take minutes; igraph's grid approximation takes seconds.
        return self.browse.cache.memo("layout", ("export", public), lambda: layout(graph, grid=True))

    def whole_view(self, *, public: bool = False) -> dict[str, Any]:
        """Return the whole graph (or public view) in the shape of /api/graph, at the whole layout's positions."""
        graph = self.browse.view_graph(public=public)
        positions = self.whole_layout(public=public)
        nodes = []
        for n in sorted(graph):
            entry = {**describe_node(graph, n), "degree": graph.degree(n)}
            entry["x"], entry["y"] = positions[n]
            nodes.append(entry)
        edges = [{"from": u, "to": v, "types": sorted({r["type"] for r in data["relations"]})}
                 for u, v, data in graph.edges(data=True)]
        return {"center": None, "depth": None, "nodes": nodes, "edges": edges, "view": "all"}
