"""Importing a directory: formats, idempotence, and every way an import can be wrong."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import SMALL, file_digest
from partnergraph.config import Settings
from partnergraph.io.reader import read_rows
from partnergraph.model import ImportFailed, PartnergraphError
from partnergraph.services import Workspace

ELEMENTS_HEAD = "id,kind,name,member_of\n"
CONNECTIONS_HEAD = "from,to,type,strength,since,last_contact\n"


def write_folder(folder: Path, elements: str, connections: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "elements.csv").write_text(elements, encoding="utf-8")
    if connections is not None:
        (folder / "connections.csv").write_text(connections, encoding="utf-8")
    return folder


def problems_of(workspace: Workspace, path: Path) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        workspace.data.import_path(path)
    return [str(p) for p in failure.value.problems]


def small_as_json(tmp_path: Path) -> Path:
    element_rows, connection_rows = read_rows(SMALL)
    document = {"elements": [dict(r.values) for r in element_rows],
                "connections": [dict(r.values) for r in connection_rows]}
    path = tmp_path / "small.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def small_as_xlsx(tmp_path: Path) -> Path:
    element_rows, connection_rows = read_rows(SMALL)
    workbook = Workbook()
    for index, (title, rows) in enumerate((("Elements", element_rows), ("Connections", connection_rows))):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        header = list(rows[0].values)
        sheet.append(header)
        for row in rows:
            sheet.append([row.values[h] for h in header])
    path = tmp_path / "small.xlsx"
    workbook.save(path)
    return path


def test_importing_a_csv_folder_creates_every_element_and_connection(workspace):
    stats = workspace.data.import_path(SMALL)
    counts = workspace.questions.overview()
    assert stats.elements_created == 15
    assert (counts["Affiliate"], counts["Partner"], counts["Contact"], counts["Issue"]) == (3, 4, 6, 2)
    # member_of and issues columns create MEMBER_OF and WORKS_ON besides the explicit rows.
    assert counts["MEMBER_OF"] == 5 and counts["WORKS_ON"] == 7
    assert counts["KNOWS"] == 4 and counts["HOLDS"] == 4 and counts["PARTNERS_WITH"] == 2


def test_reimporting_the_same_data_changes_nothing(workspace):
    workspace.data.import_path(SMALL)
    version = workspace.store.version()
    stats = workspace.data.import_path(SMALL)
    assert not stats.changed
    assert workspace.store.version() == version


def test_json_and_xlsx_imports_give_the_same_graph_as_csv(tmp_path):
    exports = []
    for source in (SMALL, small_as_json(tmp_path), small_as_xlsx(tmp_path)):
        db = tmp_path / f"{source.name}.db"
        with Workspace.open(Settings(db=str(db))) as ws:
            ws.data.import_path(source)
            out = tmp_path / f"{source.name}.export.json"
            ws.data.export("json", out)
            exports.append(out.read_text())
    assert exports[0] == exports[1] == exports[2]


def test_reimport_updates_changed_properties_and_keeps_the_rest(workspace, tmp_path):
    workspace.data.import_path(SMALL)
    folder = write_folder(tmp_path / "update", "id,kind,name,website\ncc,partner,Creative Commons,https://cc.example\n")
    stats = workspace.data.import_path(folder)
    assert stats.elements_updated == 1 and stats.elements_created == 0
    cc = workspace.store.get("cc")
    assert cc.props["website"] == "https://cc.example"
    assert cc.props["country"] == "US"  # blank cells leave existing values alone


def test_connections_may_refer_to_elements_already_in_the_store(workspace, tmp_path):
    workspace.data.import_path(SMALL)
    folder = write_folder(tmp_path / "more", ELEMENTS_HEAD, CONNECTIONS_HEAD + "ana,eli,knows,3,2020-01,2026-01\n")
    assert workspace.data.import_path(folder).connections_created == 1


BAD_ROWS = [
    ("missing column", "id,kind\nx,contact\n", None, "elements.csv:1: missing column: name"),
    ("unknown kind", ELEMENTS_HEAD + "x,robot,X,\n", None, "elements.csv:2: column 'kind': unknown kind 'robot'"),
    ("duplicate id", ELEMENTS_HEAD + "x,contact,X,\nx,contact,Y,\n", None, "elements.csv:3: duplicate id 'x' (first at"),
    ("empty name", ELEMENTS_HEAD + "x,contact,,\n", None, "elements.csv:2: missing required column value: name"),
    ("bad country", "id,kind,name,country\nx,partner,X,Atlantis\n", None, "column 'country': 'Atlantis' is not an ISO 3166"),
    ("unknown member_of", ELEMENTS_HEAD + "x,contact,X,nowhere\n", None, "elements.csv:2: MEMBER_OF to unknown id 'nowhere'"),
    ("unknown type", ELEMENTS_HEAD + "a,contact,A,\nb,contact,B,\n", CONNECTIONS_HEAD + "a,b,LOVES,3,,\n",
     "connections.csv:2: column 'type': unknown type 'LOVES'"),
    ("bad date", ELEMENTS_HEAD + "a,contact,A,\nb,contact,B,\n", CONNECTIONS_HEAD + "a,b,KNOWS,3,2021-13,\n",
     "connections.csv:2: column 'since': '2021-13' has no month 13"),
    ("not a date", ELEMENTS_HEAD + "a,contact,A,\nb,contact,B,\n", CONNECTIONS_HEAD + "a,b,KNOWS,3,,last spring\n",
     "connections.csv:2: column 'last_contact': 'last spring' is not an ISO 8601 date"),
    ("strength out of range", ELEMENTS_HEAD + "a,contact,A,\nb,contact,B,\n", CONNECTIONS_HEAD + "a,b,KNOWS,7,,\n",
     "connections.csv:2: column 'strength': '7' is out of range"),
    ("unknown id", ELEMENTS_HEAD + "a,contact,A,\n", CONNECTIONS_HEAD + "a,zed,KNOWS,3,,\n",
     "connections.csv:2: KNOWS to unknown id 'zed'"),
    ("wrong kind at an end", ELEMENTS_HEAD + "a,contact,A,\ni,issue,I,\n", CONNECTIONS_HEAD + "a,i,HOLDS,3,,\n",
     "connections.csv:2: HOLDS to 'i' must be a partner, not an issue"),
    ("empty file", "", None, "elements.csv:1: file is empty"),
]


@pytest.mark.parametrize("elements, connections, expected", [r[1:] for r in BAD_ROWS], ids=[r[0] for r in BAD_ROWS])
def test_a_bad_row_is_reported_with_file_and_line(workspace, tmp_path, elements, connections, expected):
    folder = write_folder(tmp_path / "bad", elements, connections)
    problems = problems_of(workspace, folder)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(str(folder)) for p in problems)


def test_every_bad_row_is_listed_not_only_the_first(workspace, tmp_path):
    folder = write_folder(
        tmp_path / "bad",
        ELEMENTS_HEAD + "a,contact,A,\nb,person,B,\nc,contact,C,\n",
        CONNECTIONS_HEAD + "a,c,KNOWS,9,,\na,c,HOLDS,3,,\na,q,KNOWS,3,,\n",
    )
    problems = problems_of(workspace, folder)
    lines = sorted(p.split(": ")[0].rsplit("/", 1)[1] for p in problems)
    assert lines == ["connections.csv:2", "connections.csv:3", "connections.csv:4", "elements.csv:3"]


def test_a_file_that_is_not_utf8_names_the_line(workspace, tmp_path):
    folder = tmp_path / "latin1"
    folder.mkdir()
    (folder / "elements.csv").write_bytes(ELEMENTS_HEAD.encode() + b"a,contact,A,\nb,contact,Jos\xe9,\n")
    assert problems_of(workspace, folder) == [f"{folder / 'elements.csv'}:3: file is not valid UTF-8"]


def test_json_problems_name_the_line_of_the_bad_item(workspace, tmp_path):
    path = tmp_path / "net.json"
    path.write_text(
        '{\n  "elements": [\n    {"id": "a", "kind": "contact", "name": "A"},\n'
        '    {"id": "b", "kind": "contact", "name": "B"}\n  ],\n'
        '  "connections": [\n    {"from": "a", "to": "b", "type": "KNOWS", "strength": 0}\n  ]\n}\n'
    )
    assert problems_of(workspace, path) == [f"{path}:7: column 'strength': 0 is out of range (a whole number from 1 to 5)"]


def test_malformed_json_names_the_line(workspace, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"elements": [\n {"id": "a",}\n]}')
    problems = problems_of(workspace, path)
    assert problems[0].startswith(f"{path}:2: invalid JSON")


def test_xlsx_problems_name_the_sheet_and_row(workspace, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Elements"
    sheet.append(["id", "kind", "name"])
    sheet.append(["a", "contact", "A"])
    sheet.append(["b", "planet", "B"])
    path = tmp_path / "net.xlsx"
    workbook.save(path)
    assert problems_of(workspace, path) == [f"{path}[Elements]:3: column 'kind': unknown kind 'planet' (expected one of affiliate, partner, contact, issue, event)"]


def test_a_bad_import_leaves_the_database_file_unchanged(workspace, tmp_path):
    workspace.data.import_path(SMALL)
    bad = tmp_path / "bad"
    shutil.copytree(SMALL, bad)
    with open(bad / "connections.csv", "a", encoding="utf-8") as handle:
        handle.write("ana,ben,KNOWS,3,2020-02-30,,,,,,,\n")
    before = (workspace.store.version(), workspace.store.snapshot())
    digest = file_digest(workspace.store.path) if hasattr(workspace.store, "path") else None
    problems_of(workspace, bad)
    assert (workspace.store.version(), workspace.store.snapshot()) == before
    if digest is not None:  # the embedded store: not one byte of the file changed
        assert file_digest(workspace.store.path) == digest


def test_a_bad_import_into_a_new_store_creates_no_file(tmp_path):
    db = tmp_path / "new.db"
    folder = write_folder(tmp_path / "bad", ELEMENTS_HEAD + "a,alien,A,\n")
    with Workspace.open(Settings(db=str(db))) as ws:
        problems_of(ws, folder)
    assert not db.exists()


def test_a_missing_path_is_a_clear_error(workspace, tmp_path):
    with pytest.raises(PartnergraphError, match="no such file or folder"):
        workspace.data.import_path(tmp_path / "nowhere")


def test_json_numbers_and_workbook_numbers_are_read_as_text_where_text_is_meant(workspace, tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text(json.dumps({"elements": [
        {"id": 7, "kind": "partner", "name": 2021, "website": 12.0, "public": True},
        {"id": "p", "kind": "contact", "name": "P", "phone": 4930123},
    ], "connections": [{"from": "p", "to": 7, "type": "HOLDS", "strength": 4.0}]}))
    workspace.data.import_path(path)
    assert workspace.store.get("7").name == "2021" and workspace.store.get("7").props["website"] == "12"
    assert workspace.store.get("p").props["phone"] == "4930123"
    assert workspace.store.snapshot().connections[0].props == {"strength": 4}


@pytest.mark.parametrize("value, message", [
    ({"x": [1]}, "expected a single value, got dict"),
    ([1, 2], "expected a single value, got list"),
    (True, "expected text or a number, got true"),
    ("line\x00break", "contains a control character"),
    ("bell\x07", "contains a control character"),
])
def test_values_that_are_not_plain_data_are_problems(workspace, tmp_path, value, message):
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"elements": [{"id": "a", "kind": "contact", "name": "A", "notes": value}]}))
    assert problems_of(workspace, path) == [f"{path}:1: column 'notes': {message}"]


def test_tabs_and_newlines_in_notes_are_kept(workspace, tmp_path):
    folder = write_folder(tmp_path / "notes", 'id,kind,name,notes\na,contact,A,"first line\nsecond\tline"\n')
    workspace.data.import_path(folder)
    assert workspace.store.get("a").props["notes"] == "first line\nsecond\tline"


def test_an_empty_list_is_no_value_so_exports_round_trip(workspace, tmp_path):
    folder = write_folder(tmp_path / "tags", "id,kind,name,tags\na,partner,A, ; \n")
    workspace.data.import_path(folder)
    assert "tags" not in workspace.store.get("a").props


def test_a_file_holding_only_a_byte_order_mark_is_empty(workspace, tmp_path):
    folder = tmp_path / "bom"
    folder.mkdir()
    (folder / "elements.csv").write_bytes(b"\xef\xbb\xbf")
    assert problems_of(workspace, folder) == [f"{folder / 'elements.csv'}:1: file is empty"]


def test_crlf_files_unicode_line_separators_and_long_cells_are_read(workspace, tmp_path):
    long_note = "x" * 150_000  # beyond the csv module's default 128 KiB, within NOTES_MAX
    folder = tmp_path / "crlf"
    folder.mkdir()
    (folder / "elements.csv").write_bytes(
        f"id,kind,name,notes\r\na,contact,A\u2028B,{long_note}\r\nb,contact,B,\r\n".encode())
    workspace.data.import_path(folder)
    assert workspace.store.get("a").name == "A\u2028B"
    assert len(workspace.store.get("a").props["notes"]) == 150_000


def test_json_nested_too_deeply_is_a_problem_not_a_crash(workspace, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"elements": ' + "[" * 100_000 + "]" * 100_000 + "}")
    problems = problems_of(workspace, path)
    assert problems and problems[0].startswith(f"{path}:")
