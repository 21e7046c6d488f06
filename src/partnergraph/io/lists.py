"""Turn a partner, people, event or attendance list into rows of the import format, with references by name or id.

- A **partner list** row gives a partner element (with its issues) and a HOLDS row per holder,
  carrying the row's strength, since, last contact and source; the contact of record's HOLDS row
  has `primary: true`.
- A **people list** row gives a contact element and a MEMBER_OF row per organisation, carrying
  the role, since and until.
- An **event list** row gives an event element (with its issues) and an ORGANISES row per
  organiser (a name that matches nothing is a new partner).
- An **attendance list** row gives a contact element, a MEMBER_OF row per organisation, and an
  ATTENDS row to the event carrying the role, status, source and notes. A role word in the status
  column says the role too ("spoke": speaker, attended), and one in the past tense in the role
  column says the status ("spoke": attended); a row saying the person did not go ("no") gives no
  ATTENDS row, with a warning.

Element rows have a blank `id` unless the sheet had an id column; connection rows name their ends
by name or id and say in `from_kind`/`to_kind` what to create when a name matches nothing
(docs/import-format.md#lists-as-you-keep-them). Resolving names is the import's job, not this module's.
"""

from __future__ import annotations

import re
from typing import Any

from partnergraph.io.headers import ATTENDANCE, EVENTS, PARTNERS, PEOPLE, Columns, fold
from partnergraph.io.reader import cell_value
from partnergraph.io.tables import Table
from partnergraph.io.values import (
    ABSENT,
    LIST_SEPARATORS,
    NAME_LIST_SEPARATORS,
    SPAN_SEPARATOR,
    Normaliser,
    read_attendance_role,
    read_attendance_status,
    read_list,
)
from partnergraph.model import Location, Problem, Row, checked_text
from partnergraph.schema import Kind, RelType

# Which fields of a list row go on the ties it makes rather than on its element.
TIE_FIELDS = {PARTNERS: ("strength", "since", "last_contact", "source"), PEOPLE: ("role", "since", "until"),
              EVENTS: (), ATTENDANCE: ("role", "status", "source", "notes")}
_REFERENCES = ("holders", "contact_of_record", "member_of", "organisers", "event")
_LISTS: dict[str, re.Pattern[str]] = {
    "issues": re.compile(r"\s*[;,\n]\s*"), "aliases": LIST_SEPARATORS, "tags": LIST_SEPARATORS,
    "offers": LIST_SEPARATORS, "looks_for": LIST_SEPARATORS, "member_of": LIST_SEPARATORS,
    "holders": NAME_LIST_SEPARATORS, "contact_of_record": NAME_LIST_SEPARATORS, "organisers": LIST_SEPARATORS,
}
_CAPPED_AS = {"id": "id", "name": "name", "notes": "notes"}  # other fields: the model's cap for any cell


def list_rows(table: Table, cols: Columns, normaliser: Normaliser) -> tuple[list[Row], list[Row]]:
    """Return the element rows and connection rows of one list sheet; problems go to the normaliser."""
    elements: list[Row] = []
    connections: list[Row] = []
    name_header = table.header[next(i for i, f in cols.fields.items() if f == "name")]
    for line, cells in table.rows:
        where = table.where(line)
        values = _read_cells(table, cols, where, cells, normaliser)
        if values is None:
            continue
        if cols.shape == ATTENDANCE and values.get("name") and not values.get("event"):
            event_header = table.header[next(i for i, f in cols.fields.items() if f == "event")]
            normaliser.problems.append(Problem(where, f"column '{event_header}' (event): is empty; every row of an "
                                                      f"attendance list names an event", "event"))
            continue
        if not values.get("name"):
            if any(k != "id" for k in values):
                normaliser.problems.append(Problem(where, f"column '{name_header}' (name): is empty; "
                                                          f"every row needs a name", "name"))
            continue
        if cols.shape == PARTNERS:
            element, ties = _partner(values, where)
        elif cols.shape == EVENTS:
            element, ties = _event(values, where)
        elif cols.shape == ATTENDANCE:
            element, ties = _attendance(values, where, normaliser)
        else:
            element, ties = _person(values, where)
        elements.append(element)
        connections.extend(ties)
    return elements, connections


def _read_cells(table: Table, cols: Columns, where: Location, cells: list[Any],
                normaliser: Normaliser) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    failed = False
    for index, target in cols.fields.items():
        raw = cells[index] if index < len(cells) else None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        header = table.header[index]
        if not isinstance(raw, bool):
            raw = str(cell_value(raw))  # a workbook's numbers and dates as the text the cell shows
            try:
                # The model's caps and character checks, before a cell is split or read.
                checked_text(raw, _CAPPED_AS.get(target, target))
            except ValueError as exc:
                normaliser.problems.append(Problem(where, f"column '{header}' ({target}): {exc}", target))
                failed = True
                continue
        if target in _LISTS:
            items = read_list(raw, _LISTS[target])
            if items:
                values[target] = items
            continue
        read = normaliser.read(where, header, target, raw, cols.shape)
        if cols.shape == ATTENDANCE and target in ("role", "status") and read is not None:
            values[f"{target}_said"] = raw  # what the other column may take from it (see the module docstring)
        if read is None:
            failed = True
            continue
        values[target] = read if not isinstance(read, str) else read.strip()
    return None if failed else values


def _split(values: dict[str, Any], shape: str) -> tuple[dict[str, Any], dict[str, Any]]:
    tie = {k: values[k] for k in TIE_FIELDS[shape] if k in values}
    element = {k: v for k, v in values.items() if k not in tie and k not in _REFERENCES}
    return element, tie


def _partner(values: dict[str, Any], where: Location) -> tuple[Row, list[Row]]:
    props, tie = _split(values, PARTNERS)
    element = {"id": props.pop("id", ""), "kind": Kind.PARTNER.slug, **props}
    reference = element["id"] or element["name"]
    holders = list(dict.fromkeys(values.get("holders", [])))
    of_record = {fold(name): name for name in values.get("contact_of_record", [])}
    ties = []
    for holder in holders:
        primary = {"primary": True} if of_record.pop(fold(holder), None) is not None else {}
        ties.append(_tie(holder, reference, RelType.HOLDS, Kind.CONTACT, Kind.PARTNER, {**tie, **primary}, where))
    for name in of_record.values():  # a contact of record the holders column does not list: a holder too
        ties.append(_tie(name, reference, RelType.HOLDS, Kind.CONTACT, Kind.PARTNER, {"primary": True}, where))
    return Row(element, where), ties


def _person(values: dict[str, Any], where: Location, shape: str = PEOPLE) -> tuple[Row, list[Row]]:
    props, tie = _split(values, shape)
    element = {"id": props.pop("id", ""), "kind": Kind.CONTACT.slug, **props}
    reference = element["id"] or element["name"]
    membership = tie if shape == PEOPLE else {}
    ties = [_tie(reference, organisation, RelType.MEMBER_OF, Kind.CONTACT, Kind.PARTNER, membership, where)
            for organisation in dict.fromkeys(values.get("member_of", []))]
    return Row(element, where), ties


def _event(values: dict[str, Any], where: Location) -> tuple[Row, list[Row]]:
    props, _ = _split(values, EVENTS)
    start, _, end = str(props.pop("dates", "")).partition(SPAN_SEPARATOR)
    if start:  # a Dates column: a Start or End column of its own wins
        props.setdefault("start", start)
        props.setdefault("end", end or start)
    element = {"id": props.pop("id", ""), "kind": Kind.EVENT.slug, **props}
    reference = element["id"] or element["name"]
    ties = [_tie(organiser, reference, RelType.ORGANISES, Kind.PARTNER, Kind.EVENT, {}, where)
            for organiser in dict.fromkeys(values.get("organisers", []))]
    return Row(element, where), ties


def _said(read: Any, raw: Any) -> str | None:
    """Return what `read` makes of a cell written for the other attendance column, or None if nothing."""
    if raw is None:
        return None
    try:
        return read(raw) or None
    except ValueError:
        return None


def _attendance(values: dict[str, Any], where: Location, normaliser: Normaliser) -> tuple[Row, list[Row]]:
    role_said, status_said = values.pop("role_said", None), values.pop("status_said", None)
    person, ties = _person(values, where, ATTENDANCE)
    props = {k: values[k] for k in TIE_FIELDS[ATTENDANCE] if values.get(k)}
    if "role" not in props and (role := _said(read_attendance_role, status_said)):
        props["role"] = role
    if "status" not in values and (status := _said(read_attendance_status, role_said)) and status != ABSENT:
        props["status"] = status
    if props.get("status") == ABSENT:
        normaliser.warnings.append(Problem(where, f"line {where.line}: {values['name']} did not go to "
                                                  f"{values['event']} ({status_said!s}): no attendance imported",
                                           "status"))
        return person, ties
    ties.append(_tie(person.values["name"], values["event"], RelType.ATTENDS, Kind.CONTACT, Kind.EVENT, props, where))
    return person, ties


def _tie(source: str, target: str, rel: RelType, from_kind: Kind, to_kind: Kind, props: dict[str, Any],
         where: Location) -> Row:
    return Row({"from": source, "to": target, "type": rel.value, "from_kind": from_kind.slug,
                "to_kind": to_kind.slug, **props}, where)
