"""Tests for the synthetic network generator and the shipped demo network."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from partnergraph.io.demo import (
    BRIDGE,
    DEMO_NOTE,
    NO_HOLDER,
    NOT_PUBLIC,
    PERSONAL_NOTE,
    SINGLE_HOLDER,
    STALE_HOLD,
    demo_network,
)
from partnergraph.io.demo_events import GUEST, GUEST_EVENT, UNHELD_AFFILIATE, UNHELD_EVENT, UNHELD_PARTNER
from partnergraph.io.export import restore_cell, write_csv_folder
from partnergraph.io.generate import REFERENCE_DATE, REGIONS, generate_network
from partnergraph.model import (
    CONNECTION_COLUMNS,
    COUNTRY_CODES,
    ELEMENT_COLUMNS,
    Dataset,
    Location,
    Row,
    validate_dataset,
)

STALE = "2025-11-01"  # twelve months before the reference date


def validate(elements: list[dict[str, str]], connections: list[dict[str, str]]) -> Dataset:
    return validate_dataset(
        [Row(row, Location("elements.csv", i + 2)) for i, row in enumerate(elements)],
        [Row(row, Location("connections.csv", i + 2)) for i, row in enumerate(connections)],
    )


def of_type(connections: list[dict[str, str]], rel: str) -> list[dict[str, str]]:
    return [row for row in connections if row["type"] == rel]


def memberships(connections: list[dict[str, str]]) -> dict[str, set[str]]:
    orgs: dict[str, set[str]] = defaultdict(set)
    for row in of_type(connections, "MEMBER_OF"):
        orgs[row["from"]].add(row["to"])
    return orgs


@pytest.fixture(scope="module")
def big() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    return generate_network(5_000, 50_000, seed=7)


@pytest.fixture(scope="module")
def demo() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    return demo_network()


# -- the generator ---------------------------------------------------------------------------


def test_same_seed_generates_the_same_network():
    assert generate_network(400, 1_500, seed=3) == generate_network(400, 1_500, seed=3)


def test_different_seed_generates_a_different_network():
    assert generate_network(400, 1_500, seed=3) != generate_network(400, 1_500, seed=4)


def test_network_is_identical_across_processes_with_different_hash_seeds():
    code = (
        "import hashlib, json\n"
        "from partnergraph.io.generate import generate_network\n"
        "from partnergraph.io.demo import demo_network\n"
        "rows = [generate_network(300, 1200, seed=5), demo_network()]\n"
        "print(hashlib.sha256(json.dumps(rows).encode()).hexdigest())\n"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed,
               "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[1] / "src"), os.environ.get("PYTHONPATH", "")])}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        digests.add(out.stdout.strip())
    here = hashlib.sha256(json.dumps([generate_network(300, 1200, seed=5), demo_network()]).encode()).hexdigest()
    assert digests == {here}


@pytest.mark.parametrize(("people", "ties"), [(400, 1_500), (60, 500), (12, 40), (20, 150), (1, 0), (0, 0)])
def test_generated_network_has_exactly_the_people_and_ties_asked_for(people, ties):
    elements, connections = generate_network(people, ties)
    assert sum(row["kind"] == "contact" for row in elements) == people
    assert len(of_type(connections, "KNOWS")) + len(of_type(connections, "HOLDS")) == ties
    validate(elements, connections)


def test_asking_for_more_ties_than_people_can_have_is_refused():
    with pytest.raises(ValueError, match="cannot have"):
        generate_network(5, 100)
    with pytest.raises(ValueError):
        generate_network(-1, 0)


def test_every_generated_row_is_valid(big):
    elements, connections = big
    dataset = validate(elements, connections)
    assert len(dataset.elements) == len(elements)


def test_every_row_has_every_import_column_as_text(big):
    elements, connections = big
    assert all(tuple(row) == ELEMENT_COLUMNS for row in elements)
    assert all(tuple(row) == CONNECTION_COLUMNS for row in connections)
    assert all(isinstance(value, str) for row in elements + connections for value in row.values())


def test_no_two_people_are_tied_twice(big):
    _, connections = big
    pairs = [frozenset((row["from"], row["to"])) for row in of_type(connections, "KNOWS")]
    assert all(len(pair) == 2 for pair in pairs)
    assert len(set(pairs)) == len(pairs)
    holds = [(row["from"], row["to"]) for row in of_type(connections, "HOLDS")]
    assert len(set(holds)) == len(holds)


def test_a_few_people_know_far_more_people_than_most(big):
    elements, connections = big
    degree = Counter()
    for row in of_type(connections, "KNOWS"):
        degree[row["from"]] += 1
        degree[row["to"]] += 1
    degrees = [degree[row["id"]] for row in elements if row["kind"] == "contact"]
    assert max(degrees) >= 10 * statistics.median(degrees)


def test_most_ties_stay_inside_an_organisation_or_a_region(big):
    elements, connections = big
    orgs = memberships(connections)
    region = {row["id"]: row["region"] for row in elements}
    knows = of_type(connections, "KNOWS")
    same_org = sum(bool(orgs[row["from"]] & orgs[row["to"]]) for row in knows)
    same_region = sum(region[row["from"]] == region[row["to"]] for row in knows)
    assert same_org > 0.4 * len(knows)
    assert sum(bool(orgs[r["from"]] & orgs[r["to"]]) or region[r["from"]] == region[r["to"]] for r in knows) > 0.75 * len(knows)
    assert same_region < len(knows)  # some ties are long-range


def test_every_person_belongs_to_an_organisation(big):
    elements, connections = big
    orgs = memberships(connections)
    contacts = [row["id"] for row in elements if row["kind"] == "contact"]
    assert all(orgs[contact] for contact in contacts)
    assert any(len(orgs[contact]) == 2 for contact in contacts)
    member_rows = of_type(connections, "MEMBER_OF")
    assert all(row["role"] and row["since"] for row in member_rows)
    assert any(row["until"] for row in member_rows)


def test_organisations_sit_in_a_country_of_their_region(big):
    elements, _ = big
    orgs = [row for row in elements if row["kind"] in ("affiliate", "partner")]
    assert all(row["country"] in REGIONS[row["region"]] and row["country"] in COUNTRY_CODES for row in orgs)
    assert {row["region"] for row in orgs} == set(REGIONS)
    assert [row["type"] for row in orgs].count("foundation") == 1


def test_organisations_scale_with_people():
    small, _ = generate_network(400, 1_500)
    kinds = Counter(row["kind"] for row in small)
    assert 20 <= kinds["affiliate"] <= 40 and 60 <= kinds["partner"] <= 100 and 8 <= kinds["issue"] <= 12


def test_partners_are_mostly_active_public_and_held(big):
    elements, connections = big
    partners = [row for row in elements if row["kind"] == "partner"]
    statuses = Counter(row["status"] for row in partners)
    assert statuses["active"] > len(partners) / 2 and statuses["prospective"] and statuses["dormant"]
    assert 0 < sum(row["public"] == "false" for row in partners) < len(partners) / 4
    holders = Counter(row["to"] for row in of_type(connections, "HOLDS"))
    counts = Counter(holders[row["id"]] for row in partners)
    assert counts[0] > 0 and counts[1] + counts[2] + counts[3] > len(partners) / 2
    assert of_type(connections, "PARTNERS_WITH")


def test_some_ties_have_gone_stale(big):
    _, connections = big
    knows = of_type(connections, "KNOWS")
    last = [row["last_contact"] for row in knows if row["last_contact"]]
    stale = sum(day < STALE for day in last)
    assert 0.05 * len(last) < stale < 0.5 * len(last)
    assert all(day < REFERENCE_DATE for day in last)
    assert all(row["strength"] in "12345" and row["strength"] for row in knows)


# -- generated events ------------------------------------------------------------------------


def events_of(elements: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in elements if row["kind"] == "event"}


def test_an_analyst_gets_one_event_per_twenty_people_unless_asking_for_a_number():
    elements, connections = generate_network(400, 1_500, seed=3)
    assert len(events_of(elements)) == 20
    asked, _ = generate_network(400, 1_500, seed=3, events=37)
    assert len(events_of(asked)) == 37
    none, none_connections = generate_network(400, 1_500, seed=3, events=0)
    assert not events_of(none) and not of_type(none_connections, "ATTENDS")
    # Events draw from a stream of their own: the rest of the network does not change with them.
    assert elements[:len(none)] == none and connections[:len(none_connections)] == none_connections
    with pytest.raises(ValueError, match="negative"):
        generate_network(10, 10, events=-1)


def test_generated_events_are_a_few_big_conferences_and_many_small_meetings(big):
    elements, connections = big
    events = events_of(elements)
    size = Counter(row["to"] for row in of_type(connections, "ATTENDS"))
    conferences = [e for e in events if events[e]["tags"] == "conference"]
    meetings = [e for e in events if events[e]["tags"] == "meeting"]
    assert len(events) == 250 and 2 <= len(conferences) <= 10 and len(meetings) == 250 - len(conferences)
    assert all(size[e] >= 100 for e in conferences) and max(size.values()) >= 1_000
    assert all(5 <= size[e] <= 60 for e in meetings)
    assert 25 <= len(of_type(connections, "ATTENDS")) / len(events) <= 60  # 200,000 for 5,000 events at 100k people
    assert all(row["start"] <= row["end"] for row in events.values() if row["end"])


def test_past_attendance_is_mostly_attended_and_upcoming_is_registered_or_planned(big):
    elements, connections = big
    events = events_of(elements)
    past = Counter(r["status"] for r in of_type(connections, "ATTENDS") if events[r["to"]]["start"] < REFERENCE_DATE)
    upcoming = Counter(r["status"] for r in of_type(connections, "ATTENDS") if events[r["to"]]["start"] >= REFERENCE_DATE)
    assert past["attended"] > 0.8 * sum(past.values()) and past["planned"] == 0
    assert set(upcoming) == {"registered", "planned"}
    starts = sorted(row["start"] for row in events.values())
    assert starts[0] >= "2023-11-01" and starts[-1] < "2027-11-01"
    assert 0.55 < sum(start < REFERENCE_DATE for start in starts) / len(starts) < 0.85
    roles = Counter(row["role"] for row in of_type(connections, "ATTENDS"))
    assert roles["attendee"] > roles["speaker"] > 0 and roles["organiser"] and roles["exhibitor"]


def test_events_are_organised_by_partners_and_affiliates_on_their_own_issues(big):
    elements, connections = big
    events, kinds = events_of(elements), {row["id"]: row for row in elements}
    organisers = defaultdict(list)
    for row in of_type(connections, "ORGANISES"):
        organisers[row["to"]].append(row)
    assert set(organisers) == set(events)
    assert all([r["role"] for r in rows].count("host") == 1 for rows in organisers.values())
    hosts = Counter(kinds[r["from"]]["kind"] for rows in organisers.values() for r in rows if r["role"] == "host")
    assert hosts["partner"] > hosts["affiliate"] > 0
    for event_id, event in events.items():
        offered = {i for r in organisers[event_id] for i in kinds[r["from"]]["issues"].split(";")}
        assert event["issues"] and set(event["issues"].split(";")) <= offered
        assert event["country"] in REGIONS[event["region"]]


def test_people_go_to_events_in_their_region_more_often_than_elsewhere(big):
    elements, connections = big
    region = {row["id"]: row["region"] for row in elements}
    events = events_of(elements)
    regional = [r for r in of_type(connections, "ATTENDS") if events[r["to"]]["tags"] == "meeting"]
    same = sum(region[r["from"]] == region[r["to"]] for r in regional) / len(regional)
    people = Counter(region[row["id"]] for row in elements if row["kind"] == "contact")
    by_chance = sum((n / sum(people.values())) ** 2 for n in people.values())
    assert same > 0.5 > by_chance
    pairs = [(r["from"], r["to"]) for r in of_type(connections, "ATTENDS")]
    assert len(set(pairs)) == len(pairs)


# -- the demo network ----------------------------------------------------------------------------


def test_demo_network_has_the_advertised_size(demo):
    elements, connections = demo
    kinds = Counter(row["kind"] for row in elements)
    assert 25 <= kinds["affiliate"] <= 35
    assert 70 <= kinds["partner"] <= 90
    assert 8 <= kinds["issue"] <= 12
    assert kinds["contact"] == 401  # 400 and the guest met only at a conference
    assert len(of_type(connections, "KNOWS")) + len(of_type(connections, "HOLDS")) == 1_500
    assert of_type(connections, "MEMBER_OF") and of_type(connections, "PARTNERS_WITH")


def test_demo_network_is_valid_and_the_same_every_time(demo):
    validate(*demo)
    assert demo_network() == demo


def test_demo_partners_cover_all_seven_regions(demo):
    elements, _ = demo
    regions = Counter(row["region"] for row in elements if row["kind"] == "partner")
    assert set(regions) == set(REGIONS)


def test_demo_shows_partners_at_risk(demo):
    elements, connections = demo
    partner = {row["name"]: row for row in elements if row["kind"] == "partner"}
    holds = of_type(connections, "HOLDS")
    holders = Counter(row["to"] for row in holds)
    assert all(holders[partner[name]["id"]] == 0 for name in NO_HOLDER)
    assert all(holders[partner[name]["id"]] == 1 for name in SINGLE_HOLDER)
    stale_hold = next(row for row in holds if row["to"] == partner[STALE_HOLD]["id"])
    assert stale_hold["last_contact"] < STALE
    statuses = {row["status"] for row in partner.values()}
    assert {"active", "dormant", "prospective"} <= statuses
    assert {name for name, row in partner.items() if row["public"] == "false"} == set(NOT_PUBLIC)
    assert any(row["last_contact"] and row["last_contact"] < STALE for row in of_type(connections, "KNOWS"))


def test_demo_has_a_person_bridging_two_regions(demo):
    elements, connections = demo
    org = {row["name"]: row for row in elements if row["kind"] in ("affiliate", "partner")}
    home, away = (org[name] for name in BRIDGE)
    assert home["region"] != away["region"]
    current = defaultdict(set)
    for row in of_type(connections, "MEMBER_OF"):
        if not row["until"]:
            current[row["from"]].add(row["to"])
    assert any({home["id"], away["id"]} <= orgs for orgs in current.values())


def test_demo_is_labelled_illustrative_and_keeps_personal_notes_on_contacts(demo):
    elements, _ = demo
    foundation = next(row for row in elements if row["type"] == "foundation")
    assert foundation["notes"] == DEMO_NOTE
    assert "Illustrative demo data" in DEMO_NOTE
    personal = [row for row in elements if row["notes"] == PERSONAL_NOTE]
    assert len(personal) == 1 and personal[0]["kind"] == "contact"
    contacts = [row for row in elements if row["kind"] == "contact"]
    assert all(row["email"].endswith("@example.org") for row in contacts)
    assert len({row["name"] for row in contacts}) == len(contacts)


def test_demo_conferences_are_past_and_upcoming_whenever_the_demo_is_built():
    for today in (date(2026, 12, 6), date(2027, 1, 31), date(2031, 7, 1)):
        elements, connections = demo_network(today)
        events = {row["id"]: row for row in elements if row["kind"] == "event"}
        first = today.replace(day=1).isoformat()
        upcoming = {i for i, row in events.items() if row["start"] > today.isoformat()}
        past = set(events) - upcoming
        assert len(upcoming) >= 3 and len(past) >= 5
        assert min(events[i]["start"] for i in upcoming) > first and max(events[i]["end"] for i in past) < first
        statuses = Counter((r["to"] in upcoming, r["status"]) for r in of_type(connections, "ATTENDS"))
        assert set(statuses) == {(False, "attended"), (True, "registered"), (True, "planned")}
    # The same rows all month; only the events' dates move from one month to the next.
    assert demo_network(date(2026, 12, 1)) == demo_network(date(2026, 12, 31))
    before, after = demo_network(date(2026, 12, 1)), demo_network(date(2027, 3, 1))
    assert [r for r in before[0] if r["kind"] != "event"] == [r for r in after[0] if r["kind"] != "event"]
    assert before[1] == after[1]


def test_demo_conferences_have_organisers_issues_regions_and_people_of_both_sides(demo):
    elements, connections = demo
    kind = {row["id"]: row["kind"] for row in elements}
    events = [row for row in elements if row["kind"] == "event"]
    assert all(row["issues"] and row["region"] and row["country"] in REGIONS[row["region"]] for row in events)
    organisers = Counter(kind[row["from"]] for row in of_type(connections, "ORGANISES"))
    assert organisers["partner"] and organisers["affiliate"]
    member = {row["from"]: kind[row["to"]] for row in of_type(connections, "MEMBER_OF")}
    for event in events:
        there = {member.get(r["from"]) for r in of_type(connections, "ATTENDS") if r["to"] == event["id"]}
        assert {"affiliate", "partner"} <= there, event["name"]
    validate(elements, connections)


def test_demo_has_a_guest_met_only_at_a_past_conference(demo):
    elements, connections = demo
    guest = next(row for row in elements if row["name"] == GUEST)
    event = next(row for row in elements if row["name"] == GUEST_EVENT)
    ties = [row for row in connections if guest["id"] in (row["from"], row["to"])]
    assert ties == [{**ties[0], "to": event["id"], "type": "ATTENDS", "status": "attended"}]
    assert event["start"] < date.today().isoformat()
    others = [r for r in of_type(connections, "ATTENDS") if r["to"] == event["id"] and r["from"] != guest["id"]]
    assert len(others) >= 10 and all(r["status"] == "attended" for r in others)


def test_demo_has_an_upcoming_conference_with_a_partner_nobody_holds(demo):
    elements, connections = demo
    ids = {row["name"]: row["id"] for row in elements}
    assert UNHELD_PARTNER in NO_HOLDER
    assert not [r for r in of_type(connections, "HOLDS") if r["to"] == ids[UNHELD_PARTNER]]
    event = next(row for row in elements if row["name"] == UNHELD_EVENT)
    assert event["start"] > date.today().isoformat()
    there = {r["from"] for r in of_type(connections, "ATTENDS") if r["to"] == event["id"]}
    members = defaultdict(set)
    for row in of_type(connections, "MEMBER_OF"):
        members[row["to"]].add(row["from"])
    assert there & members[ids[UNHELD_PARTNER]] and there & members[ids[UNHELD_AFFILIATE]]


# -- writing -------------------------------------------------------------------------------------


def test_csv_folder_reads_back_as_the_same_rows(tmp_path, demo):
    elements, connections = demo
    folder = tmp_path / "new" / "demo"
    write_csv_folder(folder, elements, connections)
    for name, rows, columns in (("elements.csv", elements, ELEMENT_COLUMNS),
                                ("connections.csv", connections, CONNECTION_COLUMNS)):
        with open(folder / name, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames) == columns
            # As the import reads it: a phone's leading + is written behind a ' (no formula).
            assert [{k: restore_cell(v) for k, v in row.items()} for row in reader] == rows
