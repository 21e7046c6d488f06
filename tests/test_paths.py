"""Introduction paths: every rule on a small hand-made network with known answers, and the search
checked against NetworkX on networks where the answer is computed the slow, obvious way.

The hand-made network (today is 2026-11-15):

    me ─ member of WMDE since 2019-01
    ben ─ member of WMDE 2016-01..2020-03 (overlaps me 2019-01..2020-03)
    ana ─ member of WMDE 2010-01..2015-06 (overlaps nobody); holds CC (5, last contact 2026-10)
    gus ─ holds CC too (3); two holders of one partner need not know each other
    ivy ─ member of CC
    ben ─ knows ana (4, 2026-09), knows fay (1, 2026-11)
    me ─ knows dia (5), cai (3); dia knows fay (4), eli (5), cai (5); cai knows fay (5)
    cai ─ holds LIB (1, last contact 2020-11: cold); member of UNI
    eli ─ member of LIB;  hal ─ member of UNI
    LIB (Europe) and UNI (Africa) work on open access; CC (North America) on copyright
"""

from __future__ import annotations

import random
from datetime import date
from itertools import islice

import networkx as nx
import pytest

from partnergraph.analysis.graph import build_graph
from partnergraph.analysis.paths import HOP, introduction_paths
from partnergraph.analysis.warmth import arrival_cost, month_number, recency, side_cost, tie_cost
from partnergraph.io.generate import generate_network
from partnergraph.model import (
    Element,
    Kind,
    Location,
    NoPath,
    PartnergraphError,
    RelType,
    Row,
    UnknownNode,
    WrongKind,
    connection,
    validate_dataset,
)
from partnergraph.services.options import PathQuery

TODAY = date(2026, 11, 15)
RECENT = "2026-11"


def _network() -> nx.Graph:
    people = ["me", "ana", "ben", "cai", "dia", "eli", "fay", "gus", "hal", "ivy"]
    elements = [Element(p, Kind.CONTACT, p.capitalize()) for p in people]
    elements += [
        Element("wmde", Kind.AFFILIATE, "Wikimedia Deutschland", {"region": "Europe", "country": "DE"}),
        Element("cc", Kind.PARTNER, "Creative Commons", {"region": "North America", "country": "US", "status": "active"}),
        Element("lib", Kind.PARTNER, "National Library", {"region": "Europe", "country": "FR", "status": "active"}),
        Element("uni", Kind.PARTNER, "University Press", {"region": "Africa", "country": "KE", "status": "active"}),
        Element("copyright", Kind.ISSUE, "Copyright reform"),
        Element("open-access", Kind.ISSUE, "Open access"),
    ]
    member, knows, holds, works = RelType.MEMBER_OF, RelType.KNOWS, RelType.HOLDS, RelType.WORKS_ON
    connections = [
        connection("me", "wmde", member, {"since": "2019-01"}),
        connection("ben", "wmde", member, {"since": "2016-01", "until": "2020-03", "source": "staff list"}),
        connection("ana", "wmde", member, {"since": "2010-01", "until": "2015-06"}),
        connection("ana", "cc", holds, {"strength": 5, "since": "2021-01", "last_contact": "2026-10"}),
        connection("gus", "cc", holds, {"strength": 3, "last_contact": RECENT}),
        connection("ivy", "cc", member, {"since": "2020-01"}),
        connection("ben", "ana", knows, {"strength": 4, "last_contact": "2026-09"}),
        connection("ben", "fay", knows, {"strength": 1, "last_contact": RECENT}),
        connection("me", "dia", knows, {"strength": 5, "last_contact": RECENT}),
        connection("me", "cai", knows, {"strength": 3, "last_contact": RECENT}),
        connection("dia", "fay", knows, {"strength": 4, "last_contact": RECENT}),
        connection("dia", "eli", knows, {"strength": 5, "last_contact": RECENT}),
        connection("dia", "cai", knows, {"strength": 5, "last_contact": RECENT}),
        connection("cai", "fay", knows, {"strength": 5, "last_contact": RECENT}),
        connection("cai", "lib", holds, {"strength": 1, "last_contact": "2020-11"}),
        connection("cai", "uni", member, {"since": "2022-01"}),
        connection("eli", "lib", member, {"since": "2018-01"}),
        connection("hal", "uni", member, {"since": "2025-01"}),
        connection("lib", "open-access", works),
        connection("uni", "open-access", works),
        connection("cc", "copyright", works),
    ]
    return build_graph(elements, connections)


@pytest.fixture(scope="module")
def net() -> nx.Graph:
    return _network()


def paths(graph, source, target=None, **options):
    return introduction_paths(graph, source, target, today=TODAY, **options)


# -- time-aware co-membership ------------------------------------------------------------------


def test_colleagues_whose_memberships_overlap_know_each_other_through_the_organisation(net):
    [path] = paths(net, "me", "cc")
    # Not me -> ana -> cc: ana left WMDE in 2015, years before me joined.
    assert path.nodes == ["me", "ben", "ana", "cc"]
    first = path.hops[0]
    assert first.type == "MEMBER_OF" and first.via["id"] == "wmde"
    assert first.why == "Me and Ben were both members of Wikimedia Deutschland (2019-01 to 2020-03, source: staff list)"
    assert [e["from"] for e in first.evidence] == ["me", "ben"]
    assert path.hops[2].why == ("Ana holds the relationship with Creative Commons "
                                "(strength 5, since 2021-01, last contact 2026-10)")


def test_memberships_that_never_overlap_do_not_connect(net):
    with pytest.raises(NoPath):
        paths(net, "me", "ana", types=["MEMBER_OF"])
    [direct] = paths(net, "me", "ben", types=["MEMBER_OF"])
    assert direct.nodes == ["me", "ben"] and direct.length == 1


def test_current_uses_only_memberships_and_ties_without_an_end(net):
    # Ben's membership ended, so the way to him is the long one, through Dia and Fay.
    [path] = paths(net, "me", "cc", current=True)
    assert path.nodes == ["me", "dia", "fay", "ben", "ana", "cc"]
    assert not any(h.via for h in path.hops)
    with pytest.raises(NoPath):
        paths(net, "me", "ben", current=True, types=["MEMBER_OF"])


def test_a_holder_reaches_the_members_of_the_partner_they_hold(net):
    [path] = paths(net, "me", "ivy")
    assert path.nodes == ["me", "ben", "ana", "ivy"]
    last = path.hops[-1]
    assert last.type == "HOLDS" and last.via["id"] == "cc"
    assert last.why.startswith("Ana holds the relationship with Creative Commons (strength 5")
    assert last.why.endswith(", where Ivy is a member (since 2020-01)")


def test_two_holders_of_one_partner_are_not_thereby_connected(net):
    # Ana and Gus both hold Creative Commons; they meet only through Ivy, who works there.
    [path] = paths(net, "ana", "gus", types=["HOLDS", "MEMBER_OF"])
    assert path.nodes == ["ana", "ivy", "gus"]
    with pytest.raises(NoPath):
        paths(net, "ana", "gus", types=["HOLDS", "MEMBER_OF"], avoid=["ivy"])


# -- warmth ----------------------------------------------------------------------------------------


def test_hop_shortest_and_warmest_differ_when_the_short_path_is_cold(net):
    [short] = paths(net, "me", "lib")
    assert short.nodes == ["me", "cai", "lib"]
    # Cai's hold on the library is weak (1) and last used six years ago.
    assert short.hops[1].cost == pytest.approx(5 + recency(72))
    [warm] = paths(net, "me", "lib", warm=True)
    assert warm.nodes == ["me", "dia", "eli", "lib"] and warm.cost == pytest.approx(3.0)
    assert [h.type for h in warm.hops] == ["KNOWS", "KNOWS", "MEMBER_OF"]


def test_warmth_costs_follow_the_documented_rules():
    tie = {"type": "KNOWS", "last_contact": "2026-11"}
    assert [tie_cost({**tie, "strength": s}, TODAY) for s in (5, 4, 3, 2, 1)] == [1, 2, 3, 4, 5]
    assert tie_cost({"type": "KNOWS", "strength": 5}, TODAY) == 1 + 1.5  # no contact recorded: a year
    assert tie_cost({"type": "HOLDS", "strength": 5, "last_contact": "2025-11"}, TODAY) == pytest.approx(2.5)
    assert recency(0) == 0 and recency(12) == pytest.approx(1.5) and recency(24) == pytest.approx(2.25)
    member = {"type": "MEMBER_OF", "since": "2019-01"}
    assert side_cost(member, TODAY) == 1.25 and arrival_cost(member, TODAY) == 1
    assert side_cost({**member, "until": "2025-11"}, TODAY) == pytest.approx(1.25 + 1.5)
    assert month_number("2026-11-15") - month_number("2025-11") == 12


def test_equally_warm_paths_prefer_the_shorter(net):
    # me-dia-fay and me-dia-cai-fay cost 3 each... no: 1+2 = 3 and 1+1+1 = 3; the shorter wins.
    [path] = paths(net, "me", "fay", warm=True)
    assert path.nodes == ["me", "dia", "fay"] and path.cost == pytest.approx(3)


def test_equally_short_paths_are_ordered_by_warmth(net):
    [path] = paths(net, "me", "fay")
    assert path.nodes == ["me", "dia", "fay"]  # me-cai-fay is as short, but costs 4


# -- alternatives ------------------------------------------------------------------------------


def test_alternatives_share_no_intermediary_by_default(net):
    found = paths(net, "me", "fay", warm=True, k=3)
    assert [p.nodes for p in found] == [["me", "dia", "fay"], ["me", "cai", "fay"], ["me", "ben", "fay"]]
    assert [p.cost for p in found] == sorted(p.cost for p in found)
    middles = [set(p.nodes[1:-1]) for p in found]
    assert all(not (a & b) for i, a in enumerate(middles) for b in middles[i + 1:])


def test_overlap_gives_yens_k_shortest_paths(net):
    found = paths(net, "me", "fay", warm=True, k=3, overlap=True)
    assert [p.nodes for p in found] == [["me", "dia", "fay"], ["me", "dia", "cai", "fay"], ["me", "cai", "fay"]]


def test_fewer_alternatives_than_asked_is_not_an_error(net):
    found = paths(net, "me", "lib", k=5)
    assert 1 <= len(found) < 5
    reached = [p.nodes[-2] for p in found]
    assert len(set(reached)) == len(reached)


# -- constraints -------------------------------------------------------------------------------


def test_max_hops_finds_the_warmest_path_that_is_short_enough(net):
    [path] = paths(net, "me", "lib", warm=True, max_hops=2)
    assert path.nodes == ["me", "cai", "lib"]
    with pytest.raises(NoPath):
        paths(net, "me", "lib", max_hops=1)


def test_avoiding_people_or_organisations(net):
    [path] = paths(net, "me", "lib", warm=True, avoid=["dia"])
    assert "dia" not in path.nodes
    [around] = paths(net, "me", "cc", avoid=["wmde"])  # no passing through WMDE
    assert around.nodes == ["me", "dia", "fay", "ben", "ana", "cc"]
    with pytest.raises(NoPath):
        paths(net, "me", "cc", avoid=["ben"])


def test_types_limit_the_relationships_used(net):
    with pytest.raises(NoPath):
        paths(net, "me", "ben", types=["MEMBER_OF", "HOLDS"], avoid=["wmde"])
    with pytest.raises(NoPath):
        paths(net, "me", "ivy", types=["KNOWS", "MEMBER_OF"])  # only Ana's hold on CC leads to Ivy
    [path] = paths(net, "me", "fay", types=["knows"])
    assert {h.type for h in path.hops} == {"KNOWS"}
    with pytest.raises(PartnergraphError):
        paths(net, "me", "fay", types=["PARTNERS_WITH"])


def test_via_issue_prefers_introducers_who_work_on_it(net):
    [plain] = paths(net, "me", "fay", warm=True)
    [on_issue] = paths(net, "me", "fay", warm=True, via_issue="open-access")
    assert plain.nodes == ["me", "dia", "fay"]
    assert on_issue.nodes == ["me", "cai", "fay"]  # cai is at UNI, which works on open access
    assert on_issue.on_issue == ["cai"] and on_issue.cost == pytest.approx(4)


# -- targets -----------------------------------------------------------------------------------


def test_an_organisation_is_reached_through_a_member_or_a_holder(net):
    [path] = paths(net, "me", "uni")
    assert path.nodes == ["me", "cai", "uni"] and path.hops[-1].type == "MEMBER_OF"
    assert path.hops[-1].why == "Cai is a member of University Press (since 2022-01)"


def test_a_question_reaches_anyone_at_a_partner_on_an_issue_in_a_region(net):
    [path] = paths(net, "me", to_issue="open-access", to_region="Africa")
    assert path.nodes == ["me", "cai", "uni"]
    [europe] = paths(net, "me", to_issue="open-access", to_region="europe")
    assert europe.nodes[-1] == "lib"
    [anywhere] = paths(net, "me", to_issue="open-access", warm=True)
    assert anywhere.nodes == ["me", "dia", "cai", "uni"]  # 1 + 1 + 1: warmer than any way into the library
    with pytest.raises(NoPath):
        paths(net, "me", to_issue="copyright", to_region="Africa")
    with pytest.raises(PartnergraphError):
        paths(net, "me")


def test_an_organisation_as_the_start_sets_out_through_its_people(net):
    [path] = paths(net, "wmde", "cc")
    assert path.nodes == ["wmde", "ana", "cc"]  # Ana left WMDE in 2015, but she was a member
    assert path.hops[0].source == "wmde" and path.hops[0].type == "MEMBER_OF"
    assert path.hops[0].why == "Ana was a member of Wikimedia Deutschland (2010-01 to 2015-06)"


def test_a_member_of_the_target_is_one_hop_away(net):
    [path] = paths(net, "cai", "uni")
    assert path.nodes == ["cai", "uni"] and path.length == 1


def test_unknown_ends_issues_as_ends_and_degenerate_questions_are_errors(net):
    with pytest.raises(UnknownNode):
        paths(net, "me", "nobody")
    with pytest.raises(UnknownNode):
        paths(net, "me", "fay", avoid=["nobody"])
    with pytest.raises(WrongKind):
        paths(net, "me", "copyright")
    with pytest.raises(WrongKind):
        paths(net, "me", "fay", via_issue="dia")
    with pytest.raises(NoPath):
        paths(net, "me", "me")
    with pytest.raises(NoPath):
        paths(net, "me", "fay", avoid=["fay"])


def test_paths_never_use_partnerships_or_issues():
    elements = [Element("a", Kind.CONTACT, "A"), Element("b", Kind.CONTACT, "B"),
                Element("x", Kind.AFFILIATE, "X"), Element("y", Kind.PARTNER, "Y"), Element("i", Kind.ISSUE, "I")]
    connections = [connection("a", "x", RelType.MEMBER_OF), connection("b", "y", RelType.MEMBER_OF),
                   connection("x", "y", RelType.PARTNERS_WITH), connection("x", "i", RelType.WORKS_ON),
                   connection("y", "i", RelType.WORKS_ON)]
    with pytest.raises(NoPath):
        introduction_paths(build_graph(elements, connections), "a", "b")


# -- the search against the obvious construction ------------------------------------------------


def _generated(people: int, ties: int, seed: int) -> nx.Graph:
    element_rows, connection_rows = generate_network(people, ties, seed=seed, events=0)
    dataset = validate_dataset([Row(v, Location("e", i)) for i, v in enumerate(element_rows)],
                               [Row(v, Location("c", i)) for i, v in enumerate(connection_rows)])
    return build_graph(dataset.elements, dataset.connections)


def _overlap(r1, r2) -> bool:
    def period(r):
        start, end = month_number(r.get("since")), month_number(r.get("until"))
        return (-10**9 if start is None else start, 10**9 if end is None else end)
    (s1, e1), (s2, e2) = period(r1), period(r2)
    return s1 <= e2 and s2 <= e1


def people_graph(graph: nx.Graph, targets: list[str]) -> nx.Graph:
    """Return every pair of people who know each other, with the cheapest way, built naively.

    Each organisation in `targets` is a node "@id", joined to its members and holders.
    """
    result = nx.Graph()
    result.add_nodes_from(n for n, k in graph.nodes(data="kind") if k == "contact")

    def add(u, v, cost):
        if not result.has_edge(u, v) or cost < result.edges[u, v]["cost"]:
            result.add_edge(u, v, cost=cost)

    attached: dict[str, list[dict]] = {}
    for _, _, relations in graph.edges(data="relations"):
        for r in relations:
            if r["type"] == "KNOWS":
                add(r["from"], r["to"], tie_cost(r, TODAY))
            elif r["type"] in ("MEMBER_OF", "HOLDS"):
                attached.setdefault(r["to"], []).append(r)
    for org, relations in attached.items():
        for i, r1 in enumerate(relations):
            for r2 in relations[i + 1:]:
                both_hold = r1["type"] == r2["type"] == "HOLDS"
                if r1["from"] != r2["from"] and not both_hold and _overlap(r1, r2):
                    add(r1["from"], r2["from"], side_cost(r1, TODAY) + side_cost(r2, TODAY))
        if org in targets:
            for r in relations:
                add(r["from"], "@" + org, arrival_cost(r, TODAY))
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shortest_and_warmest_match_networkx_on_the_people_graph(seed):
    graph = _generated(150, 700, seed)
    people = sorted(n for n, k in graph.nodes(data="kind") if k == "contact")
    partners = sorted(n for n, k in graph.nodes(data="kind") if k == "partner")
    rng = random.Random(seed)
    checked = 0
    for _ in range(60):
        source = rng.choice(people)
        target = rng.choice(people + partners)
        end = "@" + target if target in partners else target
        if source == target:
            continue
        reference = people_graph(graph, [target])
        hop_weight = lambda u, v, d: HOP + d["cost"]  # noqa: E731
        if not nx.has_path(reference, source, end):
            with pytest.raises(NoPath):
                paths(graph, source, target)
            continue
        [short] = paths(graph, source, target)
        [warm] = paths(graph, source, target, warm=True)
        expected_short = nx.dijkstra_path_length(reference, source, end, weight=hop_weight)
        assert short.length * HOP + short.cost == pytest.approx(expected_short, abs=1e-6)
        assert short.length == nx.shortest_path_length(reference, source, end)
        assert warm.cost == pytest.approx(nx.dijkstra_path_length(reference, source, end, weight="cost"), abs=1e-6)
        # Each hop's cost is the cheapest way those two people know each other.
        walk = [n if n not in partners else "@" + n for n in warm.nodes]
        assert sum(reference.edges[u, v]["cost"] for u, v in zip(walk, walk[1:], strict=False)) == pytest.approx(warm.cost)
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("seed", [4, 5])
def test_overlapping_alternatives_are_networkx_shortest_simple_paths(seed):
    graph = _generated(80, 300, seed)
    people = sorted(n for n, k in graph.nodes(data="kind") if k == "contact")
    reference = people_graph(graph, [])
    rng = random.Random(seed)
    checked = 0
    for _ in range(25):
        source, target = rng.sample(people, 2)
        if not nx.has_path(reference, source, target):
            continue
        ours = paths(graph, source, target, warm=True, k=4, overlap=True)
        theirs = list(islice(nx.shortest_simple_paths(reference, source, target, weight="cost"), 4))
        expected = [nx.path_weight(reference, p, "cost") for p in theirs]
        assert [p.cost for p in ours] == pytest.approx(expected, abs=1e-6)
        assert len({tuple(p.nodes) for p in ours}) == len(ours)
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("seed", [6, 7])
def test_warmest_within_a_hop_limit_matches_brute_force(seed):
    graph = _generated(40, 120, seed)
    people = sorted(n for n, k in graph.nodes(data="kind") if k == "contact")
    reference = people_graph(graph, [])
    rng = random.Random(seed)
    checked = 0
    for _ in range(30):
        source, target = rng.sample(people, 2)
        candidates = list(nx.all_simple_paths(reference, source, target, cutoff=2))
        if not candidates:
            with pytest.raises(NoPath):
                paths(graph, source, target, warm=True, max_hops=2)
            continue
        best = min(nx.path_weight(reference, p, "cost") for p in candidates)
        [ours] = paths(graph, source, target, warm=True, max_hops=2)
        assert ours.length <= 2 and ours.cost == pytest.approx(best, abs=1e-6)
        checked += 1
    assert checked >= 10


def test_distinct_alternatives_on_a_generated_network_share_no_intermediary():
    graph = _generated(150, 700, 8)
    people = sorted(n for n, k in graph.nodes(data="kind") if k == "contact")
    rng = random.Random(8)
    for _ in range(20):
        source, target = rng.sample(people, 2)
        try:
            found = paths(graph, source, target, warm=True, k=4)
        except NoPath:
            continue
        middles = [set(p.nodes[1:-1]) for p in found]
        assert all(not (a & b) for i, a in enumerate(middles) for b in middles[i + 1:])
        assert [p.cost for p in found] == sorted(p.cost for p in found)


# -- through the store (both stores) ------------------------------------------------------------


def test_the_graph_and_its_path_index_are_reused_until_a_write_changes_the_store(small):
    graph = small.cache.graph()
    before = small.questions.path(PathQuery("ana", "lib", today=TODAY))
    index = graph.graph["path_index"]
    assert small.cache.graph() is graph and graph.graph["path_index"] is index
    assert [n["id"] for n in before["paths"][0]["nodes"]] == ["ana", "ben", "lib"]
    row = {"from": "ana", "to": "lib", "type": "HOLDS", "strength": "5", "last_contact": "2026-11"}
    small.data.import_rows([], [Row(row, Location("new.csv", 2))])
    assert small.cache.graph() is not graph
    after = small.questions.path(PathQuery("ana", "lib", today=TODAY))
    assert [n["id"] for n in after["paths"][0]["nodes"]] == ["ana", "lib"]


def test_paths_take_names_for_ends_avoided_people_and_issues(small):
    answer = small.questions.path(PathQuery("Ana Lima", to_issue="Open access", to_region="KE", avoid=["Dia Mwangi"],
                        via_issue="Copyright reform", today=TODAY))
    assert answer["to"] == {"issue": "open-access", "region": "KE"}
    assert answer["paths"] == [] and "no path" in answer["reason"]
    found = small.questions.path(PathQuery("Ana Lima", to_issue="Open access", to_region="KE", today=TODAY))
    assert [n["id"] for n in found["paths"][0]["nodes"]] == ["ana", "cai", "dia", "uni"]
