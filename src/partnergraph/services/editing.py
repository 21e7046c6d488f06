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
from dataclasses import dataclass, field
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
    WrongKind,
    connection,
    parse_date,
    parse_strength,
)
from partnergraph.records import Change, Edit
from partnergraph.services import history as histories
from partnergraph.services.edit_checks import (
    PROVENANCE,
    UnknownChange,
    UnknownConnection,
    ValidationError,
    _apply,
    _blank,
    _check_rev,
    _current,
    _label,
    _last_change_to,
    _merge_errors,
    _note_text,
    _stale,
    check_connection,
    check_element,
    find,
    lookup,
    make_note,
    revision,
    today,
)
from partnergraph.services.options import HistoryQuery
from partnergraph.store import GraphStore

# Properties that hold lists: a merge keeps the union of both elements' values.
LIST_PROPERTIES = frozenset(("tags", "issues"))


def _get_connection(store: GraphStore, source: str, target: str, rel: RelType | str) -> Connection:
    rel = RelType.parse(rel) if isinstance(rel, str) else rel
    found = store.get_connection(source, target, rel)
    if found is None:
        raise UnknownConnection(f"no {rel.value} connection from {source!r} to {target!r}")
    return found


def _latest(a: str | None, b: str | None) -> str | None:
    """Return the later of two ISO dates of any precision; on a tie at the coarser one, the finer."""
    if not a or not b:
        return a or b
    n = min(len(a), len(b))
    if a[:n] != b[:n]:
        return a if a[:n] > b[:n] else b
    return a if len(a) >= len(b) else b


def _earliest(a: str | None, b: str | None) -> str | None:
    """Return the earlier of two ISO dates of any precision; on a tie at the coarser one, `a`."""
    if not a or not b:
        return a or b
    n = min(len(a), len(b))
    return b if b[:n] < a[:n] else a


def _combine(kept: Mapping[str, Any], dropped: Mapping[str, Any]) -> dict[str, Any]:
    """Return properties of two duplicates: `kept` wins, gaps filled from `dropped`, lists united,
    strength the higher, last contact the later, since the earlier."""
    out = {**dropped, **kept}
    for name in LIST_PROPERTIES:
        if name in kept and name in dropped:
            out[name] = list(dict.fromkeys([*kept[name], *dropped[name]]))
    if "strength" in kept and "strength" in dropped:
        out["strength"] = max(kept["strength"], dropped["strength"])
    if "last_contact" in out:
        out["last_contact"] = _latest(kept.get("last_contact"), dropped.get("last_contact"))
    if "since" in out:
        out["since"] = _earliest(kept.get("since"), dropped.get("since"))
    return out


@dataclass
class MergePlan:
    """What merging `drop` into `keep` does: the preview an editor confirms, and its edits."""

    keep: Element
    drop: Element
    merged: Element
    moved: list[tuple[Connection, Connection]] = field(default_factory=list)  # drop's -> keep's new
    combined: list[tuple[Connection, Connection, Connection]] = field(default_factory=list)  # drop's, keep's, result
    removed: list[Connection] = field(default_factory=list)  # ties between the two, which disappear
    edits: list[Edit] = field(default_factory=list)
    rev: str = ""

    @property
    def filled(self) -> dict[str, tuple[Any, Any]]:
        """Return the properties of `keep` that the merge fills or extends: name -> (before, after)."""
        names = sorted(set(self.keep.props) | set(self.merged.props))
        return {n: (self.keep.props.get(n), self.merged.props.get(n)) for n in names
                if self.keep.props.get(n) != self.merged.props.get(n)}

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as JSON (the API's merge preview)."""
        return {
            "keep": self.keep.to_dict(), "drop": self.drop.to_dict(), "merged": self.merged.to_dict(),
            "moved": [{"from": old.to_dict(), "to": new.to_dict()} for old, new in self.moved],
            "combined": [{"drop": d.to_dict(), "keep": k.to_dict(), "result": r.to_dict()}
                         for d, k, r in self.combined],
            "removed": [c.to_dict() for c in self.removed],
            "filled": {n: {"before": b, "after": a} for n, (b, a) in self.filled.items()},
            "rev": self.rev,
        }


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

    def __init__(self, store: GraphStore):
        self.store = store

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

    def update_element(self, element_id: str, values: Mapping[str, Any], *, actor: str,
                       rev: str | None = None, source: str = "", comment: str = "") -> Change | None:
        """Change an element's name and properties; return the change, or None when nothing changed.

        Only the keys in `values` change: a blank value removes that property, a key not given is
        kept. With `rev` (what the editor loaded), a newer state raises `Conflict` naming its author.
        """
        current = self.store.get(element_id)
        target = ("element", element_id)
        if current is None:
            if rev is not None:
                raise _stale(self.store, target, repr(element_id))
            raise UnknownNode(f"no element with id {element_id!r}")
        _check_rev(self.store, current, rev, target, _label(current))
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
        current = self.store.get(element_id)
        target = ("element", element_id)
        if current is None:
            if rev is not None:
                raise _stale(self.store, target, repr(element_id))
            raise UnknownNode(f"no element with id {element_id!r}")
        _check_rev(self.store, current, rev, target, _label(current))
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
            conn = check_connection(self.store, values)
        except ValidationError as exc:
            raise ValidationError(_merge_errors(exc.errors, errors)) from None
        if self.store.get_connection(conn.source, conn.target, conn.type) is not None:
            errors.setdefault("to", []).append(
                f"a {conn.type.value} connection between {conn.source!r} and {conn.target!r} exists already: edit it instead")
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
            after = check_connection(self.store, merged)
        except ValidationError as exc:
            raise ValidationError(_merge_errors(exc.errors, errors)) from None
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
        me = find(self.store, person)
        if me is None:
            errors["person"] = [f"no element with id or name {person!r}"]
        elif me.kind is not Kind.CONTACT:
            errors["person"] = [f"{me.name} is {me.kind.slug}: interactions are logged for contacts"]
        them = find(self.store, other) if other and str(other).strip() else None
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

    def merge_plan(self, keep: str, drop: str) -> MergePlan:
        """Return what merging `drop` into `keep` (ids or exact names, the same kind) would do."""
        errors: dict[str, list[str]] = {}
        kept = find(self.store, keep)
        dropped = find(self.store, drop)
        if kept is None:
            errors["keep"] = [f"no element with id or name {keep!r}"]
        if dropped is None:
            errors["drop"] = [f"no element with id or name {drop!r}"] if drop and str(drop).strip() else ["is required"]
        if kept is not None and dropped is not None:
            if kept.id == dropped.id:
                errors["drop"] = ["is the same element: pick its duplicate"]
            elif kept.kind is not dropped.kind:
                raise WrongKind(f"{dropped.name} is {dropped.kind.slug} and {kept.name} is {kept.kind.slug}: "
                                "only elements of the same kind can be merged")
        if errors:
            raise ValidationError(errors)
        assert kept is not None and dropped is not None
        props = _combine(kept.props, dropped.props)
        merged = Element(kept.id, kept.kind, kept.name, props)
        keep_conns = self.store.connections_of(kept.id)
        drop_conns = self.store.connections_of(dropped.id)
        plan = MergePlan(kept, dropped, merged, rev=revision(kept, dropped, *keep_conns, *drop_conns))
        if merged != kept:
            plan.edits.append(Edit(kept, merged))
        existing = {c.key: c for c in keep_conns}
        for old in drop_conns:
            other = old.target if old.source == dropped.id else old.source
            if other == kept.id:
                plan.removed.append(old)
                plan.edits.append(Edit(old, None))
                continue
            ends = (kept.id, other) if old.source == dropped.id else (other, kept.id)
            new = connection(*ends, old.type, old.props)
            plan.edits.append(Edit(old, None))
            if new.key in existing:
                theirs = existing[new.key]
                result = Connection(theirs.source, theirs.target, theirs.type, _combine(theirs.props, old.props))
                plan.combined.append((old, theirs, result))
                if result != theirs:
                    plan.edits.append(Edit(theirs, result))
            else:
                plan.moved.append((old, new))
                plan.edits.append(Edit(None, new))
        plan.edits.append(Edit(dropped, None))
        return plan

    def merge(self, keep: str, drop: str, *, actor: str, rev: str | None = None,
              source: str = "", comment: str = "") -> Change:
        """Merge the duplicate `drop` into `keep` as one "merge" change, keeping every relationship.

        Every connection of `drop` moves to `keep`; where `keep` has the same one, the two combine
        (keep's values win, gaps are filled from drop's, strength the higher, last contact the
        later, since the earlier). A tie between the two disappears. `keep` gains the properties it
        lacks from `drop`, and their tags are united; then `drop` is deleted. With `rev` (from the
        preview), any change to either since then raises `Conflict`.
        """
        errors: dict[str, list[str]] = {}
        source = _note_text(source, PROVENANCE, errors, required=True)
        comment = _note_text(comment, "comment", errors)
        plan = self.merge_plan(keep, drop)
        if errors:
            raise ValidationError(errors)
        if rev is not None and plan.rev != rev:
            raise Conflict(f"{plan.keep.name} or {plan.drop.name} (or one of their connections) changed since the "
                           "preview; look at the preview again before merging")
        note = make_note(actor, "merge", source, comment,
                     summary={"kept": plan.keep.id, "dropped": plan.drop.id, "moved": len(plan.moved),
                              "combined": len(plan.combined), "removed": len(plan.removed)})
        return _apply(self.store, plan.edits, note)

    def revert(self, seq: int, *, actor: str, comment: str = "", source: str = "") -> Change:
        """Undo change number `seq` as a new "revert" change: its edits reversed, before and after swapped.

        Refused with `Conflict` when anything the change touched has changed since, naming the later
        change, which has to be reverted first (or the element edited by hand).
        """
        change = self.store.change(seq)
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
        return histories.history(self.store, query.element, limit=query.limit, before=query.before)

    def change(self, seq: int) -> dict[str, Any]:
        """Return one described change, or raise `UnknownChange`."""
        found = self.store.change(seq)
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
        """Return the element with this id or exact name, or None when there is none or the name is ambiguous."""
        return find(self.store, ref)

    def lookup(self, ref: str) -> Element:
        """Return the element with this id or exact name, or raise `UnknownNode` (saying when a name is ambiguous)."""
        return lookup(self.store, ref)

    def connection(self, source_id: str, target_id: str, rel: RelType | str) -> Connection:
        """Return a connection as stored (for a form), or raise `UnknownConnection`."""
        return _get_connection(self.store, source_id, target_id, rel)

    def connections_of(self, element_id: str) -> list[Connection]:
        """Return every connection of an element (for its edit page)."""
        return self.store.connections_of(element_id)
