"""Events in the viewer: element pages, forms, the graph, the public directory, and attendance kept private.

The small network (tests/data/small) plus four events of known facts, on both stores:

- Freedom Summit 2031 (summit): 2031-03-10 to 12, Brussels (BE, Europe), public, on copyright,
  organised by Creative Commons, Old Coalition (held by nobody: a gap) and Wikimedia Deutschland;
  Ana (of Wikimedia Deutschland: one of ours; speaker, planned) and Eli (of the National Library:
  a partner present through him; registered) plan to go.
- Library Meetup 2020 (meetup): 2020-05-04, public, organised by the National Library; Ben and
  Eli attended.
- Closed Retreat (retreat): not public, organised by Creative Commons.
- Unorganised Gathering (gathering): public, organised by nobody: no partner event.

Attendance is personal data: signed-in readers see it, anonymous readers of a private viewer and
the public never do.
"""

from __future__ import annotations

import pytest

from conftest import Cli, settings_for, sign_in
from partnergraph.model import Location, Row
from partnergraph.services import Workspace
from partnergraph.viewer import create_app

EVENTS = [
    {"id": "summit", "kind": "event", "name": "Freedom Summit 2031", "start": "2031-03-10", "end": "2031-03-12",
     "country": "BE", "region": "Europe", "public": "true", "issues": "copyright",
     "website": "https://summit.example.org/"},
    {"id": "meetup", "kind": "event", "name": "Library Meetup 2020", "start": "2020-05-04", "region": "Europe",
     "public": "true", "website": "javascript:alert(1)"},
    {"id": "retreat", "kind": "event", "name": "Closed Retreat", "start": "2030-01-01", "public": "false"},
    {"id": "gathering", "kind": "event", "name": "Unorganised Gathering", "start": "2030-02-01", "public": "true"},
]
LINKS = [
    {"from": "cc", "to": "summit", "type": "ORGANISES"},
    {"from": "wmde", "to": "summit", "type": "ORGANISES"},
    {"from": "old", "to": "summit", "type": "ORGANISES"},
    {"from": "lib", "to": "meetup", "type": "ORGANISES"},
    {"from": "cc", "to": "retreat", "type": "ORGANISES"},
    {"from": "ana", "to": "summit", "type": "ATTENDS", "role": "speaker", "status": "planned"},
    {"from": "eli", "to": "summit", "type": "ATTENDS", "role": "exhibitor", "status": "registered"},
    {"from": "ben", "to": "meetup", "type": "ATTENDS", "status": "attended", "source": "the sign-in sheet"},
    {"from": "eli", "to": "meetup", "type": "ATTENDS"},
]


def add_events(workspace: Workspace) -> None:
    workspace.data.import_rows([Row(v, Location("events", i + 2)) for i, v in enumerate(EVENTS)],
                               [Row(v, Location("events", i + 2)) for i, v in enumerate(LINKS)])


@pytest.fixture
def events(small: Workspace) -> Workspace:
    add_events(small)
    return small


def clients(db_url: str, *, role: str | None = None, public: bool = False, workspace: Workspace | None = None):
    """Yield a test client of a viewer on `db_url`: anonymous reading, signed in with `role`, or public."""
    settings = settings_for(db_url, anonymous_read=role is None and not public,
                            secret_key="test secret key, not for production")
    app = create_app(settings, public=public)
    try:
        client = app.test_client()
        if role is not None:
            sign_in(client, workspace, role)
        yield client
    finally:
        app.extensions["partnergraph"].close()


@pytest.fixture
def anonymous(events: Workspace, db_url: str):
    yield from clients(db_url)


@pytest.fixture
def signed_in(events: Workspace, db_url: str):
    yield from clients(db_url, role="editor", workspace=events)


@pytest.fixture
def public(events: Workspace, db_url: str):
    yield from clients(db_url, public=True)


# -- events everywhere -------------------------------------------------------------------------------


def test_an_advocate_opens_an_event_page_with_its_dates_place_organisers_and_attendees(signed_in):
    page = signed_in.get("/events/summit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Freedom Summit 2031" in html and "2031-03-10 to 2031-03-12 · BE · Europe" in html
    assert "Organisers" in html and "Creative Commons" in html and "Wikimedia Deutschland" in html
    assert "Attendees" in html and "Ana Lima" in html and "speaker" in html and "planned" in html
    assert "Find a path to this event" not in html  # paths end at people and organisations
    node = signed_in.get("/api/nodes/summit").get_json()
    assert (node["kind"], node["start"], node["end"]) == ("event", "2031-03-10", "2031-03-12")
    assert [a["id"] for a in node["attendees"]] == ["ana", "eli"]
    assert {o["id"] for o in node["organisers"]} == {"cc", "old", "wmde"}
    assert [i["id"] for i in node["issues"]] == ["copyright"]
    assert [e["id"] for e in signed_in.get("/api/nodes/ben").get_json()["attends"]] == ["meetup"]
    assert signed_in.get("/elements/summit").headers["Location"].endswith("/events/summit")


def test_an_advocate_finds_events_by_name_and_sees_them_in_the_graph(signed_in):
    found = signed_in.get("/api/search?q=summit").get_json()["results"]
    assert found[0]["id"] == "summit" and found[0]["start"] == "2031-03-10"
    assert "2031-03-10 to 2031-03-12" in signed_in.get("/search?q=summit").get_data(as_text=True)
    graph = signed_in.get("/api/graph?center=summit&depth=1").get_json()
    assert {n["id"] for n in graph["nodes"]} == {"summit", "cc", "old", "wmde", "copyright", "ana", "eli"}
    assert {tuple(e["types"]) for e in graph["edges"] if "summit" in (e["from"], e["to"])} == {
        ("ORGANISES",), ("WORKS_ON",), ("ATTENDS",)}
    page = signed_in.get("/graph").get_data(as_text=True)
    assert '"event": "star"' in page and '"ATTENDS"' in page
    assert 'value="event"' in page  # a kind to filter by
    assert signed_in.get("/").get_data(as_text=True).count('class="label">events<') == 1


def test_an_editor_creates_an_event_with_date_inputs_and_records_attendance_from_the_vocabularies(signed_in):
    form = signed_in.get("/edit/new/event").get_data(as_text=True)
    assert 'id="f-start" name="start" type="date"' in form and 'id="f-end" name="end" type="date"' in form
    attends = signed_in.get("/edit/connections/new?type=ATTENDS").get_data(as_text=True)
    for value in ("attendee", "speaker", "organiser", "exhibitor", "attended", "registered", "planned"):
        assert f'<option value="{value}"' in attends, value
    organises = signed_in.get("/edit/connections/new?type=ORGANISES").get_data(as_text=True)
    assert '<select id="f-role"' not in organises  # an organiser's role is free text
    edit = signed_in.get("/edit/elements/meetup").get_data(as_text=True)
    assert 'value="2020-05-04"' in edit and 'type="date"' in edit


# -- privacy: attendance reaches only signed-in readers ---------------------------------------------


def test_an_anonymous_reader_sees_the_event_and_its_organisers_but_not_who_attends(anonymous):
    html = anonymous.get("/events/summit").get_data(as_text=True)
    assert "Freedom Summit 2031" in html and "Creative Commons" in html
    assert "Attendees" not in html and "Ana Lima" not in html and "speaker" not in html
    node = anonymous.get("/api/nodes/summit").get_json()
    assert "attendees" not in node and node["degree"] == 4  # three organisers and an issue: no one who goes
    assert "attends" not in anonymous.get("/api/nodes/ben").get_json()
    assert "Library Meetup" not in anonymous.get("/contacts/ben").get_data(as_text=True)
    graph = anonymous.get("/api/graph?center=summit&depth=2&limit=2000").get_json()
    assert not any("ATTENDS" in e["types"] for e in graph["edges"])
    assert "ana" not in {n["id"] for n in anonymous.get("/api/graph?center=summit&depth=1").get_json()["nodes"]}
    everyone = anonymous.get("/api/graph?view=all&limit=2000").get_json()
    assert not any("ATTENDS" in e["types"] for e in everyone["edges"])
    assert "ATTENDS" not in anonymous.get("/graph").get_data(as_text=True)  # not even the line type


def test_an_anonymous_readers_path_never_goes_through_an_event(anonymous, signed_in):
    answer = anonymous.get("/api/path?from=ben&to=eli&types=ATTENDS").get_json()
    assert answer["paths"] == [] and "personal data" in answer["reason"]
    # Ben and Eli both attended the meetup: one hop for a signed-in reader, none without.
    hops = signed_in.get("/api/path?from=ben&to=eli&types=ATTENDS").get_json()["paths"][0]["hops"]
    assert len(hops) == 1 and "Library Meetup 2020" in hops[0]["why"]
    found = anonymous.get("/api/path?from=ben&to=eli&k=5").get_json()["paths"]
    assert found and not any("Library Meetup" in hop["why"] for p in found for hop in p["hops"])


def test_the_public_sees_no_attendance_and_no_private_event(public):
    assert public.get("/events/retreat").status_code == 404
    node = public.get("/api/nodes/summit").get_json()
    assert "attendees" not in node and {o["id"] for o in node["organisers"]} == {"cc", "old", "wmde"}
    assert public.get("/api/graph?center=summit&depth=2").status_code == 200
    assert "ATTENDS" not in public.get("/api/graph?view=all&limit=2000").get_data(as_text=True)


def test_a_public_export_holds_events_and_organisers_but_no_attendance(events, db_url, tmp_path):
    import json

    out = tmp_path / "public.json"
    result = Cli(db_url)("export", "--format", "json", "--public", "-o", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert {e["id"] for e in document["elements"] if e["kind"] == "event"} == {"summit", "meetup", "gathering"}
    assert {c["type"] for c in document["connections"]} == {"ORGANISES", "PARTNERS_WITH", "WORKS_ON"}


# -- the public directory ----------------------------------------------------------------------------


def test_the_public_directory_lists_public_partner_events_never_attendees(public):
    found = public.get("/api/directory").get_json()
    assert found["events"] == [
        {"id": "meetup", "name": "Library Meetup 2020", "kind": "event", "start": "2020-05-04", "region": "Europe",
         "upcoming": False, "website": None, "issues": [],
         "organisers": [{"id": "lib", "name": "National Library of Freedonia", "kind": "partner"}]},
        {"id": "summit", "name": "Freedom Summit 2031", "kind": "event", "start": "2031-03-10", "end": "2031-03-12",
         "country": "BE", "region": "Europe", "upcoming": True, "website": "https://summit.example.org/",
         "issues": [{"id": "copyright", "name": "Copyright reform"}],
         "organisers": [{"id": "cc", "name": "Creative Commons", "kind": "partner"},
                        {"id": "old", "name": "Old Coalition", "kind": "partner"},
                        {"id": "wmde", "name": "Wikimedia Deutschland", "kind": "affiliate"}]}]
    assert [e["id"] for e in public.get("/api/directory?issue=copyright").get_json()["events"]] == ["summit"]
    assert public.get("/api/directory?region=Africa").get_json()["events"] == []
    html = public.get("/directory").get_data(as_text=True)
    assert "Partner events" in html and "Freedom Summit 2031" in html and "2031-03-10 to 2031-03-12" in html
    assert "Ana Lima" not in html and "Closed Retreat" not in html and "Unorganised Gathering" not in html
    assert "javascript:" not in html


def test_the_directory_command_prints_the_public_partner_events(events, db_url):
    result = Cli(db_url)("directory", "--region", "Europe")
    assert result.exit_code == 0, result.output
    assert "2 public partner events" in result.output
    assert "Freedom Summit 2031 (summit): 2031-03-10 to 2031-03-12 · BE · Europe" in result.output
    assert "organised by: Creative Commons, Old Coalition, Wikimedia Deutschland" in result.output
    assert "Ana" not in result.output


# -- the Events page, the event page, the briefing, the attendance chart ----------------------------


def test_an_advocate_lists_upcoming_and_past_events_and_filters_them(signed_in):
    found = signed_in.get("/api/events").get_json()
    assert [e["id"] for e in found["upcoming"]] == ["retreat", "gathering", "summit"]  # soonest first
    assert [e["id"] for e in found["past"]] == ["meetup"]
    summit = found["upcoming"][2]
    assert (summit["partners"], summit["our_people"], summit["attendees"]) == (3, 1, 2)
    assert [e["id"] for e in signed_in.get("/api/events?issue=copyright&when=upcoming").get_json()["upcoming"]] == [
        "retreat", "summit"]  # the summit works on it; the retreat's organiser does
    assert signed_in.get("/api/events?when=past").get_json()["upcoming"] == []
    html = signed_in.get("/events?region=Europe").get_data(as_text=True)
    assert "Freedom Summit 2031" in html and "Library Meetup 2020" in html and "Closed Retreat" not in html
    assert 'href="/events"' in signed_in.get("/").get_data(as_text=True)  # in the nav


def test_an_advocate_ranks_upcoming_events_for_an_affiliate_with_reasons(signed_in):
    found = signed_in.get("/api/events?for=wmde").get_json()
    assert [e["id"] for e in found["events"]] == ["summit", "retreat", "gathering"]
    summit = found["events"][0]
    assert summit["score"] > found["events"][1]["score"]  # the rule and its weights: docs/events.md
    assert "1 held by nobody (Old Coalition)" in summit["reasons"]
    assert summit["reasons"][-1] == ("1 of our people going (planned or registered): Ana Lima; "
                                     "1 of them from Wikimedia Deutschland")
    html = signed_in.get("/events?for=wmde").get_data(as_text=True)
    assert "Ranked for" in html and f"score {summit['score']:.2f}" in html
    assert "1 held by nobody (Old Coalition)" in html


def test_an_anonymous_reader_ranks_events_without_anyones_attendance(anonymous):
    summit = anonymous.get("/api/events?for=wmde").get_json()["events"][0]
    assert [p["id"] for p in summit["partners"]] == ["cc", "old"]  # by organising only: no one's presence
    assert summit["our_people"] == [] and not any("Ana" in r for r in summit["reasons"])
    listed = anonymous.get("/api/events").get_json()["upcoming"][2]
    assert "attendees" not in listed and "our_people" not in listed
    html = anonymous.get("/events?for=wmde").get_data(as_text=True)
    assert "Ana Lima" not in html and "sign in" in html.lower()
    for url in ("/api/events/summit", "/api/events/summit/briefing?for=ben", "/api/attendance"):
        assert anonymous.get(url).status_code == 401, url
    for url in ("/events/summit/briefing?for=ben", "/analytics/attendance"):
        assert anonymous.get(url).status_code == 302, url  # to sign in


def test_the_public_viewer_has_no_events_pages(public):
    for url in ("/events", "/api/events", "/events/summit/briefing?for=ben", "/analytics/attendance",
                "/api/events/summit", "/api/attendance"):
        assert public.get(url).status_code == 404, url


def test_an_advocate_sees_the_partners_present_and_the_gaps_on_the_event_page(signed_in):
    page = signed_in.get("/api/events/summit").get_json()
    assert [p["id"] for p in page["partners"]] == ["old", "cc", "lib"]  # the most worth meeting first
    assert [g["id"] for g in page["gaps"]] == ["old"]
    assert [a["id"] for a in page["our_attendees"]] == ["ana"]
    html = signed_in.get("/events/summit").get_data(as_text=True)
    for text in ("Partners present", "Gaps", "Our attendees", "National Library of Freedonia", "held by one person"):
        assert text in html, text
    assert 'href="/events/summit/briefing?for=ana"' in html


def test_an_advocate_reads_a_printable_briefing_with_introducers(signed_in):
    found = signed_in.get("/api/events/summit/briefing?for=ben").get_json()
    assert found["for"]["id"] == "ben"
    by_id = {p["id"]: p for p in found["partners"]}
    assert by_id["cc"]["introduction"]["say"] == (
        "ask Cai Chen (not at the event) to introduce you to Creative Commons: lukewarm, 3 hops")
    html = signed_in.get("/events/summit/briefing?for=Ben Okoro").get_data(as_text=True)
    assert "Briefing: Freedom Summit 2031" in html and "ask Cai Chen (not at the event)" in html
    assert 'class="printable"' in html and "print.js" in html
    assert signed_in.get("/api/events/summit/briefing").status_code == 400  # for whom?
    assert signed_in.get("/api/events/summit/briefing?for=cc").status_code == 400  # not a person
    wrong = signed_in.get("/events/summit/briefing?for=cc")
    assert wrong.status_code == 200 and "a briefing is for a person" in wrong.get_data(as_text=True)
    assert signed_in.get("/events/nowhere/briefing?for=ben").status_code == 404
    assert signed_in.get("/api/events/ben").status_code == 400  # a person, not an event


def test_an_analyst_sees_attendance_per_year_as_a_chart_beside_its_table(signed_in):
    found = signed_in.get("/api/attendance?by=affiliate").get_json()
    assert found["years"] == [2020, 2031]
    assert [g["name"] for g in found["groups"]] == ["Wikimedia Deutschland"]
    assert found["total"][0]["people"] == 1 and found["total"][1]["planned"] == 1
    html = signed_in.get("/analytics/attendance?by=affiliate").get_data(as_text=True)
    assert "<svg" in html and "<polyline" in html and 'id="attendance-table"' in html
    assert "Wikimedia Deutschland, 2020: 1" in html  # a point's title
    # 2031 is still to come: its planned attendance is in the table, not drawn as a fall to 0
    assert "Wikimedia Deutschland, 2031" not in html, html[html.find("Wikimedia Deutschland, 2031") - 300:][:400]
    assert '<th class="num">2031</th>' in html
    assert signed_in.get("/analytics/attendance?by=planet").status_code == 400
    assert signed_in.get("/api/attendance?from=1800").status_code == 400
    assert signed_in.get("/api/events?as_of=yesterday").status_code == 400


def test_an_attendance_logged_by_hand_stays_out_of_the_history_anonymous_readers_see(events, db_url):
    events.editing.create_connection({"from": "dia", "to": "summit", "type": "ATTENDS", "role": "speaker"},
                                     actor="editor", source="the programme")
    for client in clients(db_url):
        changes = client.get("/api/changes").get_json()["changes"]
        assert not any(c["action"] == "create" for c in changes)
        assert "Freedom Summit" not in client.get("/history/dia").get_data(as_text=True)
    for client in clients(db_url, role="viewer", workspace=events):
        assert [c["action"] for c in client.get("/api/changes").get_json()["changes"]][0] == "create"


def test_every_event_page_and_a_briefing_for_each_open_on_the_demo(workspace, db_url):
    """The demo's conferences are big enough that a briefing names more people than it searches introductions for."""
    workspace.data.load_demo()
    for client in clients(db_url, role="viewer", workspace=workspace):
        listed = client.get("/api/events?when=all").get_json()
        ids = [e["id"] for key in ("upcoming", "past", "undated") for e in listed[key]]
        assert len(ids) >= 10
        unsearched = 0
        for event in ids:
            assert client.get(f"/events/{event}").status_code == 200, event
            ours = client.get(f"/api/events/{event}").get_json()["our_attendees"]
            if ours:
                page = client.get(f"/events/{event}/briefing?for={ours[0]['id']}")
                assert page.status_code == 200, event
                unsearched += "introduction not searched" in page.get_data(as_text=True)
        assert unsearched  # at least one briefing went past its budget, and says so
        assert client.get("/analytics/attendance?by=issue").status_code == 200
