"""Editing the graph by hand: validated changes with provenance, their history, and revert.

Every function here takes the store first and writes through `GraphStore.apply`, so each change
is one transaction that records who made it, when (UTC, to the second), where the information
comes from (`source`, the form's "provenance" field) and every element and connection as it was
before and after. Because the record is complete, a revert is the same edits reversed with
before and after swapped; the store refuses it (`Conflict`) when anything it touches has changed
since, and `revert` then names the later change to undo first.

Field values are checked by the import validation (`model.validate_dataset` on one row), so a
form accepts exactly what an import file would; problems come back per field in a
`ValidationError`. Forms carry a `rev`, a digest of what the editor loaded: saving over a newer
state raises `Conflict` naming who changed it, instead of silently overwriting their work.

This module depends on `model` and `store` only (no Flask): the viewer, its JSON API and scripts
share it through `Workspace.editing`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from partnergraph.model import (
    CONNECTION_PROPERTIES,
    ELEMENT_PROPERTIES,
    KINDS,
    RELATIONSHIPS,
    Conflict,
    Connection,
    Element,
    ImportFailed,
    Kind,
    Location,
    PartnergraphError,
    Problem,
    RelType,
    Row,
    UnknownNode,
    WrongKind,
    connection,
    parse_date,
    parse_strength,
    validate_dataset,
)
from partnergraph.store.base import Change, ChangeNote, Edit, GraphStore, item_to_json

FORM = Location("form", 1)
# The name of the provenance field wherever a person or script types it (forms, API bodies,
# error keys): a connection has a property called `source` of its own, so the change's source
# needs another name on input. It is recorded as `ChangeNote.source`.
PROVENANCE = "provenance"
MAX_NOTE = 2000  # characters of a provenance or comment: a sentence or a link, not a document

# The fields each kind's form shows, in order (from partnergraph.schema). The API accepts any
# element property; a property the form does not show is kept as it is when the form is saved.
ELEMENT_FIELDS: dict[Kind, tuple[str, ...]] = {kind: KINDS[kind].fields for kind in Kind}
# The properties each relationship type's form shows (after from and to).
CONNECTION_FIELDS: dict[RelType, tuple[str, ...]] = {rel: RELATIONSHIPS[rel].fields for rel in RelType}
LIST_FIELDS = frozenset(("tags", "issues"))


class ValidationError(PartnergraphError):
    """Raise when form or API input is invalid; `errors` maps each field to its messages.

    The key "" holds problems that belong to no single field.
    """

    def __init__(self, errors: Mapping[str, Sequence[str]]):
        self.errors = {name: list(messages) for name, messages in errors.items() if messages}
        parts = [f"{name}: {m}" if name else m for name, messages in self.errors.items() for m in messages]
        super().__init__("; ".join(parts) or "invalid input")


class UnknownChange(PartnergraphError):
    """Raise when a change number matches no recorded change."""


class UnknownConnection(UnknownNode):
    """Raise when no connection has the given ends and type (a 404, like an unknown element)."""


# -- small helpers ----------------------------------------------------------------------------------


def now() -> str:
    """Return the current UTC time as ISO 8601 to the second, with a Z: the `at` of every change."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> str:
    """Return today's UTC date as YYYY-MM-DD (the default date of an interaction)."""
    return datetime.now(UTC).date().isoformat()


def revision(*items: Element | Connection | None) -> str:
    """Return a short digest of the state of one or more elements or connections (a form's `rev`)."""
    data = [item_to_json(item) for item in items]
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _note_text(value: Any, name: str, errors: dict[str, list[str]], *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors.setdefault(name, []).append("say where this information comes from (a link, a meeting, an email…)")
    elif len(text) > MAX_NOTE:
        errors.setdefault(name, []).append(f"is too long (at most {MAX_NOTE} characters)")
    elif any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        errors.setdefault(name, []).append("contains a control character")
    return text


def import_note(actor: str, source: str, comment: str = "") -> ChangeNote:
    """Return the note of an import an editor uploads, or raise `ValidationError` (provenance is required)."""
    errors: dict[str, list[str]] = {}
    source = _note_text(source, PROVENANCE, errors, required=True)
    comment = _note_text(comment, "comment", errors)
    if errors:
        raise ValidationError(errors)
    return _note(actor, "import", source, comment)


def _note(actor: str, action: str, source: str = "", comment: str = "", **extra: Any) -> ChangeNote:
    if not actor or not str(actor).strip():
        raise PartnergraphError("a change needs an author: who is making it?")
    return ChangeNote(author=str(actor).strip(), action=action, at=now(), source=source, comment=comment, **extra)


def _field_message(problem: Problem) -> str:
    # The import says "column 'x': ..." because it points into a file; next to a form field
    # the column name is redundant.
    prefix = f"column '{problem.column}': "
    message = problem.message.removeprefix(prefix)
    if message.startswith("missing required column value"):
        return "is required"
    return message


def _merge_errors(*parts: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for part in parts:
        for name, messages in part.items():
            merged.setdefault(name, []).extend(m for m in messages if m not in merged.get(name, []))
    return merged


def _validation_error(problems: Iterable[Problem]) -> ValidationError:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.column or "", []).append(_field_message(problem))
    return ValidationError(errors)


def resolve(store: GraphStore, ref: str) -> Element | None:
    """Return the element with id `ref`, else the one element named exactly `ref`, else None."""
    ref = (ref or "").strip()
    if not ref:
        return None
    found = store.get(ref)
    if found is not None:
        return found
    named = store.find_by_name(ref)
    return named[0] if len(named) == 1 else None


def _element_or_404(store: GraphStore, ref: str) -> Element:
    found = resolve(store, ref)
    if found is None:
        raise UnknownNode(f"no element with id or name {ref!r}")
    return found


def _current(store: GraphStore, target: tuple[str, ...]) -> Element | Connection | None:
    if target[0] == "element":
        return store.get(target[1])
    return store.get_connection(target[1], target[2], RelType(target[3]))


def _label(item: Element | Connection) -> str:
    if isinstance(item, Element):
        return f"{item.name!r} ({item.id})"
    return f"the {item.type.value} connection {item.source} → {item.target}"


def _last_change_to(store: GraphStore, target: tuple[str, ...], *, after: int | None = None) -> Change | None:
    """Return the newest recorded change that edited `target` (only those after `after`)."""
    for change in store.history(target[1], limit=100):
        if after is not None and change.seq <= after:
            break
        if any(edit.target == target for edit in change.edits):
            return change
    return None


def _stale(store: GraphStore, target: tuple[str, ...], label: str) -> Conflict:
    last = _last_change_to(store, target)
    if last is None:
        return Conflict(f"{label} has changed since you opened it; reload it to see the current version, "
                        "then make your edit again")
    return Conflict(f"{label} was changed by {last.note.author} at {last.note.at} (change #{last.seq}, "
                    f"{last.note.action}) after you opened it; reload it to see their version, then make your "
                    "edit again")


def _check_rev(store: GraphStore, current: Element | Connection | None, rev: str | None,
               target: tuple[str, ...], label: str) -> None:
    if rev is not None and revision(current) != rev:
        raise _stale(store, target, label)


def _apply(store: GraphStore, edits: list[Edit], note: ChangeNote) -> Change:
    """Apply edits; when the store finds a conflict, explain it with who changed what, if known."""
    try:
        return store.apply(edits, note)
    except Conflict as exc:
        for edit in edits:
            if _current(store, edit.target) != edit.before:
                item = edit.before or edit.after
                assert item is not None
                raise _stale(store, edit.target, _label(item)) from exc
        raise


# -- validation -----------------------------------------------------------------------------------


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    # Form fields arrive as text; lists come as "a; b" and are split by the model's parsers.
    return {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}


def check_element(kind: Kind | str, values: Mapping[str, Any], *,
                  existing_kinds: Mapping[str, Kind] | None = None) -> Element:
    """Return the element that `values` (id, name and properties) describe, or raise `ValidationError`.

    Properties left blank are absent from the result; values are parsed as the import parses
    them (countries upper-cased, `public` a boolean, `tags` a list).
    """
    kind = Kind.parse(kind) if isinstance(kind, str) else kind
    values = _clean(values)
    errors: dict[str, list[str]] = {}
    row = {name: value for name, value in values.items() if name in ("id", "name", *ELEMENT_PROPERTIES)}
    for name in sorted(set(values) - set(row) - {"kind"}):
        errors[name] = ["is not a property of an element"]
    for name, placeholder in (("id", "new"), ("name", "new")):
        if _blank(row.get(name)):
            # A stand-in lets the model check every other field too: all messages at once.
            errors[name] = ["is required"]
            row[name] = placeholder
    row["kind"] = kind.slug
    try:
        dataset = validate_dataset([Row(row, FORM)], [], existing_kinds or {})
    except ImportFailed as exc:
        errors = _merge_errors(_validation_error(exc.problems).errors, errors)
        if any(p.column == "id" for p in exc.problems):
            # The model stops at a bad id; check the other fields with a stand-in one.
            try:
                validate_dataset([Row({**row, "id": "new"}, FORM)], [], {})
            except ImportFailed as more:
                errors = _merge_errors(errors, _validation_error(p for p in more.problems if p.column != "id").errors)
    if errors:
        raise ValidationError(errors)
    return dataset.elements[0]


def check_connection(store: GraphStore, values: Mapping[str, Any]) -> Connection:
    """Return the connection that `values` (from, to, type and properties) describe, or raise `ValidationError`.

    `from` and `to` take an id or an exact name; they must exist in the store and be of the
    kinds the type allows. KNOWS comes back with its ends in canonical order.
    """
    values = _clean(values)
    errors: dict[str, list[str]] = {}
    row = {name: value for name, value in values.items() if name in ("from", "to", "type", *CONNECTION_PROPERTIES)}
    for name in sorted(set(values) - set(row)):
        errors[name] = ["is not a property of a connection"]
    blank = [name for name in ("from", "to", "type") if _blank(row.get(name))]
    for name in blank:
        errors[name] = ["is required"]
        row[name] = "KNOWS" if name == "type" else "?"  # a stand-in, so that the other fields are checked
    for end in ("from", "to"):
        found = resolve(store, str(row[end]))
        if found is not None:
            row[end] = found.id
    existing = store.existing_kinds([str(row["from"]), str(row["to"])])
    try:
        dataset = validate_dataset([], [Row(row, FORM)], existing)
    except ImportFailed as exc:
        # Messages about the ends mean nothing while an end or the type is a stand-in.
        problems = [p for p in exc.problems if not (blank and p.column in ("from", "to"))]
        errors = _merge_errors(_validation_error(problems).errors, errors)
    if errors:
        raise ValidationError(errors)
    return dataset.connections[0]


# -- elements -------------------------------------------------------------------------------------


def create_element(store: GraphStore, kind: Kind | str, values: Mapping[str, Any], *, actor: str,
                   source: str = "", comment: str = "") -> Change:
    """Create an element of `kind` from `values` (id, name, properties); record it as "create"."""
    errors: dict[str, list[str]] = {}
    source = _note_text(source, PROVENANCE, errors, required=True)
    comment = _note_text(comment, "comment", errors)
    try:
        element = check_element(kind, values)
    except ValidationError as exc:
        raise ValidationError(_merge_errors(exc.errors, errors)) from None
    if store.existing_kinds([element.id]):
        errors.setdefault("id", []).append(f"{element.id!r} is taken: an element with this id exists already")
    if errors:
        raise ValidationError(errors)
    return _apply(store, [Edit(None, element)], _note(actor, "create", source, comment))


def update_element(store: GraphStore, element_id: str, values: Mapping[str, Any], *, actor: str,
                   rev: str | None = None, source: str = "", comment: str = "") -> Change | None:
    """Change an element's name and properties; return the change, or None when nothing changed.

    Only the keys in `values` change: a blank value removes that property, a key not given is
    kept. With `rev` (what the editor loaded), a newer state raises `Conflict` naming its author.
    """
    current = store.get(element_id)
    target = ("element", element_id)
    if current is None:
        if rev is not None:
            raise _stale(store, target, repr(element_id))
        raise UnknownNode(f"no element with id {element_id!r}")
    _check_rev(store, current, rev, target, _label(current))
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
    return _apply(store, [Edit(current, after)], _note(actor, "update", source, comment))


def delete_element(store: GraphStore, element_id: str, *, actor: str, rev: str | None = None,
                   source: str = "", comment: str = "") -> Change:
    """Delete an element and every connection to it, recorded as one "delete" change (revertible)."""
    current = store.get(element_id)
    target = ("element", element_id)
    if current is None:
        if rev is not None:
            raise _stale(store, target, repr(element_id))
        raise UnknownNode(f"no element with id {element_id!r}")
    _check_rev(store, current, rev, target, _label(current))
    errors: dict[str, list[str]] = {}
    source = _note_text(source, PROVENANCE, errors)
    comment = _note_text(comment, "comment", errors)
    if errors:
        raise ValidationError(errors)
    # Connections first: the store refuses to delete an element that still has any.
    edits = [Edit(c, None) for c in store.connections_of(element_id)] + [Edit(current, None)]
    return _apply(store, edits, _note(actor, "delete", source, comment))


# -- connections ----------------------------------------------------------------------------------


def _get_connection(store: GraphStore, source: str, target: str, rel: RelType | str) -> Connection:
    rel = RelType.parse(rel) if isinstance(rel, str) else rel
    found = store.get_connection(source, target, rel)
    if found is None:
        raise UnknownConnection(f"no {rel.value} connection from {source!r} to {target!r}")
    return found


def create_connection(store: GraphStore, values: Mapping[str, Any], *, actor: str,
                      source: str = "", comment: str = "") -> Change:
    """Create a connection from `values` (from, to, type and properties); record it as "create"."""
    errors: dict[str, list[str]] = {}
    source = _note_text(source, PROVENANCE, errors, required=True)
    comment = _note_text(comment, "comment", errors)
    try:
        conn = check_connection(store, values)
    except ValidationError as exc:
        raise ValidationError(_merge_errors(exc.errors, errors)) from None
    if store.get_connection(conn.source, conn.target, conn.type) is not None:
        errors.setdefault("to", []).append(
            f"a {conn.type.value} connection between {conn.source!r} and {conn.target!r} exists already: edit it instead")
    if errors:
        raise ValidationError(errors)
    return _apply(store, [Edit(None, conn)], _note(actor, "create", source, comment))


def update_connection(store: GraphStore, source_id: str, target_id: str, rel: RelType | str,
                      values: Mapping[str, Any], *, actor: str, rev: str | None = None, source: str = "",
                      comment: str = "") -> Change | None:
    """Change a connection's properties; return the change, or None when nothing changed.

    Its ends and type stay (delete it and create another to change them). Only the keys in
    `values` change; a blank value removes that property.
    """
    rel = RelType.parse(rel) if isinstance(rel, str) else rel
    key = connection(source_id, target_id, rel).key
    target = ("connection", *key)
    current = store.get_connection(*key[:2], rel)
    if current is None and rev is not None:
        raise _stale(store, target, f"the {rel.value} connection {key[0]} → {key[1]}")
    current = current or _get_connection(store, source_id, target_id, rel)
    _check_rev(store, current, rev, target, _label(current))
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
        after = check_connection(store, merged)
    except ValidationError as exc:
        raise ValidationError(_merge_errors(exc.errors, errors)) from None
    if errors:
        raise ValidationError(errors)
    if after == current:
        return None
    return _apply(store, [Edit(current, after)], _note(actor, "update", source, comment))


def delete_connection(store: GraphStore, source_id: str, target_id: str, rel: RelType | str, *, actor: str,
                      rev: str | None = None, source: str = "", comment: str = "") -> Change:
    """Delete one connection; record it as "delete"."""
    rel = RelType.parse(rel) if isinstance(rel, str) else rel
    key = connection(source_id, target_id, rel).key
    current = store.get_connection(*key[:2], rel)
    if current is None and rev is not None:
        raise _stale(store, ("connection", *key), f"the {rel.value} connection {key[0]} → {key[1]}")
    current = current or _get_connection(store, source_id, target_id, rel)
    _check_rev(store, current, rev, ("connection", *key), _label(current))
    errors: dict[str, list[str]] = {}
    source = _note_text(source, PROVENANCE, errors)
    comment = _note_text(comment, "comment", errors)
    if errors:
        raise ValidationError(errors)
    return _apply(store, [Edit(current, None)], _note(actor, "delete", source, comment))


# -- interactions ---------------------------------------------------------------------------------


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


def log_interaction(store: GraphStore, person: str, other: str, *, actor: str, on: str | None = None,
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
    me = resolve(store, person)
    if me is None:
        errors["person"] = [f"no element with id or name {person!r}"]
    elif me.kind is not Kind.CONTACT:
        errors["person"] = [f"{me.name} is {me.kind.slug}: interactions are logged for contacts"]
    them = resolve(store, other) if other and str(other).strip() else None
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
    current = store.get_connection(me.id, them.id, rel)
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
    return _apply(store, [Edit(current, after)], _note(actor, "interaction", source, note))


# -- merge ----------------------------------------------------------------------------------------


def _combine(kept: Mapping[str, Any], dropped: Mapping[str, Any]) -> dict[str, Any]:
    """Return properties of two duplicates: `kept` wins, gaps filled from `dropped`, lists united,
    strength the higher, last contact the later, since the earlier."""
    out = {**dropped, **kept}
    for name in LIST_FIELDS:
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


def merge_plan(store: GraphStore, keep: str, drop: str) -> MergePlan:
    """Return what merging `drop` into `keep` (ids or exact names, the same kind) would do."""
    errors: dict[str, list[str]] = {}
    kept = resolve(store, keep)
    dropped = resolve(store, drop)
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
    keep_conns = store.connections_of(kept.id)
    drop_conns = store.connections_of(dropped.id)
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


def merge(store: GraphStore, keep: str, drop: str, *, actor: str, rev: str | None = None,
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
    plan = merge_plan(store, keep, drop)
    if errors:
        raise ValidationError(errors)
    if rev is not None and plan.rev != rev:
        raise Conflict(f"{plan.keep.name} or {plan.drop.name} (or one of their connections) changed since the "
                       "preview; look at the preview again before merging")
    note = _note(actor, "merge", source, comment,
                 summary={"kept": plan.keep.id, "dropped": plan.drop.id, "moved": len(plan.moved),
                          "combined": len(plan.combined), "removed": len(plan.removed)})
    return _apply(store, plan.edits, note)


# -- history and revert ---------------------------------------------------------------------------


def revert(store: GraphStore, seq: int, *, actor: str, comment: str = "", source: str = "") -> Change:
    """Undo change number `seq` as a new "revert" change: its edits reversed, before and after swapped.

    Refused with `Conflict` when anything the change touched has changed since, naming the later
    change, which has to be reverted first (or the element edited by hand).
    """
    change = store.change(seq)
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
        if _current(store, edit.target) != edit.after:
            item = edit.after or edit.before
            assert item is not None
            raise _refused(store, change, edit.target, _label(item))
    undo = [Edit(edit.after, edit.before) for edit in reversed(change.edits)]
    note = _note(actor, "revert", source or f"revert of change #{seq}", comment, reverts=seq)
    try:
        return store.apply(undo, note)
    except Conflict:
        # Someone changed it between the check above and the write: explain as above.
        for edit in change.edits:
            if _current(store, edit.target) != edit.after:
                item = edit.after or edit.before
                assert item is not None
                raise _refused(store, change, edit.target, _label(item)) from None
        raise


def _refused(store: GraphStore, change: Change, target: tuple[str, ...], label: str) -> Conflict:
    later = _last_change_to(store, target, after=change.seq)
    if later is None:
        return Conflict(f"cannot revert change #{change.seq}: {label} has changed since; edit it by hand")
    verb = "reverted" if later.note.reverts == change.seq else "changed"
    return Conflict(f"cannot revert change #{change.seq}: {label} was {verb} by {later.note.author} at "
                    f"{later.note.at} (change #{later.seq}, {later.note.action}) after it; revert that first "
                    "or edit by hand")


def _fields(before: Element | Connection | None, after: Element | Connection | None) -> list[dict[str, Any]]:
    def flat(item: Element | Connection | None) -> dict[str, Any]:
        if item is None:
            return {}
        if isinstance(item, Element):
            return {"name": item.name, **item.props}
        return dict(item.props)

    old, new = flat(before), flat(after)
    names = [n for n in ("name",) if n in old or n in new]
    names += sorted((set(old) | set(new)) - {"name"})
    return [{"field": n, "before": old.get(n), "after": new.get(n)} for n in names if old.get(n) != new.get(n)]


def describe_edit(edit: Edit) -> dict[str, Any]:
    """Return one edit as JSON: what it is about, created/updated/deleted, and each field's before → after."""
    op = "created" if edit.before is None else "deleted" if edit.after is None else "updated"
    item = edit.after if edit.after is not None else edit.before
    entry: dict[str, Any] = {"op": op, "fields": _fields(edit.before, edit.after),
                             "before": item_to_json(edit.before), "after": item_to_json(edit.after)}
    if isinstance(item, Element):
        entry.update({"what": "element", "id": item.id, "kind": item.kind.slug, "name": item.name})
    else:
        assert isinstance(item, Connection)
        entry.update({"what": "connection", "from": item.source, "to": item.target, "type": item.type.value})
    return entry


def describe_change(change: Change) -> dict[str, Any]:
    """Return a change as JSON: who, when, action, source, comment, and every edit with its diff."""
    note = change.note
    return {"seq": change.seq, "author": note.author, "at": note.at, "action": note.action,
            "source": note.source, "comment": note.comment, "reverts": note.reverts,
            "summary": dict(note.summary), "touches": change.touches, "revertible": bool(change.edits),
            "edits": [describe_edit(e) for e in change.edits]}


def history(store: GraphStore, element_id: str | None = None, *, limit: int = 50,
            before: int | None = None) -> dict[str, Any]:
    """Return recorded changes, newest first (all, or those about one element), described for people.

    Each change carries `reverted_by` when a later change on the same page undid it, and `names`
    maps the ids it touches to their names (current, else as last recorded), for labels.
    """
    changes = store.history(element_id, limit=limit, before=before)
    described = [describe_change(c) for c in changes]
    reverted = {d["reverts"]: d["seq"] for d in described if d["reverts"] is not None}
    names: dict[str, str] = {}
    for change in changes:
        for edit in change.edits:
            for item in (edit.after, edit.before):
                if isinstance(item, Element):
                    names.setdefault(item.id, item.name)
    for d in described:
        d["reverted_by"] = reverted.get(d["seq"])
        for element in d["touches"]:
            if element not in names:
                found = store.get(element)
                names[element] = found.name if found else element
    more = len(changes) == limit and bool(changes)
    return {"element": element_id, "changes": described, "names": names,
            "next_before": changes[-1].seq if more else None}


# -- a handle for the workspace -------------------------------------------------------------------


class Editor:
    """The editing use cases bound to one store (what `Workspace.editing` returns)."""

    def __init__(self, store: GraphStore):
        self.store = store

    def create_element(self, kind: Kind | str, values: Mapping[str, Any], **options: Any) -> Change:
        """Create an element; see `partnergraph.editing.create_element`."""
        return create_element(self.store, kind, values, **options)

    def update_element(self, element_id: str, values: Mapping[str, Any], **options: Any) -> Change | None:
        """Update an element; see `partnergraph.editing.update_element`."""
        return update_element(self.store, element_id, values, **options)

    def delete_element(self, element_id: str, **options: Any) -> Change:
        """Delete an element and its connections; see `partnergraph.editing.delete_element`."""
        return delete_element(self.store, element_id, **options)

    def create_connection(self, values: Mapping[str, Any], **options: Any) -> Change:
        """Create a connection; see `partnergraph.editing.create_connection`."""
        return create_connection(self.store, values, **options)

    def update_connection(self, source_id: str, target_id: str, rel: RelType | str, values: Mapping[str, Any],
                          **options: Any) -> Change | None:
        """Update a connection; see `partnergraph.editing.update_connection`."""
        return update_connection(self.store, source_id, target_id, rel, values, **options)

    def delete_connection(self, source_id: str, target_id: str, rel: RelType | str, **options: Any) -> Change:
        """Delete a connection; see `partnergraph.editing.delete_connection`."""
        return delete_connection(self.store, source_id, target_id, rel, **options)

    def log_interaction(self, person: str, other: str, **options: Any) -> Change:
        """Log an interaction; see `partnergraph.editing.log_interaction`."""
        return log_interaction(self.store, person, other, **options)

    def merge_plan(self, keep: str, drop: str) -> MergePlan:
        """Preview a merge; see `partnergraph.editing.merge_plan`."""
        return merge_plan(self.store, keep, drop)

    def merge(self, keep: str, drop: str, **options: Any) -> Change:
        """Merge two duplicates; see `partnergraph.editing.merge`."""
        return merge(self.store, keep, drop, **options)

    def revert(self, seq: int, **options: Any) -> Change:
        """Revert a change; see `partnergraph.editing.revert`."""
        return revert(self.store, seq, **options)

    def history(self, element_id: str | None = None, **options: Any) -> dict[str, Any]:
        """Return described history; see `partnergraph.editing.history`."""
        return history(self.store, element_id, **options)

    def change(self, seq: int) -> dict[str, Any]:
        """Return one described change, or raise `UnknownChange`."""
        found = self.store.change(seq)
        if found is None:
            raise UnknownChange(f"there is no change #{seq}")
        return describe_change(found)

    def element(self, element_id: str) -> Element:
        """Return an element as stored (for a form), or raise `UnknownNode`."""
        found = self.store.get(element_id)
        if found is None:
            raise UnknownNode(f"no element with id {element_id!r}")
        return found

    def connection(self, source_id: str, target_id: str, rel: RelType | str) -> Connection:
        """Return a connection as stored (for a form), or raise `UnknownConnection`."""
        return _get_connection(self.store, source_id, target_id, rel)

    def connections_of(self, element_id: str) -> list[Connection]:
        """Return every connection of an element (for its edit page)."""
        return self.store.connections_of(element_id)

    def resolve(self, ref: str) -> Element | None:
        """Return the element with this id or exact name, or None."""
        return resolve(self.store, ref)


def form_value(value: Any) -> str:
    """Return a stored property as a form field shows it: lists as "a; b", booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def allowed_ends(rel: RelType) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the kind slugs allowed at the from and to ends of a relationship type."""
    spec = RELATIONSHIPS[rel]
    return tuple(k.slug for k in spec.froms), tuple(k.slug for k in spec.tos)
