"""The briefing: whom to meet at an event, why they matter, and who introduces you (attendees preferred).

The hand-made conference network is drawn in tests/data/events/README.md; today is 2026-06-01.
Ben's warmest way to Olga (speaking at the Rights Summit 2026) is through Cat (cost 4.65), who is
not going; through Ana (5.34), who is registered, is 0.69 less warm: the briefing prefers Ana.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from conftest import EVENTS_NETWORK
from partnergraph.analysis.briefing import briefing
from partnergraph.analysis.graph import build_graph
from partnergraph.analysis.paths import introduction_paths
from partnergraph.io.reader import read_rows
from partnergraph.model import WrongKind, validate_dataset

TODAY = date(2026, 6, 1)


def network(path: Path | None = None) -> nx.Graph:
    dataset = validate_dataset(*read_rows(path or EVENTS_NETWORK))
    return build_graph(dataset.elements, dataset.connections)


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    return network()


def test_an_attendee_introducer_is_preferred_over_a_slightly_warmer_one_who_is_not_going(graph):
    plain = introduction_paths(graph, "c-ben", "p-olga", warm=True, today=TODAY)[0]
    assert plain.nodes == ["c-ben", "c-cat", "p-olga"] and round(plain.cost, 2) == 4.65
    found = briefing(graph, "ev-summit", "c-ben", today=TODAY)
    [partner] = found["partners"]
    assert partner["id"] == "par-orw" and partner["needs"] == ["unheld"] and partner["shared_issues"] == ["iss-copy"]
    assert partner["why"] == ["the partnership is held by nobody", "shares your issues: Copyright",
                              "organises the event", "Olga Ost speaks"]
    [olga] = partner["people"]
    introduction = olga["introduction"]
    assert introduction["introducer"] == {"id": "c-ana", "name": "Ana Alves", "kind": "contact", "attends": True,
                                          "status": "registered"}
    assert introduction["cost"] == 5.337 and introduction["warmth"] == "lukewarm"  # the path's own cost
    assert introduction["say"] == "ask Ana Alves (also at the event) to introduce you to Olga Ost: lukewarm, 2 hops"
    assert found["for"]["status"] is None and [a["id"] for a in found["for"]["affiliates"]] == ["aff-de"]


def test_a_much_warmer_introducer_who_is_not_going_still_wins(tmp_path):
    data = json.loads(EVENTS_NETWORK.read_text(encoding="utf-8"))
    for row in data["connections"]:
        if (row["from"], row["to"]) == ("c-cat", "p-olga"):
            row.update(strength=5, last_contact="2026-05")  # Cat's way now costs 3.34: 2 warmer than Ana's
    (tmp_path / "network.json").write_text(json.dumps(data), encoding="utf-8")
    found = briefing(network(tmp_path / "network.json"), "ev-summit", "c-ben", today=TODAY)
    introducer = found["partners"][0]["people"][0]["introduction"]["introducer"]
    assert (introducer["id"], introducer["attends"], introducer["status"]) == ("c-cat", False, None)


def test_someone_who_knows_the_partner_person_already_needs_no_introducer(graph):
    found = briefing(graph, "ev-summit", "c-ana", today=TODAY)
    assert found["for"]["status"] == "registered"
    introduction = found["partners"][0]["people"][0]["introduction"]
    assert introduction["direct"] is True and introduction["introducer"] is None
    assert introduction["say"].startswith("you know Olga Ost directly")


def test_an_organisation_with_none_of_its_people_there_gets_an_introduction_to_itself(graph):
    found = briefing(graph, "ev-press", "c-dan", today=TODAY)
    [press] = found["partners"]
    assert press["people"] == [] and press["needs"] == ["stale"] and press["why"][-1] == "organises the event"
    # Dan and Otto both attended the 2025 summit; Otto is at Old Press.
    path = press["introduction"]["path"]
    assert [n["id"] for n in path["nodes"]] == ["c-dan", "p-otto", "par-old"]
    assert path["hops"][0]["type"] == "ATTENDS"
    assert press["introduction"]["introducer"]["id"] == "p-otto"


def test_a_briefing_needs_an_event_and_a_person(graph):
    with pytest.raises(WrongKind):
        briefing(graph, "par-orw", "c-ben", today=TODAY)
    with pytest.raises(WrongKind):
        briefing(graph, "ev-summit", "aff-de", today=TODAY)


def test_the_briefing_command_prints_the_json_contract_and_a_readable_text(events_cli):
    done = events_cli("briefing", "Rights Summit 2026", "--for", "Ben Brandt", "--as-of", "2026-06-01", "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["event"]["id"] == "ev-summit" and result["for"]["id"] == "c-ben"
    person = result["partners"][0]["people"][0]
    assert person["introduction"]["introducer"]["id"] == "c-ana"
    assert [n["id"] for n in person["introduction"]["path"]["nodes"]] == ["c-ben", "c-ana", "p-olga"]
    text = events_cli("briefing", "ev-summit", "--for", "c-ben", "--as-of", "2026-06-01")
    assert text.exit_code == 0
    assert "Olga Ost (speaker, planned): ask Ana Alves (also at the event)" in text.output


def test_an_advocate_chooses_how_many_introductions_a_briefing_searches(events_cli):
    none = events_cli("briefing", "ev-summit", "--for", "c-ben", "--as-of", "2026-06-01", "--introductions", "0")
    assert none.exit_code == 0, none.output
    assert ("Olga Ost (speaker, planned): introduction not searched (only for the first 0: --introductions N for more)"
            in none.output)
    bad = events_cli("briefing", "ev-summit", "--for", "c-ben", "--introductions", "-1")
    assert bad.exit_code == 2 and "--introductions" in bad.output
