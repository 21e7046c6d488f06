"""Co-attendance as an introduction: two people who both attended an event are one hop.

The hand-made conference network (today is 2026-11-15), in both stores:

    RightsSummit 2025 (BE, Europe, 2025-03-10..12): Mara (speaker, attended), Uri (attended),
        Pia (planned), Rey (registered)
    Forum 2027 (2027-05-01..02): Mara and Noa, no status (planned until it starts)
    Uri holds Creative Commons (4, last contact 2026-10); Pia holds Open Library (5);
    Noa holds Future Press (5); Mara and Uri share nothing else

So Mara reaches Creative Commons only through the summit, never reaches Pia, Rey or Noa (their
attendance is no hop), and reaches Noa once Forum 2027 has started. The warmth tests use graphs
built in memory: an event of 3,000 is crossed without a clique.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date
from itertools import islice
from pathlib import Path

import networkx as nx
import pytest

from partnergraph.analysis import brokers
from partnergraph.analysis.attendance import attended
from partnergraph.analysis.explain import date_range, describe_attendance
from partnergraph.analysis.graph import build_graph
from partnergraph.analysis.path_index import build_path_index, path_index
from partnergraph.analysis.paths import HOP, introduction_paths
from partnergraph.analysis.warmth import (
    ATTENDANCE_BASE,
    MEMBERSHIP_SIDE,
    co_attendance_cost,
    event_size_cost,
    recency,
)
from partnergraph.io.generate import generate_network
from partnergraph.model import Element, Kind, Location, NoPath, RelType, Row, connection, validate_dataset
from partnergraph.services import Workspace
from partnergraph.services.options import PathQuery
from test_paths import people_graph

TODAY = date(2026, 11, 15)
SUMMIT = {"id": "summit", "name": "RightsSummit 2025", "kind": "event"}
WHY = "Mara Ek and Uri Vos both attended RightsSummit 2025 (Belgium, 2025-03-10 to 12; Mara spoke)"

ELEMENTS = """id,kind,name,country,region,start,end,status
mara,contact,Mara Ek,,,,,
uri,contact,Uri Vos,,,,,
pia,contact,Pia Lund,,,,,
rey,contact,Rey Gomez,,,,,
noa,contact,Noa Stein,,,,,
cc,partner,Creative Commons,US,North America,,,active
lib,partner,Open Library,FR,Europe,,,active
fut,partner,Future Press,KE,Africa,,,active
summit,event,RightsSummit 2025,BE,Europe,2025-03-10,2025-03-12,
forum,event,Forum 2027,,Africa,2027-05-01,2027-05-02,
"""
CONNECTIONS = """from,to,type,strength,last_contact,role,status,source
uri,cc,HOLDS,4,2026-10,,,
pia,lib,HOLDS,5,2026-11,,,
noa,fut,HOLDS,5,2026-11,,,
mara,summit,ATTENDS,,,speaker,attended,
uri,summit,ATTENDS,,,,attended,
pia,summit,ATTENDS,,,,planned,
rey,summit,ATTENDS,,,,registered,
mara,forum,ATTENDS,,,,,
noa,forum,ATTENDS,,,,,
"""


@pytest.fixture
def conference(workspace: Workspace, tmp_path: Path) -> Workspace:
    folder = tmp_path / "conference"
    folder.mkdir()
    (folder / "elements.csv").write_text(ELEMENTS)
    (folder / "connections.csv").write_text(CONNECTIONS)
    workspace.data.import_path(folder)
    return workspace


def ask(ws: Workspace, source: str, target: str, **options) -> dict:
    return ws.questions.path(PathQuery(source, target, **{"today": TODAY, **options}))


def ids(path: dict) -> list[str]:
    return [n["id"] for n in path["nodes"]]


# -- through the store (both stores) ------------------------------------------------------------


def test_an_advocate_reaches_a_partner_only_through_a_past_conference(conference):
    for warm in (False, True):
        [path] = ask(conference, "mara", "cc", warm=warm)["paths"]
        assert ids(path) == ["mara", "uri", "cc"]
        hop = path["hops"][0]
        assert hop["type"] == "ATTENDS" and hop["via"] == SUMMIT and hop["why"] == WHY
        assert [(e["from"], e["to"], e["status"]) for e in hop["evidence"]] == [
            ("mara", "summit", "attended"), ("uri", "summit", "attended")]
        # Two attended, 20 months ago: the base and the recency of the summit's end.
        assert hop["cost"] == round(ATTENDANCE_BASE + recency(20), 3) == 5.055
        assert "through 1 event both attended" in path["rank_reason"]


def test_planned_or_registered_attendance_makes_no_introduction(conference):
    for other in ("pia", "rey", "lib", "noa", "fut"):
        answer = ask(conference, "mara", other)
        assert answer["paths"] == [] and "no path" in answer["reason"], other
    # With no status, attendance is read by the event's dates: once Forum 2027 has begun, Mara went.
    [path] = ask(conference, "mara", "fut", today=date(2027, 6, 1))["paths"]
    assert ids(path) == ["mara", "noa", "fut"] and path["hops"][0]["via"]["id"] == "forum"
    assert path["hops"][0]["why"] == "Mara Ek and Noa Stein both attended Forum 2027 (Africa, 2027-05-01 to 02)"


def test_types_without_attends_and_current_leave_conferences_out(conference):
    assert ask(conference, "mara", "cc", types=("KNOWS", "HOLDS", "MEMBER_OF"))["paths"] == []
    assert ask(conference, "mara", "cc", current=True)["paths"] == []
    [path] = ask(conference, "mara", "uri", types=("ATTENDS",))["paths"]
    assert ids(path) == ["mara", "uri"] and path["hops"][0]["type"] == "ATTENDS"


def test_a_reader_without_personal_data_never_gets_a_hop_through_a_conference(conference):
    answer = ask(conference, "mara", "cc", personal=False)
    assert answer["paths"] == [] and "no path" in answer["reason"]
    only = ask(conference, "mara", "uri", personal=False, types=("ATTENDS",))
    assert only["paths"] == [] and "personal data" in only["reason"]


def test_an_attendance_confirmed_by_an_edit_opens_the_way_without_a_rebuild(conference):
    conference.cache.path_graph()
    rebuilds = conference.cache.rebuilds
    assert ask(conference, "mara", "lib")["paths"] == []
    conference.editing.update_connection("pia", "summit", "ATTENDS", {"status": "attended"}, actor="t", source="test")
    graph = conference.cache.path_graph()  # the edit applied to a copy of the graph, its index kept, costs redone
    index = graph.graph["path_index"]
    assert conference.cache.rebuilds == rebuilds
    [path] = ask(conference, "mara", "lib")["paths"]
    assert ids(path) == ["mara", "pia", "lib"]
    # Three went now: the summit is still small, and the kept index answers as a new one would.
    fresh = build_path_index(graph)
    assert index.costs(TODAY).side == fresh.costs(TODAY).side
    # Moving the summit to this month: no recency any more (an event's dates derive the index anew).
    conference.editing.update_element("summit", {"start": "2026-11-02", "end": "2026-11-04"}, actor="t", source="test")
    [path] = ask(conference, "mara", "cc")["paths"]
    assert path["hops"][0]["cost"] == ATTENDANCE_BASE
    assert path["hops"][0]["why"] == WHY.replace("2025-03-10 to 12", "2026-11-02 to 04")


def test_the_cli_path_json_shows_the_conference_hop(conference, cli):
    result = cli("path", "Mara Ek", "Creative Commons", "--json", "--as-of", "2026-11-15")
    assert result.exit_code == 0, result.output
    hop = json.loads(result.output)["paths"][0]["hops"][0]
    assert hop["via"] == SUMMIT and hop["why"] == WHY
    text = cli("path", "mara", "cc", "--as-of", "2026-11-15", "--types", "attends,holds")
    assert WHY in text.output
    bad = cli("path", "mara", "cc", "--types", "ATTENDED")
    assert bad.exit_code == 2 and "ATTENDS" in bad.output


# -- warmth: size, recency, and co-membership first (in memory) ---------------------------------


def _people(n: int, prefix: str) -> list[Element]:
    return [Element(f"{prefix}{i}", Kind.CONTACT, f"{prefix.capitalize()} {i}") for i in range(n)]


def _attended(event: str, people: list[str]) -> list:
    return [connection(p, event, RelType.ATTENDS, {"status": "attended"}) for p in people]


def _graph(events: dict[str, tuple[str, int]], *, members: bool = False) -> nx.Graph:
    """Me and You at each event (name -> (start, attendees in all)); maybe both members of one org."""
    elements = [Element("me", Kind.CONTACT, "Me Lee"), Element("you", Kind.CONTACT, "You Park"),
                Element("org", Kind.AFFILIATE, "Org")]
    connections = []
    for event, (start, size) in events.items():
        elements.append(Element(event, Kind.EVENT, event.capitalize(), {"start": start, "end": start}))
        others = _people(size - 2, event)
        elements += others
        connections += _attended(event, ["me", "you", *(p.id for p in others)])
    if members:
        connections += [connection(p, "org", RelType.MEMBER_OF, {"since": "2020-01"}) for p in ("me", "you")]
    return build_graph(elements, connections)


def test_a_small_recent_meeting_is_warmer_than_a_big_old_conference():
    assert event_size_cost(5) == event_size_cost(10) == 0.0
    assert event_size_cost(30) == pytest.approx(0.716, abs=1e-3)
    assert event_size_cost(3000) == pytest.approx(3.716, abs=1e-3)
    graph = _graph({"meeting": ("2026-10-02", 30), "expo": ("2019-06-01", 3000)})
    [warm] = introduction_paths(graph, "me", "you", warm=True, today=TODAY)
    assert warm.hops[0].via["id"] == "meeting"
    assert warm.cost == pytest.approx(co_attendance_cost(30, {"start": "2026-10-02"}, TODAY))
    # The expo is the other way (an event may be avoided like an organisation), and the colder.
    [cold] = introduction_paths(graph, "me", "you", warm=True, avoid=["meeting"], today=TODAY)
    assert cold.hops[0].via["id"] == "expo" and cold.cost > warm.cost + 3
    # Size alone, and recency alone, order the warmth too.
    assert co_attendance_cost(30, {"start": "2025-01"}, TODAY) < co_attendance_cost(3000, {"start": "2025-01"}, TODAY)
    assert co_attendance_cost(30, {"start": "2026-10"}, TODAY) < co_attendance_cost(30, {"start": "2020-10"}, TODAY)


def test_co_membership_is_warmer_than_co_attendance():
    graph = _graph({"meeting": ("2026-11-01", 3)}, members=True)
    [path] = introduction_paths(graph, "me", "you", warm=True, today=TODAY)
    assert path.hops[0].type == "MEMBER_OF" and path.cost == 2 * MEMBERSHIP_SIDE
    assert co_attendance_cost(3, {"start": "2026-11-01"}, TODAY) == ATTENDANCE_BASE > path.cost
    [only] = introduction_paths(graph, "me", "you", warm=True, types=["ATTENDS"], today=TODAY)
    assert only.hops[0].type == "ATTENDS" and only.cost == ATTENDANCE_BASE


def test_a_conference_of_thousands_is_crossed_without_a_clique_and_brokers_leave_it_out():
    graph = _graph({"expo": ("2019-06-01", 3000)})
    index = path_index(graph)
    expo = index.number["expo"]
    assert not any(index.knows) and len(index.org_atts[expo]) == 3000  # attachments, no person-to-person ties
    [path] = introduction_paths(graph, "expo7", "you", today=TODAY)
    assert path.nodes == ["expo7", "you"] and path.hops[0].type == "ATTENDS"
    ties = brokers.tie_graph(graph)
    assert "expo" not in ties and ties.number_of_edges() == 0


def test_attendance_hops_read_the_day_asked_about():
    elements = [Element("me", Kind.CONTACT, "Me Lee"), Element("you", Kind.CONTACT, "You Park"),
                Element("camp", Kind.EVENT, "Camp", {"start": "2026-12-01"})]
    # No status: planned until the camp starts, attended from its first day.
    graph = build_graph(elements, [connection(p, "camp", RelType.ATTENDS, {}) for p in ("me", "you")])
    with pytest.raises(NoPath):
        introduction_paths(graph, "me", "you", today=TODAY)
    [path] = introduction_paths(graph, "me", "you", today=date(2026, 12, 2))
    assert path.hops[0].via["id"] == "camp"


def test_the_hop_says_the_place_the_dates_compactly_and_who_played_a_part():
    assert date_range("2025-03-10", "2025-03-12") == "2025-03-10 to 12"
    assert date_range("2025-03-30", "2025-04-02") == "2025-03-30 to 04-02"
    assert date_range("2025-12-30", "2026-01-02") == "2025-12-30 to 2026-01-02"
    assert date_range("2025-03-10", "2025-03-10") == date_range("2025-03-10", None) == "2025-03-10"
    graph = build_graph([Element("a", Kind.CONTACT, "Ada Ray"), Element("b", Kind.CONTACT, "Bo Li"),
                         Element("e", Kind.EVENT, "Camp", {"country": "BE", "region": "Europe"})], [])
    a = {"type": "ATTENDS", "from": "a", "to": "e", "role": "speaker", "source": "programme"}
    b = {"type": "ATTENDS", "from": "b", "to": "e", "role": "speaker"}
    assert describe_attendance(graph, a, b) == "Ada Ray and Bo Li both attended Camp (Europe; Ada and Bo spoke; source: programme)"
    assert describe_attendance(graph, a, b, countries={"BE": "Belgium"}, hidden=("role", "source")) == (
        "Ada Ray and Bo Li both attended Camp (Belgium)")


# -- the search against the obvious construction: events as cliques of those who went ----------


def _with_events(seed: int, people: int = 120, ties: int = 400, events: int = 25) -> nx.Graph:
    """Return a generated network plus seeded events: mostly small, a few big, past and future, all statuses."""
    element_rows, connection_rows = generate_network(people, ties, seed=seed, events=0)
    dataset = validate_dataset([Row(v, Location("e", i)) for i, v in enumerate(element_rows)],
                               [Row(v, Location("c", i)) for i, v in enumerate(connection_rows)])
    contacts = sorted(e.id for e in dataset.elements if e.kind is Kind.CONTACT)
    rng = random.Random(seed)
    for number in range(events):
        event = f"ev-{number}"
        start = f"{rng.randint(2016, 2027)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        dataset.elements.append(Element(event, Kind.EVENT, f"Event {number}", {"start": start, "end": start}))
        for person in rng.sample(contacts, rng.choice((2, 3, 4, 6, 10, 40))):
            status = rng.choice(("attended", "attended", "planned", "registered", None))
            dataset.connections.append(connection(person, event, RelType.ATTENDS, {"status": status} if status else {}))
    return build_graph(dataset.elements, dataset.connections)


def _reference(graph: nx.Graph, targets: list[str]) -> nx.Graph:
    """Return the people graph of test_paths plus, per event, a clique of those who went at its cost."""
    result = people_graph(graph, targets)
    for event, kind in graph.nodes(data="kind"):
        if kind != "event":
            continue
        data = graph.nodes[event]
        went = [p for p in graph[event] if attended(graph.edges[p, event]["relations"][0], data, TODAY)]
        cost = co_attendance_cost(len(went), data, TODAY)
        for i, u in enumerate(went):
            for v in went[i + 1:]:
                if not result.has_edge(u, v) or cost < result.edges[u, v]["cost"]:
                    result.add_edge(u, v, cost=cost)
    return result


@pytest.mark.parametrize("seed", [11, 12])
def test_paths_through_events_match_networkx_on_the_people_graph_with_event_cliques(seed):
    graph = _with_events(seed)
    people = sorted(n for n, k in graph.nodes(data="kind") if k == "contact")
    partners = sorted(n for n, k in graph.nodes(data="kind") if k == "partner")
    rng = random.Random(seed)
    checked = through_events = 0
    for _ in range(40):
        source, target = rng.choice(people), rng.choice(people + partners)
        end = "@" + target if target in partners else target
        reference = _reference(graph, [target])
        if source == target or not nx.has_path(reference, source, end):
            continue
        [short] = introduction_paths(graph, source, target, today=TODAY)
        [warm] = introduction_paths(graph, source, target, warm=True, today=TODAY)
        hop_weight = lambda u, v, d: HOP + d["cost"]  # noqa: E731
        assert short.length * HOP + short.cost == pytest.approx(
            nx.dijkstra_path_length(reference, source, end, weight=hop_weight), abs=1e-6)
        assert warm.cost == pytest.approx(nx.dijkstra_path_length(reference, source, end, weight="cost"), abs=1e-6)
        within = [p for p in nx.all_simple_paths(reference, source, end, cutoff=2)]
        if within:
            [limited] = introduction_paths(graph, source, target, warm=True, max_hops=2, today=TODAY)
            assert limited.cost == pytest.approx(min(nx.path_weight(reference, p, "cost") for p in within), abs=1e-6)
        through_events += any(h.type == "ATTENDS" for h in (*short.hops, *warm.hops))
        checked += 1
    assert checked >= 15 and through_events >= 3


def test_overlapping_alternatives_through_events_are_networkx_shortest_simple_paths():
    graph = _with_events(13, people=60, ties=120, events=20)
    people = sorted(n for n, k in graph.nodes(data="kind") if k == "contact")
    reference = _reference(graph, [])
    rng = random.Random(13)
    checked = 0
    for _ in range(20):
        source, target = rng.sample(people, 2)
        if not nx.has_path(reference, source, target):
            continue
        ours = introduction_paths(graph, source, target, warm=True, k=3, overlap=True, today=TODAY)
        theirs = list(islice(nx.shortest_simple_paths(reference, source, target, weight="cost"), 3))
        assert [p.cost for p in ours] == pytest.approx([nx.path_weight(reference, p, "cost") for p in theirs], abs=1e-6)
        checked += 1
    assert checked >= 8


def test_the_readme_and_the_paths_page_give_the_co_attendance_costs_the_search_uses():
    root = Path(__file__).resolve().parents[1]
    today = date(2026, 12, 15)
    ends = ("2026-12-01", "2025-12-01", "2023-12-01")  # this month, a year ago, three years ago
    for page in ("README.md", "docs/paths.md"):
        text = (root / page).read_text(encoding="utf-8")
        for size, label in ((10, "10 or fewer"), (30, "30"), (300, "300"), (3000, "3,000")):
            costs = " | ".join(f"{co_attendance_cost(size, {'end': end}, today):.1f}" for end in ends)
            assert re.search(rf"\| {re.escape(label)}( attended)? \| {re.escape(costs)} \|", text), (page, label, costs)
