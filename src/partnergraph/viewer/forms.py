"""The layout of the edit forms: which fields each kind's and each relationship type's form shows."""

from __future__ import annotations

from typing import Any

from partnergraph.model import ENDPOINTS, Kind, RelType

# The fields each kind's form shows, in order. The API accepts any element property; a property
# the form does not show is kept as it is when the form is saved.
ELEMENT_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.AFFILIATE: ("name", "type", "country", "region", "website", "public", "tags", "notes"),
    Kind.PARTNER: ("name", "type", "status", "country", "region", "website", "public", "tags", "notes"),
    Kind.CONTACT: ("name", "role", "email", "phone", "country", "region", "tags", "notes"),
    Kind.ISSUE: ("name", "type", "public", "tags", "notes"),
}
# The properties each relationship type's form shows (after from and to).
CONNECTION_FIELDS: dict[RelType, tuple[str, ...]] = {
    RelType.MEMBER_OF: ("role", "since", "until", "notes"),
    RelType.KNOWS: ("strength", "since", "last_contact", "source", "notes"),
    RelType.HOLDS: ("strength", "since", "last_contact", "source", "notes"),
    RelType.PARTNERS_WITH: ("status", "since", "until", "issues", "notes"),
    RelType.WORKS_ON: ("since", "notes"),
}
LIST_FIELDS = frozenset(("tags", "issues"))


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
    froms, tos = ENDPOINTS[rel]
    return tuple(k.slug for k in froms), tuple(k.slug for k in tos)
