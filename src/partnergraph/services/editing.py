"""Editing the graph by hand: validated changes with provenance, merges, interactions and revert.

Every edit writes through `GraphStore.apply`, so each change is one transaction that records who
made it, when (UTC, to the second), where the information comes from (`source`, the form's
"provenance" field) and every element and connection as it was before and after. Because the
record is complete, a revert is the same edits reversed with before and after swapped; the store
refuses it (`Conflict`) when anything it touches has changed since, and `revert` then names the
later change to undo first. Input checks live in `partnergraph.services.edit_checks`, the
described history in `partnergraph.services.history`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from partnergraph.model import (
    Conflict,
    Connection,
    Element,
    Kind,
    PartnergraphError,
    RelType,
    UnknownNode,
    connection,
    parse_date,
    parse_strength,
)
from partnergraph.records import Change, Edit
from partnergraph.services import history as histories
from partnergraph.services.edit_checks import (
    MAX_SEQ,
    PROVENANCE,
    Names,
    UnknownChange,
    UnknownConnection,
    ValidationError,
    _apply,
    _blank,
    _check_rev,
    _current,
    _label,
    _last_change_to,
    _latest,
    _merge_errors,
    _note_text,
    _stale,
    check_connection,
    check_element,
    find,
    lookup,
    make_note,
    missing,
    today,
)
from partnergraph.services.options import HistoryQuery
from partnergraph.services.partnership_checks import contact_of_record_errors
from partnergraph.store import GraphStore


def _get_connection(store: GraphStore, source: str, target: str, rel: RelType | str) -> Connection:
    rel = RelType.parse(rel) if isinstance(rel, str) else rel
    found = store.get_connection(source, target, rel)
    if found is None:
        raise UnknownConnection(f"no {rel.value} connection from {source!r} to {target!r}")
    return found


def _refused(store: GraphStore, change: Change, target: tuple[str, ...], label: str) -> Conflict:
    later = _last_change_to(store, target, after=change.seq)
    if later is None:
        return Conflict(f"cannot revert change #{change.seq}: {label} has changed since; edit it by hand")
    verb = "reverted" if later.note.reverts == change.seq else "changed"
    return Conflict(f"cannot revert change #{change.seq}: {label} was {verb} by {later.note.author} at "
                    f"{later.note.at} (change #{later.seq}, {later.note.action}) after it; revert that first "
                    "or edit by hand")

class Editing:
    """The editing use cases on one store: create, update, delete, interactions, merge, revert, history."""

    def __init__(self, store: GraphStore, names: Names | None = None):
        self.store = store
        self.names = names  # forgiving lookups of what editors type (services.edit_checks.lookup)

    def create_element(self, kind: Kind | str, values: Mapping[str, Any], *, actor: str,
                       source: str = "", comment: str = "") -> Change:
        """Create an element of `kind` from `values` (id, name, properties); record it as "create"."""
        errors: dict[str, list[str]] = {}
        source = _note_text(source, PROVENANCE, errors, required=True)
        comment = _note_text(comment, "comment", errors)
        try:
            element = check_element(kind, values)
        except ValidationError as exc:
            raise ValidationError(_merge_errors(exc.errors, errors)) from None
        if self.store.existing_kinds([element.id]):
            errors.setdefault("id", []).append(f"{element.id!r} is taken: an element with this id exists already")
        if errors:
            raise ValidationError(errors)
        return _apply(self.store, [Edit(None, element)], make_note(actor, "create", source, comment))

    def _loaded(self, element_id: str, rev: str | None) -> Element:
        """Return the element as stored, checked against the `rev` the editor loaded (if given).

        Gone with a `rev` is a `Conflict` (someone deleted it meanwhile); gone without one, `UnknownNode`.
        """
        current = self.store.get(element_id)
        target = ("element", element_id)
        if current is None:
            if rev is not None:
                raise _stale(self.store, target, repr(element_id))
            raise UnknownNode(f"no element with id {element_id!r}")
        _check_rev(self.store, current, rev, target, _label(current))
        return current

    def update_element(self, element_id: str, values: Mapping[str, Any], *, actor: str,
                       rev: str | None = None, source: str = "", comment: str = "") -> Change | None:
        """Change an element's name and properties; return the change, or None when nothing changed.

        Only the keys in `values` change: a blank value removes that property, a key not given is
        kept. With `rev` (what the editor loaded), a newer state raises `Conflict` naming its author.
        """
        current = self._loaded(element_id, rev)
        errors: dict[str, list[str]] = {}
        source = _note_text(source, PROVENANCE, errors, required=True)
        comment = _note_text(comment, "comment", errors)
        values = dict(values)
        if "id" in values and str(values.pop("id")).strip() != element_id:
            errors.setdefault("id", []).append("cannot change: the id is how everything else refers to this element")
        if "kind" in values:
            try:
                if Kind.parse(str(values.pop("kind"))) is not current.kind:
                    errors.setdefault("kind", []).append(f"cannot change: this is {current.kind.slug}")
            except ValueError as exc:
                errors.setdefault("kind", []).append(str(exc))
        merged = {"id": element_id, "name": current.name, **current.props, **values}
        try:
            after = check_element(current.kind, merged, existing_kinds={element_id: current.kind})
        except ValidationError as exc:
            raise ValidationError(_merge_errors(exc.errors, errors)) from None
        if errors:
            raise ValidationError(errors)
        if after == current:
            return None
        return _apply(self.store, [Edit(current, after)], make_note(actor, "update", source, comment))

    def delete_element(self, element_id: str, *, actor: str, rev: str | None = None,
                       source: str = "", comment: str = "") -> Change:
        """Delete an element and every connection to it, recorded as one "delete" change (revertible)."""
        current = self._loaded(element_id, rev)
        errors: dict[str, list[str]] = {}
        source = _note_text(source, PROVENANCE, errors)
        comment = _note_text(comment, "comment", errors)
        if errors:
            raise ValidationError(errors)
        # Connections first: the store refuses to delete an element that still has any.
        edits = [Edit(c, None) for c in self.store.connections_of(element_id)] + [Edit(current, None)]
        return _apply(self.store, edits, make_note(actor, "delete", source, comment))

    def create_connection(self, values: Mapping[str, Any], *, actor: str,
                          source: str = "", comment: str = "") -> Change:
        """Create a connection from `values` (from, to, type and properties); record it as "create"."""
        errors: dict[str, list[str]] = {}
        source = _note_text(source, PROVENANCE, errors, required=True)
        comment = _note_text(comment, "comment", errors)
        try:
            conn = check_connection(self.store, values, self.names)
        except ValidationError as exc:
            raise ValidationError(_merge_errors(exc.errors, errors)) from None
        if self.store.get_connection(conn.source, conn.target, conn.type) is not None:
            errors.setdefault("to", []).append(
                f"a {conn.type.value} connection between {conn.source!r} and {conn.target!r} exists already: edit it instead")
        errors = _merge_errors(errors, contact_of_record_errors(self.store, conn))
        if errors:
            raise ValidationError(errors)
        return _apply(self.store, [Edit(None, conn)], make_note(actor, "create", source, comment))

    def update_connection(self, source_id: str, target_id: str, rel: RelType | str,
                          values: Mapping[str, Any], *, actor: str, rev: str | None = None, source: str = "",
                          comment: str = "") -> Change | None:
        """Change a connection's properties; return the change, or None when nothing changed.

        Its ends and type stay (delete it and create another to change them). Only the keys in
        `values` change; a blank value removes that property.
        """
        rel = RelType.parse(rel) if isinstance(rel, str) else rel
        key = connection(source_id, target_id, rel).key
        target = ("connection", *key)
        current = self.store.get_connection(*key[:2], rel)
        if current is None and rev is not None:
            raise _stale(self.store, target, f"the {rel.value} connection {key[0]} → {key[1]}")
        current = current or _get_connection(self.store, source_id, target_id, rel)
        _check_rev(self.store, current, rev, target, _label(current))
        errors: dict[str, list[str]] = {}
        source = _note_text(source, PROVENANCE, errors, required=True)
        comment = _note_text(comment, "comment", errors)
        values = dict(values)
        for name, fixed in (("from", None), ("to", None), ("type", rel.value)):
            if name not in values:
                continue
            given = str(values.pop(name)).strip()
            same = given.upper() == fixed if fixed else given in (current.source, current.target)
            if not same:
                errors.setdefault(name, []).append("cannot change: delete this connection and add a new one")
        merged = {"from": current.source, "to": current.target, "type": rel.value, **current.props, **values}
        try:
            after = check_connection(self.store, merged, self.names)
        except ValidationError as exc:
            raise ValidationError(_merge_errors(exc.errors, errors)) from None
        errors = _merge_errors(errors, contact_of_record_errors(self.store, after))
        if errors:
            raise ValidationError(errors)
        if after == current:
            return None
        return _apply(self.store, [Edit(current, after)], make_note(actor, "update", source, comment))

    def delete_connection(self, source_id: str, target_id: str, rel: RelType | str, *, actor: str,
                          rev: str | None = None, source: str = "", comment: str = "") -> Change:
        """Delete one connection; record it as "delete"."""
        rel = RelType.parse(rel) if isinstance(rel, str) else rel
        key = connection(source_id, target_id, rel).key
        current = self.store.get_connection(*key[:2], rel)
        if current is None and rev is not None:
            raise _stale(self.store, ("connection", *key), f"the {rel.value} connection {key[0]} → {key[1]}")
        current = current or _get_connection(self.store, source_id, target_id, rel)
        _check_rev(self.store, current, rev, ("connection", *key), _label(current))
        errors: dict[str, list[str]] = {}
        source = _note_text(source, PROVENANCE, errors)
        comment = _note_text(comment, "comment", errors)
        if errors:
            raise ValidationError(errors)
        return _apply(self.store, [Edit(current, None)], make_note(actor, "delete", source, comment))

    def log_interaction(self, person: str, other: str, *, actor: str, on: str | None = None,
                        strength: int | str | None = None, note: str = "", source: str = "") -> Change:
        """Record that `person` (a contact) was in touch with `other` on a date (default: today, UTC).

        With another contact it is their KNOWS tie, with a partner the HOLDS tie of `person`: its
        `last_contact` moves to the date (never backwards) and its strength becomes `strength` if
        given. Two contacts with no tie yet get a new KNOWS tie (since and last contact that date):
        talking to someone is how a personal tie starts. A person who does not hold a partner's
        relationship is refused instead: holding it is a role to give deliberately (add a HOLDS
        connection), not a side effect of one meeting. `note` becomes the change's comment and
        `source` its provenance; the change's action is "interaction".
        """
        errors: dict[str, list[str]] = {}
        me = find(self.store, person, self.names)
        if me is None:
            errors["person"] = [missing(self.store, person, self.names)]
        elif me.kind is not Kind.CONTACT:
            errors["person"] = [f"{me.name} is {me.kind.slug}: interactions are logged for contacts"]
        them = find(self.store, other, self.names) if other and str(other).strip() else None
        if not other or not str(other).strip():
            errors["with"] = ["is required: a contact or a partner"]
        elif them is None:
            errors["with"] = [f"no contact or partner with id or name {other!r}"]
        elif them.kind not in (Kind.CONTACT, Kind.PARTNER):
            errors["with"] = [f"{them.name} is {them.kind.slug}: log interactions with a contact or a partner"]
        elif me is not None and them.id == me.id:
            errors["with"] = ["is the same person"]
        date = today() if _blank(on) else str(on).strip()
        # A day of slack: "today" where the editor is may already be tomorrow in UTC.
        latest = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
        try:
            date = parse_date(date)
            if date > latest[:len(date)]:
                errors["on"] = [f"{date} is in the future"]
        except ValueError as exc:
            errors["on"] = [str(exc)]
        level = None
        if not _blank(strength):
            try:
                level = parse_strength(strength)
            except ValueError as exc:
                errors["strength"] = [str(exc)]
        source = _note_text(source, PROVENANCE, errors)
        note = _note_text(note, "note", errors)
        if errors:
            raise ValidationError(errors)
        assert me is not None and them is not None
        rel = RelType.KNOWS if them.kind is Kind.CONTACT else RelType.HOLDS
        current = self.store.get_connection(me.id, them.id, rel)
        if current is None:
            if rel is RelType.HOLDS:
                raise ValidationError({"with": [f"{me.name} does not hold the relationship with {them.name}: "
                                                "add a HOLDS connection first"]})
            props: dict[str, Any] = {"since": date, "last_contact": date}
            if level is not None:
                props["strength"] = level
            if source:
                props["source"] = source
            after = connection(me.id, them.id, rel, props)
        else:
            props = dict(current.props)
            props["last_contact"] = _latest(date, props.get("last_contact"))
            if level is not None:
                props["strength"] = level
            after = Connection(current.source, current.target, current.type, props)
        # Recorded even when the tie already said as much: the interaction itself is information.
        return _apply(self.store, [Edit(current, after)], make_note(actor, "interaction", source, note))

    def revert(self, seq: int, *, actor: str, comment: str = "", source: str = "") -> Change:
        """Undo change number `seq` as a new "revert" change: its edits reversed, before and after swapped.

        Refused with `Conflict` when anything the change touched has changed since, naming the later
        change, which has to be reverted first (or the element edited by hand).
        """
        change = self.store.change(seq) if 0 < seq <= MAX_SEQ else None
        if change is None:
            raise UnknownChange(f"there is no change #{seq}")
        if not change.edits:
            raise PartnergraphError(f"change #{seq} ({change.note.action}) recorded only its counts, not its edits, "
                                    "so it cannot be reverted here; restore a backup instead")
        errors: dict[str, list[str]] = {}
        comment = _note_text(comment, "comment", errors)
        source = _note_text(source, PROVENANCE, errors)
        if errors:
            raise ValidationError(errors)
        for edit in change.edits:
            if _current(self.store, edit.target) != edit.after:
                item = edit.after or edit.before
                assert item is not None
                raise _refused(self.store, change, edit.target, _label(item))
        undo = [Edit(edit.after, edit.before) for edit in reversed(change.edits)]
        note = make_note(actor, "revert", source or f"revert of change #{seq}", comment, reverts=seq)
        try:
            return self.store.apply(undo, note)
        except Conflict:
            # Someone changed it between the check above and the write: explain as above.
            for edit in change.edits:
                if _current(self.store, edit.target) != edit.after:
                    item = edit.after or edit.before
                    assert item is not None
                    raise _refused(self.store, change, edit.target, _label(item)) from None
            raise

    def history(self, element_id: str | None = None, *, limit: int = 50, before: int | None = None) -> dict[str, Any]:
        """Return recorded changes, newest first (all, or those about one element), described for people."""
        query = HistoryQuery(element_id, limit=limit, before=before)
        # Before a number no change reaches (beyond the stores' 64 bits): all of them.
        before = query.before if query.before is None or query.before <= MAX_SEQ else None
        return histories.history(self.store, query.element, limit=query.limit, before=before)

    def change(self, seq: int) -> dict[str, Any]:
        """Return one described change, or raise `UnknownChange`."""
        found = self.store.change(seq) if 0 < seq <= MAX_SEQ else None
        if found is None:
            raise UnknownChange(f"there is no change #{seq}")
        return histories.describe_change(found)

    def element(self, element_id: str) -> Element:
        """Return an element as stored (for a form), or raise `UnknownNode`."""
        found = self.store.get(element_id)
        if found is None:
            raise UnknownNode(f"no element with id {element_id!r}")
        return found

    def find(self, ref: str) -> Element | None:
        """Return the element with this id or name (looked up forgivingly), or None when there is none or several."""
        return find(self.store, ref, self.names)

    def lookup(self, ref: str) -> Element:
        """Return the element with this id or name (looked up forgivingly), or raise `UnknownNode` (did you mean, or which)."""
        return lookup(self.store, ref, self.names)

    def connection(self, source_id: str, target_id: str, rel: RelType | str) -> Connection:
        """Return a connection as stored (for a form), or raise `UnknownConnection`."""
        return _get_connection(self.store, source_id, target_id, rel)

    def connections_of(self, element_id: str) -> list[Connection]:
        """Return every connection of an element (for its edit page)."""
        return self.store.connections_of(element_id)
