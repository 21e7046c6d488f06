"""After edits, the cached analysis graph catches up by applying them, and equals a rebuild exactly.

Every step edits the store through the editing use cases, asks the workspace for its graph (which
applies the recorded edits to the graph it holds), and compares that graph with one built afresh
from the store: nodes, attributes, neighbours and relationships, all in the same order, so every
analysis answers as after a rebuild. Both stores (the `small` fixture).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.graph import build_graph
from partnergraph.analysis.path_index import build_path_index
from partnergraph.analysis.paths import introduction_paths
from partnergraph.model import NoPath
from partnergraph.services import Workspace
from partnergraph.services.options import PathQuery
from test_path_index_edits import canonical

WHO = {"actor": "ana", "source": "test"}
TODAY = date(2026, 11, 24)


def layout_of(graph: nx.Graph) -> dict[str, Any]:
    """Return everything about a graph that an analysis could see, order included."""
    return {
        "nodes": [(node, list(attrs.items())) for node, attrs in graph.nodes(data=True)],
        "neighbours": [(node, list(graph.adj[node])) for node in graph],
        "relations": [(u, v, [list(r.items()) for r in data["relations"]]) for u, v, data in graph.edges(data=True)],
        "by_name": graph.graph["by_name"],
    }


def paths_on(graph: nx.Graph, source: str, target: str) -> list[dict[str, Any]]:
    try:
        found = introduction_paths(graph, source, target, warm=True, k=2, today=TODAY)
    except NoPath:
        return []
    return [p.to_dict(graph) for p in found]


def rebuilt(ws: Workspace) -> nx.Graph:
    snapshot = ws.store.snapshot()
    return build_graph(snapshot.elements, snapshot.connections)


def test_edits_reach_the_cached_graph_without_a_rebuild_and_match_a_rebuild(small: Workspace):
    graph = small.cache.graph()
    small.questions.path(PathQuery("ana", "cc"))  # the path index now sits on the graph; edits update it
    index = graph.graph["path_index"]
    edits = small.editing
    steps = [
        lambda: edits.create_element("partner", {"id": "aaa", "name": "Aardvark Archive", "country": "ZA"}, **WHO),
        lambda: edits.create_element("contact", {"id": "zed", "name": "Zed Zulu", "email": "z@example.org"}, **WHO),
        lambda: edits.create_connection({"from": "zed", "to": "aaa", "type": "HOLDS", "strength": "4"}, **WHO),
        lambda: edits.create_connection({"from": "zed", "to": "ana", "type": "KNOWS", "strength": "2"}, **WHO),
        lambda: edits.create_connection({"from": "zed", "to": "wmde", "type": "MEMBER_OF"}, **WHO),
        lambda: edits.update_element("cc", {"name": "Creative Commons Global", "status": "dormant"}, **WHO),
        lambda: edits.update_connection("ana", "cai", "KNOWS", {"strength": "1"}, **WHO),
        lambda: edits.log_interaction("ben", "eli", on="2026-11-20", strength=3, actor="ana"),
        lambda: edits.update_connection("ana", "wmde", "MEMBER_OF", {"until": "2026-06"}, **WHO),  # a period
        lambda: edits.delete_connection("cai", "dia", "KNOWS", **WHO),
        # Eli is a member of the library and holds its relationship: one edge, two relationships,
        # which must stay in key order when one of them comes back.
        lambda: edits.delete_connection("eli", "lib", "HOLDS", **WHO),
        lambda: edits.create_connection({"from": "eli", "to": "lib", "type": "HOLDS", "strength": "5"}, **WHO),
        lambda: small.merges.merge("ana", "zed", **WHO),
        lambda: edits.delete_element("fay", **WHO),
    ]
    for step in steps:
        step()
        assert small.cache.graph() is graph  # caught up in place, not rebuilt
        fresh = rebuilt(small)
        assert layout_of(graph) == layout_of(fresh)
        # Kept through every edit: it must hold what a rebuild would derive (by ids; see test_path_index_edits).
        assert graph.graph["path_index"] is index
        assert canonical(index) == canonical(build_path_index(fresh))
        for source, target in (("ana", "cc"), ("ben", "uni"), ("eli", "wmke")):
            answer = small.questions.path(PathQuery(source, target, warm=True, k=2, today=TODAY))["paths"]
            # The service adds why each path ranks where it does; the paths themselves must match.
            assert [{k: v for k, v in p.items() if k != "rank_reason"} for p in answer] == paths_on(fresh, source, target)

    change = small.store.history(limit=1)[0]
    small.editing.revert(change.seq, actor="ana")
    merged = small.store.history("zed")[0]
    small.editing.revert(merged.seq, actor="ana")
    assert small.cache.graph() is graph
    assert layout_of(graph) == layout_of(rebuilt(small))
    # And the answers follow: Zed is back, with his own ties.
    assert small.questions.path(PathQuery("zed", "aaa"))["paths"][0]["length"] == 1


def test_an_import_or_many_versions_behind_rebuilds_the_graph(small: Workspace, tmp_path):
    graph = small.cache.graph()
    small.data.import_rows(*_one_partner_rows())
    assert small.cache.graph() is not graph
    assert layout_of(small.cache.graph()) == layout_of(rebuilt(small))


def test_a_second_workspace_on_the_same_store_catches_up_on_another_ones_edits(small: Workspace, db_url: str):
    from conftest import settings_for

    with Workspace.open(settings_for(db_url)) as other:
        graph = other.cache.graph()
        small.editing.update_element("lib", {"region": "Africa"}, **WHO)
        small.editing.create_element("issue", {"id": "privacy", "name": "Privacy"}, **WHO)
        assert other.cache.graph() is graph
        assert graph.nodes["lib"]["region"] == "Africa" and "privacy" in graph
        assert layout_of(graph) == layout_of(rebuilt(other))


def _one_partner_rows():
    from partnergraph.model import Location, Row

    element = Row({"id": "imported", "kind": "partner", "name": "Imported Partner"}, Location("x.csv", 2))
    return [element], []
