"""Published social networks, imported through the CLI, answer exactly as NetworkX does on them."""

from __future__ import annotations

import itertools
import json
import random
import re

import networkx as nx
import pytest

from partnergraph.io.export import write_csv_folder


def _slug(node: object) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", str(node))


def karate() -> nx.Graph:
    return nx.karate_club_graph()


def florentine() -> nx.Graph:
    return nx.florentine_families_graph()


def les_miserables() -> nx.Graph:
    return nx.les_miserables_graph()


def davis() -> nx.Graph:
    return nx.davis_southern_women_graph()


NETWORKS = {"karate": karate, "florentine": florentine, "les_miserables": les_miserables, "davis": davis}


def as_import_folder(graph: nx.Graph, folder) -> nx.Graph:
    """Write `graph` in the import format; return it relabelled with the ids used."""
    mapping = {n: _slug(n) for n in graph}
    assert len(set(mapping.values())) == len(mapping)
    relabelled = nx.relabel_nodes(graph, mapping)
    # The import format carries structure only (these weights are not tie strengths 1..5), and
    # the store lists elements by id: compare with NetworkX on that same graph.
    plain = nx.Graph()
    plain.add_nodes_from(sorted(relabelled))
    plain.add_edges_from(relabelled.edges())
    # Davis' women attend events: people and the organisations (events) they are members of.
    events = {mapping[n] for n, d in graph.nodes(data=True) if d.get("bipartite") == 1}
    elements = [{"id": n, "kind": "affiliate" if n in events else "contact", "name": f"Node {n}"} for n in relabelled]
    connections = []
    for u, v in relabelled.edges():
        if u in events or v in events:
            person, event = (v, u) if u in events else (u, v)
            connections.append({"from": person, "to": event, "type": "MEMBER_OF"})
        else:
            connections.append({"from": u, "to": v, "type": "KNOWS"})
    write_csv_folder(folder, elements, connections)
    plain.graph["events"] = sorted(events)
    return plain


@pytest.fixture(params=sorted(NETWORKS))
def published(request, cli, tmp_path):
    graph = as_import_folder(NETWORKS[request.param](), tmp_path / request.param)
    result = cli("import", str(tmp_path / request.param))
    assert result.exit_code == 0, result.output
    return graph


@pytest.mark.parametrize("measure", ["degree", "betweenness", "closeness", "pagerank", "eigenvector"])
def test_centrality_of_an_imported_network_equals_networkx(published, cli, measure):
    result = cli("centrality", "--measure", measure, "--top", "100000", "--json")
    assert result.exit_code == 0, result.output
    ours = {r["id"]: r["score"] for r in json.loads(result.output)["results"]}
    compute = nx.pagerank if measure == "pagerank" else getattr(nx, f"{measure}_centrality")
    expected = compute(published, max_iter=1000) if measure == "eigenvector" else compute(published)
    assert ours.keys() == expected.keys()
    assert max(abs(ours[n] - expected[n]) for n in ours) <= 1e-9


def test_path_lengths_in_an_imported_network_equal_networkx(published, cli):
    # Two women at the same event know each other through it: one hop (the memberships carry no
    # dates, so they overlap). An event as an end is one hop from each of its attendees.
    reference = published.copy()
    for event in published.graph["events"]:
        reference.add_edges_from(itertools.combinations(sorted(published[event]), 2))
    rng = random.Random(1)
    nodes = sorted(published)
    for _ in range(15):
        source, target = rng.sample(nodes, 2)
        result = cli("path", source, target, "--json")
        assert result.exit_code == 0, result.output
        paths = json.loads(result.output)["paths"]
        if nx.has_path(reference, source, target):
            assert paths[0]["length"] == nx.shortest_path_length(reference, source, target)
            assert len(paths[0]["hops"]) == paths[0]["length"]
        else:
            assert paths == []


def test_sampled_betweenness_equals_networkx_with_the_same_seed(published, cli):
    result = cli("centrality", "--measure", "betweenness", "--sample", "8", "--seed", "3", "--top", "100000", "--json")
    answer = json.loads(result.output)
    assert answer["approximate"] is True
    expected = nx.betweenness_centrality(published, k=8, seed=3)
    assert max(abs(r["score"] - expected[r["id"]]) for r in answer["results"]) <= 1e-9
