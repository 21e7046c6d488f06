"""Network analytics for analysts: brokers, communities, coverage, risks, scoped and weighted centrality.

Pure functions are checked on tests/data/small (drawn in its README) and on small graphs whose
answers are worked out by hand in the comments; the compiled kernel is checked against NetworkX on
published social networks; the Workspace and the CLI are checked on both stores.
"""

from __future__ import annotations

import html
import json
import math
import re
from datetime import date

import networkx as nx
import pytest

from conftest import SMALL, Cli, settings_for
from partnergraph.analysis import brokers, communities, coverage
from partnergraph.analysis.centrality import centrality, igraph_betweenness, rank, scope, weighted
from partnergraph.analysis.graph import build_graph
from partnergraph.analysis.relationships import relationship_risks
from partnergraph.cli.tables import render_table
from partnergraph.io.reader import read_rows
from partnergraph.model import (
    Connection,
    Element,
    Kind,
    PartnergraphError,
    RelType,
    UnknownNode,
    WrongKind,
    validate_dataset,
)
from partnergraph.services import plural
from partnergraph.services.options import BrokersQuery, CentralityQuery, CommunitiesQuery, CoverageQuery
from partnergraph.viewer import create_app
from test_published_networks import NETWORKS


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    dataset = validate_dataset(*read_rows(SMALL))
    return build_graph(dataset.elements, dataset.connections)


def people(ties: list[tuple[str, str, int | None]]) -> nx.Graph:
    """Return an analysis graph of people joined by KNOWS ties of the given strengths."""
    names = sorted({n for u, v, _ in ties for n in (u, v)})
    return build_graph([Element(n, Kind.CONTACT, n.upper()) for n in names],
                       [Connection(u, v, RelType.KNOWS, {"strength": s} if s else {}) for u, v, s in ties])


def plain(graph: nx.Graph) -> nx.Graph:
    """Return the structure of a published network, with the `relations` our functions read."""
    result = nx.Graph()
    result.add_nodes_from(graph)
    result.add_edges_from(graph.edges(), relations=[])
    return result


# -- centrality: compiled kernel, weights, scope --------------------------------------------------

@pytest.mark.parametrize("network", sorted(NETWORKS))
def test_the_compiled_kernel_gives_networkx_betweenness_on_published_networks(network):
    g = plain(NETWORKS[network]())
    expected = nx.betweenness_centrality(g)
    ours = centrality(g, "betweenness", backend="igraph")
    assert max(abs(ours[n] - expected[n]) for n in g) <= 1e-9
    # Sampled: the same sources as NetworkX for the same seed, so the same estimate.
    sampled = igraph_betweenness(g, k=9, seed=4)
    expected = nx.betweenness_centrality(g, k=9, seed=4)
    assert max(abs(sampled[n] - expected[n]) for n in g) <= 1e-9


@pytest.mark.parametrize("network", sorted(NETWORKS))
def test_the_compiled_kernel_gives_networkx_closeness_also_on_split_graphs(network):
    g = plain(NETWORKS[network]())
    g.add_node("alone")
    g.add_edges_from([("x", "y"), ("y", "z")], relations=[])  # a second component: Wasserman-Faust scaling
    ours = centrality(g, "closeness", backend="igraph")
    expected = nx.closeness_centrality(g)
    assert max(abs(ours[n] - expected[n]) for n in g) <= 1e-9 and ours["alone"] == 0.0
    strong = centrality(g, "closeness", backend="igraph", weighted_ties=True)
    assert max(abs(strong[n] - expected[n] / 3) for n in g) <= 1e-9  # every tie unrated: distance 3


def test_the_compiled_kernel_gives_networkx_weighted_betweenness():
    g = weighted(plain(nx.les_miserables_graph()))
    for u, v, data in nx.les_miserables_graph().edges(data=True):
        g.edges[u, v]["distance"] = 1 + data["weight"] % 4  # whole-number lengths: ties are exact
    expected = nx.betweenness_centrality(g, weight="distance")
    ours = igraph_betweenness(g, weight="distance")
    assert max(abs(ours[n] - expected[n]) for n in g) <= 1e-9


def test_florentine_families_betweenness_matches_the_published_medici_score():
    # Padgett's Florentine families: the Medici's normalised betweenness is 0.5219 (Borgatti et al.).
    g = plain(nx.florentine_families_graph())
    for backend in ("networkx", "igraph"):
        scores = centrality(g, "betweenness", backend=backend)
        assert rank(g, scores, top=1)[0][0] == "Medici"
        assert scores["Medici"] == pytest.approx(0.521978, abs=1e-6)


def test_weighted_betweenness_routes_through_the_strong_ties():
    # a-b-d is two strong ties (distance 1 + 1), a-c-d two weak ones (5 + 5): both are two hops.
    g = people([("a", "b", 5), ("b", "d", 5), ("a", "c", 1), ("c", "d", 1)])
    hops = centrality(g, "betweenness")
    assert hops["b"] == hops["c"] == pytest.approx(1 / 6)  # half of the a-d pair, of 3 pairs
    strong = centrality(g, "betweenness", weighted_ties=True)
    assert strong["b"] == pytest.approx(1 / 3) and strong["c"] == 0
    # Weighted degree sums strengths over the n-1 others: a has 5 + 1 over 3.
    assert centrality(g, "degree", weighted_ties=True)["a"] == pytest.approx(2.0)
    assert centrality(g, "pagerank", weighted_ties=True)["b"] > centrality(g, "pagerank", weighted_ties=True)["c"]


def test_a_tie_without_strength_counts_as_average():
    g = people([("a", "b", None), ("b", "c", 5)])
    w = weighted(g)
    assert w.edges["a", "b"]["strength"] == 3 and w.edges["a", "b"]["distance"] == 3
    assert w.edges["b", "c"]["distance"] == 1


def test_centrality_on_a_region_an_issue_or_one_kind(graph):
    europe = scope(graph, region="europe")
    assert sorted(europe) == ["ana", "ben", "eli", "lib", "wmde"]
    # Europe's people graph is a path ana - wmde - ben - lib/eli triangle: Ben brokers most.
    assert rank(europe, centrality(europe, "betweenness"), top=1)[0][0] == "ben"
    # Open access: the organisations working on it or partnering on it, and their people.
    assert sorted(scope(graph, issue="open-access")) == ["ben", "cai", "dia", "eli", "lib", "uni", "wmf", "wmke"]
    assert sorted(tuple(sorted(e)) for e in scope(graph, kind="contact").edges()) == [("ana", "cai"), ("ben", "eli"), ("cai", "dia"), ("eli", "fay")]
    with pytest.raises(PartnergraphError, match="regions: Africa, Europe"):
        scope(graph, region="Atlantis")
    with pytest.raises(WrongKind):
        scope(graph, issue="ana")
    with pytest.raises(UnknownNode):
        scope(graph, issue="nothing")


# -- brokers -----------------------------------------------------------------------------------

def test_burt_constraint_and_effective_size_of_a_star_and_a_triangle():
    star = people([("hub", "x", 3), ("hub", "y", 3), ("hub", "z", 3)])
    holes = brokers.structural_holes(star)
    # Three unconnected contacts: effective size 3; constraint 3 x (1/3)^2 = 1/3.
    assert holes["hub"]["effective_size"] == pytest.approx(3.0) and holes["hub"]["constraint"] == pytest.approx(1 / 3)
    triangle = brokers.structural_holes(people([("a", "b", 3), ("b", "c", 3), ("a", "c", 3)]))
    # Each contact is redundant with the other: effective size 2 - 1; constraint 2 x (1/2 + 1/4)^2.
    assert triangle["a"]["effective_size"] == pytest.approx(1.0) and triangle["a"]["constraint"] == pytest.approx(9 / 8)


@pytest.mark.parametrize("network", sorted(NETWORKS))
def test_burt_measures_equal_networkx_on_published_networks(network):
    g = nx.Graph(NETWORKS[network]().edges())
    g.add_node("alone")
    ours = brokers.burt(g)
    constraint, effective = nx.constraint(g), nx.effective_size(g)
    assert max(abs(ours[n][0] - constraint[n]) for n in g if n != "alone") <= 1e-12
    assert max(abs(ours[n][1] - effective[n]) for n in g if n != "alone") <= 1e-12
    assert all(math.isnan(x) for x in ours["alone"])


def test_an_analyst_sees_which_partners_hang_on_one_person(graph):
    found = brokers.cut_points(graph, top=None)
    # Without Cai: Creative Commons (only Cai holds it) and the Kenyan side (through Dia) fall away.
    first = found[0]
    lost = {e["affiliate"]["id"]: [p["id"] for p in e["partners"]] for e in first["unreachable"]}
    assert lost == {"wmde": ["cc", "uni"], "wmf": ["cc", "lib", "uni"], "wmke": ["cc", "lib"]}
    # Every partner is lost to some affiliate, by 3 affiliates, in 7 affiliate-partner pairs.
    assert (first["id"], first["cut_off_partners"], first["affiliates_affected"], first["lost_pairs"],
            first["cut_off_elements"]) == ("cai", 3, 3, 7, 5)
    assert first["why"].startswith("without Cai Chen, 3 partners become unreachable from 3 affiliates: ")
    assert "Creative Commons, University of Nairobi Press from Wikimedia Deutschland" in first["why"]
    # Ranked by the affiliate-partner pairs lost: Dia 5 (Kenya loses all three; the others the press), Ana 4, Ben 3.
    assert [(c["id"], c["lost_pairs"]) for c in found] == [("cai", 7), ("dia", 5), ("ana", 4), ("ben", 3), ("eli", 0)]
    # Eli only cuts off Fay, a person: no partner lost.
    assert found[-1]["cut_off_partners"] == 0 and found[-1]["unreachable"] == []


def test_cut_off_sizes_agree_with_removing_each_person(graph):
    ties = nx.Graph(brokers.tie_graph(graph))
    for node in nx.articulation_points(ties):
        rest = ties.copy()
        component = nx.node_connected_component(rest, node)
        rest.remove_node(node)
        pieces = sorted((rest.subgraph(component - {node}).subgraph(c) for c in
                         nx.connected_components(rest.subgraph(component - {node}))), key=len)
        expected = sum(len(p) for p in pieces[:-1])
        found = brokers.cut_points(graph, kind=None, top=None)
        assert next(c["cut_off_elements"] for c in found if c["id"] == node) == expected


def test_bridges_name_the_side_they_cut_off(graph):
    found = brokers.bridges(graph, top=None)
    assert (found[0]["from"]["id"], found[0]["to"]["id"], found[0]["cut_off_side"]["id"]) == ("ana", "cai", "cai")
    assert [p["id"] for p in found[0]["cut_off_partners"]] == ["cc", "uni"] and found[0]["types"] == ["KNOWS"]
    # The tie graph of the small network is a tree apart from the Ben-Eli-library triangle.
    ties = nx.Graph(brokers.tie_graph(graph))
    assert len(found) == len(list(nx.bridges(ties))) == ties.number_of_edges() - 3


def test_the_people_who_connect_regions_and_issues(graph):
    found = brokers.connectors(graph, top=None)
    assert found["regions"][0] == {"id": "cai", "name": "Cai Chen", "kind": "contact",
                                   "regions": ["Africa", "Europe", "North America"], "count": 3}
    # Ben is at Wikimedia Deutschland (copyright) and holds the library (open access).
    assert [c["id"] for c in found["issues"]] == ["ben", "cai"]


def test_consequences_of_losing_an_organisation_or_a_leaf(graph):
    assert brokers.consequences(graph, "fay")["unreachable"] == []
    lost = brokers.consequences(graph, "wmde")["unreachable"]
    assert [(e["affiliate"]["id"], [p["id"] for p in e["partners"]]) for e in lost] == [
        ("wmf", ["lib"]), ("wmke", ["lib"])]
    with pytest.raises(UnknownNode):
        brokers.consequences(graph, "nobody")


# -- communities -----------------------------------------------------------------------------

def test_two_groups_joined_by_one_tie_are_two_communities():
    clique = [(a, b, 4) for group in ("abcd", "wxyz") for i, a in enumerate(group) for b in group[i + 1:]]
    g = people([*clique, ("d", "w", 1)])
    found = communities.communities(g, seed=1)
    assert found == [set("abcd"), set("wxyz")]
    assert communities.membership(found)["z"] == 2
    assert communities.communities(g, seed=1, weighted_ties=True) == found


def test_louvain_on_the_karate_club_is_near_its_published_optimum_and_reproducible():
    g = plain(nx.karate_club_graph())
    for node in g:
        g.nodes[node].update(kind="contact", name=str(node))
    found = communities.communities(g, seed=3)
    assert found == communities.communities(g, seed=3)
    # The best partition of Zachary's club has modularity 0.4198 (Brandes et al. 2008).
    assert 0.41 <= nx.community.modularity(g, found) <= 0.41979 and len(found) == 4


def test_communities_do_not_depend_on_the_order_a_store_lists_elements_in():
    dataset = validate_dataset(*read_rows(SMALL))
    forward = build_graph(dataset.elements, dataset.connections)
    backward = build_graph(list(reversed(dataset.elements)), list(reversed(dataset.connections)))
    for seed in range(5):
        assert communities.communities(forward, seed=seed) == communities.communities(backward, seed=seed)


def test_community_summaries_name_regions_issues_and_main_organisations(graph):
    found = communities.communities(graph, seed=0)
    summary = communities.summarise(graph, found)
    assert sum(c["size"] for c in summary["communities"]) == 13  # the 15 elements less the two issues
    kenya = next(c for c in summary["communities"] if "wmke" in c["members"])
    assert kenya["members"] == ["dia", "uni", "wmke"]
    assert kenya["regions"] == [{"region": "Africa", "count": 3}]
    assert [i["id"] for i in kenya["issues"]] == ["open-access"] and kenya["issues"][0]["organisations"] == 2
    assert [o["id"] for o in kenya["main_organisations"]] == ["uni", "wmke"]
    assert 0 < summary["modularity"] < 1


# -- coverage and risks --------------------------------------------------------------------------

def test_coverage_shows_active_partners_per_issue_and_region_and_the_gaps(graph):
    found = coverage.coverage(graph)
    assert found["regions"] == ["Africa", "Europe", "Latin America & Caribbean", "North America"]
    covered = {(c["issue"], c["region"]): c["partners"] for c in found["matrix"] if c["count"]}
    # The Nairobi press works on open access in Africa but is only prospective.
    assert covered == {("copyright", "North America"): ["cc"], ("open-access", "Europe"): ["lib"]}
    gap = next(g for g in found["gaps"] if g["issue"]["id"] == "open-access" and g["region"] == "Africa")
    assert [a["id"] for a in gap["affiliates_here"]] == ["wmke"]
    assert gap["other_partners_here"] == [{"id": "uni", "name": "University of Nairobi Press", "kind": "partner",
                                           "status": "prospective"}]
    assert len(found["gaps"]) == 2 * 4 - 2
    wider = coverage.coverage(graph, statuses=("active", "prospective"))
    assert len(wider["gaps"]) == 5


def test_risks_find_overloaded_holders_and_dormant_partners(graph):
    risks = relationship_risks(graph, today=date(2026, 11, 1), overload=0)
    assert [(h["id"], h["holds"]) for h in risks["overloaded_holders"]] == [("ben", 1), ("cai", 1), ("dia", 1), ("eli", 1)]
    assert [p["id"] for p in risks["overloaded_holders"][1]["held_by_them_alone"]] == ["cc"]
    assert relationship_risks(graph, today=date(2026, 11, 1))["overloaded_holders"] == []
    assert [(p["id"], p["reason"]) for p in risks["dormant_partners"]] == [("old", "status is dormant")]
    # Two months on, Cai's last contact with Creative Commons (2026-08) is stale: the partnership lapses.
    lapsing = relationship_risks(graph, today=date(2026, 11, 1), stale_months=2)["dormant_partners"]
    assert [(p["id"], p["reason"]) for p in lapsing] == [
        ("cc", "every holder's last contact is stale"), ("old", "status is dormant"),
        ("uni", "every holder's last contact is stale")]


# -- through the stores and the command line --------------------------------------------------------

def test_workspace_answers_every_analytics_question(small):
    assert small.questions.brokers(BrokersQuery(top=1))["cut_points"][0]["id"] == "cai"
    assert small.questions.without("Cai Chen")["unreachable"][0]["affiliate"]["id"] == "wmde"
    assert small.questions.communities(CommunitiesQuery(seed=0))["count"] == 4
    assert len(small.questions.coverage(CoverageQuery())["gaps"]) == 6
    europe = small.questions.centrality(CentralityQuery("betweenness", region="Europe", top=1))
    assert europe["results"][0]["id"] == "ben" and europe["scope"]["nodes"] == 5
    issue = small.questions.centrality(CentralityQuery("degree", issue="Open access", kind="partner", top=None))
    assert issue["scope"]["issue"] == "open-access" and [r["id"] for r in issue["results"]] == ["lib", "uni"]
    with pytest.raises(PartnergraphError, match="induced needs a kind"):
        small.questions.centrality(CentralityQuery("degree", induced=True))


def test_scores_are_cached_until_the_store_changes(small, tmp_path):
    first = small.questions.centrality(CentralityQuery("betweenness", top=None))
    assert small.questions.centrality(CentralityQuery("betweenness", top=None)) == first
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "elements.csv").write_text("id,kind,name\ngus,contact,Gus\n")
    (tmp_path / "more" / "connections.csv").write_text("from,to,type\ngus,fay,KNOWS\n")
    small.data.import_path(tmp_path / "more")
    after = small.questions.centrality(CentralityQuery("betweenness", top=None))
    assert "gus" in [r["id"] for r in after["results"]] and after != first


@pytest.fixture
def loaded(cli):
    assert cli("import", str(SMALL)).exit_code == 0
    return cli


def test_an_analyst_asks_for_brokers_on_the_command_line(loaded):
    result = loaded("brokers", "--top", "2")
    assert result.exit_code == 0, result.output
    assert "  Cai Chen (cai): cuts off 3 partners from 3 affiliates, 5 elements cut off\n" in result.output
    assert ("    without Cai Chen, 3 partners become unreachable from 3 affiliates: Creative Commons, National Library "
            "of Freedonia, University of Nairobi Press from Wikimedia Foundation") in result.output
    answer = json.loads(loaded("brokers", "--json").output)
    assert set(answer) == {"structural_holes", "cut_points", "bridges", "connectors"}
    assert answer["structural_holes"][0] == {"id": "cai", "name": "Cai Chen", "kind": "contact",
                                             "constraint": 0.25, "effective_size": 4.0}
    without = loaded("without", "ana")
    assert "without Ana Lima, Wikimedia Deutschland no longer reaches: Creative Commons, University of Nairobi Press" in without.output


def test_communities_coverage_and_risks_on_the_command_line(loaded):
    answer = json.loads(loaded("communities", "--seed", "0", "--json").output)
    assert answer["count"] == 4 and answer["communities"][0]["size"] == 5
    assert loaded("communities").output.startswith("4 communities, modularity 0.508")
    cover = loaded("coverage")
    assert "Open access in Africa (affiliates here: Wikimedia Kenya User Group)" in cover.output
    assert json.loads(loaded("coverage", "--status", "active", "--status", "prospective", "--json").output)["gaps"]
    risks = loaded("risks", "--as-of", "2026-11-01", "--overload", "0")
    assert "people holding more than 0 partnerships: 4" in risks.output
    assert "  Old Coalition (old): status is dormant" in risks.output
    answer = json.loads(loaded("risks", "--as-of", "2026-11-01", "--json").output)
    assert answer["overloaded_holders"] == [] and answer["overload"] == 5


def test_scoped_and_weighted_centrality_on_the_command_line(loaded):
    result = loaded("centrality", "--measure", "betweenness", "--region", "Europe", "--top", "1")
    assert result.output.splitlines() == ["betweenness centrality on 5 elements (region Europe)",
                                          "  0.666667  Ben Okoro (contact, ben)"]
    answer = json.loads(loaded("centrality", "--measure", "betweenness", "--weighted", "--kind", "contact",
                               "--induced", "--json").output)
    assert answer["weighted"] is True and answer["scope"]["induced"] is True and answer["scope"]["nodes"] == 6
    assert [(r["id"], r["score"]) for r in answer["results"][:2]] == [("cai", 0.1), ("eli", 0.1)]
    assert loaded("centrality", "--issue", "nothing").output == "error: no element with id or name 'nothing'\n"
    assert loaded("centrality", "--region", "Atlantis").exit_code == 1
    assert loaded("communities", "--resolution", "0").exit_code == 2


def test_betweenness_of_a_large_store_comes_from_the_kernel_and_equals_networkx(workspace, tmp_path):
    from partnergraph.analysis.centrality import KERNEL_MIN_NODES
    from partnergraph.services import generate

    generate(700, 3000, 2, tmp_path / "net")
    workspace.data.import_path(tmp_path / "net")
    graph = workspace.cache.graph()
    assert graph.number_of_nodes() >= KERNEL_MIN_NODES  # so "auto" picks the compiled kernel
    answer = workspace.questions.centrality(CentralityQuery("betweenness", top=None))
    expected = nx.betweenness_centrality(graph)
    assert max(abs(r["score"] - expected[r["id"]]) for r in answer["results"]) <= 1e-9
    sampled = workspace.questions.centrality(CentralityQuery("betweenness", top=None, sample=40, seed=5))
    expected = nx.betweenness_centrality(graph, k=40, seed=5)
    assert sampled["approximate"] is True
    assert max(abs(r["score"] - expected[r["id"]]) for r in sampled["results"]) <= 1e-9


# -- analytics that agree with themselves (issue 16, item 8) ----------------------------------------

@pytest.fixture
def demo(workspace):
    """Return a workspace holding the demo network (on each store)."""
    from partnergraph.services import demo_rows

    workspace.data.import_rows(*demo_rows())
    return workspace


def said(text: str) -> int:
    """Return how many elements a list in a sentence names: "A, B and 3 more partners" is 5."""
    match = re.fullmatch(r"(.*?)(?: and (\d+) more \w+)?", text)
    return len(match[1].split(", ")) + int(match[2] or 0)


def sentence_counts(why: str, without: str) -> tuple[int, int]:
    """Return the partners and affiliates a broker's sentence says are lost, read from its words."""
    rest = why.removeprefix(f"without {without}, ")
    if rest == "every affiliate still reaches every partner it reached before":
        return 0, 0
    totals = re.fullmatch(r"(\d+) partners? becomes? unreachable from (\d+) affiliates?: (.*)", rest)
    if totals:  # several groups: their affiliates are disjoint and add up; each names some of the partners
        groups = [part.split(" from ") for part in totals[3].split("; ")]
        assert sum(said(affiliates) for _, affiliates in groups) == int(totals[2])
        assert max(said(partners) for partners, _ in groups) <= int(totals[1]) <= sum(said(p) for p, _ in groups)
        return int(totals[1]), int(totals[2])
    partners, affiliates = re.fullmatch(r"(.*) becomes? unreachable from (.*)", rest).groups()
    return said(partners), said(affiliates)


def test_broker_numbers_and_sentences_agree_on_the_demo(demo, db_url):
    found = demo.questions.brokers(BrokersQuery(top=None))
    assert found["cut_points"] and found["bridges"]
    for c in found["cut_points"]:
        assert sentence_counts(c["why"], c["name"]) == (c["cut_off_partners"], c["affiliates_affected"]), c["why"]
        assert c["cut_off_partners"] == len({p["id"] for e in c["unreachable"] for p in e["partners"]})
        assert c["lost_pairs"] == sum(len(e["partners"]) for e in c["unreachable"])
    for b in found["bridges"]:
        tie = f"the tie between {b['from']['name']} and {b['to']['name']}"
        assert sentence_counts(b["why"], tie) == (b["partners_lost"], b["affiliates_affected"]), b["why"]
    # The ranking (one linear pass over the block-cut tree) agrees with walking each cut point.
    pairs = [c["lost_pairs"] for c in found["cut_points"]]
    assert pairs == sorted(pairs, reverse=True)
    # The sole member of an affiliate cuts it off from every partner: the count says so too.
    lone = found["cut_points"][0]
    assert lone["cut_off_partners"] == 80 and lone["affiliates_affected"] == 1
    assert "and 75 more partners become unreachable from" in lone["why"]
    # The command line and the page show the same numbers beside the same sentences.
    text = Cli(db_url)("brokers", "--top", "3").output
    shown = (f"cuts off {lone['cut_off_partners']} partners from 1 affiliate, "
             f"{lone['cut_off_elements']} element{'s' if lone['cut_off_elements'] != 1 else ''} cut off")
    assert f"  {lone['name']} ({lone['id']}): {shown}\n    {lone['why']}\n" in text
    assert "1 partners" not in text and "1 elements" not in text and "1 affiliates" not in text
    app = create_app(settings_for(db_url, anonymous_read=True))
    try:
        page = app.test_client().get("/analytics/brokers?top=3").get_data(as_text=True)
    finally:
        app.extensions["partnergraph"].close()
    first = found["cut_points"][0]
    assert (f'<td class="num">{first["cut_off_partners"]}</td><td class="num">{first["affiliates_affected"]}</td>'
            in page) and html.escape(first["why"]) in page


def test_a_sentence_with_several_groups_opens_with_its_totals():
    # Three affiliates on three arms of a star around Hub, each arm with a partner: without Hub,
    # each affiliate loses the two partners of the other arms.
    arms = "xyz"
    elements = [Element("hub", Kind.CONTACT, "Hub")]
    ties = []
    for arm in arms:
        elements += [Element(f"a{arm}", Kind.AFFILIATE, f"Affiliate {arm.upper()}"),
                     Element(f"p{arm}", Kind.PARTNER, f"Partner {arm.upper()}"),
                     Element(f"c{arm}", Kind.CONTACT, f"Contact {arm.upper()}")]
        ties += [Connection(f"c{arm}", f"a{arm}", RelType.MEMBER_OF), Connection(f"c{arm}", f"p{arm}", RelType.HOLDS),
                 Connection("hub", f"c{arm}", RelType.KNOWS)]
    [hub] = [c for c in brokers.cut_points(build_graph(elements, ties), top=None) if c["id"] == "hub"]
    assert (hub["cut_off_partners"], hub["affiliates_affected"], hub["lost_pairs"]) == (3, 3, 6)
    assert hub["why"] == ("without Hub, 3 partners become unreachable from 3 affiliates: Partner X, Partner Y from "
                          "Affiliate Z; Partner X, Partner Z from Affiliate Y; Partner Y, Partner Z from Affiliate X")
    assert sentence_counts(hub["why"], "Hub") == (3, 3)


def test_counts_are_said_in_the_singular_and_the_plural():
    assert [plural(n, "partner") for n in (0, 1, 2)] == ["0 partners", "1 partner", "2 partners"]
    assert plural(1, "person", "people") == "1 person" and plural(3, "person") == "3 people"
    assert plural(2, "ally") == "2 allies" and plural(2, "day") == "2 days" and plural(2, "search") == "2 searches"
    assert plural(75, "more partner") == "75 more partners" and plural(2, "criterion") == "2 criteria"


def test_issues_stay_out_of_centrality_rankings_unless_asked(small, db_url):
    ranked = small.questions.centrality(CentralityQuery("degree", top=None))
    assert ranked["include_issues"] is False and "issue" not in {r["kind"] for r in ranked["results"]}
    everything = small.questions.centrality(CentralityQuery("degree", top=None, include_issues=True))
    assert {"copyright", "open-access"} <= {r["id"] for r in everything["results"]}
    # The scores are those of the whole graph either way: leaving issues out only shortens the list.
    scores = {r["id"]: r["score"] for r in everything["results"]}
    assert all(scores[r["id"]] == r["score"] for r in ranked["results"]) and len(scores) == len(ranked["results"]) + 2
    assert [r["id"] for r in small.questions.centrality(CentralityQuery("degree", kind="issue", top=None))["results"]] \
        == ["open-access", "copyright"]
    cli = Cli(db_url)
    assert "(issue, " not in cli("centrality", "--top", "20").output
    assert "Open access (issue, open-access)" in cli("centrality", "--top", "20", "--include-issues").output
    app = create_app(settings_for(db_url, anonymous_read=True))
    try:
        client = app.test_client()
        api = client.get("/api/centrality?top=20").get_json()
        assert api["include_issues"] is False and all(r["kind"] != "issue" for r in api["results"])
        assert {r["id"] for r in client.get("/api/centrality?top=20&include_issues=1").get_json()["results"]} \
            >= {"copyright", "open-access"}
        assert "Open access" in client.get("/analytics?measure=degree&include_issues=1").get_data(as_text=True)
    finally:
        app.extensions["partnergraph"].close()


def test_an_analyst_looks_at_coverage_and_centrality_of_one_organisation_type(small, db_url):
    # The small network: Creative Commons is an ngo, the library glam, the press academic.
    only_glam = small.questions.coverage(CoverageQuery(types=("Museum",)))  # another spelling of glam
    assert only_glam["types"] == ["glam"]
    assert {(c["issue"], c["region"]) for c in only_glam["matrix"] if c["count"]} == {("open-access", "Europe")}
    gap = next(g for g in only_glam["gaps"] if g["issue"]["id"] == "open-access" and g["region"] == "Africa")
    assert gap["other_partners_here"] == []  # the prospective press is academic, not glam
    ranked = small.questions.centrality(CentralityQuery("degree", types=("NGO", "academic"), top=None))
    assert [r["id"] for r in ranked["results"]] == ["cc", "uni"] and ranked["types"] == ["academic", "ngo"]
    with pytest.raises(PartnergraphError, match="no organisation of type 'spaceport' \\(types in use: academic"):
        small.questions.coverage(CoverageQuery(types=("Spaceport",)))
    # A type of the vocabulary nobody has yet is no error: nothing matches.
    assert small.questions.centrality(CentralityQuery("degree", types=("media",)))["results"] == []
    cli = Cli(db_url)
    covered = cli("coverage", "--type", "glam")
    assert "gaps (no active partner of type glam): 7" in covered.output
    assert [r["id"] for r in json.loads(cli("centrality", "--type", "ngo", "--json").output)["results"]] == ["cc"]
    assert cli("centrality", "--type", "spaceport").output.startswith("error: no organisation of type 'spaceport'")
    app = create_app(settings_for(db_url, anonymous_read=True))
    try:
        client = app.test_client()
        assert client.get("/api/coverage?type=glam").get_json()["types"] == ["glam"]
        assert [r["id"] for r in client.get("/api/centrality?type=ngo").get_json()["results"]] == ["cc"]
        assert client.get("/api/coverage?type=spaceport").status_code == 400
        assert "of type glam" in client.get("/analytics/coverage?type=glam").get_data(as_text=True)
    finally:
        app.extensions["partnergraph"].close()


def test_command_line_tables_never_cut_their_headers(loaded):
    lines = loaded("coverage").output.splitlines()
    header = "\n".join(lines[:4])
    for region in ("Africa", "Europe", "Latin America & Caribbean", "North America"):
        # Each header is whole, its words stacked over its column.
        assert all(word in header for word in region.split()), region
    assert not any("Latin Americ " in line or line.endswith("Latin Americ") for line in lines)
    rows = [line for line in lines if line.startswith(("Copyright reform", "Open access"))]
    assert len(rows) == 2 and len({len(line) for line in lines[:4] + rows}) <= 2
    table = render_table(["Issue", "Middle East & North Africa", "N"], [["Open data", 12, 3]])
    assert table == ["            Middle East",
                     "                & North",
                     "Issue            Africa  N",
                     "Open data            12  3"]
