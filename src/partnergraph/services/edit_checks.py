"""Checks of what an editor types (forms, API bodies) and the pieces every edit shares.

Field values are checked by the import validation (`model.validate_dataset` on one row), so a
form accepts exactly what an import file would; problems come back per field in a
`ValidationError`. Forms carry a `rev`, a digest of what the editor loaded: saving over a newer
state raises `Conflict` naming who changed it, instead of silently overwriting their work.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from partnergraph.analysis.graph import one_match
from partnergraph.analysis.lookup import NameIndex
from partnergraph.model import (
    CONNECTION_PROPERTIES,
    ELEMENT_PROPERTIES,
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
    validate_dataset,
)
from partnergraph.records import Change, ChangeNote, Edit, item_to_json
from partnergraph.store import GraphStore

FORM = Location("form", 1)
# The name of the provenance field wherever a person or script types it (forms, API bodies,
# error keys): a connection has a property called `source` of its own, so the change's source
# needs another name on input. It is recorded as `ChangeNote.source`.
PROVENANCE = "provenance"
MAX_NOTE = 2000  # characters of a provenance or comment: a sentence or a link, not a document
MAX_SEQ = 2**63 - 1  # change numbers are 64-bit integers in both stores: no change has a larger one

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
    return make_note(actor, "import", source, comment)


def make_note(actor: str, action: str, source: str = "", comment: str = "", **extra: Any) -> ChangeNote:
    """Return the history entry of a change `actor` makes now: the one place a change note is made."""
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


Names = Callable[[], NameIndex]  # the forgiving-lookup index of the store's current version


def lookup(store: GraphStore, ref: str, names: Names | None = None) -> Element:
    """Return the element that `ref` names, or raise `UnknownNode`.

    The exact id, else the one element named exactly `ref` (both read from the store), else, with
    `names`, the forgiving rules of `partnergraph.analysis.lookup` (any case and accents, an alias,
    a unique prefix; "did you mean" when nothing matches), as on the analysis graph.
    """
    ref = (ref or "").strip()
    found = store.get(ref) if ref else None
    if found is not None:
        return found
    named = {e.id: e for e in store.find_by_name(ref)} if ref else {}
    if names is None or len(named) > 1:
        return named[one_match(ref, named, {e.id: e.name for e in named.values()})]
    if named:
        return next(iter(named.values()))
    element = store.get(names().lookup(ref)) if ref else None
    if element is None:  # the store moved on since the index was read
        raise UnknownNode(f"no element with id or name {ref!r}")
    return element


def find(store: GraphStore, ref: str, names: Names | None = None) -> Element | None:
    """Return what `lookup` finds, or None (for checks that report a missing element per field)."""
    try:
        return lookup(store, ref, names)
    except UnknownNode:
        return None


def missing(store: GraphStore, ref: str, names: Names | None = None) -> str:
    """Return why `ref` names no one element ("no element with id or name ...; did you mean ...?")."""
    try:
        lookup(store, ref, names)
    except UnknownNode as exc:
        return str(exc)
    return f"no element with id or name {ref!r}"


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


def check_connection(store: GraphStore, values: Mapping[str, Any], names: Names | None = None) -> Connection:
    """Return the connection that `values` (from, to, type and properties) describe, or raise `ValidationError`.

    `from` and `to` take an id or a name (forgiving with `names`, as `lookup`); they must exist in the store and be of the
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
        row[name] = RelType.KNOWS.value if name == "type" else "?"  # a stand-in, so that the other fields are checked
    for end in ("from", "to"):
        found = find(store, str(row[end]), names)
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
