"""Where the viewer draws elements of large views: one server layout, reused by every view."""

from __future__ import annotations

import networkx as nx

from partnergraph.analysis import browse
from partnergraph.services import Workspace
from partnergraph.services.options import GraphQuery


def test_a_filtered_large_view_keeps_every_element_where_the_whole_graph_put_it(small: Workspace):
    whole = small.browse.ego_graph(GraphQuery(physics_limit=5))
    where = {n["id"]: (n["x"], n["y"]) for n in whole["nodes"]}
    assert len(where) == 15 and len(set(where.values())) == 15  # nobody drawn on top of anyone
    people = small.browse.ego_graph(GraphQuery(kinds=["contact"], physics_limit=5))
    assert people["physics"] is False and len(people["nodes"]) == 6
    assert all((n["x"], n["y"]) == where[n["id"]] for n in people["nodes"])
    around = small.browse.ego_graph(GraphQuery("cai", depth=2, physics_limit=5))
    assert all((n["x"], n["y"]) == where[n["id"]] for n in around["nodes"])


def test_every_server_process_draws_the_same_picture_of_the_same_graph():
    edges = [(f"p{i}", f"p{(i * 7 + 3) % 40}") for i in range(40)] + [("p0", "hub"), ("p5", "hub"), ("p9", "hub")]
    one, other = nx.Graph(edges), nx.Graph(list(reversed(edges)))  # as two stores might list them
    positions = browse.layout(one)
    assert positions == browse.layout(other)
    assert set(positions) == set(one)
    # The longer side of the picture spans 80 units per square root of the node count, centred on 0.
    xs, ys = [x for x, _ in positions.values()], [y for _, y in positions.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    assert abs(span - 80 * len(one) ** 0.5) < 1
    assert abs(max(xs) + min(xs)) < 1 and abs(max(ys) + min(ys)) < 1


def test_tiny_graphs_are_laid_out_too():
    assert browse.layout(nx.Graph()) == {}
    assert browse.layout(nx.Graph([("a", "a")])) == {"a": (0.0, 0.0)}
    assert set(browse.layout(nx.Graph([("a", "b")]))) == {"a", "b"}
