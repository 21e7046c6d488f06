"""Editing by hand as the service layer does it: forms' validation, interactions, merges, history, revert.

Every test runs on both stores (the `small` fixture holds tests/data/small).
"""

from __future__ import annotations

import re

import pytest

from partnergraph.model import Conflict, Connection, Element, Kind, PartnergraphError, RelType, UnknownNode, WrongKind
from partnergraph.services import Workspace
from partnergraph.services import edit_checks as editing
from partnergraph.services.edit_checks import ValidationError

AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def state(ws: Workspace) -> tuple[list[Element], list[Connection]]:
    snapshot = ws.store.snapshot()
    return snapshot.elements, snapshot.connections


def neighbours(ws: Workspace, element_id: str) -> set[tuple[str, str]]:
    """Return (type, other end) of every connection of an element."""
    return {(c.type.value, c.target if c.source == element_id else c.source) for c in ws.store.connections_of(element_id)}


NEW_ELEMENTS = {
    "affiliate": ({"id": "wmfr", "name": "Wikimédia France", "country": "fr", "region": "Europe", "public": "true",
                   "tags": "chapter; glam"}, {"name": "Wikimédia France (WMFR)", "website": "https://wikimedia.fr"}),
    "partner": ({"id": "eff", "name": "Electronic Frontier Foundation", "type": "ngo", "status": "active",
                 "country": "US"}, {"status": "dormant", "country": ""}),
    "contact": ({"id": "gus", "name": "Gus Grau", "email": "gus@example.org", "role": "advocate"},
                {"phone": "+34 000", "email": ""}),
    "issue": ({"id": "privacy", "name": "Privacy"}, {"notes": "data protection and surveillance"}),
}


@pytest.mark.parametrize("kind", list(NEW_ELEMENTS))
def test_an_editor_creates_updates_and_deletes_each_kind(small: Workspace, kind: str):
    created, changed = NEW_ELEMENTS[kind]
    edit = small.editing
    change = edit.create_element(kind, created, actor="ed", source="their website")
    element = small.store.get(created["id"])
    assert element is not None and element.kind is Kind.parse(kind) and element.name == created["name"]
    assert change.note.action == "create" and change.edits[0].before is None and change.edits[0].after == element
    if kind == "affiliate":
        assert element.props == {"country": "FR", "region": "Europe", "public": True, "tags": ["chapter", "glam"]}

    change = edit.update_element(created["id"], changed, actor="ed", source="a phone call")
    updated = small.store.get(created["id"])
    assert change is not None and change.note.action == "update"
    assert change.edits[0].before == element and change.edits[0].after == updated
    for name, value in changed.items():
        got = updated.name if name == "name" else updated.props.get(name)
        assert got == (value or None)
    # Properties not given are kept.
    kept = {k: v for k, v in element.props.items() if k not in changed}
    assert {k: updated.props[k] for k in kept} == kept
    assert edit.update_element(created["id"], changed, actor="ed", source="again") is None  # nothing changed

    change = edit.delete_element(created["id"], actor="ed", source="duplicate")
    assert small.store.get(created["id"]) is None and change.note.action == "delete"


NEW_CONNECTIONS = {
    "MEMBER_OF": ({"from": "fay", "to": "cc", "role": "fellow", "since": "2022-01"}, {"until": "2024-06"}),
    "KNOWS": ({"from": "fay", "to": "Dia Mwangi", "strength": "3", "since": "2023-01"}, {"strength": "5"}),
    "HOLDS": ({"from": "fay", "to": "old", "strength": 2, "last_contact": "2019-04"}, {"last_contact": "2020-01-10"}),
    "PARTNERS_WITH": ({"from": "wmf", "to": "lib", "status": "informal", "issues": "open-access"},
                      {"issues": "open-access; copyright"}),
    "WORKS_ON": ({"from": "old", "to": "copyright"}, {"since": "2010-05"}),
}


@pytest.mark.parametrize("rel", list(NEW_CONNECTIONS))
def test_an_editor_creates_updates_and_deletes_each_relationship_type(small: Workspace, rel: str):
    created, changed = NEW_CONNECTIONS[rel]
    if rel == "KNOWS":
        created = {**created, "since": "2023-02"}
    edit = small.editing
    change = edit.create_connection({**created, "type": rel.lower()}, actor="ed", source="minutes of the meeting")
    conn = change.edits[0].after
    assert isinstance(conn, Connection) and conn.type is RelType(rel)
    assert small.store.get_connection(conn.source, conn.target, conn.type) == conn
    if rel == "KNOWS":
        assert (conn.source, conn.target, conn.props["strength"]) == ("dia", "fay", 3)  # canonical ends, parsed
    # The same connection twice is refused next to the "to" field.
    with pytest.raises(ValidationError) as caught:
        edit.create_connection({**created, "type": rel}, actor="ed", source="again")
    assert "exists already" in caught.value.errors["to"][0]

    # Either order of a KNOWS tie's ends finds it.
    change = edit.update_connection(created["from"], conn.target if conn.source == created["from"] else conn.source,
                                    rel, changed, actor="ed", source="an email")
    assert change is not None
    after = small.store.get_connection(conn.source, conn.target, conn.type)
    assert change.edits[0].before == conn and change.edits[0].after == after
    assert all(k in after.props for k in changed)

    edit.delete_connection(conn.target, conn.source, rel, actor="ed") if rel == "KNOWS" else \
        edit.delete_connection(conn.source, conn.target, rel, actor="ed")
    assert small.store.get_connection(conn.source, conn.target, conn.type) is None


def test_invalid_fields_each_get_their_own_message(small: Workspace):
    with pytest.raises(ValidationError) as caught:
        small.editing.create_element("partner", {"id": "x", "name": " ", "country": "XX", "public": "maybe",
                                                 "status": "closed"}, actor="ed", source="")
    errors = caught.value.errors
    assert errors["name"] == ["is required"]
    assert errors["provenance"]  # where the information comes from is asked for
    with pytest.raises(ValidationError) as caught:
        small.editing.create_element("partner", {"id": "x", "name": "X", "country": "XX", "public": "maybe",
                                                 "status": "closed", "colour": "red"}, actor="ed", source="web")
    errors = caught.value.errors
    assert "ISO 3166" in errors["country"][0]
    assert "true or false" in errors["public"][0]
    assert "active" in errors["status"][0]
    assert errors["colour"] == ["is not a property of an element"]
    assert not errors.get("")  # every message belongs to a field
    with pytest.raises(ValidationError) as caught:
        small.editing.create_element("contact", {"id": "ana", "name": "Another Ana"}, actor="ed", source="web")
    assert "taken" in caught.value.errors["id"][0]
    with pytest.raises(ValidationError) as caught:
        small.editing.create_element("contact", {"id": "two words", "name": "A"}, actor="ed", source="web")
    assert "spaces" in caught.value.errors["id"][0]

    with pytest.raises(ValidationError) as caught:
        small.editing.create_connection({"from": "ana", "to": "nobody", "type": "KNOWS", "strength": "9",
                                         "since": "2021-13", "last_contact": "soon"}, actor="ed", source="web")
    errors = caught.value.errors
    assert "1 to 5" in errors["strength"][0] or "range" in errors["strength"][0]
    assert "month" in errors["since"][0] and "ISO 8601" in errors["last_contact"][0]
    with pytest.raises(ValidationError) as caught:
        small.editing.create_connection({"from": "ana", "to": "cc", "type": "KNOWS"}, actor="ed", source="web")
    assert "must be a contact" in caught.value.errors["to"][0]
    with pytest.raises(ValidationError) as caught:
        small.editing.create_connection({"from": "ana", "to": "nobody", "type": "MEMBER_OF", "since": "2022",
                                         "until": "2021"}, actor="ed", source="web")
    assert "unknown id" in caught.value.errors["to"][0]
    with pytest.raises(ValidationError) as caught:
        small.editing.update_element("cc", {"kind": "contact", "id": "cc2"}, actor="ed", source="web")
    assert set(caught.value.errors) == {"kind", "id"}
    assert small.store.get("cc").kind is Kind.PARTNER


def test_deleting_an_element_removes_its_connections_in_the_same_change(small: Workspace):
    ties = small.store.connections_of("eli")
    assert len(ties) == 4
    change = small.editing.delete_element("eli", actor="ed", source="left the movement")
    assert [e.before for e in change.edits[:-1]] == ties and change.edits[-1].after is None
    assert small.store.connections_of("eli") == [] and small.store.get("eli") is None
    with pytest.raises(UnknownNode):
        small.editing.delete_element("eli", actor="ed")


def test_logging_an_interaction_moves_last_contact_and_sets_strength(small: Workspace):
    edit = small.editing
    change = edit.log_interaction("ana", "Cai Chen", on="2026-10-02", strength=5, note="coffee at the office",
                                  source="my calendar", actor="ana")
    tie = small.store.get_connection("ana", "cai", RelType.KNOWS)
    assert tie.props["last_contact"] == "2026-10-02" and tie.props["strength"] == 5
    assert tie.props["since"] == "2019-05" and tie.props["source"] == "Wikimania 2019"  # the rest stays
    assert (change.note.action, change.note.comment, change.note.source) == ("interaction", "coffee at the office",
                                                                            "my calendar")
    # An older interaction does not move last contact backwards, and strength stays when not given.
    edit.log_interaction("cai", "ana", on="2025-01-01", actor="cai")
    tie = small.store.get_connection("ana", "cai", RelType.KNOWS)
    assert tie.props["last_contact"] == "2026-10-02" and tie.props["strength"] == 5
    # With a partner: the HOLDS tie.
    edit.log_interaction("ben", "lib", on="2026-11-01", actor="ben")
    assert small.store.get_connection("ben", "lib", RelType.HOLDS).props["last_contact"] == "2026-11-01"
    # Two contacts with no tie yet: a new KNOWS tie starts that day.
    change = edit.log_interaction("fay", "dia", on="2026-03-04", strength="2", actor="fay", source="Wikimania")
    tie = small.store.get_connection("dia", "fay", RelType.KNOWS)
    assert tie.props == {"since": "2026-03-04", "last_contact": "2026-03-04", "strength": 2, "source": "Wikimania"}
    assert change.edits[0].before is None
    # Today by default.
    edit.log_interaction("ana", "cai", actor="ana")
    assert small.store.get_connection("ana", "cai", RelType.KNOWS).props["last_contact"] == editing.today()


def test_logging_an_interaction_refuses_what_it_cannot_mean(small: Workspace):
    with pytest.raises(ValidationError) as caught:
        small.editing.log_interaction("ana", "cc", actor="ana")  # Ana does not hold Creative Commons
    assert "does not hold" in caught.value.errors["with"][0]
    with pytest.raises(ValidationError) as caught:
        small.editing.log_interaction("cc", "wmde", on="2999-01-01", strength=7, actor="ana")
    assert set(caught.value.errors) == {"person", "with", "on", "strength"}
    assert "future" in caught.value.errors["on"][0]
    with pytest.raises(ValidationError) as caught:
        small.editing.log_interaction("ana", "nobody", on="yesterday", actor="ana")
    assert set(caught.value.errors) == {"with", "on"}


def add_duplicate_of_ana(ws: Workspace) -> None:
    edit = ws.editing
    edit.create_element("contact", {"id": "ana2", "name": "Ana L.", "phone": "+49 99", "email": "other@example.org",
                                    "tags": "board; signal"}, actor="ed", source="an old spreadsheet")
    for values in ({"from": "ana2", "to": "cai", "type": "KNOWS", "strength": 5, "since": "2018-01", "last_contact": "2020-01"},
                   {"from": "ana2", "to": "fay", "type": "KNOWS", "strength": 1},
                   {"from": "ana2", "to": "ana", "type": "KNOWS"},
                   {"from": "ana2", "to": "wmde", "type": "MEMBER_OF", "role": "member", "until": "2030-01"},
                   {"from": "ana2", "to": "lib", "type": "HOLDS", "strength": 3}):
        edit.create_connection(values, actor="ed", source="an old spreadsheet")
    edit.update_element("ana", {"tags": "board"}, actor="ed", source="web")


def test_merging_duplicates_keeps_every_relationship(small: Workspace):
    add_duplicate_of_ana(small)
    expected = (neighbours(small, "ana") | neighbours(small, "ana2")) - {("KNOWS", "ana"), ("KNOWS", "ana2")}
    total = len(small.store.snapshot().connections)
    plan = small.merges.plan("ana", "Ana L.")
    assert [new.key for _, new in plan.moved] == [("ana", "fay", "KNOWS"), ("ana", "lib", "HOLDS")]
    assert [keep.key for _, keep, _ in plan.combined] == [("ana", "cai", "KNOWS"), ("ana", "wmde", "MEMBER_OF")]
    assert [c.key for c in plan.removed] == [("ana", "ana2", "KNOWS")]
    assert set(plan.filled) == {"tags"}  # phone and email: Ana's own win

    change = small.merges.merge("ana", "ana2", actor="ed", source="same person", rev=plan.rev)
    assert change.note.action == "merge" and change.note.summary["moved"] == 2
    assert small.store.get("ana2") is None
    assert neighbours(small, "ana") == expected
    # Two ties combined into one each, and the tie between the two duplicates disappeared.
    assert len(small.store.snapshot().connections) == total - 2 - 1
    ana = small.store.get("ana")
    assert ana.props["email"] == "ana@example.org" and ana.props["phone"] == "+49 30 000"  # Ana's own values win
    assert ana.props["tags"] == ["board", "signal"]
    cai = small.store.get_connection("ana", "cai", RelType.KNOWS).props
    # Ana's values win, the gaps filled; strength the higher, last contact the later, since the earlier.
    assert (cai["strength"], cai["since"], cai["last_contact"], cai["source"]) == (5, "2018-01", "2026-09", "Wikimania 2019")
    member = small.store.get_connection("ana", "wmde", RelType.MEMBER_OF).props
    assert member == {"role": "board member", "since": "2015-01", "until": "2030-01"}
    assert set(change.touches) >= {"ana", "ana2", "cai", "fay", "lib", "wmde"}


def test_merging_needs_two_elements_of_the_same_kind(small: Workspace):
    with pytest.raises(WrongKind):
        small.merges.merge("ana", "cc", actor="ed", source="x")
    with pytest.raises(ValidationError) as caught:
        small.merges.merge("ana", "ana", actor="ed", source="x")
    assert "same element" in caught.value.errors["drop"][0]
    with pytest.raises(ValidationError):
        small.merges.merge("ana", "nobody", actor="ed", source="x")


def test_a_stale_merge_preview_is_refused(small: Workspace):
    add_duplicate_of_ana(small)
    plan = small.merges.plan("ana", "ana2")
    small.editing.log_interaction("ana2", "fay", on="2026-01-01", actor="someone")
    with pytest.raises(Conflict, match="preview"):
        small.merges.merge("ana", "ana2", actor="ed", source="same person", rev=plan.rev)
    assert small.store.get("ana2") is not None


def test_history_records_who_when_before_after_and_source(small: Workspace):
    before = small.store.get("cc")
    small.editing.update_element("cc", {"status": "dormant", "website": "https://creativecommons.org"},
                                 actor="Ana Lima", source="their annual report", comment="no joint work this year")
    found = small.editing.history("cc")
    entry = found["changes"][0]
    assert (entry["author"], entry["action"], entry["source"], entry["comment"]) == (
        "Ana Lima", "update", "their annual report", "no joint work this year")
    assert AT.match(entry["at"])
    assert entry["edits"][0]["fields"] == [
        {"field": "status", "before": "active", "after": "dormant"},
        {"field": "website", "before": None, "after": "https://creativecommons.org"}]
    assert entry["edits"][0]["before"]["props"] == before.props
    assert found["names"]["cc"] == "Creative Commons"
    # A change to a connection shows in the history of both its ends; others' history does not hold it.
    small.editing.log_interaction("cai", "cc", on="2026-11-01", actor="Cai Chen")
    assert small.editing.history("cai")["changes"][0]["action"] == "interaction"
    assert small.editing.history("cc")["changes"][0]["action"] == "interaction"
    assert small.editing.history("ana")["changes"] == []
    everything = small.editing.history(limit=1)
    assert len(everything["changes"]) == 1 and everything["next_before"] is not None
    older = small.editing.history(before=everything["next_before"])
    assert older["changes"][0]["seq"] < everything["changes"][0]["seq"]


@pytest.mark.parametrize("action", ["update", "delete", "merge", "interaction", "create"])
def test_reverting_a_change_restores_exactly_what_was_there(small: Workspace, action: str):
    if action == "merge":
        add_duplicate_of_ana(small)
    before = state(small)
    edit = small.editing
    change = {
        "update": lambda: edit.update_element("lib", {"name": "BnF", "public": "false", "tags": "glam; national"},
                                              actor="ed", source="web"),
        "delete": lambda: edit.delete_element("eli", actor="ed"),
        "merge": lambda: small.merges.merge("ana", "ana2", actor="ed", source="same person"),
        "interaction": lambda: edit.log_interaction("fay", "ben", on="2026-01-02", strength=4, actor="fay"),
        "create": lambda: edit.create_element("issue", {"id": "privacy", "name": "Privacy"}, actor="ed", source="x"),
    }[action]()
    assert state(small) != before
    undo = edit.revert(change.seq, actor="admin", comment="by mistake")
    assert state(small) == before
    assert (undo.note.action, undo.note.reverts, undo.note.author) == ("revert", change.seq, "admin")
    history = edit.history(change.touches[0])
    assert history["changes"][0]["reverts"] == change.seq
    assert history["changes"][1]["reverted_by"] == undo.seq
    # Reverting the revert redoes the change.
    edit.revert(undo.seq, actor="admin")
    assert state(small) != before


def test_a_revert_after_a_later_change_is_refused_and_names_it(small: Workspace):
    first = small.editing.update_element("cc", {"status": "dormant"}, actor="ana", source="web")
    small.editing.update_element("cc", {"region": "Global"}, actor="ben", source="web")
    after = state(small)
    with pytest.raises(Conflict) as caught:
        small.editing.revert(first.seq, actor="admin")
    message = str(caught.value)
    assert "ben" in message and "revert that first" in message and f"#{first.seq}" in message
    assert state(small) == after
    # Reverting twice is refused too.
    interaction = small.editing.log_interaction("ana", "cai", on="2026-10-10", actor="ana")
    small.editing.revert(interaction.seq, actor="admin")
    with pytest.raises(Conflict, match="reverted"):
        small.editing.revert(interaction.seq, actor="admin")
    with pytest.raises(editing.UnknownChange):
        small.editing.revert(99999, actor="admin")


def test_saving_a_form_over_someone_elses_change_is_a_conflict_naming_them(small: Workspace):
    loaded = small.store.get("uni")
    rev = editing.revision(loaded)
    small.editing.update_element("uni", {"status": "active"}, actor="Dia Mwangi", source="signed MoU")
    with pytest.raises(Conflict) as caught:
        small.editing.update_element("uni", {"status": "dormant"}, rev=rev, actor="ed", source="web")
    assert "Dia Mwangi" in str(caught.value)
    assert small.store.get("uni").props["status"] == "active"
    # The same goes for a connection, and for deleting.
    tie = small.store.get_connection("dia", "uni", RelType.HOLDS)
    rev = editing.revision(tie)
    small.editing.log_interaction("dia", "uni", on="2026-11-02", actor="Dia Mwangi")
    with pytest.raises(Conflict, match="Dia Mwangi"):
        small.editing.update_connection("dia", "uni", "HOLDS", {"strength": 1}, rev=rev, actor="ed", source="x")
    with pytest.raises(Conflict, match="Dia Mwangi"):
        small.editing.delete_connection("dia", "uni", "HOLDS", rev=rev, actor="ed")
    # With the current rev it goes through.
    current = editing.revision(small.store.get("uni"))
    assert small.editing.update_element("uni", {"status": "dormant"}, rev=current, actor="ed", source="web")


def test_the_store_rechecks_before_inside_its_transaction(small: Workspace):
    # Two editors who both loaded the same state: the second write is refused by the store itself.
    from partnergraph.records import ChangeNote, Edit

    loaded = small.store.get("old")
    changed = Element(loaded.id, loaded.kind, loaded.name, {**loaded.props, "status": "active"})
    small.store.apply([Edit(loaded, changed)], ChangeNote("ana", "update", editing.now()))
    with pytest.raises(Conflict):
        small.store.apply([Edit(loaded, changed)], ChangeNote("ben", "update", editing.now()))


def test_a_change_needs_an_author(small: Workspace):
    with pytest.raises(PartnergraphError, match="author"):
        small.editing.create_element("issue", {"id": "privacy", "name": "Privacy"}, actor=" ", source="x")
    assert small.store.get("privacy") is None


def test_an_editor_adds_an_event_and_who_went_and_can_revert_both(small: Workspace):
    before = state(small)
    edit = small.editing
    created = edit.create_element("event", {"id": "camp", "name": "Rights Camp", "start": "2025-03-10", "end": "2025-03-12",
                                            "country": "BE", "region": "Europe"}, actor="ed", source="programme")
    went = edit.create_connection({"from": "ana", "to": "camp", "type": "ATTENDS", "role": "speaker", "status": "Attended"},
                                  actor="ed", source="attendance list")
    assert edit.connection("ana", "camp", "ATTENDS").props == {"role": "speaker", "status": "attended"}
    with pytest.raises(ValidationError, match="went"):  # not a status: the vocabulary is named
        edit.create_connection({"from": "ben", "to": "camp", "type": "ATTENDS", "status": "went"}, actor="ed", source="x")
    with pytest.raises(ValidationError, match="before start"):
        edit.update_element("camp", {"end": "2025-03-01"}, actor="ed", source="x")
    edit.revert(went.seq, actor="admin")
    assert edit.connections_of("camp") == []
    edit.revert(created.seq, actor="admin")
    assert state(small) == before
