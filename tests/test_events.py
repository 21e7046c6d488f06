"""Which conference to attend: events ranked by the partners present, with reasons; the event page and listing.

The hand-made conference network is drawn in tests/data/events/README.md; today is 2026-06-01.
The ranking's arithmetic (docs/events.md#which-conference-to-attend): each partner present is
worth 1; for an affiliate 1 on its issues, +0.5 in its region, 0.25 for neither; times one plus
its needs (held by nobody 1, by one person 0.5, stale 0.5, prospective 0.5); each of our people
there +0.25.
"""

from __future__ import annotations

import json
from datetime import date

import networkx as nx
import pytest

from conftest import EVENTS_NETWORK
from partnergraph.analysis.events import event_page, list_events, rank_events
from partnergraph.analysis.graph import build_graph
from partnergraph.io.reader import read_rows
from partnergraph.model import UnknownNode, WrongKind, validate_dataset
from partnergraph.services.options import EventsQuery

TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    dataset = validate_dataset(*read_rows(EVENTS_NETWORK))
    return build_graph(dataset.elements, dataset.connections)


def ranked(graph: nx.Graph, **options) -> list[tuple[str, float]]:
    return [(e["id"], e["score"]) for e in rank_events(graph, today=TODAY, **options)]


def by_id(graph: nx.Graph, **options) -> dict[str, dict]:
    return {e["id"]: e for e in rank_events(graph, today=TODAY, **options)}


def test_an_advocate_sees_upcoming_events_ranked_by_the_partners_present(graph):
    # Each event has one partner present; the unheld one doubles its worth, the other needs add half.
    assert ranked(graph, when="upcoming") == [
        ("ev-summit", 2.25), ("ev-alliance", 1.5), ("ev-lib", 1.5), ("ev-press", 1.5), ("ev-fair", 1.0),
        ("ev-meet", 0.25)]


@pytest.mark.parametrize(("event", "need", "reason"), [
    ("ev-summit", "unheld", "1 held by nobody (Open Rights Watch)"),
    ("ev-lib", "single_holder", "1 held by one person (Libre Library)"),
    ("ev-press", "stale", "1 held only through stale ties (Old Press)"),
    ("ev-alliance", "prospective", "1 prospective (New Alliance)"),
])
def test_a_partner_that_needs_a_relationship_ranks_its_event_up_and_says_why(graph, event, need, reason):
    found = by_id(graph, when="upcoming")
    assert found[event]["score"] > found["ev-fair"]["score"]  # the same partner value, well held
    assert found[event]["partners"][0]["needs"] == [need]
    assert reason in found[event]["reasons"]
    assert found["ev-fair"]["partners"][0]["needs"] == []
    assert found["ev-fair"]["reasons"] == ["1 partner present (Digital Commons)"]


def test_for_an_affiliate_partners_on_its_issues_and_in_its_region_count_more(graph):
    assert ranked(graph, affiliate="aff-de", when="upcoming") == [
        ("ev-summit", 3.25), ("ev-press", 2.25), ("ev-fair", 1.5), ("ev-alliance", 0.375), ("ev-lib", 0.375),
        ("ev-meet", 0.25)]
    summit = by_id(graph, affiliate="aff-de", when="upcoming")["ev-summit"]
    assert summit["reasons"] == [
        "1 partner on Copyright present (Open Rights Watch)", "1 partner in Europe present (Open Rights Watch)",
        "1 held by nobody (Open Rights Watch)",
        "1 of our people going (planned or registered): Ana Alves; 1 of them from Wikimedia DE"]
    assert summit["partners"] == [{
        "id": "par-orw", "name": "Open Rights Watch", "kind": "partner", "status": "active", "region": "Europe",
        "organises": True, "people": 1, "on_issues": ["iss-copy"], "in_region": True, "needs": ["unheld"],
        "value": 3.0}]
    lib = by_id(graph, affiliate="aff-de", when="upcoming")["ev-lib"]
    assert lib["reasons"][0] == "1 other partner present (Libre Library)"


def test_our_people_planning_to_go_are_listed_and_past_plans_are_not_attendance(graph):
    upcoming = by_id(graph, when="upcoming")
    assert [(p["id"], p["status"], p["affiliates"]) for p in upcoming["ev-summit"]["our_people"]] == [
        ("c-ana", "registered", ["aff-de"])]
    assert [(p["id"], p["status"]) for p in upcoming["ev-meet"]["our_people"]] == [("c-ben", "planned")]
    assert upcoming["ev-meet"]["reasons"] == ["no partners present",
                                              "1 of our people going (planned or registered): Ben Brandt"]
    past = by_id(graph, affiliate="aff-de", when="past")
    # Ben planned to go to the 2025 summit and never said he went: not there. Otto gave no status: attended.
    assert [p["id"] for p in past["ev-summit25"]["our_people"]] == ["c-ana", "c-dan"]
    assert [(p["id"], p["people"]) for p in past["ev-summit25"]["partners"]] == [("par-orw", 1), ("par-old", 1)]
    assert past["ev-summit25"]["score"] == 5.75  # 3 + 2.25 + 2 x 0.25
    assert past["ev-forum24"]["reasons"][-1] == "1 of our people attended: Dan Dede"


def test_as_of_decides_what_is_upcoming_and_what_is_past(graph):
    during = [e["id"] for e in rank_events(graph, when="upcoming", today=date(2026, 9, 11))]
    after = [e["id"] for e in rank_events(graph, when="upcoming", today=date(2026, 9, 13))]
    assert "ev-summit" in during and "ev-summit" not in after
    assert [e["id"] for e in rank_events(graph, when="upcoming", today=date(2027, 1, 1))] == []
    back_then = {e["id"]: e for e in rank_events(graph, when="upcoming", today=date(2025, 1, 1))}
    assert "ev-summit25" in back_then and "ev-forum24" not in back_then
    # Before the 2025 summit, Otto's blank status reads as planned: his partner is still present (going).
    assert [p["id"] for p in back_then["ev-summit25"]["partners"]] == ["par-orw", "par-old"]


def test_events_are_filtered_by_issue_and_region(graph):
    # An organiser's issue counts: Old Press and Digital Commons work on copyright.
    assert ranked(graph, issue="iss-copy") == [("ev-summit25", 4.0), ("ev-summit", 2.25), ("ev-press", 1.5),
                                               ("ev-fair", 1.0)]
    assert {e["id"] for e in rank_events(graph, issue="iss-oa", today=TODAY)} == {"ev-forum24", "ev-alliance"}
    assert {e["id"] for e in rank_events(graph, region="africa", when="upcoming", today=TODAY)} == {
        "ev-lib", "ev-alliance"}
    assert [e["id"] for e in rank_events(graph, region="KE", today=TODAY)] == ["ev-lib"]
    with pytest.raises(WrongKind):
        rank_events(graph, issue="aff-de", today=TODAY)
    with pytest.raises(UnknownNode):
        rank_events(graph, affiliate="nobody", today=TODAY)


def test_without_attendance_nothing_personal_is_read(graph):
    found = by_id(graph, when="upcoming", attendance=False)
    assert found["ev-summit"]["our_people"] == [] and found["ev-summit"]["partners"][0]["people"] == 0
    assert "ev-lib" in found and found["ev-lib"]["partners"] == []  # Lars is there, but only attendance says so
    assert not any("Ana" in reason for e in found.values() for reason in e["reasons"])


def test_the_event_page_lists_organisers_our_attendees_partners_and_gaps(graph):
    page = event_page(graph, "ev-summit25", today=TODAY)
    assert [o["id"] for o in page["organisers"]] == ["par-orw"]
    assert [(a["id"], a["role"]) for a in page["our_attendees"]] == [("c-ana", "speaker"), ("c-dan", None)]
    assert [(p["id"], [x["id"] for x in p["people"]]) for p in page["partners"]] == [
        ("par-orw", ["p-olga"]), ("par-old", ["p-otto"])]
    assert [g["id"] for g in page["gaps"]] == ["par-orw"]
    assert page["event"]["attendees"] == 4 and page["event"]["timing"] == "past"
    with pytest.raises(WrongKind):
        event_page(graph, "par-orw", today=TODAY)


def test_the_events_page_lists_upcoming_soonest_first_and_past_latest_first(graph):
    found = list_events(graph, today=TODAY)
    assert [e["id"] for e in found["upcoming"]] == [
        "ev-meet", "ev-alliance", "ev-lib", "ev-summit", "ev-fair", "ev-press"]
    assert [e["id"] for e in found["past"]] == ["ev-summit25", "ev-forum24"]
    summit = next(e for e in found["upcoming"] if e["id"] == "ev-summit")
    assert (summit["partners"], summit["attendees"], summit["our_people"]) == (1, 2, 1)
    kenya = list_events(graph, today=TODAY, affiliate="aff-ke")
    assert [e["id"] for e in kenya["upcoming"] + kenya["past"]] == ["ev-summit25", "ev-forum24"]
    public = list_events(graph, today=TODAY, attendance=False)
    assert "attendees" not in public["upcoming"][0]


# -- the service and the command line, on both stores -----------------------------------------------

def test_the_events_command_prints_the_ranking_as_the_json_contract(events_cli):
    done = events_cli("events", "--upcoming", "--for", "Wikimedia DE", "--as-of", "2026-06-01", "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["for"] == {"id": "aff-de", "name": "Wikimedia DE", "kind": "affiliate"}
    first = result["events"][0]
    assert {"id", "name", "start", "end", "region", "score", "reasons", "partners", "our_people"} <= set(first)
    assert (first["id"], first["score"], first["start"], first["end"]) == ("ev-summit", 3.25, "2026-09-10", "2026-09-12")
    assert [p["id"] for p in first["our_people"]] == ["c-ana"]
    text = events_cli("events", "--past", "--as-of", "2026-06-01")
    assert text.exit_code == 0
    assert "Rights Summit 2025" in text.output and "1 held by nobody (Open Rights Watch)" in text.output


def test_bad_event_questions_are_one_line_errors(events_cli):
    for args, message in [
        (("events", "--for", "Open Rights Watch"), "error: events are ranked for an affiliate, 'Open Rights Watch' is a partner"),
        (("events", "--issue", "nothing at all"), "error: no element with id or name 'nothing at all'"),
        (("briefing", "Open Rights Watch", "--for", "Ben Brandt"), "error: briefing needs an event, 'Open Rights Watch' is a partner"),
        (("briefing", "Rights Summit 2026", "--for", "Wikimedia DE"),
         "error: a briefing is for a person (a contact), 'Wikimedia DE' is an affiliate"),
    ]:
        done = events_cli(*args)
        assert done.exit_code == 1, done.output
        assert done.output.strip().startswith(message), done.output
        assert "Traceback" not in done.output and len(done.output.strip().splitlines()) == 1
    assert events_cli("events", "--upcoming", "--past").exit_code == 2
    assert events_cli("events", "--as-of", "June").exit_code == 2


def test_the_event_page_and_the_events_page_take_names_on_both_stores(workspace):
    workspace.data.import_path(EVENTS_NETWORK)
    page = workspace.events.event("rights summit 2025", as_of=TODAY)
    assert page["event"]["id"] == "ev-summit25" and [g["id"] for g in page["gaps"]] == ["par-orw"]
    listing = workspace.events.listing(affiliate="Wikimedia KE", issue="Copyright", as_of=TODAY)
    assert (listing["affiliate"], listing["issue"]) == ("aff-ke", "iss-copy")
    assert [e["id"] for e in listing["past"]] == ["ev-summit25"] and listing["upcoming"] == []
    public = workspace.events.ranked(EventsQuery(when="upcoming", today=TODAY, personal=False))
    assert all(e["our_people"] == [] for e in public["events"])
    with pytest.raises(WrongKind, match="the event page needs an event, 'Open Rights Watch' is a partner"):
        workspace.events.event("Open Rights Watch")
