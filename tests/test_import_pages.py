"""An editor uploads a spreadsheet in the viewer: preview, decide duplicates, confirm (both stores)."""

from __future__ import annotations

import io
import json
import re
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from conftest import sign_in
from partnergraph.services import Workspace
from test_edit_views import field_block, store_state, token

UPLOAD = {"elements": [{"id": "privacy", "kind": "issue", "name": "Privacy"}],
          "connections": [{"from": "wmf", "to": "privacy", "type": "WORKS_ON"}]}
SHEET = ("Partner,Status,Held by,Since,Strength,Issues\n"
         "Digital Freedom League,active,Ana Lima,March 2021,high,copyright reform\n")


def _leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("partnergraph-upload-*")}


def upload(client, content: bytes, name: str, **fields: str):
    return client.post("/edit/import", content_type="multipart/form-data", data={
        "csrf_token": token(client), "provenance": "partners spreadsheet 2026", **fields,
        "file": (io.BytesIO(content), name)})


def confirm(client, preview_url: str, **decisions: str):
    page = client.get(preview_url).get_data(as_text=True)
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    form = {"csrf_token": token(client), "version": version}
    for n, incoming, existing in re.findall(r'name="incoming-(\d+)" value="([^"]*)".*?name="existing-\1" value="([^"]*)"',
                                            page, re.S):
        form[f"incoming-{n}"], form[f"existing-{n}"] = incoming, existing
        if incoming in decisions:
            form[f"decision-{n}"] = decisions[incoming]
    answer = client.post(preview_url, data=form)
    if answer.status_code == 303 and "/edit/import/preview/" not in answer.headers["Location"]:
        answer = _follow(client, answer.headers["Location"])  # a slow machine: the write went on in the background
    return answer


def _follow(client, url: str):
    """Return the page of an import job once the import has finished."""
    for _ in range(600):
        page = client.get(url)
        if 'http-equiv="refresh"' not in page.get_data(as_text=True):
            return page
        time.sleep(0.1)
    raise AssertionError(f"the import at {url} did not finish")


def test_an_editor_uploads_a_partner_sheet_previews_it_and_confirms(editor_client, small: Workspace):
    left = _leftovers()
    answer = upload(editor_client, SHEET.encode(), "wmde-partners.csv", from_affiliate="Wikimedia Deutschland")
    assert answer.status_code == 303 and "/edit/import/preview/" in answer.headers["Location"]
    preview = editor_client.get(answer.headers["Location"])
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Nothing has been written yet" in html
    assert "Held by" in html and "holders" in html  # how the columns were read
    assert "March 2021" in html and "2021-03" in html  # the normalisations
    assert small.store.get("digital-freedom-league") is None  # a preview writes nothing
    done = confirm(editor_client, answer.headers["Location"])
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "Imported:" in text, text
    league = small.editing.lookup("Digital Freedom League")
    assert league.props["first_import"].startswith("Wikimedia Deutschland's partner list (wmde-partners.csv)")
    change = small.store.history()[0]
    assert (change.note.action, change.note.author, change.note.source) == ("import", "editor",
                                                                            "partners spreadsheet 2026")
    assert _leftovers() == left  # the kept upload is gone once imported


def test_a_json_file_still_imports_through_the_preview(editor_client, small: Workspace):
    answer = upload(editor_client, json.dumps(UPLOAD).encode(), "network.json")
    done = confirm(editor_client, answer.headers["Location"])
    assert done.status_code == 200 and "1 elements created" in done.get_data(as_text=True)
    assert small.store.get("privacy") is not None


def test_an_upload_names_its_problems_by_the_file_and_sheet_chosen_and_changes_nothing(editor_client,
                                                                                        small: Workspace):
    before = store_state(small)
    book = Workbook()
    sheet = book.active
    sheet.title = "Partners 2026"
    sheet.append(["Partner", "Held by", "Since"])
    sheet.append(["Good Org", "Ana Lima", "2020"])
    sheet.append(["Bad Org", "Ana Lima", "soon"])
    data = io.BytesIO()
    book.save(data)
    answer = upload(editor_client, data.getvalue(), "mine.xlsx")
    page = editor_client.get(answer.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "mine.xlsx[Partners 2026]:3" in html and "soon" in html
    assert tempfile.gettempdir() not in html
    refused = upload(editor_client, b"hello", "notes.txt")
    assert refused.status_code == 400 and ".csv, .xlsx or .json" in field_block(refused.get_data(as_text=True), "file")
    assert store_state(small) == before


def test_a_possible_duplicate_waits_for_a_decision_and_merges(editor_client, small: Workspace):
    sheet = "Partner,Status,Held by,Website\nCreative Commons Inc.,active,Ana Lima,https://creativecommons.org\n"
    answer = upload(editor_client, sheet.encode(), "second.csv")
    html = editor_client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Possible duplicates" in html and "Creative Commons Inc." in html and 'value="merge"' in html
    undecided = confirm(editor_client, answer.headers["Location"])
    assert undecided.status_code == 200 and "still undecided" in undecided.get_data(as_text=True)
    assert small.store.get("cc").props.get("aliases") is None  # nothing written yet
    merged = confirm(editor_client, answer.headers["Location"], **{"Creative Commons Inc.": "merge"})
    assert merged.status_code == 200 and "Imported:" in merged.get_data(as_text=True)
    assert "Creative Commons Inc." in small.store.get("cc").props["aliases"]


def test_a_store_changed_since_the_preview_shows_the_preview_again(editor_client, small: Workspace):
    answer = upload(editor_client, SHEET.encode(), "wmde.csv")
    page = editor_client.get(answer.headers["Location"]).get_data(as_text=True)
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    small.editing.update_element("cc", {"region": "Global"}, actor="someone", source="test")
    again = editor_client.post(answer.headers["Location"], data={"csrf_token": token(editor_client),
                                                                 "version": version})
    assert again.status_code == 409 and "changed since your preview" in again.get_data(as_text=True)
    assert small.store.get("digital-freedom-league") is None
    assert confirm(editor_client, answer.headers["Location"]).status_code == 200


def test_another_account_cannot_open_an_upload(auth_app, editor_client, small: Workspace):
    answer = upload(editor_client, SHEET.encode(), "wmde.csv")
    other = auth_app.test_client()
    sign_in(other, small, "editor", "second")
    assert other.get(answer.headers["Location"]).status_code == 404
    assert other.get("/edit/import/preview/not-a-token").status_code == 404


def test_an_upload_filename_cannot_choose_where_anything_is_written(editor_client, small: Workspace, tmp_path: Path):
    left = _leftovers()
    target = tmp_path / "escaped.json"
    answer = upload(editor_client, json.dumps(UPLOAD).encode(), f"../../../../../../../..{target}")
    assert confirm(editor_client, answer.headers["Location"]).status_code == 200
    assert not target.exists()
    assert _leftovers() == left
    assert small.store.get("privacy") is not None


def test_the_api_imports_a_sheet_and_refuses_undecided_duplicates(editor_client, small: Workspace):
    answer = editor_client.post("/api/import", headers={"X-CSRF-Token": token(editor_client)},
                                content_type="multipart/form-data", data={
                                    "provenance": "x", "file": (io.BytesIO(SHEET.encode()), "a.csv")})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["imported"]["elements_created"] >= 1 and "Digital Freedom League" in body["report"]["created_ids"]
    dup = "Partner,Status\nCreative Commons Inc.,active\n"
    refused = editor_client.post("/api/import", headers={"X-CSRF-Token": token(editor_client)},
                                 content_type="multipart/form-data", data={
                                     "provenance": "x", "file": (io.BytesIO(dup.encode()), "b.csv")})
    assert refused.status_code == 409 and refused.get_json()["possible_duplicates"][0]["existing"] == "cc"
    merged = editor_client.post("/api/import", headers={"X-CSRF-Token": token(editor_client)},
                                content_type="multipart/form-data", data={
                                    "provenance": "x", "on_duplicate": "merge",
                                    "file": (io.BytesIO(dup.encode()), "b.csv")})
    assert merged.status_code == 200 and "Creative Commons Inc." in small.store.get("cc").props["aliases"]
