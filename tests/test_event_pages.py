"""Events in the viewer: element pages, forms, the graph, the public directory, and attendance kept private.

The small network (tests/data/small) plus four events of known facts, on both stores:

- Freedom Summit 2031 (summit): 2031-03-10 to 12, Brussels (BE, Europe), public, on copyright,
  organised by Creative Commons and Wikimedia Deutschland; Ana (speaker, planned) and Eli
  (registered) plan to go.
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


@pytest.fixture
def anonymous(events: Workspace, db_url: str):
    app = create_app(settings_for(db_url, anonymous_read=True))
    yield app.test_client()
    app.extensions["partnergraph"].close()


@pytest.fixture
def signed_in(events: Workspace, db_url: str):
    app = create_app(settings_for(db_url, secret_key="test secret key, not for production"))
    client = app.test_client()
    sign_in(client, events, "editor")
    yield client
    app.extensions["partnergraph"].close()


@pytest.fixture
def public(events: Workspace, db_url: str):
    app = create_app(settings_for(db_url), public=True)
    yield app.test_client()
    app.extensions["partnergraph"].close()


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
    assert {o["id"] for o in node["organisers"]} == {"cc", "wmde"}
    assert [i["id"] for i in node["issues"]] == ["copyright"]
    assert [e["id"] for e in signed_in.get("/api/nodes/ben").get_json()["attends"]] == ["meetup"]
    assert signed_in.get("/elements/summit").headers["Location"].endswith("/events/summit")


def test_an_advocate_finds_events_by_name_and_sees_them_in_the_graph(signed_in):
    found = signed_in.get("/api/search?q=summit").get_json()["results"]
    assert found[0]["id"] == "summit" and found[0]["start"] == "2031-03-10"
    assert "2031-03-10 to 2031-03-12" in signed_in.get("/search?q=summit").get_data(as_text=True)
    graph = signed_in.get("/api/graph?center=summit&depth=1").get_json()
    assert {n["id"] for n in graph["nodes"]} == {"summit", "cc", "wmde", "copyright", "ana", "eli"}
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
    assert "attendees" not in node and node["degree"] == 3  # two organisers and an issue: no one who goes
    assert "attends" not in anonymous.get("/api/nodes/ben").get_json()
    assert "Library Meetup" not in anonymous.get("/contacts/ben").get_data(as_text=True)
    graph = anonymous.get("/api/graph?center=summit&depth=2&limit=2000").get_json()
    assert not any("ATTENDS" in e["types"] for e in graph["edges"])
    assert "ana" not in {n["id"] for n in anonymous.get("/api/graph?center=summit&depth=1").get_json()["nodes"]}
    everyone = anonymous.get("/api/graph?view=all&limit=2000").get_json()
    assert not any("ATTENDS" in e["types"] for e in everyone["edges"])
    assert "ATTENDS" not in anonymous.get("/graph").get_data(as_text=True)  # not even the line type


def test_an_anonymous_readers_path_never_goes_through_an_event(anonymous, signed_in):
    answer = anonymous.get("/api/path?from=ben&to=lib&types=ATTENDS")
    assert answer.status_code == 400 and "types" in answer.get_json()["error"]
    assert signed_in.get("/api/path?from=ben&to=lib&types=ATTENDS").status_code != 400


def test_the_public_sees_no_attendance_and_no_private_event(public):
    assert public.get("/events/retreat").status_code == 404
    node = public.get("/api/nodes/summit").get_json()
    assert "attendees" not in node and {o["id"] for o in node["organisers"]} == {"cc", "wmde"}
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
    assert "organised by: Creative Commons, Wikimedia Deutschland" in result.output
    assert "Ana" not in result.output
