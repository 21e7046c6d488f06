"""The layout of the edit forms: which fields each kind's and each relationship type's form shows."""

from __future__ import annotations

from typing import Any

from partnergraph.schema import KINDS, RELATIONSHIPS, Kind, RelType

# The fields each kind's and each relationship type's form shows, in order (from the schema
# table). The API accepts any element property; a property the form does not show is kept as it
# is when the form is saved.
ELEMENT_FIELDS: dict[Kind, tuple[str, ...]] = {kind: KINDS[kind].fields for kind in Kind}
CONNECTION_FIELDS: dict[RelType, tuple[str, ...]] = {rel: RELATIONSHIPS[rel].fields for rel in RelType}
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
    spec = RELATIONSHIPS[rel]
    return tuple(k.slug for k in spec.froms), tuple(k.slug for k in spec.tos)
