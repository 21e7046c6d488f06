"""Events in every import (issue 17): the import format's start and end, ORGANISES and ATTENDS, and
event lists and attendance lists as people keep them.

Reading headers and values is pure io; importing runs on both stores.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from conftest import Cli, settings_for
from partnergraph.io import headers
from partnergraph.io.sources import ReadOptions, read_source
from partnergraph.io.values import ABSENT, read_attendance_role, read_attendance_status, read_country, read_date_span
from partnergraph.model import CONNECTION_COLUMNS, ELEMENT_COLUMNS, ImportFailed
from partnergraph.schema import ATTENDANCE_ROLES, ATTENDANCE_STATUSES
from partnergraph.services import Workspace
from test_lists import workbook

ELEMENTS = [
    {"id": "copyright", "kind": "issue", "name": "Copyright reform"},
    {"id": "edri", "kind": "partner", "name": "European Digital Rights", "country": "BE", "status": "active"},
    {"id": "wmde", "kind": "affiliate", "name": "Wikimedia Deutschland", "country": "DE"},
    {"id": "mara", "kind": "contact", "name": "Mara Ek", "member_of": "wmde"},
    {"id": "uri", "kind": "contact", "name": "Uri Vos", "member_of": "edri"},
    {"id": "summit-25", "kind": "event", "name": "RightsSummit 2025", "start": "2025-03-10", "end": "2025-03-12",
     "country": "BE", "region": "Europe", "issues": "copyright", "website": "https://summit.example.org",
     "public": "true"},
]
CONNECTIONS = [
    {"from": "edri", "to": "summit-25", "type": "ORGANISES", "role": "host"},
    {"from": "wmde", "to": "summit-25", "type": "ORGANISES", "role": "co-organiser"},
    {"from": "mara", "to": "summit-25", "type": "ATTENDS", "role": "speaker", "status": "attended", "source": "programme"},
    {"from": "uri", "to": "summit-25", "type": "ATTENDS", "role": "Attendee", "status": "REGISTERED"},
]


def write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)


def write_full(tmp_path: Path, form: str, elements=ELEMENTS, connections=CONNECTIONS) -> Path:
    """Write the rows in one form of the import format: a CSV folder, a .json file or a workbook."""
    if form == "csv":
        folder = tmp_path / "net"
        folder.mkdir()
        write_csv(folder / "elements.csv", elements, ELEMENT_COLUMNS)
        write_csv(folder / "connections.csv", connections, CONNECTION_COLUMNS)
        return folder
    if form == "json":
        path = tmp_path / "net.json"
        path.write_text(json.dumps({"elements": elements, "connections": connections}), encoding="utf-8")
        return path
    return workbook(tmp_path / "net.xlsx", {
        "Elements": [list(ELEMENT_COLUMNS), *[[row.get(c, "") for c in ELEMENT_COLUMNS] for row in elements]],
        "Connections": [list(CONNECTION_COLUMNS), *[[row.get(c, "") for c in CONNECTION_COLUMNS] for row in connections]],
    })


def contents(db_url: str) -> tuple[dict[str, Any], dict[tuple[str, str, str], dict[str, Any]]]:
    """Return the store's elements (id -> kind, name and properties) and connections (key -> properties)."""
    with Workspace.open(settings_for(db_url)) as workspace:
        snapshot = workspace.store.snapshot()
    drop = ("first_import", "last_import")
    elements = {e.id: {"kind": e.kind.slug, "name": e.name, **{k: v for k, v in e.props.items() if k not in drop}}
                for e in snapshot.elements}
    connections = {(c.source, c.target, c.type.value): {k: v for k, v in c.props.items() if k not in drop}
                   for c in snapshot.connections}
    return elements, connections


def imported(cli: Cli, path: Path, *args: str) -> dict[str, Any]:
    result = cli("import", str(path), "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# -- the import format ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["csv", "json", "xlsx"])
def test_an_event_with_organisers_and_attendance_imports_from_every_form_of_the_import_format(cli, db_url, tmp_path, form):
    imported(cli, write_full(tmp_path, form))
    elements, connections = contents(db_url)
    assert elements["summit-25"] == {"kind": "event", "name": "RightsSummit 2025", "start": "2025-03-10",
                                     "end": "2025-03-12", "country": "BE", "region": "Europe",
                                     "website": "https://summit.example.org", "public": True}
    assert connections[("summit-25", "copyright", "WORKS_ON")] == {}
    assert connections[("edri", "summit-25", "ORGANISES")] == {"role": "host"}
    assert connections[("wmde", "summit-25", "ORGANISES")] == {"role": "co-organiser"}
    assert connections[("mara", "summit-25", "ATTENDS")] == {"role": "speaker", "status": "attended", "source": "programme"}
    assert connections[("uri", "summit-25", "ATTENDS")] == {"role": "attendee", "status": "registered"}


def test_event_dates_in_the_import_format_are_read_forgivingly_and_reported(cli, db_url, tmp_path):
    rows = [*ELEMENTS[:-1], {**ELEMENTS[-1], "start": "10 March 2025", "end": "March 12, 2025"}]
    report = imported(cli, write_full(tmp_path, "csv", rows))
    assert [(n["column"], n["value"], n["as"]) for n in report["normalised"]] == [
        ("start", "10 March 2025", "2025-03-10"), ("end", "March 12, 2025", "2025-03-12")]
    elements, _ = contents(db_url)
    assert (elements["summit-25"]["start"], elements["summit-25"]["end"]) == ("2025-03-10", "2025-03-12")


def test_an_event_ending_before_it_starts_or_a_bad_attendance_is_refused_whole(cli, db_url, tmp_path):
    rows = [*ELEMENTS[:-1], {**ELEMENTS[-1], "end": "2025-03-01"}]
    bad = [*CONNECTIONS[:-1], {**CONNECTIONS[-1], "status": "maybe later"}]
    result = cli("import", str(write_full(tmp_path, "csv", rows, bad)))
    assert result.exit_code == 1
    assert "elements.csv:7: end 2025-03-01 is before start 2025-03-10" in result.output
    assert "connections.csv:5: column 'status': 'maybe later' is not one of attended, registered, planned" in result.output
    assert contents(db_url) == ({}, {})


def test_attendance_needs_a_contact_and_an_event_and_organisers_an_organisation(cli, db_url, tmp_path):
    wrong = [{"from": "copyright", "to": "summit-25", "type": "ORGANISES"},
             {"from": "mara", "to": "edri", "type": "ATTENDS"}]
    result = cli("import", str(write_full(tmp_path, "csv", ELEMENTS, wrong)))
    assert result.exit_code == 1
    assert "ORGANISES from 'copyright' must be" in result.output and "ATTENDS to 'edri' must be an event" in result.output
    assert contents(db_url) == ({}, {})


# -- event lists and attendance lists: headers and values -------------------------------------------


@pytest.mark.parametrize(("header", "shape"), [
    (["Event", "Start", "End", "Place", "Organisers"], headers.EVENTS),
    (["Conference", "Date", "Location"], headers.EVENTS),
    (["Name", "Start date", "End date", "Country"], headers.EVENTS),
    (["Name", "Event", "Role", "Status"], headers.ATTENDANCE),
    (["Participant", "Organisation", "Conference", "Attended?"], headers.ATTENDANCE),
    (["Name", "Organisation", "Start", "End"], headers.PEOPLE),  # memberships' dates, not an event's
    (["Name", "Organisation", "Role", "Email"], headers.PEOPLE),
    (["Name", "Type", "Country"], headers.PARTNERS),
])
def test_an_event_list_and_an_attendance_list_are_recognised_from_their_headers(header, shape):
    found = headers.recognise(header, {})
    assert found is not None and found.shape == shape


@pytest.mark.parametrize(("written", "role"), [
    ("speaker", "speaker"), ("Spoke", "speaker"), ("keynote", "speaker"), ("Panelist", "speaker"),
    ("attendee", "attendee"), ("participant", "attendee"), ("Organizer", "organiser"), ("host", "organiser"),
    ("booth", "exhibitor"), ("EXHIBITOR", "exhibitor"),
])
def test_attendance_roles_are_read_as_people_write_them(written, role):
    assert read_attendance_role(written) == role


@pytest.mark.parametrize(("written", "status"), [
    ("attended", "attended"), ("went", "attended"), ("Yes", "attended"), ("x", "attended"), ("spoke", "attended"),
    ("registered", "registered"), ("Signed up", "registered"), ("confirmed", "registered"),
    ("will go", "planned"), ("Planned", "planned"), ("maybe", "planned"),
    ("speaker", ""),  # a role in the present tense: the status follows the event's dates
    ("no", ABSENT), ("No show", ABSENT), ("cancelled", ABSENT),
])
def test_attendance_statuses_are_read_as_people_write_them(written, status):
    assert read_attendance_status(written) == status


def test_what_is_no_attendance_value_says_what_is():
    with pytest.raises(ValueError, match=r"'soon' is not an attendance status \(accepted: attended \(went/yes/y"):
        read_attendance_status("soon")
    with pytest.raises(ValueError, match=r"'chef' is not a role at an event \(accepted: attendee"):
        read_attendance_role("chef")
    # Every word maps into the vocabularies of the schema.
    from partnergraph.io.values import ATTENDANCE_WORDS, ROLE_WORDS
    assert tuple(ROLE_WORDS) == ATTENDANCE_ROLES and tuple(ATTENDANCE_WORDS) == ATTENDANCE_STATUSES


def test_a_place_ending_in_a_country_is_that_country():
    assert read_country("Brussels, Belgium") == "BE"
    assert read_country("Nairobi, KE") == "KE"
    with pytest.raises(ValueError, match="not a country"):
        read_country("Brussels")


@pytest.mark.parametrize(("written", "read"), [
    ("2025-03-10 to 2025-03-12", "2025-03-10 to 2025-03-12"), ("10–12 March 2025", "2025-03-10 to 2025-03-12"),
    ("10-12 March 2025", "2025-03-10 to 2025-03-12"), ("10 March - 12 March 2025", "2025-03-10 to 2025-03-12"),
    ("30 March — 2 April 2025", "2025-03-30 to 2025-04-02"), ("March 10 until March 12, 2025", "2025-03-10 to 2025-03-12"),
    ("2025-03-10", "2025-03-10"), ("March 2025", "2025-03"),
])
def test_an_events_days_in_one_cell_are_read_as_its_start_and_end(written, read):
    assert read_date_span(written) == read


def test_a_span_that_is_no_dates_or_ambiguous_says_so():
    with pytest.raises(ValueError, match="is ambiguous"):
        read_date_span("12/03/2025 - 14/03/2025")
    assert read_date_span("12/03/2025 - 14/03/2025", "dmy") == "2025-03-12 to 2025-03-14"
    with pytest.raises(ValueError, match="'later' is not a date"):
        read_date_span("soon - later")


def test_an_event_list_with_a_dates_column_gives_start_and_end(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("Event,Dates,Country\nRightsSummit,10-12 March 2025,BE\nOne day,2025-05-04,BE\n"
                    "Own end,1-2 June 2025,BE\n", encoding="utf-8")
    read = read_source(path)
    assert [(r.values["start"], r.values["end"]) for r in read.element_rows] == [
        ("2025-03-10", "2025-03-12"), ("2025-05-04", "2025-05-04"), ("2025-06-01", "2025-06-02")]
    assert read.normalised[0] == {"where": f"{path}:2", "column": "Dates", "value": "10-12 March 2025",
                                  "as": "2025-03-10 to 2025-03-12"}


def test_an_event_list_gives_events_with_their_issues_and_an_organises_row_per_organiser(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("Event,Start,End,Place,Region,Topics,Organised by,Public\n"
                    'RightsSummit 2025,10 March 2025,12/03/2025,"Brussels, Belgium",Europe,Copyright reform,'
                    '"European Digital Rights; Wikimedia Deutschland",yes\n', encoding="utf-8")
    read = read_source(path, ReadOptions(date_order="dmy"))
    assert read.shape == "events"
    assert [r.values for r in read.element_rows] == [{
        "id": "", "kind": "event", "name": "RightsSummit 2025", "start": "2025-03-10", "end": "2025-03-12",
        "country": "BE", "region": "Europe", "issues": ["Copyright reform"], "public": True}]
    assert [(r.values["from"], r.values["to"], r.values["type"], r.values["from_kind"], r.values["to_kind"])
            for r in read.connection_rows] == [
        ("European Digital Rights", "RightsSummit 2025", "ORGANISES", "partner", "event"),
        ("Wikimedia Deutschland", "RightsSummit 2025", "ORGANISES", "partner", "event")]


def test_an_attendance_row_without_an_event_or_with_an_unreadable_status_is_a_problem(tmp_path):
    path = tmp_path / "who.csv"
    path.write_text("Name,Event,Status\nMara Ek,,went\nUri Vos,RightsSummit 2025,soon\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        read_source(path)
    assert [str(p) for p in failure.value.problems] == [
        f"{path}:2: column 'Event' (event): is empty; every row of an attendance list names an event",
        f"{path}:3: column 'Status' (status): 'soon' is not an attendance status (accepted: attended (went/yes/y...), "
        "registered (signed up/confirmed/booked...), planned (plan/planning/plans to go...); no, did not go, no show, "
        "cancelled...: not there)"]


# -- event lists and attendance lists: imports ------------------------------------------------------


def test_an_advocate_imports_a_conference_list_and_a_sign_up_sheet_by_names(cli, db_url, tmp_path):
    imported(cli, write_full(tmp_path, "csv", ELEMENTS[:5], CONNECTIONS[:0]))
    events = tmp_path / "events.csv"
    events.write_text("Conference,Date,Until,Location,Issues,Hosted by\n"
                      "Open Access Week,2027-10-20,,Germany,Copyright reform,Wikimedia Deutschland; Open Lab\n",
                      encoding="utf-8")
    report = imported(cli, events)
    assert report["shape"] == "events" and report["created_ids"] == {"Open Access Week": "open-access-week",
                                                                     "Open Lab": "open-lab"}
    sheet = tmp_path / "sign-up.csv"
    sheet.write_text("Attendee,Organisation,Event,Attended as,Attended?,Source\n"
                     "Mara Ek,,Open Access Week,,spoke,programme\n"
                     "uri vos,,open access week,speaker,registered,\n"
                     "Lea Berg,Wikimedia Deutschland,Open Access Week,,will go,\n"
                     "Tom Hale,,Open Access Week,,no,\n", encoding="utf-8")
    report = imported(cli, sheet)
    assert report["shape"] == "attendance"
    assert report["warnings"] == [f"{sheet}: line 5: Tom Hale did not go to Open Access Week (no): no attendance imported"]
    elements, connections = contents(db_url)
    assert elements["open-access-week"] == {"kind": "event", "name": "Open Access Week", "start": "2027-10-20",
                                            "country": "DE"}
    assert elements["open-lab"]["kind"] == "partner"  # an organiser nobody knew: a new partner
    assert connections[("wmde", "open-access-week", "ORGANISES")] == {}
    assert connections[("open-access-week", "copyright", "WORKS_ON")] == {}
    attends = {k[0]: v for k, v in connections.items() if k[2] == "ATTENDS"}
    assert attends == {"mara": {"role": "speaker", "status": "attended", "source": "programme"},
                       "uri": {"role": "speaker", "status": "registered"},
                       "lea-berg": {"status": "planned"}}
    assert ("lea-berg", "wmde", "MEMBER_OF") in connections and elements["tom-hale"]["kind"] == "contact"


def test_next_years_edition_of_a_conference_is_a_new_event_not_a_possible_duplicate(cli, db_url, tmp_path):
    imported(cli, write_full(tmp_path, "csv", [*ELEMENTS[:5], {**ELEMENTS[5], "name": "Open Access Week 2025"}], []))
    events = tmp_path / "events.csv"
    events.write_text("Event,Start\nOpen Access Week 2026,2026-10-19\nOpen Acess Week 2025,2025-10-20\n",
                      encoding="utf-8")
    result = cli("import", str(events), "--json", "--dry-run")
    pairs = json.loads(result.output)["possible_duplicates"]
    assert [(p["incoming"], p["existing"]) for p in pairs] == [("Open Acess Week 2025", "summit-25")]  # a typo


def test_a_workbook_with_an_events_sheet_and_an_attendance_sheet_links_them_in_one_import(cli, db_url, tmp_path):
    book = workbook(tmp_path / "conferences.xlsx", {
        "Events": [["Event", "Start", "End", "Country", "Organisers"],
                   ["Copyright reform", "2026-05-04", "2026-05-05", "FR", "European Digital Rights"]],
        "Who went": [["Name", "Event", "Role", "Status"],
                     ["Mara Ek", "Copyright reform", "Spoke", ""],
                     ["Uri Vos", "Copyright reform", "attendee", "yes"]],
    })
    imported(cli, write_full(tmp_path, "csv", ELEMENTS[:5], CONNECTIONS[:0]))
    report = imported(cli, book)
    assert report["shape"] == "lists"
    elements, connections = contents(db_url)
    # An event named like an issue is an event of its own, not the issue.
    event = next(i for i, e in elements.items() if e["kind"] == "event")
    assert event != "copyright" and elements[event]["name"] == "Copyright reform"
    assert connections[("mara", event, "ATTENDS")] == {"role": "speaker", "status": "attended"}
    assert connections[("uri", event, "ATTENDS")] == {"role": "attendee", "status": "attended"}
    assert ("edri", event, "ORGANISES") in connections


# -- exports ----------------------------------------------------------------------------------------


def test_every_export_carries_events_organisers_and_attendance_and_reads_back_the_same(db_url, tmp_path):
    from partnergraph.config import Settings

    elements = [{**ELEMENTS[1], "public": "true"}, *ELEMENTS[:1], *ELEMENTS[2:],
                {"id": "retreat", "kind": "event", "name": "Board retreat", "start": "2026", "public": "false"}]
    connections = [*CONNECTIONS, {"from": "mara", "to": "retreat", "type": "ATTENDS", "status": "planned"}]
    with Workspace.open(settings_for(db_url)) as workspace:
        workspace.data.import_path(write_full(tmp_path, "csv", elements, connections))
        for fmt in ("json", "csv", "graphml", "gexf"):
            workspace.data.export(fmt, tmp_path / f"out.{fmt}")
            workspace.data.export(fmt, tmp_path / f"public.{fmt}", public=True)
    for fmt in ("json", "csv"):  # the formats the import reads: the same graph again
        with Workspace.open(Settings(db=str(tmp_path / f"again-{fmt}.db"))) as fresh:
            fresh.data.import_path(tmp_path / f"out.{fmt}")
            fresh.data.export("json", tmp_path / f"again-{fmt}.json")
        assert (tmp_path / f"again-{fmt}.json").read_text() == (tmp_path / "out.json").read_text()
    document = json.loads((tmp_path / "out.json").read_text())
    summit = next(e for e in document["elements"] if e["id"] == "summit-25")
    assert (summit["kind"], summit["start"], summit["end"]) == ("event", "2025-03-10", "2025-03-12")
    assert {c["type"] for c in document["connections"]} >= {"ORGANISES", "ATTENDS", "WORKS_ON"}
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        graph = read(tmp_path / f"out.{fmt}")
        start = "start" if fmt == "graphml" else "event_start"  # GEXF keeps start and end for time spells
        assert graph.nodes["summit-25"]["kind"] == "event" and graph.nodes["summit-25"][start] == "2025-03-10"
        assert {d["relationship"] for _, _, d in graph.edges(data=True)} >= {"ORGANISES", "ATTENDS"}
    # Published: the public event and its public organiser, never who attended.
    public = json.loads((tmp_path / "public.json").read_text())
    assert {e["id"] for e in public["elements"]} == {"copyright", "edri", "summit-25"}
    assert {c["type"] for c in public["connections"]} == {"ORGANISES", "WORKS_ON"}
    for fmt in ("json", "csv", "graphml", "gexf"):
        path = tmp_path / f"public.{fmt}"
        text = "".join(p.read_text() for p in path.iterdir()) if path.is_dir() else path.read_text()
        assert "ATTENDS" not in text and "Mara Ek" not in text and "Board retreat" not in text, fmt
