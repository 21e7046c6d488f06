"""What readers who may not see personal data get: the field classes, and the rules built on them.

Two audiences: anonymous readers of a private viewer see the graph without personal facts
(`redact`), and the public (the public directory, `--public` exports and statistics) sees only
public organisations and issues, never a person (`public_view`). Every other module asks here.

Every field an editor writes falls in one class (`FIELD_CLASSES`, documented in
docs/security.md#privacy):

- contact details: a contact's `email` and `phone`: how to reach a person;
- free text: every `notes` (on elements and connections), a tie's `source` (how it came about),
  a change's provenance (`ChangeNote.source`) and comment (`ChangeNote.comment`, which also holds
  the note of a logged interaction): whatever an editor typed may name people or private
  circumstances;
- provenance: which import first stated an element or connection and which last changed it
  (`first_import`, `last_import`: the file, who ran it, when, the contributing affiliate);
- facts: every other field (names, ids, kinds, roles, dates, strengths, statuses...).

Contact details, free text and provenance are personal: only signed-in readers see them. Facts are seen by
anonymous readers of a private viewer; the public sees only the facts of public elements.

Some relationship types are personal data as a whole (`schema.PERSONAL_TYPES`: attendance, who
went to which event): not one of their fields but the relationship itself. Only signed-in readers
see them; anonymous readers get the graph without them (`impersonal_view`, `visible_types`), and
the public never (`public_view` drops them too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from types import MappingProxyType
from typing import Any

from partnergraph.model import Connection, Element, Kind
from partnergraph.schema import PATH_TYPES, PERSONAL_TYPES


class FieldClass(Enum):
    """What kind of information a field holds, which decides who may read it."""

    CONTACT_DETAILS = "contact details"
    FREE_TEXT = "free text"
    PROVENANCE = "provenance"
    FACT = "fact"

    @property
    def personal(self) -> bool:
        """Return whether only signed-in readers may see fields of this class."""
        return self is not FieldClass.FACT


# (what the field belongs to, its name as results carry it) -> class. A field not listed is a fact.
FIELD_CLASSES: Mapping[tuple[str, str], FieldClass] = MappingProxyType({
    ("element", "email"): FieldClass.CONTACT_DETAILS,
    ("element", "phone"): FieldClass.CONTACT_DETAILS,
    ("element", "notes"): FieldClass.FREE_TEXT,
    ("connection", "notes"): FieldClass.FREE_TEXT,
    ("connection", "source"): FieldClass.FREE_TEXT,  # the origin of a tie, e.g. "met at X's funeral"
    ("change", "source"): FieldClass.FREE_TEXT,  # provenance: "a phone call with Y"
    ("change", "comment"): FieldClass.FREE_TEXT,  # also the note of a logged interaction
    **{(owner, name): FieldClass.PROVENANCE  # names who ran an import
       for owner in ("element", "connection") for name in ("first_import", "last_import")},
})


def field_class(owner: str, name: str) -> FieldClass:
    """Return the class of field `name` of an `owner` ("element", "connection" or "change")."""
    return FIELD_CLASSES.get((owner, name), FieldClass.FACT)


def _personal(owner: str) -> tuple[str, ...]:
    return tuple(name for (who, name), cls in FIELD_CLASSES.items() if who == owner and cls.personal)


# Properties of an element that are personal: never shown to the public or to anonymous readers.
PRIVATE_ELEMENT_PROPERTIES = _personal("element")
# Properties of a relationship that are personal (free text may name people).
PRIVATE_CONNECTION_PROPERTIES = _personal("connection")
# Fields of a change record (provenance, comment) that are personal.
PRIVATE_CHANGE_FIELDS = _personal("change")
# The names `redact` removes at any depth of a result: every personal field of any owner. In the
# services' results these names are only ever such fields (a property, a history entry's field,
# a change's provenance or comment, a holder's tie source).
PERSONAL_FIELDS = frozenset(name for (_, name), cls in FIELD_CLASSES.items() if cls.personal)


def redact(result: Any) -> Any:
    """Return a copy of a result without personal data: no contact details or free text at any depth.

    The one redaction for readers who are not signed in. It works on the JSON-like results of
    the services (dicts and lists): a key in `PERSONAL_FIELDS` goes, a history entry's
    before/after whose `field` is one goes, and so does a relationship of a personal type listed
    anywhere (a dict whose `type` is one, such as an element's ATTENDS connections), as does a
    listed change whose every edit is one. Sentences
    are not edited here: a path asked with `PathQuery(personal=False)` is said without the private
    tie properties, and takes no personal hop, in the first place.
    """
    if isinstance(result, dict):
        return {k: redact(v) for k, v in result.items() if k not in PERSONAL_FIELDS}
    if isinstance(result, (list, tuple)):
        return [redact(v) for v in result if not _personal_entry(v)]
    return result


def _personal_entry(entry: Any) -> bool:
    # A listed entry that is personal as a whole: a history field that is, a relationship of a
    # personal type, or a change whose every edit is one (logging who attended an event).
    if not isinstance(entry, dict):
        return False
    if entry.get("field") in PERSONAL_FIELDS or is_personal_type(str(entry.get("type"))):
        return True
    edits = entry.get("edits")
    return bool(edits) and isinstance(edits, list) and all(
        isinstance(e, dict) and is_personal_type(str(e.get("type"))) for e in edits)


def is_personal_type(rel: str) -> bool:
    """Return whether relationships of type `rel` (a type name) are personal data as a whole."""
    return rel in PERSONAL_TYPES


def visible_types(types: Iterable[str], *, personal: bool) -> list[str]:
    """Return the relationship type names of `types` a reader may see: all when `personal` is allowed."""
    return [t for t in types if personal or not is_personal_type(t)]


def impersonal_path_types(types: Iterable[str] | None) -> list[str]:
    """Return the hop types a path may take for a reader without personal data (default: every path type).

    A hop through an event says who attended it, so such readers' paths never take one.
    """
    return visible_types(PATH_TYPES if types is None else types, personal=False)


def impersonal_view(elements: Iterable[Element], connections: Iterable[Connection]) -> tuple[list[Element], list[Connection]]:
    """Return the graph as anonymous readers may see it: every element, no personal relationship (attendance)."""
    return list(elements), [c for c in connections if not is_personal_type(c.type.value)]


def is_public(element: Element) -> bool:
    """Return whether an element may be published: a public organisation, or an issue not marked private."""
    if element.kind is Kind.CONTACT:
        return False
    return element.props.get("public", element.kind is Kind.ISSUE) is True


def public_view(elements: Iterable[Element], connections: Iterable[Connection]) -> tuple[list[Element], list[Connection]]:
    """Return only what may be published: public organisations and issues, no people, no private text.

    Contacts are people and never appear. Affiliates, partners and events appear only when marked
    `public`; issues are topics and appear unless marked `public: false`. No personal relationship
    (attendance) appears, whatever its ends.
    """
    kept = [Element(e.id, e.kind, e.name, {k: v for k, v in e.props.items() if k not in PRIVATE_ELEMENT_PROPERTIES})
            for e in elements if is_public(e)]
    ids = {e.id for e in kept}
    links = [Connection(c.source, c.target, c.type,
                        {k: v for k, v in c.props.items() if k not in PRIVATE_CONNECTION_PROPERTIES})
             for c in connections if c.source in ids and c.target in ids and not is_personal_type(c.type.value)]
    return kept, links
