"""The contact of record, and the public directory a visitor filters by region, issue, type and offer.

On tests/data/small (drawn in tests/data/small/README.md), on both stores: cai (wmf) holds cc,
which wmde partners with formally; ben (wmde) and eli (a member of lib, no affiliate) hold lib;
dia (wmke) holds uni, which is not public; nobody holds old.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import csrf_from
from partnergraph.model import ImportFailed, Location, RelType, Row
from partnergraph.services import Workspace
from partnergraph.services.edit_checks import ValidationError
from partnergraph.services.options import HoldersQuery, RisksQuery

AS_OF = date(2026, 11, 15)


def mark(ws: Workspace, person: str, partner: str, primary: bool = True):
    """Make `person` the contact of record of `partner` (or not), as an editor does."""
    return ws.editing.update_connection(person, partner, "HOLDS", {"primary": "true" if primary else ""},
                                        actor="editor", source="the partnerships meeting")


def routes(ws: Workspace, partner: str, **filters: str) -> list[tuple[str, str, str]]:
    found = ws.browse.directory(**filters)
    entry = next(p for p in found["partners"] if p["id"] == partner)
    return [(r["affiliate"]["id"], r["via"], r["reason"]) for r in entry["routes"]]


# -- the contact of record --------------------------------------------------------------------------

def test_marking_a_contact_of_record_shows_in_holders_json_and_in_history(small: Workspace, cli):
    change = mark(small, "cai", "cc")
    result = json.loads(cli("holders", "cc", "--json").output)
    assert result["contact_of_record"] == [{"id": "cai", "name": "Cai Chen", "affiliate": "wmf"}]
    history = small.editing.history("cai")["changes"]
    assert history[0]["seq"] == change.seq
    assert "primary" in json.dumps(history[0])
    assert "contact of record for wmf: Cai Chen (cai)" in cli("holders", "cc").output


def test_a_contact_of_record_of_no_affiliate_says_so(small: Workspace):
    mark(small, "eli", "lib")
    found = small.questions.holders(HoldersQuery("lib"))
    assert found["contact_of_record"] == [{"id": "eli", "name": "Eli Cohen", "affiliate": None}]


def test_a_second_contact_of_record_for_one_affiliate_is_refused_with_a_field_error(small: Workspace):
    mark(small, "ben", "lib")
    with pytest.raises(ValidationError) as refused:
        small.editing.create_connection({"from": "ana", "to": "lib", "type": "HOLDS", "primary": "true"},
                                        actor="editor", source="a call")
    assert list(refused.value.errors) == ["primary"]
    assert refused.value.errors["primary"] == [
        "Ben Okoro (ben) is already the contact of record of National Library of Freedonia (lib) for "
        "Wikimedia Deutschland (wmde): a partner has one per affiliate; unset theirs first"]
    assert small.store.get_connection("ana", "lib", RelType.HOLDS) is None
    # Someone of another affiliate, or of none, may be of record too; unsetting makes room.
    mark(small, "eli", "lib")
    mark(small, "ben", "lib", primary=False)
    small.editing.create_connection({"from": "ana", "to": "lib", "type": "HOLDS", "primary": "true"},
                                    actor="editor", source="a call")
    assert {c["id"] for c in small.questions.holders(HoldersQuery("lib"))["contact_of_record"]} == {"ana", "eli"}


def test_the_edit_api_answers_400_naming_the_primary_field(editor_client, small: Workspace):
    mark(small, "ben", "lib")
    token = csrf_from(editor_client.get("/history"))
    answer = editor_client.post("/api/connections", headers={"X-CSRF-Token": token}, json={
        "connection": {"from": "ana", "to": "lib", "type": "HOLDS", "primary": True}, "provenance": "a call"})
    assert answer.status_code == 400
    assert "Ben Okoro (ben) is already the contact of record" in answer.get_json()["errors"]["primary"][0]


def test_an_import_with_two_contacts_of_record_for_one_affiliate_names_the_row(small: Workspace):
    rows = [Row({"from": "ben", "to": "lib", "type": "HOLDS", "primary": "yes"}, Location("ties.csv", 2)),
            Row({"from": "ana", "to": "lib", "type": "HOLDS", "primary": "yes"}, Location("ties.csv", 3))]
    before = small.store.version()
    with pytest.raises(ImportFailed) as failed:
        small.data.import_rows([], rows)
    assert [str(p) for p in failed.value.problems] == [
        "ties.csv:2: column 'primary': Ana Lima (ana) is already the contact of record of National Library of "
        "Freedonia (lib) for Wikimedia Deutschland (wmde): a partner has one per affiliate; unset theirs first"]
    assert small.store.version() == before  # nothing written
    # Against the store too: one row now, the other already stored.
    small.data.import_rows([], rows[:1])
    with pytest.raises(ImportFailed) as again:
        small.data.import_rows([], rows[1:])
    assert str(again.value.problems[0]).startswith("ties.csv:3: column 'primary': Ben Okoro (ben) is already")
    small.data.import_rows([], rows[:1])  # importing the same again is no clash


def test_the_cli_import_refuses_a_second_contact_of_record_in_one_line(small: Workspace, cli, tmp_path):
    mark(small, "ben", "lib")
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "elements.csv").write_text("id,kind,name\n", encoding="utf-8")
    (folder / "connections.csv").write_text("from,to,type,primary\nana,lib,HOLDS,true\n", encoding="utf-8")
    result = cli("import", str(folder))
    assert result.exit_code == 1
    assert "connections.csv:2: column 'primary': Ben Okoro (ben) is already the contact of record" in result.output
    assert "Traceback" not in result.output


def test_risks_list_partners_without_a_contact_of_record_and_lapsed_ones(small: Workspace, cli):
    found = small.questions.risks(RisksQuery(today=AS_OF))
    assert [p["id"] for p in found["no_contact_of_record"]] == ["cc", "lib", "old", "uni"]
    assert found["lapsed_contacts_of_record"] == []
    mark(small, "cai", "cc")
    mark(small, "ben", "lib")  # last contact 2024-05: stale
    small.editing.update_connection("dia", "uni", "HOLDS", {"primary": "true", "until": "2026-07"},
                                    actor="editor", source="she left")
    found = small.questions.risks(RisksQuery(today=AS_OF))
    assert [p["id"] for p in found["no_contact_of_record"]] == ["old", "uni"]
    lapsed = {(c["partner"]["id"], c["contact"]["id"], c["affiliate"], c["reason"])
              for c in found["lapsed_contacts_of_record"]}
    assert lapsed == {("lib", "ben", "wmde", "stale"), ("uni", "dia", "wmke", "ended")}
    text = cli("risks", "--as-of", "2026-11-15").output
    assert "partners with no contact of record: 2" in text
    assert "National Library of Freedonia (lib): Ben Okoro (ben), last contact 2024-05" in text


def test_a_partner_page_shows_its_contact_of_record_first(viewer_client, small: Workspace):
    mark(small, "cai", "cc")
    html = viewer_client.get("/partners/cc").get_data(as_text=True)
    assert html.index("Contact of record") < html.index("Who holds the relationship")
    record = html[html.index('id="contact-of-record"'):html.index("Who holds the relationship")]
    assert "Cai Chen" in record and "Wikimedia Foundation" in record
    assert "NGO" in html  # the type as a label
    assert "No one is the contact of record yet" in viewer_client.get("/partners/lib").get_data(as_text=True)


def test_an_unknown_organisation_type_is_kept_with_a_notice(editor_client, small: Workspace):
    token = csrf_from(editor_client.get("/history"))
    rev = editor_client.get("/api/elements/lib").get_json()["rev"]
    answer = editor_client.patch("/api/elements/lib", headers={"X-CSRF-Token": token},
                                 json={"element": {"type": "Zoo"}, "provenance": "a call", "rev": rev})
    assert answer.status_code == 200
    assert answer.get_json()["element"]["type"] == "Zoo"
    assert answer.get_json()["notices"][0].startswith("type 'Zoo' is not in the vocabulary")
    known = editor_client.patch("/api/elements/lib", headers={"X-CSRF-Token": token},
                                json={"element": {"type": "Museum"}, "provenance": "a call",
                                      "rev": answer.get_json()["rev"]})
    assert known.get_json()["notices"] == []


# -- the public directory ---------------------------------------------------------------------------

def test_the_directory_routes_each_partner_formally_by_contact_of_record_or_by_holders(small: Workspace):
    assert routes(small, "cc") == [("wmde", "partnership", "partners formally"),
                                   ("wmf", "holders", "1 person holds it")]
    assert routes(small, "lib") == [("wmde", "holders", "1 person holds it")]  # eli belongs to no affiliate
    mark(small, "cai", "cc")
    assert routes(small, "cc") == [("wmde", "partnership", "partners formally"),
                                   ("wmf", "contact_of_record", "contact of record")]
    small.editing.create_connection({"from": "ana", "to": "lib", "type": "HOLDS"}, actor="editor", source="x")
    assert routes(small, "lib") == [("wmde", "holders", "2 people hold it")]
    small.editing.update_connection("ben", "lib", "HOLDS", {"until": "2025-01"}, actor="editor", source="x")
    assert routes(small, "lib") == [("wmde", "holders", "1 person holds it")]  # an ended hold is no route


def test_a_route_shows_the_role_address_of_a_public_affiliate_only(small: Workspace):
    small.editing.update_element("wmde", {"public_email": "partnerships@wmde.example"}, actor="e", source="x")
    cc = next(p for p in small.browse.directory()["partners"] if p["id"] == "cc")
    assert [(r["affiliate"]["id"], r["email"]) for r in cc["routes"]] == [
        ("wmde", "partnerships@wmde.example"), ("wmf", None)]
    small.editing.update_element("wmde", {"public": "false"}, actor="e", source="x")
    assert routes(small, "cc") == [("wmf", "holders", "1 person holds it")]
    assert "partnerships@wmde.example" not in json.dumps(small.browse.directory())


def test_the_directory_filters_by_type_and_offer_on_the_cli_and_the_api(small: Workspace, cli, anonymous_client):
    small.editing.update_element("lib", {"offers": "Legal expertise; digitised maps", "looks_for": "funding"},
                                 actor="e", source="x")
    small.editing.update_element("cc", {"offers": "campaigning"}, actor="e", source="x")
    small.editing.update_element("uni", {"offers": "legal expertise"}, actor="e", source="x")  # not public
    whole = json.loads(cli("directory", "--json").output)
    assert whole["types"] == [{"value": "coalition", "label": "Coalition"}, {"value": "glam", "label": "GLAM"},
                              {"value": "ngo", "label": "NGO"}]
    assert whole["offers"] == ["campaigning", "digitised maps", "legal expertise"]
    for args, query in ((("--type", "Library"), "type=Library"), (("--offers", "LEGAL EXPERTISE"), "offers=LEGAL EXPERTISE"),
                        (("--type", "glam", "--offers", "digitised maps"), "type=glam&offers=digitised maps")):
        printed = json.loads(cli("directory", *args, "--json").output)
        served = anonymous_client.get(f"/api/directory?{query}").get_json()
        assert printed == served
        assert [p["id"] for p in printed["partners"]] == ["lib"]
    assert json.loads(cli("directory", "--offers", "legal expertise", "--json").output)["filters"]["offers"] == \
        "legal expertise"
    assert [p["id"] for p in json.loads(cli("directory", "--type", "ngo", "--region", "North America",
                                            "--json").output)["partners"]] == ["cc"]
    text = cli("directory", "--type", "glam").output
    assert "National Library of Freedonia (lib): GLAM · FR · Europe · active" in text
    assert "offers: Legal expertise, digitised maps" in text
    assert "contact: the partnerships team of Wikimedia Deutschland (1 person holds it)" in text
    assert "Ben" not in text and "Eli" not in text  # never a person


def test_the_directory_page_has_type_and_offer_filters(small: Workspace, anonymous_client):
    small.editing.update_element("lib", {"offers": "venues"}, actor="e", source="x")
    html = anonymous_client.get("/directory?type=glam&offers=Venues").get_data(as_text=True)
    assert '<option value="glam" selected>GLAM</option>' in html
    assert '<option value="venues" selected>venues</option>' in html
    assert "National Library of Freedonia" in html and "Creative Commons" not in html
    assert "1 partner" in html


@pytest.fixture
def anonymous_client(small: Workspace, db_url: str):
    from conftest import settings_for
    from partnergraph.viewer import create_app

    app = create_app(settings_for(db_url, anonymous_read=True))
    yield app.test_client()
    app.extensions["partnergraph"].close()


def test_joining_an_affiliate_that_has_a_contact_of_record_for_the_same_partner_is_refused(small: Workspace):
    mark(small, "ben", "lib")  # ben (wmde)
    mark(small, "eli", "lib")  # eli: no affiliate, so no clash
    with pytest.raises(ValidationError) as refused:
        small.editing.create_connection({"from": "eli", "to": "wmde", "type": "MEMBER_OF"}, actor="e", source="x")
    assert refused.value.errors == {"to": [
        "Eli Cohen (eli) is the contact of record of National Library of Freedonia (lib), and Ben Okoro (ben) is "
        "already the contact of record of National Library of Freedonia (lib) for Wikimedia Deutschland (wmde): "
        "a partner has one per affiliate; unset one first"]}
    small.editing.create_connection({"from": "eli", "to": "wmf", "type": "MEMBER_OF"}, actor="e", source="x")
    rows = [Row({"id": "eli", "kind": "contact", "name": "Eli Cohen", "member_of": "wmde"}, Location("people.csv", 4)),
            Row({"from": "ana", "to": "cc", "type": "HOLDS", "primary": "true"}, Location("ties.csv", 2))]
    with pytest.raises(ImportFailed) as failed:
        small.data.import_rows(rows[:1], rows[1:])
    assert [str(p).split(": ")[0] for p in failed.value.problems] == ["people.csv:4"]
    assert failed.value.problems[0].column == "member_of"


def test_every_organisation_type_of_the_vocabulary_has_a_label():
    from partnergraph.schema import ORGANISATION_TYPES, TYPE_LABELS, type_label

    assert set(TYPE_LABELS) == set(ORGANISATION_TYPES)
    assert type_label("Museum") == "GLAM" and type_label("thematic_org") == "Thematic organisation"
    assert type_label(" Zoo ") == "Zoo"
