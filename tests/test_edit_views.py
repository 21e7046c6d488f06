"""Editing in the viewer as editors (and non-editors) meet it: forms, messages, history, revert, merge, uploads.

Every test runs on both stores; clients come signed in through the real /login form (conftest).
"""

from __future__ import annotations

import re

import pytest

from conftest import csrf_from, settings_for
from partnergraph.model import Kind, RelType
from partnergraph.services import Workspace, accounts, edit_checks
from partnergraph.viewer import create_app, forms

HOSTILE = '"><script>alert(1)</script>'


def token(client) -> str:
    return csrf_from(client.get("/history"))


def field_block(html: str, name: str) -> str:
    """Return the HTML of one form field: its label, input, hint and messages."""
    found = re.search(rf'<div class="field[^"]*" data-field="{re.escape(name)}">(.*?)</div>', html, re.S)
    assert found, f"no field {name!r} in the page"
    return found.group(1)


def store_state(ws: Workspace):
    snapshot = ws.store.snapshot()
    return snapshot.elements, snapshot.connections


# -- who sees what ------------------------------------------------------------------------------------


def test_editors_see_edit_links_on_an_element_page_and_viewers_do_not(editor_client, viewer_client):
    page = editor_client.get("/contacts/ana").get_data(as_text=True)
    assert 'href="/edit/elements/ana"' in page and 'href="/edit/interaction/ana"' in page
    assert 'href="/edit/merge/ana"' in page and 'href="/history/ana"' in page
    page = viewer_client.get("/contacts/ana").get_data(as_text=True)
    assert "/edit/" not in page
    assert 'href="/history/ana"' in page  # reading the history is for every signed-in account
    assert "Revert" not in viewer_client.get("/history").get_data(as_text=True)


@pytest.mark.parametrize("kind", ["affiliate", "partner", "contact", "issue"])
def test_a_form_for_each_kind_renders_every_field(editor_client, kind: str):
    page = editor_client.get(f"/edit/new/{kind}").get_data(as_text=True)
    for name in ("id", *forms.ELEMENT_FIELDS[Kind.parse(kind)], "provenance", "comment", "csrf_token"):
        assert f'name="{name}"' in page
    assert "<script>" not in page.replace('<script src="/static/edit.js"></script>', "")  # no inline script (CSP)


@pytest.mark.parametrize("rel", [r.value for r in RelType])
def test_a_form_for_each_relationship_type_renders_every_field(editor_client, rel: str):
    page = editor_client.get(f"/edit/connections/new?type={rel}&from=ana").get_data(as_text=True)
    for name in ("from", "to", *forms.CONNECTION_FIELDS[RelType(rel)], "provenance"):
        assert f'name="{name}"' in page
    assert 'value="ana"' in page  # the element the editor came from is filled in
    chooser = editor_client.get("/edit/connections/new").get_data(as_text=True)
    assert f"type={rel}" in chooser


def test_a_viewer_posting_edits_gets_403_and_nothing_changes(viewer_client, small: Workspace):
    before = store_state(small)
    csrf = token(viewer_client)
    form = {"csrf_token": csrf, "name": "Taken over", "id": "x", "provenance": "me", "with": "cai", "drop": "ben"}
    for url in ("/edit/new/partner", "/edit/elements/cc", "/edit/delete/cc", "/edit/interaction/ana",
                "/edit/merge/ana", "/edit/connections/new?type=KNOWS", "/edit/connection?from=ana&to=cai&type=KNOWS",
                "/edit/connection/delete?from=ana&to=cai&type=KNOWS", "/history/revert/1", "/edit/import"):
        assert viewer_client.post(url, data=form).status_code == 403, url
        assert viewer_client.get(url).status_code in (403, 404, 405), url  # not even the form
    headers = {"X-CSRF-Token": csrf}
    for method, url, body in (("post", "/api/elements", {"element": {"id": "x", "kind": "issue", "name": "X"}}),
                              ("patch", "/api/elements/cc", {"element": {"name": "X"}}),
                              ("delete", "/api/elements/cc", {}),
                              ("post", "/api/interactions", {"person": "ana", "with": "cai"}),
                              ("post", "/api/merge", {"keep": "ana", "drop": "ben"}),
                              ("post", "/api/changes/1/revert", {})):
        answer = getattr(viewer_client, method)(url, json={**body, "provenance": "me"}, headers=headers)
        assert answer.status_code == 403 and "editor" in answer.get_json()["error"], url
    assert store_state(small) == before
    assert small.store.history() == []


def test_an_edit_without_the_csrf_token_is_refused(editor_client, small: Workspace):
    answer = editor_client.post("/edit/elements/cc", data={"name": "Hijacked", "provenance": "x"})
    assert answer.status_code == 400
    assert small.store.get("cc").name == "Creative Commons"


def test_editing_is_not_part_of_the_public_directory(small: Workspace, db_url: str):
    app = create_app(settings_for(db_url, secret_key="test secret key, not for production"), public=True)
    client = app.test_client()
    for url in ("/edit/new/partner", "/edit/elements/cc", "/history", "/history/cc", "/api/history/cc"):
        assert client.get(url).status_code == 404, url
    assert client.post("/api/elements", json={}).status_code == 404
    app.extensions["partnergraph"].close()


# -- forms ----------------------------------------------------------------------------------------


def test_an_editor_creates_a_partner_and_lands_on_its_page(editor_client, small: Workspace):
    answer = editor_client.post("/edit/new/partner", data={
        "csrf_token": token(editor_client), "id": "eff", "name": "Electronic Frontier Foundation", "type": "ngo",
        "status": "active", "country": "us", "public": "true", "tags": "digital rights; privacy",
        "provenance": "https://www.eff.org/about"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/elements/eff")
    page = editor_client.get(answer.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Created Electronic Frontier Foundation" in page
    element = small.store.get("eff")
    assert element.props == {"type": "ngo", "status": "active", "country": "US", "public": True,
                             "tags": ["digital rights", "privacy"]}
    change = small.store.history("eff")[0]
    assert (change.note.author, change.note.action, change.note.source) == ("editor", "create",
                                                                            "https://www.eff.org/about")


def test_validation_messages_sit_next_to_their_field_and_keep_what_was_typed(editor_client, small: Workspace):
    before = store_state(small)
    answer = editor_client.post("/edit/elements/cc", data={
        "csrf_token": token(editor_client), "rev": edit_checks.revision(small.store.get("cc")), "name": HOSTILE,
        "country": "ZZ", "status": "closed", "public": "true", "provenance": ""})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "ISO 3166" in field_block(html, "country") and 'value="ZZ"' in field_block(html, "country")
    assert "active, prospective, dormant" in field_block(html, "status")
    assert "comes from" in field_block(html, "provenance")
    assert "field-error" not in field_block(html, "region")
    assert 'aria-invalid="true"' in field_block(html, "country")
    # What was typed comes back escaped, never as markup.
    assert HOSTILE not in html and "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in field_block(html, "name")
    assert store_state(small) == before


def test_a_relationship_form_checks_its_ends_and_values(editor_client, small: Workspace):
    answer = editor_client.post("/edit/connections/new?type=HOLDS", data={
        "csrf_token": token(editor_client), "from": "Fay Wu", "to": "wmde", "strength": "9", "since": "2021-13",
        "provenance": "x"})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "must be a partner" in field_block(html, "to")
    assert "since" in html and "month" in field_block(html, "since")
    answer = editor_client.post("/edit/connections/new?type=HOLDS", data={
        "csrf_token": token(editor_client), "from": "Fay Wu", "to": "Old Coalition", "strength": "2",
        "since": "2021-03", "provenance": "phone call"})
    assert answer.status_code == 303
    assert small.store.get_connection("fay", "old", RelType.HOLDS).props == {"strength": 2, "since": "2021-03"}

    form = editor_client.get("/edit/connection?from=fay&to=old&type=HOLDS").get_data(as_text=True)
    rev = re.search(r'name="rev" value="([^"]+)"', form).group(1)
    answer = editor_client.post("/edit/connection?from=fay&to=old&type=HOLDS", data={
        "csrf_token": csrf_from(form), "rev": rev, "strength": "4", "since": "2021-03", "last_contact": "2026-01",
        "source": "", "notes": "", "provenance": "email"})
    assert answer.status_code == 303
    assert small.store.get_connection("fay", "old", RelType.HOLDS).props["strength"] == 4
    answer = editor_client.post("/edit/connection/delete?from=fay&to=old&type=HOLDS",
                                data={"csrf_token": csrf_from(form), "provenance": "ended"})
    assert answer.status_code == 303 and small.store.get_connection("fay", "old", RelType.HOLDS) is None


def test_saving_over_someone_elses_change_names_them_and_keeps_the_form(editor_client, small: Workspace):
    form = editor_client.get("/edit/elements/uni").get_data(as_text=True)
    rev = re.search(r'name="rev" value="([^"]+)"', form).group(1)
    small.editing.update_element("uni", {"status": "active"}, actor="Dia Mwangi", source="signed MoU")
    answer = editor_client.post("/edit/elements/uni", data={
        "csrf_token": csrf_from(form), "rev": rev, "name": "UoN Press", "status": "dormant", "provenance": "web"})
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    assert "Dia Mwangi" in html and 'value="UoN Press"' in html
    assert small.store.get("uni").props["status"] == "active"
    # The page now carries the current rev: saving again is a deliberate overwrite.
    rev = re.search(r'name="rev" value="([^"]+)"', html).group(1)
    answer = editor_client.post("/edit/elements/uni", data={
        "csrf_token": csrf_from(form), "rev": rev, "name": "UoN Press", "status": "dormant", "provenance": "web"})
    assert answer.status_code == 303 and small.store.get("uni").name == "UoN Press"


def test_deleting_asks_first_and_can_be_reverted_from_the_history(editor_client, small: Workspace):
    before = store_state(small)
    page = editor_client.get("/edit/delete/eli").get_data(as_text=True)
    assert "4 connections" in page and "Delete Eli Cohen?" in page
    answer = editor_client.post("/edit/delete/eli", data={"csrf_token": csrf_from(page), "provenance": "left"})
    assert answer.status_code == 303 and small.store.get("eli") is None
    history = editor_client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "History of Eli Cohen" in history and "deleted" in history
    seq = small.store.history("eli")[0].seq
    answer = editor_client.post(f"/history/revert/{seq}", data={"csrf_token": csrf_from(history), "element": "eli",
                                                                "comment": "by mistake"})
    assert answer.status_code == 303
    assert store_state(small) == before
    page = editor_client.get("/history/eli").get_data(as_text=True)
    assert f"reverted by #{seq + 1}" in page and "by mistake" in page


def test_logging_an_interaction_from_a_contacts_page(editor_client, small: Workspace):
    page = editor_client.get("/edit/interaction/ana").get_data(as_text=True)
    assert f'value="{edit_checks.today()}"' in page and ">Cai Chen<" in page  # today, and Ana's ties offered
    answer = editor_client.post("/edit/interaction/ana", data={
        "csrf_token": csrf_from(page), "with": "Cai Chen", "on": "2026-10-20", "strength": "5",
        "note": "lunch", "provenance": "calendar"})
    assert answer.status_code == 303
    tie = small.store.get_connection("ana", "cai", RelType.KNOWS)
    assert (tie.props["last_contact"], tie.props["strength"]) == ("2026-10-20", 5)
    assert small.store.history("ana")[0].note.comment == "lunch"
    answer = editor_client.post("/edit/interaction/ana", data={
        "csrf_token": csrf_from(page), "with": "cc", "on": "soon", "strength": "8"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "does not hold" in field_block(html, "with") or "ISO 8601" in field_block(html, "on")
    assert "ISO 8601" in field_block(html, "on") and 'value="soon"' in field_block(html, "on")


def test_merging_duplicates_previews_then_keeps_every_relationship(editor_client, small: Workspace):
    small.editing.create_element("contact", {"id": "ana2", "name": "Ana L."}, actor="x", source="old list")
    small.editing.create_connection({"from": "ana2", "to": "fay", "type": "KNOWS", "strength": 2}, actor="x",
                                    source="old list")
    small.editing.create_connection({"from": "ana2", "to": "cai", "type": "KNOWS", "strength": 5}, actor="x",
                                    source="old list")
    small.editing.create_connection({"from": "ana2", "to": "cc", "type": "HOLDS"}, actor="x", source="old list")
    expected = {c.key for c in small.store.connections_of("ana")} | {
        ("ana", "fay", "KNOWS"), ("ana", "cc", "HOLDS")}
    page = editor_client.get("/edit/merge/ana?drop=Ana+L.").get_data(as_text=True)
    moved = re.search(r'<ul class="related" id="moved">(.*?)</ul>', page, re.S).group(1)
    assert "Fay Wu" in moved and "Creative Commons" in moved
    combined = re.search(r'<ul class="related" id="combined">(.*?)</ul>', page, re.S).group(1)
    assert "Cai Chen" in combined and "4 → 5" in combined
    answer = editor_client.post("/edit/merge/ana", data={
        "csrf_token": csrf_from(page), "drop": "ana2", "rev": re.search(r'name="rev" value="([^"]+)"', page).group(1),
        "provenance": "the same person"})
    assert answer.status_code == 303
    assert small.store.get("ana2") is None
    assert {c.key for c in small.store.connections_of("ana")} == expected
    assert small.store.history("ana")[0].note.action == "merge"
    # Another kind cannot be merged: the message sits next to the field.
    page = editor_client.get("/edit/merge/ana?drop=cc")
    assert page.status_code == 400 and "same kind" in field_block(page.get_data(as_text=True), "drop")


def test_the_history_page_shows_who_when_source_and_each_field_before_and_after(editor_client, small: Workspace):
    small.editing.update_element("cc", {"status": "dormant", "notes": HOSTILE}, actor="Ana Lima",
                                 source="their annual report", comment="no joint work")
    page = editor_client.get("/history/cc").get_data(as_text=True)
    assert "Ana Lima" in page and "their annual report" in page and "no joint work" in page
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\">", page)
    row = re.search(r"<tr><td>Status</td><td class=\"before\">(.*?)</td><td class=\"after\">(.*?)</td></tr>", page)
    assert row.groups() == ("active", "dormant")
    assert HOSTILE not in page  # recorded values are escaped too
    recent = editor_client.get("/history").get_data(as_text=True)
    assert "Recent changes" in recent and "their annual report" in recent


def test_a_revert_after_a_later_change_is_refused_and_says_what_to_do(editor_client, small: Workspace):
    first = small.editing.update_element("cc", {"status": "dormant"}, actor="ana", source="web")
    small.editing.update_element("cc", {"status": "active"}, actor="Ben Okoro", source="web")
    before = store_state(small)
    page = editor_client.get("/history/cc")
    answer = editor_client.post(f"/history/revert/{first.seq}", data={"csrf_token": csrf_from(page), "element": "cc"})
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    assert "Ben Okoro" in html and "revert that first or edit by hand" in html
    assert store_state(small) == before


# -- the JSON API ----------------------------------------------------------------------------------


def test_scripts_edit_through_the_json_api(editor_client, small: Workspace):
    headers = {"X-CSRF-Token": token(editor_client)}
    answer = editor_client.post("/api/elements", headers=headers, json={
        "element": {"id": "privacy", "kind": "issue", "name": "Privacy"}, "provenance": "workshop notes"})
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["element"]["name"] == "Privacy" and body["change"]["action"] == "create"
    rev = body["rev"]

    answer = editor_client.post("/api/elements", headers=headers, json={
        "element": {"id": "bad id", "kind": "partner", "name": "", "country": "ZZ"}, "provenance": "x"})
    assert answer.status_code == 400
    assert set(answer.get_json()["errors"]) >= {"id", "name", "country"}

    answer = editor_client.patch("/api/elements/privacy", headers=headers, json={
        "element": {"notes": "surveillance"}, "rev": rev, "provenance": "workshop"})
    assert answer.status_code == 200 and answer.get_json()["element"]["notes"] == "surveillance"
    stale = editor_client.patch("/api/elements/privacy", headers=headers, json={
        "element": {"notes": "other"}, "rev": rev, "provenance": "workshop"})
    assert stale.status_code == 409 and "editor" in stale.get_json()["error"]

    answer = editor_client.post("/api/connections", headers=headers, json={
        "connection": {"from": "wmf", "to": "privacy", "type": "WORKS_ON"}, "provenance": "annual plan"})
    assert answer.status_code == 201
    current = editor_client.get("/api/connections?from=wmf&to=privacy&type=WORKS_ON").get_json()
    answer = editor_client.patch("/api/connections?from=wmf&to=privacy&type=WORKS_ON", headers=headers, json={
        "connection": {"since": "2024-01"}, "rev": current["rev"], "provenance": "annual plan"})
    assert answer.status_code == 200 and answer.get_json()["connection"]["since"] == "2024-01"

    answer = editor_client.post("/api/interactions", headers=headers, json={
        "person": "dia", "with": "uni", "on": "2026-11-01", "strength": 4, "note": "visit"})
    assert answer.status_code == 201 and answer.get_json()["connection"]["last_contact"] == "2026-11-01"
    seq = answer.get_json()["change"]["seq"]

    history = editor_client.get("/api/history/uni").get_json()
    assert history["changes"][0]["seq"] == seq
    assert history["changes"][0]["edits"][0]["fields"][0]["field"] == "last_contact"
    answer = editor_client.post(f"/api/changes/{seq}/revert", headers=headers, json={"comment": "wrong person"})
    assert answer.status_code == 200 and answer.get_json()["change"]["reverts"] == seq
    again = editor_client.post(f"/api/changes/{seq}/revert", headers=headers, json={})
    assert again.status_code == 409 and "revert" in again.get_json()["error"]
    assert editor_client.post("/api/changes/9999/revert", headers=headers, json={}).status_code == 404

    preview = editor_client.get("/api/merge?keep=ana&drop=ben").get_json()
    assert {m["to"]["to"] for m in preview["moved"]} >= {"eli", "lib"}
    answer = editor_client.post("/api/merge", headers=headers, json={
        "keep": "ana", "drop": "ben", "rev": preview["rev"], "provenance": "test"})
    assert answer.status_code == 200 and answer.get_json()["change"]["action"] == "merge"

    unconditional = editor_client.delete("/api/elements/privacy", headers=headers, json={})
    assert unconditional.status_code == 428 and "rev is required" in unconditional.get_json()["error"]
    rev = editor_client.get("/api/elements/privacy").get_json()["rev"]
    assert editor_client.delete("/api/elements/privacy", headers=headers, json={"rev": rev}).status_code == 200
    assert small.store.get("privacy") is None and small.store.connections_of("privacy") == []
    assert editor_client.get("/api/changes?limit=2").get_json()["changes"][0]["action"] == "delete"


def test_a_script_with_an_api_token_edits_without_a_session(auth_app, small: Workspace):
    secret = accounts.Accounts(small.store).issue_token(accounts.Accounts(small.store).create_account("bot", "long enough pass", "editor").name,
                                  "script")
    client = auth_app.test_client()
    answer = client.post("/api/interactions", headers={"Authorization": f"Bearer {secret}"},
                         json={"person": "ana", "with": "cai", "on": "2026-11-03"})
    assert answer.status_code == 201
    assert small.store.history("ana")[0].note.author == "bot"


def test_saving_a_form_unchanged_records_nothing(editor_client, small: Workspace):
    form = editor_client.get("/edit/elements/lib").get_data(as_text=True)
    fields = dict(re.findall(r'<input id="f-(\w+)" name="\w+" type="text" value="([^"]*)"', form))
    selects = dict(re.findall(r'<select id="f-(\w+)".*?<option value="([^"]*)" selected>', form, re.S))
    answer = editor_client.post("/edit/elements/lib", data={
        **fields, **selects, "csrf_token": csrf_from(form), "provenance": "checked",
        "rev": re.search(r'name="rev" value="([^"]+)"', form).group(1)}, follow_redirects=True)
    assert "Nothing changed" in answer.get_data(as_text=True)
    assert small.store.history("lib") == []
