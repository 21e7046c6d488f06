"""Bounded work for every input (issue 14): linear JSON reading, XLSX bounds checked before loading,
field length caps and characters XML 1.0 forbids refused at input, malformed CSV refused with its
line, imports in the viewer off the request path, upload files of a killed server removed."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import file_digest, settings_for
from partnergraph.io import reader
from partnergraph.io.reader import read_rows
from partnergraph.model import ID_MAX, NAME_MAX, NOTES_MAX, TEXT_MAX, ImportFailed
from partnergraph.services import Workspace
from partnergraph.services.imports import Imports
from partnergraph.viewer import create_app, uploads
from test_edit_views import token


def problems(path: Path) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        read_rows(path)
    return [str(p) for p in failed.value.problems]


def refused(workspace: Workspace, path: Path) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        workspace.data.import_path(path)
    return [str(p) for p in failed.value.problems]


def write_json(path: Path, elements: list, connections: list | None = None, indent: int | None = 2) -> Path:
    path.write_text(json.dumps({"elements": elements, "connections": connections or []}, indent=indent))
    return path


# -- linear-time JSON ----------------------------------------------------------------------------


def test_reading_a_large_json_file_keeps_every_line(tmp_path):
    # 40,000 items spread over 240,000 lines. How the reading time grows with the rows is measured
    # by benchmarks/json_import.py (against the CSV reader in the same run), not asserted here.
    items = [{"id": f"c{n}", "kind": "contact", "name": f"Person {n}", "notes": "a\nb"} for n in range(40_000)]
    big = write_json(tmp_path / "big.json", items)
    elements, _ = read_rows(big)
    text = big.read_text().split("\n")
    assert [text[row.where.line - 1].strip() for row in elements[:3]] == ["{", "{", "{"]
    assert [row.where.line for row in elements[:3]] == [3, 9, 15] and elements[-1].where.line == 3 + 6 * 39_999


def test_json_problems_keep_their_lines_on_one_line_files_and_odd_layouts(tmp_path):
    compact = write_json(tmp_path / "compact.json", [{"id": "a", "kind": "contact", "name": "A"}, 7], indent=None)
    assert problems(compact) == [f"{compact}:1: elements[1] must be an object"]
    odd = tmp_path / "odd.json"
    odd.write_text('\n\n{ "connections" : [ ] ,\r\n  "x": {"elements": [1]},\n "elements":\n[\n{"id": "a",\n'
                   '"kind": "contact", "name": "A"}\n\n,\n\n "no"\n]\n}\n\n')
    assert problems(odd) == [f"{odd}:12: elements[1] must be an object"]
    for text, line, message in (('{"elements": [\n{"id": "a"},\n{"id" "b"}]}', 3, "Expecting ':' delimiter"),
                                ('{"elements": []}\n{}', 2, "Extra data"),
                                ('[\n1]', 1, "expected an object")):
        bad = tmp_path / "bad.json"
        bad.write_text(text)
        found = problems(bad)
        assert len(found) == 1 and found[0].startswith(f"{bad}:{line}: ") and message in found[0], found


def test_a_restore_reads_a_large_backup_in_linear_time_and_names_bad_rows(small, tmp_path):
    small.data.backup(tmp_path / "backup.json")
    document = json.loads((tmp_path / "backup.json").read_text())
    document["elements"][2]["name"] = "x" * (NAME_MAX + 1)
    (tmp_path / "edited.json").write_text(json.dumps(document, indent=2))
    with pytest.raises(ImportFailed) as failed:
        small.data.restore(tmp_path / "edited.json")
    line = (tmp_path / "edited.json").read_text().split("\n").index('    {') + 1  # the first element's line
    assert [p.where.line for p in failed.value.problems] and failed.value.problems[0].column == "name"
    assert failed.value.problems[0].where.line > line


# -- characters XML 1.0 forbids, and field length caps ----------------------------------------


@pytest.mark.parametrize("character", ["\ufffe", "\uffff", "\ud800", "\udfff", "\x0b"])
def test_characters_xml_forbids_are_refused_at_input_with_file_line_and_column(workspace, tmp_path, character):
    path = write_json(tmp_path / "x.json", [
        {"id": "a", "kind": "contact", "name": "Ana"},
        {"id": "b", "kind": "contact", "name": f"B{character}b"},
        {"id": "c", "kind": "partner", "name": "C", "notes": f"n{character}n"},
    ], [{"from": "a", "to": "c", "type": "HOLDS", "source": f"s{character}s"}])
    found = refused(workspace, path)
    assert found[0].startswith(f"{path}:8: column 'name': contains ")
    assert any(p.startswith(f"{path}:13: column 'notes': contains ") for p in found)
    assert any(p.startswith(f"{path}:21: column 'source': contains ") for p in found)
    if character != "\x0b":
        assert f"U+{ord(character):04X}, a character XML 1.0 forbids" in found[0]
    assert workspace.store.snapshot().elements == []


def test_the_json_api_refuses_what_xml_forbids_and_long_names(editor_client, small, tmp_path):
    before = small.store.snapshot()
    answer = editor_client.post("/api/elements", headers={"X-CSRF-Token": token(editor_client)},
                                data='{"element": {"id": "x", "kind": "issue", "name": "X\\ud800"}, "provenance": "t"}',
                                content_type="application/json")
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert "XML 1.0 forbids" in answer.get_data(as_text=True)
    answer = editor_client.post("/api/elements", headers={"X-CSRF-Token": token(editor_client)},
                                json={"element": {"id": "x", "kind": "issue", "name": "X" * (NAME_MAX + 1)},
                                      "provenance": "t"})
    assert answer.status_code == 400 and f"at most {NAME_MAX}" in answer.get_data(as_text=True)
    assert small.store.snapshot() == before
    # What is accepted exports as XML that parses.
    import xml.etree.ElementTree as ET
    for fmt in ("graphml", "gexf"):
        small.data.export(fmt, tmp_path / f"all.{fmt}")
        ET.parse(tmp_path / f"all.{fmt}")


@pytest.mark.parametrize("column, cap", [("name", NAME_MAX), ("notes", NOTES_MAX), ("region", TEXT_MAX),
                                         ("email", TEXT_MAX), ("tags", TEXT_MAX)])
def test_field_length_caps_hold_and_the_value_is_not_echoed(workspace, tmp_path, column, cap):
    at_cap = {"id": "a", "kind": "contact", "name": "A", column: "y" * cap}
    workspace.data.import_path(write_json(tmp_path / "ok.json", [at_cap]))
    over = write_json(tmp_path / "over.json", [{**at_cap, column: "z" * (cap + 1)}])
    found = refused(workspace, over)
    assert len(found) == 1 and found[0].startswith(f"{over}:3: column '{column}': ")
    assert "zzzz" not in found[0] and len(found[0]) < 300
    assert workspace.store.get("a").props.get(column, workspace.store.get("a").name) != "z" * (cap + 1)


def test_ids_kinds_and_types_are_capped_too(workspace, tmp_path):
    path = write_json(tmp_path / "x.json", [
        {"id": "i" * (ID_MAX + 1), "kind": "contact", "name": "A"},
        {"id": "b", "kind": "k" * 10_000_000, "name": "B"},
    ], [{"from": "b", "to": "t" * (ID_MAX + 1), "type": "T" * 1_000_000}])
    found = refused(workspace, path)
    assert len(found) == 3 and all(len(p) < 300 for p in found), found
    assert "column 'id'" in found[0] and "column 'kind'" in found[1] and "column 'type'" in found[2]


# -- malformed CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize("body, line, message", [
    ('a,contact,A\nb,contact,"B\nc,contact,C\n', 3, "never closed"),
    ('a,contact,A\nb,contact,"B"x\n', 3, "',' expected after '\"'"),
])
def test_malformed_csv_is_refused_with_its_line_and_nothing_is_written(cli, tmp_path, db_url, body, line, message):
    folder = tmp_path / "net"
    folder.mkdir()
    (folder / "elements.csv").write_text("id,kind,name\n" + body)
    cli("import", str(small_folder()))
    digest = file_digest(Path(db_url)) if "://" not in db_url else None
    done = cli("import", str(folder))
    assert done.exit_code == 1
    assert f"{folder / 'elements.csv'}:{line}: not readable as CSV" in done.output and message in done.output
    assert "Traceback" not in done.output
    if digest is not None:
        assert file_digest(Path(db_url)) == digest


def small_folder() -> Path:
    return Path(__file__).parent / "data" / "small"


# -- XLSX bounds -----------------------------------------------------------------------------------


def _workbook(path: Path, edit=None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Elements"
    sheet.append(["id", "kind", "name"])
    sheet.append(["a", "contact", "A"])
    book.save(path)
    if edit is None:
        return path
    plain = path.with_suffix(".plain")
    path.rename(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, edit(item.filename, data) if item.filename.endswith(".xml") else data)
    return path


def _sheet(*replaces: tuple[bytes, bytes]):
    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        for old, new in replaces:
            assert old in data
            data = data.replace(old, new, 1)
        return data
    return edit


DIMENSION = b'<dimension ref="A1:C2" />'


@pytest.mark.parametrize("edit, expected", [
    (_sheet((DIMENSION, b'<dimension ref="A1:C3000000" />')), ":1: sheet xl/worksheets/sheet1.xml declares 3,000,000 rows"),
    (_sheet((DIMENSION, b'<dimension ref="A1:ZZ2" />')), ":1: sheet xl/worksheets/sheet1.xml declares 702 columns"),
    (_sheet((DIMENSION, b""), (b"</sheetData>", b'<row r="3000000"><c r="A3000000" t="inlineStr"><is><t>x</t></is></c></row>'
                              b"</sheetData>")), "[Elements]:200001: sheet has more than 200,000 rows"),
    (_sheet((DIMENSION, b""), (b"</sheetData>", b'<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')),
     "[Elements]:3: row has 16,384 columns"),
    (_sheet((b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><worksheet')),
     ":1: part xl/worksheets/sheet1.xml declares a DTD or entities"),
    (_sheet((b"<sheetData>", b'<sheetData><row r="9"><c r="A9" t="inlineStr"><is><t>&undefined;</t></is></c></row>')),
     ":1: not a readable .xlsx workbook (undefined entity"),
])
def test_workbooks_beyond_the_bounds_are_refused_before_loading(tmp_path, edit, expected):
    path = _workbook(tmp_path / "book.xlsx", edit)
    found = problems(path)
    assert len(found) == 1 and found[0].startswith(str(path)) and expected in found[0], found


def test_workbook_size_and_shared_strings_are_bounded(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "book.xlsx")
    assert len(read_rows(path)[0]) == 1
    monkeypatch.setattr(reader, "XLSX_MAX_UNCOMPRESSED", 1000)
    assert "expands to" in problems(path)[0]
    monkeypatch.undo()
    strings = tmp_path / "strings.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(strings, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/sharedStrings.xml", '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                        'spreadsheetml/2006/main" count="9000000" uniqueCount="9000000"></sst>')
    assert "declares 9,000,000 shared strings" in problems(strings)[0]


def test_a_refused_workbook_is_one_line_from_the_command_line(cli, tmp_path):
    path = _workbook(tmp_path / "book.xlsx", _sheet((DIMENSION, b'<dimension ref="A1:C3000000" />')))
    done = cli("import", str(path))
    assert done.exit_code == 1 and "declares 3,000,000 rows" in done.output and "Traceback" not in done.output


# -- imports in the viewer run off the request path ------------------------------------------------


def test_a_long_import_runs_in_the_background_while_reads_and_healthz_answer(auth_app, editor_client, small,
                                                                               monkeypatch):
    release = threading.Event()
    real = Imports.apply

    def slow(self, plan, note, progress=None):
        progress(4)
        assert release.wait(30)
        return real(self, plan, note, None)

    monkeypatch.setattr(Imports, "apply", slow)
    monkeypatch.setattr(uploads, "WAIT_ON_PAGE", 0.2)
    upload = {"elements": [{"id": "bg", "kind": "issue", "name": "Background"}]
              + [{"id": f"bg{n}", "kind": "issue", "name": f"Background {n}"} for n in range(9)], "connections": []}
    answer = editor_client.post("/edit/import", content_type="multipart/form-data", data={
        "csrf_token": token(editor_client), "provenance": "test",
        "file": (io.BytesIO(json.dumps(upload).encode()), "bg.json")})
    preview = editor_client.get(answer.headers["Location"]).get_data(as_text=True)
    version = re.search(r'name="version" value="([^"]*)"', preview).group(1)
    answer = editor_client.post(answer.headers["Location"], data={"csrf_token": token(editor_client),
                                                                  "version": version})
    assert answer.status_code == 303 and "/edit/import/" in answer.headers["Location"]
    job_page = answer.headers["Location"]
    page = editor_client.get(job_page)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "4 of 10 rows (40%)" in html and 'http-equiv="refresh"' in html
    # Meanwhile the app answers: the workspace is not held by the import.
    assert auth_app.test_client().get("/healthz").status_code == 200
    assert editor_client.get("/api/search?q=ana").status_code == 200
    # Another account cannot follow (nor learn about) the job.
    other = auth_app.test_client()
    from conftest import sign_in
    sign_in(other, small, "editor", "second")
    assert other.get(job_page).status_code == 404
    release.set()
    for _ in range(100):
        html = editor_client.get(job_page).get_data(as_text=True)
        if "Imported:" in html:
            break
        time.sleep(0.1)
    assert "10 elements created" in html and 'http-equiv="refresh"' not in html
    assert small.store.get("bg") is not None


def test_the_api_import_still_answers_with_its_counts(editor_client, small):
    upload = {"elements": [{"id": "api-bg", "kind": "issue", "name": "Api"}], "connections": []}
    answer = editor_client.post("/api/import", headers={"X-CSRF-Token": token(editor_client)},
                                content_type="multipart/form-data", data={
                                    "provenance": "x", "file": (io.BytesIO(json.dumps(upload).encode()), "a.json")})
    assert answer.status_code == 200 and answer.get_json()["imported"]["elements_created"] == 1


def test_upload_files_left_by_a_killed_server_are_removed_at_start_up(db_url, small):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    folder = Path(tempfile.gettempdir())
    left = folder / f"{uploads.TEMP_PREFIX}{pid}-abc.json"
    mine = folder / f"{uploads.TEMP_PREFIX}{os.getpid()}-abc.json"
    old = folder / f"{uploads.TEMP_PREFIX}oldform.json"
    for path in (left, mine, old):
        path.write_text("{}")
    os.utime(old, (time.time() - 2 * uploads.LEFTOVER_AGE,) * 2)
    try:
        app = create_app(settings_for(db_url, secret_key="test secret key, not for production"))
        app.extensions["partnergraph"].close()
        assert not left.exists() and not old.exists()
        assert mine.exists()  # a running process's upload is in use
    finally:
        for path in (left, mine, old):
            path.unlink(missing_ok=True)
