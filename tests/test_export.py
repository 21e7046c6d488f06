"""Exporting: lossless JSON, GraphML and GEXF for NetworkX and Gephi, CSV, and the public view."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from partnergraph.config import Settings
from partnergraph.model import PartnergraphError
from partnergraph.services import Workspace
from partnergraph.services.privacy import PRIVATE_ELEMENT_PROPERTIES as PERSONAL_PROPERTIES

PEOPLE = ("ana", "ben", "cai", "dia", "eli", "fay")


def test_json_export_import_export_is_identical(small, tmp_path):
    first = tmp_path / "first.json"
    small.data.export("json", first)
    with Workspace.open(Settings(db=str(tmp_path / "fresh.db"))) as fresh:
        fresh.data.import_path(first)
        second = tmp_path / "second.json"
        fresh.data.export("json", second)
    assert first.read_bytes() == second.read_bytes()
    document = json.loads(first.read_text())
    assert len(document["elements"]) == 15 and len(document["connections"]) == 22
    ana = next(e for e in document["elements"] if e["id"] == "ana")
    assert ana["email"] == "ana@example.org" and ana["notes"] == "prefers Signal"
    knows = next(c for c in document["connections"] if c["from"] == "ana" and c["to"] == "cai")
    assert knows == {"from": "ana", "to": "cai", "type": "KNOWS", "last_contact": "2026-09",
                     "since": "2019-05", "source": "Wikimania 2019", "strength": 4}


def test_csv_export_is_the_import_format(small, tmp_path):
    small.data.export("csv", tmp_path / "csv")
    small.data.export("json", tmp_path / "before.json")
    with Workspace.open(Settings(db=str(tmp_path / "fresh.db"))) as fresh:
        fresh.data.import_path(tmp_path / "csv")
        fresh.data.export("json", tmp_path / "after.json")
    assert (tmp_path / "before.json").read_text() == (tmp_path / "after.json").read_text()


@pytest.mark.parametrize("fmt, read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_open_in_networkx_with_properties_as_attributes(small, tmp_path, fmt, read):
    path = tmp_path / f"graph.{fmt}"
    small.data.export(fmt, path)
    graph = read(path)
    assert graph.number_of_nodes() == 15 and graph.number_of_edges() == 22
    assert graph.nodes["cc"]["kind"] == "partner"
    assert graph.nodes["cc"]["country"] == "US"
    assert graph.nodes["cc"]["tags"] == "free-knowledge"
    edge = next(d for u, v, d in graph.edges(data=True) if (u, v) == ("cai", "cc"))
    assert edge["relationship"] == "HOLDS" and int(edge["strength"]) == 5


def test_public_export_has_no_people_and_no_private_organisations(small, tmp_path):
    for fmt in ("json", "graphml", "gexf", "csv"):
        path = tmp_path / f"public-{fmt}"
        small.data.export(fmt, path, public=True)
        text = "".join(p.read_text() for p in path.iterdir()) if path.is_dir() else path.read_text()
        for person in ("Ana Lima", "Ben Okoro", "Cai Chen", "example.org", "+49", "Signal"):
            assert person not in text, (fmt, person)
        assert "University of Nairobi Press" not in text  # partner not marked public
        assert "Creative Commons" in text and "Open access" in text
    document = json.loads((tmp_path / "public-json").read_text())
    assert {e["kind"] for e in document["elements"]} == {"affiliate", "partner", "issue"}
    assert not any(k in e for e in document["elements"] for k in PERSONAL_PROPERTIES)
    assert {c["type"] for c in document["connections"]} == {"PARTNERS_WITH", "WORKS_ON"}


def test_exporting_into_a_missing_folder_is_a_clear_error(small, tmp_path):
    with pytest.raises(PartnergraphError, match="does not exist"):
        small.data.export("json", tmp_path / "no" / "such" / "file.json")


def test_an_empty_store_exports_an_empty_graph(workspace, tmp_path):
    workspace.data.export("json", tmp_path / "empty.json")
    assert json.loads((tmp_path / "empty.json").read_text())["elements"] == []
