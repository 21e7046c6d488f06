"""The NetworkX internals `partnergraph.analysis.graph` relies on, checked against the installed NetworkX.

`build_graph` fills `graph._node` and `graph._adj` directly (for speed) and `update_graph` edits
and reorders them in place; both then clear `graph.__networkx_cache__`. pyproject.toml bounds
networkx to the versions these tests passed on. If one fails after an upgrade, the graph code must
change before the bound is raised: read the message, then `partnergraph/analysis/graph.py`.
"""

from __future__ import annotations

import networkx as nx
import pytest

from partnergraph.analysis.graph import _forget_cached, build_graph, update_graph
from partnergraph.model import Connection, Element, Kind, RelType

UPGRADE = (f"NetworkX {nx.__version__} changed an internal that partnergraph/analysis/graph.py relies on "
           "(see its comment on NetworkX internals): adapt build_graph/update_graph, or keep networkx below "
           "this version in pyproject.toml. ")


def direct_graph() -> nx.Graph:
    """Fill a graph as build_graph does: the node and adjacency dicts, one data dict per edge."""
    graph = nx.Graph()
    nodes, adjacency = graph._node, graph._adj
    for node, attrs in (("a", {"kind": "person"}), ("b", {"kind": "partner"}), ("c", {})):
        nodes[node] = attrs
        adjacency[node] = {}
    for u, v in (("a", "b"), ("b", "c")):
        data = {"relations": [{"type": "KNOWS", "from": u, "to": v}]}
        adjacency[u][v] = data
        adjacency[v][u] = data
    return graph


def public_graph() -> nx.Graph:
    graph = nx.Graph()
    graph.add_node("a", kind="person")
    graph.add_node("b", kind="partner")
    graph.add_node("c")
    graph.add_edge("a", "b", relations=[{"type": "KNOWS", "from": "a", "to": "b"}])
    graph.add_edge("b", "c", relations=[{"type": "KNOWS", "from": "b", "to": "c"}])
    return graph


def test_the_node_and_adjacency_dicts_are_plain_dicts_the_graph_keeps():
    graph = nx.Graph()
    assert type(graph._node) is dict and type(graph._adj) is dict, (
        UPGRADE + f"Graph._node / Graph._adj are no longer plain dicts ({type(graph._node)}, {type(graph._adj)})")
    nodes, adjacency = graph._node, graph._adj
    graph.add_edge("x", "y")
    assert graph._node is nodes and graph._adj is adjacency, (
        UPGRADE + "Graph._node / Graph._adj are replaced when the graph changes, not kept")
    assert nodes == {"x": {}, "y": {}} and adjacency == {"x": {"y": {}}, "y": {"x": {}}}, (
        UPGRADE + f"Graph._node / Graph._adj no longer hold {{node: attrs}} and {{node: {{neighbour: data}}}}: "
        f"{nodes!r}, {adjacency!r}")


def test_a_graph_filled_through_the_dicts_is_the_graph_the_public_calls_make():
    direct, public = direct_graph(), public_graph()
    assert nx.utils.graphs_equal(direct, public), UPGRADE + "a graph filled through _node/_adj differs from add_*"
    assert list(direct.nodes(data=True)) == list(public.nodes(data=True)), UPGRADE + "node views read other data"
    assert list(direct.edges(data=True)) == list(public.edges(data=True)), UPGRADE + "edge views read other data"
    assert dict(direct.degree) == dict(public.degree) == {"a": 1, "b": 2, "c": 1}, UPGRADE + "degree reads other data"
    assert direct.number_of_edges() == 2 and list(direct["b"]) == ["a", "c"], UPGRADE + "adjacency views differ"
    assert direct.edges["a", "b"] is direct.edges["b", "a"] is direct._adj["a"]["b"], (
        UPGRADE + "an edge's data dict, shared by both directions, is not what graph.edges gives")
    assert direct.nodes["a"] is direct._node["a"], UPGRADE + "graph.nodes[n] is not the node's dict in _node"
    # Algorithms read the same structure (a few the analyses use).
    assert nx.shortest_path(direct, "a", "c") == ["a", "b", "c"], UPGRADE + "algorithms do not see direct edges"
    assert nx.number_connected_components(direct) == 1, UPGRADE + "algorithms do not see direct edges"
    assert list(nx.subgraph_view(direct, filter_node=lambda n: n != "c").edges) == [("a", "b")], (
        UPGRADE + "subgraph views do not see direct edges")


def test_views_made_before_a_change_in_place_see_the_change_and_the_new_order():
    graph = direct_graph()
    nodes_view, adj_view, edges_view, degree_view = graph.nodes, graph.adj, graph.edges, graph.degree
    nodes, adjacency = graph._node, graph._adj
    # What update_graph does: add a node and an edge, then put the dicts back in order, in place.
    nodes["0"], adjacency["0"] = {"kind": "issue"}, {}
    data = {"relations": []}
    adjacency["0"]["a"] = adjacency["a"]["0"] = data
    for table in (nodes, adjacency, adjacency["a"]):
        ordered = sorted(table.items())
        table.clear()
        table.update(ordered)
    assert list(nodes_view) == list(graph.nodes) == ["0", "a", "b", "c"], (
        UPGRADE + "graph.nodes does not read _node as it is now (a cached view holds a copy?)")
    assert list(adj_view["a"]) == ["0", "b"] and list(graph["a"]) == ["0", "b"], (
        UPGRADE + "graph.adj does not read _adj as it is now")
    assert ("0", "a") in edges_view and len(edges_view) == 3 and degree_view["a"] == 2, (
        UPGRADE + "graph.edges / graph.degree do not read _adj as it is now")
    del adjacency["0"]["a"], adjacency["a"]["0"]
    del nodes["0"], adjacency["0"]
    assert list(graph.nodes) == ["a", "b", "c"] and graph.number_of_edges() == 2, (
        UPGRADE + "removals through _node/_adj are not seen")


def test_the_graph_cache_is_the_one_networkx_uses_and_clearing_it_works():
    graph = nx.Graph()
    if not hasattr(graph, "__networkx_cache__"):
        pytest.skip(f"NetworkX {nx.__version__} keeps no cache on graphs (before 3.3): nothing to clear")
    assert isinstance(graph.__networkx_cache__, dict), UPGRADE + "G.__networkx_cache__ is no longer a dict"
    graph.__networkx_cache__["stale"] = True
    graph.add_edge("x", "y")
    assert "stale" not in graph.__networkx_cache__, (
        UPGRADE + "NetworkX no longer clears G.__networkx_cache__ on a change: its cache lives elsewhere, so "
        "clearing G.__networkx_cache__ after changing _node/_adj directly would leave a stale cache")
    graph.__networkx_cache__["stale"] = True
    _forget_cached(graph)
    assert graph.__networkx_cache__ == {}, UPGRADE + "_forget_cached does not clear the cache"
    graph.__networkx_cache__ = None  # caching turned off on a graph: nothing to do
    _forget_cached(graph)


def test_build_and_update_keep_the_graphs_dicts_and_clear_its_cache():
    person = Kind.CONTACT
    elements = [Element(id=i, kind=person, name=i.upper(), props={}) for i in ("b", "d")]
    graph = build_graph(elements, [Connection(source="b", target="d", type=RelType.KNOWS, props={})])
    if not hasattr(graph, "__networkx_cache__"):
        pytest.skip(f"NetworkX {nx.__version__} keeps no cache on graphs (before 3.3)")
    nodes, adjacency, nodes_view = graph._node, graph._adj, graph.nodes
    graph.__networkx_cache__["stale"] = True
    added = Element(id="a", kind=person, name="A", props={})
    update_graph(graph, [(None, added), (None, Connection(source="a", target="d", type=RelType.KNOWS, props={}))])
    assert graph._node is nodes and graph._adj is adjacency, "update_graph must change the graph's dicts in place"
    assert list(nodes_view) == ["a", "b", "d"] and list(graph["d"]) == ["a", "b"]  # as a build orders them: by connection key
    assert graph.__networkx_cache__ == {}, "update_graph must clear what NetworkX cached from the graph"
