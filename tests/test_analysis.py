"""Analysis functions on small hand-checked graphs (tests/data/small, drawn in its README)."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest

from conftest import SMALL
from partnergraph.analysis.centrality import centrality, rank
from partnergraph.analysis.graph import build_graph, resolve
from partnergraph.analysis.relationships import holders, months_since, relationship_risks
from partnergraph.analysis.warmth import edge_cost, relation_cost
from partnergraph.io.reader import read_rows
from partnergraph.model import PartnergraphError, UnknownNode, WrongKind, validate_dataset


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    dataset = validate_dataset(*read_rows(SMALL))
    return build_graph(dataset.elements, dataset.connections)


def test_the_analysis_graph_keeps_every_relationship_between_a_pair(graph):
    # Eli both works at the library and holds its relationship: one edge, two relations.
    types = sorted(r["type"] for r in graph.edges["eli", "lib"]["relations"])
    assert types == ["HOLDS", "MEMBER_OF"]
    assert graph.nodes["ana"]["kind"] == "contact" and graph.nodes["ana"]["email"] == "ana@example.org"


def test_relationship_lengths_for_weighted_measures_follow_tie_strength():
    assert [relation_cost({"type": "KNOWS", "strength": s}) for s in (5, 4, 3, 2, 1)] == [1, 2, 3, 4, 5]
    assert relation_cost({"type": "HOLDS"}) == 3  # no strength recorded: average
    assert relation_cost({"type": "MEMBER_OF"}) == 1.5
    assert edge_cost([{"type": "HOLDS", "strength": 1}, {"type": "MEMBER_OF"}]) == 1.5


def test_holders_are_sorted_strongest_first_with_their_affiliates(graph):
    found = holders(graph, "lib")
    assert [h["id"] for h in found] == ["eli", "ben"]
    assert found[1]["affiliates"] == [{"id": "wmde", "name": "Wikimedia Deutschland", "kind": "affiliate"}]
    assert found[0]["strength"] == 4 and found[0]["last_contact"] == "2026-10"
    assert holders(graph, "old") == []
    with pytest.raises(WrongKind):
        holders(graph, "ana")


def test_risks_find_unheld_single_holder_partners_and_stale_ties(graph):
    risks = relationship_risks(graph, today=date(2026, 11, 1))
    assert [p["id"] for p in risks["unheld_partners"]] == ["old"]
    assert [(p["id"], p["holder"]["id"]) for p in risks["single_holder_partners"]] == [("cc", "cai"), ("uni", "dia")]
    stale = [(s["from"]["id"], s["to"]["id"], s["months"]) for s in risks["stale_ties"]]
    assert stale == [("cai", "dia", 33), ("ben", "lib", 30), ("eli", "fay", 22)]
    assert relationship_risks(graph, today=date(2026, 11, 1), stale_months=24)["stale_ties"][-1]["months"] == 30


def test_months_since_counts_calendar_months():
    assert months_since("2025-11", date(2026, 11, 30)) == 12
    assert months_since("2025-10-31", date(2026, 11, 1)) == 13


@pytest.mark.parametrize("measure", ["degree", "betweenness", "closeness", "pagerank", "eigenvector"])
def test_centrality_is_networkx_centrality(graph, measure):
    ours = centrality(graph, measure)
    theirs = getattr(nx, f"{measure}_centrality" if measure != "pagerank" else "pagerank")(graph)
    assert ours.keys() == theirs.keys()
    assert all(abs(ours[n] - theirs[n]) <= 1e-9 for n in ours)


def test_sampled_betweenness_is_reproducible_with_a_seed():
    karate = nx.karate_club_graph()
    first = centrality(karate, "betweenness", sample=10, seed=7)
    assert first == centrality(karate, "betweenness", sample=10, seed=7)
    assert first == nx.betweenness_centrality(karate, k=10, seed=7)


def test_ranking_filters_by_kind_and_breaks_ties_by_id(graph):
    ranked = rank(graph, centrality(graph, "degree"), kind="contact", top=3)
    # Cai has 4 ties; Ben, Dia and Eli 3 each, so the id decides among them.
    assert [n for n, _ in ranked] == ["cai", "ben", "dia"]
    with pytest.raises(PartnergraphError):
        centrality(graph, "fame")
    with pytest.raises(PartnergraphError):
        centrality(graph, "degree", sample=3)


def test_names_resolve_to_ids_and_ambiguity_is_an_error(graph):
    assert resolve(graph, "Creative Commons") == "cc"
    assert resolve(graph, "cc") == "cc"
    assert resolve(graph, "Creative") == "cc"  # a unique prefix
    with pytest.raises(UnknownNode, match=r"'Wikimedia' names 3 elements: .*Wikimedia Foundation \(wmf\)"):
        resolve(graph, "Wikimedia")
