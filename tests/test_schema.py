"""The schema table (partnergraph.schema) reaches everything that lists kinds and relationship types.

The tests walk the table, so a new relationship type is checked the moment it has an entry:
it must show on the element pages of both its ends, in the connection forms, in explanations
(when paths use it), in every export format, and in the Neo4j store's upsert statements. Every
kind must have its form fields. Nothing is dropped silently.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, sign_in
from partnergraph import schema
from partnergraph.analysis import brokers, browse, paths
from partnergraph.analysis.explain import describe
from partnergraph.analysis.graph import build_graph
from partnergraph.config import Settings
from partnergraph.io.export import FORMATS, export
from partnergraph.model import (
    CONNECTION_PROPERTIES,
    ELEMENT_PROPERTIES,
    ENDPOINTS,
    Dataset,
    Kind,
    Location,
    RelType,
    Row,
    validate_dataset,
)
from partnergraph.schema import KINDS, PATH_TYPES, RELATIONSHIPS, page_sections
from partnergraph.services import Workspace
from partnergraph.store.cypher import cypher_dir, query
from partnergraph.viewer.forms import CONNECTION_FIELDS, ELEMENT_FIELDS, allowed_ends

SRC = ROOT / "src" / "partnergraph"
TYPE_NAMES = tuple(rel.value for rel in RelType)


def _ends(rel: RelType) -> tuple[str, str]:
    slug = rel.value.lower().replace("_", "-")
    return f"{slug}-a", f"{slug}-b"


def table_rows() -> tuple[list[Row], list[Row]]:
    """Return import rows of a network with one connection of every type, between elements of its own."""
    elements, connections = [], []
    where = Location("table", 2)
    for spec in RELATIONSHIPS.values():
        (a, b), kinds = _ends(spec.type), (spec.froms[0], spec.tos[-1])
        for element_id, kind in zip((a, b), kinds, strict=True):
            elements.append(Row({"id": element_id, "kind": kind.slug, "name": f"Name of {element_id}",
                                 "public": "true"}, where))
        connections.append(Row({"from": a, "to": b, "type": spec.name, "since": "2020-01"}, where))
    return elements, connections


@pytest.fixture
def table_dataset() -> Dataset:
    return validate_dataset(*table_rows())


@pytest.fixture
def table_workspace(tmp_path: Path):
    settings = Settings(db=str(tmp_path / "graph.db"), anonymous_read=True, secret_key="test secret key, not for production")
    with Workspace.open(settings) as ws:
        ws.data.import_rows(*table_rows())
        yield ws, settings


# -- the table itself ---------------------------------------------------------------------------


def test_every_kind_and_type_has_one_entry_with_ends_sections_and_cypher():
    assert list(KINDS) == list(Kind)
    assert set(RELATIONSHIPS) == set(RelType)
    for kind, spec in KINDS.items():
        assert spec.kind is kind and spec.help and spec.plural
        assert spec.fields and spec.fields[0] == "name", f"{kind}: the form starts with the name"
    for rel, spec in RELATIONSHIPS.items():
        assert spec.type is rel and spec.froms and spec.tos and spec.help and spec.verb
        assert ENDPOINTS[rel] == (spec.froms, spec.tos)
        sides = {section.side for section in spec.sections}
        assert sides == {"either"} if spec.symmetric else sides == {"from", "to"}, \
            f"{rel}: a section for each end, so both ends' pages list the other"
        assert rel.symmetric is spec.symmetric
    keys = [section.key for spec in RELATIONSHIPS.values() for section in spec.sections]
    assert len(keys) == len(set(keys)), "each section key belongs to one type and side"


def test_path_types_are_the_tie_and_attachment_types():
    assert set(PATH_TYPES) == {spec.name for spec in RELATIONSHIPS.values() if spec.path in ("tie", "attachment", "attendance")}
    assert paths.PATH_TYPES == PATH_TYPES
    # Brokers read the ties people keep: attendance is no tie (and is personal data).
    assert brokers.TIE_TYPES == tuple(t for t in PATH_TYPES if t != "ATTENDS")
    assert PATH_TYPES == ("KNOWS", "HOLDS", "MEMBER_OF", "ATTENDS")  # the order help and messages list them in


# -- element pages ------------------------------------------------------------------------------


def test_every_type_groups_both_ends_as_neighbours(table_dataset):
    graph = build_graph(table_dataset.elements, table_dataset.connections)
    for spec in RELATIONSHIPS.values():
        a, b = _ends(spec.type)
        for section in spec.sections:
            pairs = [(a, b), (b, a)] if section.side == "either" else [(a, b) if section.side == "from" else (b, a)]
            for me, other in pairs:
                found = browse.neighbourhood(graph, me)
                assert [e["id"] for e in found.get(section.key, [])] == [other], f"{spec.name} on {me}'s page"
    assert browse.SECTIONS == schema.SECTIONS
    # The documented key order of /api/nodes (docs/json-api.md); a new type's sections may follow.
    documented = ("holders", "holds", "members", "member_of", "knows", "partners", "affiliates", "issues",
                  "organisations")
    assert tuple(k for k in schema.SECTIONS if k in documented) == documented


def test_every_type_shows_on_the_element_pages_of_both_its_ends(table_workspace):
    from conftest import sign_in
    from partnergraph.viewer import create_app

    ws, settings = table_workspace
    app = create_app(settings)
    try:
        client = app.test_client()
        anonymous = app.test_client()
        sign_in(client, ws, "viewer")  # personal types (attendance) show only to signed-in readers
        for spec in RELATIONSHIPS.values():
            if spec.personal:
                a, b = _ends(spec.type)
                assert f"Name of {b}" not in anonymous.get(f"/{KINDS[spec.froms[0]].plural}/{a}").get_data(as_text=True)
            a, b = _ends(spec.type)
            for me, other, kind, side in ((a, b, spec.froms[0], "from"), (b, a, spec.tos[-1], "to")):
                page = client.get(f"/{KINDS[kind].plural}/{me}")
                assert page.status_code == 200
                html = page.get_data(as_text=True)
                assert f"Name of {other}" in html, f"{spec.name}: {me}'s page does not show {other}"
                for section in spec.sections:
                    title = section.title_for(kind)
                    if section.side in (side, "either") and title is not None:
                        assert title in html, f"{spec.name}: {me}'s page has no section {title!r}"
    finally:
        app.extensions["partnergraph"].close()


def test_page_sections_come_from_the_table():
    # Today's sections of a person's page come first and in this order; a new type's may follow.
    assert page_sections(Kind.CONTACT)[:3] == (("member_of", "Member of"), ("holds", "Holds the relationship with"),
                                               ("knows", "Knows"))
    from partnergraph.viewer import pages

    assert {kind: tuple(pages.SECTION_TITLES[kind.slug]) for kind in Kind} == {kind: page_sections(kind) for kind in Kind}
    assert pages.PLURAL == {kind.slug: spec.plural for kind, spec in KINDS.items()}


# -- forms --------------------------------------------------------------------------------------


def test_every_kind_and_type_has_its_form_fields():
    assert ELEMENT_FIELDS == {kind: spec.fields for kind, spec in KINDS.items()}
    assert CONNECTION_FIELDS == {rel: spec.fields for rel, spec in RELATIONSHIPS.items()}
    for kind, fields in ELEMENT_FIELDS.items():
        assert set(fields) <= {"name", *ELEMENT_PROPERTIES}, kind
    for rel, fields in CONNECTION_FIELDS.items():
        assert set(fields) <= set(CONNECTION_PROPERTIES), rel
        spec = RELATIONSHIPS[rel]
        assert allowed_ends(rel) == (tuple(k.slug for k in spec.froms), tuple(k.slug for k in spec.tos))
    from partnergraph.viewer import forms

    assert dict(forms.RELATION_HELP) == {spec.name: spec.help for spec in RELATIONSHIPS.values()}


def test_every_type_and_kind_has_a_working_form(table_workspace):
    from partnergraph.viewer import create_app

    ws, settings = table_workspace
    app = create_app(settings)
    try:
        client = app.test_client()
        sign_in(client, ws, "editor")
        listing = client.get("/edit/connections/new").get_data(as_text=True)
        for spec in RELATIONSHIPS.values():
            assert spec.name in listing
            html = client.get(f"/edit/connections/new?type={spec.name}").get_data(as_text=True)
            for name in ("from", "to", *spec.fields):
                assert f'name="{name}"' in html, f"{spec.name}: the form has no field {name}"
        for kind, spec in KINDS.items():
            html = client.get(f"/edit/new/{kind.slug}").get_data(as_text=True)
            for name in spec.fields:
                assert f'name="{name}"' in html, f"{kind.slug}: the form has no field {name}"
    finally:
        app.extensions["partnergraph"].close()


# -- explanations -------------------------------------------------------------------------------


def test_every_type_is_explained_with_its_verb(table_dataset):
    graph = build_graph(table_dataset.elements, table_dataset.connections)
    for spec in RELATIONSHIPS.values():
        a, b = _ends(spec.type)
        relation = next(r for r in graph.edges[a, b]["relations"] if r["type"] == spec.name)
        assert describe(graph, relation).startswith(f"Name of {a} {spec.verb} Name of {b}")
        if spec.past_verb:
            ended = {**relation, "until": "2021-01"}
            assert describe(graph, ended).startswith(f"Name of {a} {spec.past_verb} Name of {b}")


@pytest.mark.parametrize("rel", [rel for rel in RelType if RELATIONSHIPS[rel].path in ("tie", "attachment")])
def test_every_type_paths_use_makes_explained_hops(table_dataset, rel):
    spec = RELATIONSHIPS[rel]
    graph = build_graph(table_dataset.elements, table_dataset.connections)
    a, b = _ends(rel)
    found = paths.introduction_paths(graph, a, b, types=[rel.value])
    hops = found[0].hops
    assert [h.type for h in hops] == [rel.value]
    assert spec.verb in hops[0].why and hops[0].evidence
    with pytest.raises(Exception, match="no path"):
        paths.introduction_paths(graph, a, b, types=[t for t in PATH_TYPES if t != rel.value])


# -- exports ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_format_writes_every_type(table_dataset, tmp_path, fmt):
    target = tmp_path / ("out" if fmt == "csv" else f"graph.{fmt}")
    export(table_dataset.elements, table_dataset.connections, fmt, target)
    text = (target / "connections.csv").read_text() if fmt == "csv" else target.read_text()
    for spec in RELATIONSHIPS.values():
        a, b = _ends(spec.type)
        assert re.search(rf"\b{spec.name}\b", text), f"{fmt} lacks {spec.name}"
        assert a in text and b in text


# -- the Neo4j store ----------------------------------------------------------------------------


def test_every_type_has_its_cypher_upsert_used_by_the_neo4j_store():
    from partnergraph.store import neo4j_import

    for rel, spec in RELATIONSHIPS.items():
        assert (cypher_dir() / f"{spec.cypher}.cypher").is_file(), f"{rel}: no {spec.cypher}.cypher"
        statement = query(spec.cypher)
        assert f":{rel.value}]" in statement, f"{spec.cypher} does not write {rel.value}"
        assert neo4j_import.UPSERT_CONNECTIONS[rel] == spec.cypher
    assert "UPSERT_CONNECTIONS[" in (SRC / "store" / "neo4j_import.py").read_text()


# -- nothing else spells the type names -----------------------------------------------------------

# Files that may still spell a type name in quotes, and why.
ALLOWED_LITERALS = {
    "schema.py": "the RelType enum itself",
}


def test_type_names_are_spelled_only_in_the_schema():
    names = "|".join(TYPE_NAMES)
    pattern = re.compile(rf"""["']({names})["']""")
    found = {}
    for path in SRC.rglob("*.py"):
        name = path.relative_to(SRC).as_posix()
        hits = pattern.findall(path.read_text(encoding="utf-8"))
        if hits and name not in ALLOWED_LITERALS:
            found[name] = hits
    assert not found, f"type names spelled outside partnergraph.schema: {found}"
