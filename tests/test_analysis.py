"""Analysis functions on small hand-checked graphs (tests/data/small, drawn in its README)."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest

from conftest import SMALL
from partnergraph.analysis.centrality import centrality, rank
from partnergraph.analysis.graph import build_graph, resolve
from partnergraph.analysis.paths import introduction_paths
from partnergraph.analysis.relationships import holders, months_since, relationship_risks
from partnergraph.analysis.warmth import edge_cost, relation_cost
from partnergraph.io.reader import read_rows
from partnergraph.model import NoPath, PartnergraphError, UnknownNode, WrongKind, validate_dataset


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    dataset = validate_dataset(*read_rows(SMALL))
    return build_graph(dataset.elements, dataset.connections)


def test_the_analysis_graph_keeps_every_relationship_between_a_pair(graph):
    # Eli both works at the library and holds its relationship: one edge, two relations.
    types = sorted(r["type"] for r in graph.edges["eli", "lib"]["relations"])
    assert types == ["HOLDS", "MEMBER_OF"]
    assert graph.nodes["ana"]["kind"] == "contact" and graph.nodes["ana"]["email"] == "ana@example.org"


def test_shortest_path_to_a_partner_goes_through_whoever_holds_it(graph):
    [path] = introduction_paths(graph, "ana", "cc")
    assert path.nodes == ["ana", "cai", "cc"]
    assert path.length == 2 and path.cost == 3.0
    assert [h.type for h in path.hops] == ["KNOWS", "HOLDS"]
    assert path.hops[0].why == "Ana Lima knows Cai Chen (strength 4, since 2019-05, last contact 2026-09, source: Wikimania 2019)"
    assert path.hops[1].why.startswith("Cai Chen holds the relationship with Creative Commons (strength 5")


def test_hop_shortest_and_warmest_paths_differ_when_the_short_one_is_cold(graph):
    [short] = introduction_paths(graph, "ana", "lib")
    [warm] = introduction_paths(graph, "ana", "lib", warm=True)
    # Ben holds the library weakly (strength 2): 3 hops costing 1.5 + 1.5 + 4.
    assert short.nodes == ["ana", "wmde", "ben", "lib"] and short.cost == 7.0
    # Ben knows Eli well (5) and Eli works at the library: one hop more, but warmer.
    assert warm.nodes == ["ana", "wmde", "ben", "eli", "lib"] and warm.cost == 5.5
    assert "Ana Lima is a member of Wikimedia Deutschland (board member, since 2015-01)" == warm.hops[0].why


def test_k_alternatives_come_best_first_and_are_distinct(graph):
    paths = introduction_paths(graph, "ana", "lib", k=3)
    assert [p.nodes for p in paths] == [["ana", "wmde", "ben", "lib"], ["ana", "wmde", "ben", "eli", "lib"]]
    warm = introduction_paths(graph, "ana", "lib", k=3, warm=True)
    assert [p.cost for p in warm] == [5.5, 7.0]


def test_max_hops_drops_longer_paths(graph):
    paths = introduction_paths(graph, "ana", "lib", k=3, warm=True, max_hops=3)
    assert [p.nodes for p in paths] == [["ana", "wmde", "ben", "lib"]]
    with pytest.raises(NoPath):
        introduction_paths(graph, "ana", "lib", max_hops=2)


def test_avoiding_the_only_bridge_leaves_no_path(graph):
    with pytest.raises(NoPath):
        introduction_paths(graph, "ana", "lib", avoid=["ben"])
    [path] = introduction_paths(graph, "ana", "lib", avoid=["eli"], warm=True)
    assert path.nodes == ["ana", "wmde", "ben", "lib"]


def test_paths_never_use_partnerships_or_issues(graph):
    # Wikimedia Deutschland partners with Creative Commons, but that is no tie between people.
    [path] = introduction_paths(graph, "ben", "cc")
    assert path.nodes == ["ben", "wmde", "ana", "cai", "cc"]
    with pytest.raises(NoPath):
        introduction_paths(graph, "ana", "old")  # nobody is at or holds the old coalition


def test_unknown_ends_and_issues_as_ends_are_errors(graph):
    with pytest.raises(UnknownNode):
        introduction_paths(graph, "ana", "nobody")
    with pytest.raises(WrongKind):
        introduction_paths(graph, "ana", "copyright")
    with pytest.raises(NoPath):
        introduction_paths(graph, "ana", "ana")


def test_hop_distances_equal_networkx_on_the_people_graph(graph):
    people = nx.Graph(graph.subgraph(n for n, k in graph.nodes(data="kind") if k != "issue"))
    people.remove_edges_from([(u, v) for u, v, d in people.edges(data=True)
                              if all(r["type"] == "PARTNERS_WITH" for r in d["relations"])])
    for source in ("ana", "dia", "fay"):
        expected = nx.single_source_shortest_path_length(people, source)
        for target, distance in expected.items():
            if target != source:
                assert introduction_paths(graph, source, target)[0].length == distance


def test_warm_costs_follow_the_documented_table():
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
    with pytest.raises(UnknownNode):
        resolve(graph, "Creative")


def test_equally_short_paths_are_ordered_by_warmth():
    from partnergraph.model import Connection, Element, Kind, RelType

    people = [Element(x, Kind.CONTACT, x.upper()) for x in "abcd"]
    ties = [Connection("a", "b", RelType.KNOWS, {"strength": 1}), Connection("b", "d", RelType.KNOWS, {"strength": 1}),
            Connection("a", "c", RelType.KNOWS, {"strength": 5}), Connection("c", "d", RelType.KNOWS, {"strength": 5})]
    graph = build_graph(people, ties)
    [best] = introduction_paths(graph, "a", "d")
    assert best.nodes == ["a", "c", "d"] and best.cost == 2.0
    both = introduction_paths(graph, "a", "d", k=2)
    assert [p.nodes for p in both] == [["a", "c", "d"], ["a", "b", "d"]]
