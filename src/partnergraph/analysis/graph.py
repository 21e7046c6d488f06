"""Build the NetworkX graph that every analysis works on.

The analysis graph is an undirected `nx.Graph`: one node per element (attributes `kind`, `name`
and the element's properties) and one edge per pair of related elements. Two elements can be
related in more than one way (a person both works at and holds a partner); the edge keeps every
relationship in its `relations` list, so that nothing is lost and explanations can cite them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from partnergraph.model import Connection, Element, UnknownNode


def build_graph(elements: Iterable[Element], connections: Iterable[Connection]) -> nx.Graph:
    """Return the undirected analysis graph of `elements` and `connections`."""
    graph = nx.Graph()
    for element in elements:
        graph.add_node(element.id, **element.props, kind=element.kind.slug, name=element.name)
    for conn in connections:
        relation: dict[str, Any] = {"type": conn.type.value, "from": conn.source, "to": conn.target, **conn.props}
        if graph.has_edge(conn.source, conn.target):
            graph.edges[conn.source, conn.target]["relations"].append(relation)
        else:
            graph.add_edge(conn.source, conn.target, relations=[relation])
    # Names are looked up on every question; index them once with the graph.
    by_name: dict[str, list[str]] = {}
    for node, name in graph.nodes(data="name"):
        by_name.setdefault(name, []).append(node)
    graph.graph["by_name"] = by_name
    return graph


def relations(graph: nx.Graph, u: str, v: str, *types: str) -> list[dict[str, Any]]:
    """Return the relationships between `u` and `v`, optionally only those of some types."""
    found = graph.edges[u, v]["relations"]
    return [r for r in found if not types or r["type"] in types]


def node_summary(graph: nx.Graph, node: str) -> dict[str, str]:
    """Return the id, name and kind of a node, as the JSON contracts show elements."""
    data = graph.nodes[node]
    return {"id": node, "name": data["name"], "kind": data["kind"]}


def resolve(graph: nx.Graph, ref: str) -> str:
    """Return the id of the node whose id or exact name is `ref`, or raise `UnknownNode`."""
    if ref in graph:
        return ref
    names = graph.graph.get("by_name")
    found = names.get(ref, []) if names is not None else [n for n, name in graph.nodes(data="name") if name == ref]
    matches = sorted(found)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UnknownNode(f"{ref!r} names {len(matches)} elements ({', '.join(matches[:5])}); use an id")
    raise UnknownNode(f"no element with id or name {ref!r}")
