"""The form layer of the editing pages: field labels and hints, and the one skeleton of a form page.

`form_view` answers every form page the same way: GET renders the form; POST saves, then
redirects (303) on success, renders the form again with field errors on invalid input (400), or
with the conflict and the current values on a concurrent change (409).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import redirect, request

from partnergraph.model import PARTNER_STATUSES, Conflict, Kind, RelType
from partnergraph.schema import ATTENDANCE_ROLES, ATTENDANCE_STATUSES, KINDS, RELATIONSHIPS
from partnergraph.services.edit_checks import PROVENANCE, ValidationError, revision

Values = Mapping[str, Any] | None  # a form's values, or None for its own
Errors = Mapping[str, list[str]] | None  # a form's messages per field

# The fields each kind's and each relationship type's form shows, in order (from the schema
# table). The API accepts any element property; a property the form does not show is kept as it
# is when the form is saved.
ELEMENT_FIELDS: dict[Kind, tuple[str, ...]] = {kind: KINDS[kind].fields for kind in Kind}
CONNECTION_FIELDS: dict[RelType, tuple[str, ...]] = {rel: RELATIONSHIPS[rel].fields for rel in RelType}
LIST_FIELDS = frozenset(("tags", "issues", "aliases", "offers", "looks_for"))
REL_NAMES = tuple(r.value for r in RelType)
STATUS_OPTIONS = [("", "not said"), *((s, s) for s in PARTNER_STATUSES)]
# Fields of a relationship type that take a value from a vocabulary: a select, not free text.
CONNECTION_CHOICES: dict[tuple[str, str], list[tuple[str, str]]] = {
    (RelType.ATTENDS.value, "role"): [("", "not said"), *((r, r) for r in ATTENDANCE_ROLES)],
    (RelType.ATTENDS.value, "status"): [("", "not said (read from the event's dates)"),
                                        *((s, s) for s in ATTENDANCE_STATUSES)],
}
DATE_FIELDS = frozenset(("start", "end"))  # element fields shown as date inputs (a full date)

# Labels and hints of form fields; the kind of input each one gets is in the templates.
LABELS = {
    "id": "Id", "name": "Name", "type": "Type", "status": "Status", "country": "Country", "region": "Region",
    "website": "Website", "public": "In the public directory", "tags": "Tags", "notes": "Notes",
    "email": "Email", "phone": "Phone", "role": "Role", "from": "From", "to": "To", "strength": "Strength",
    "since": "Since", "until": "Until", "last_contact": "Last contact", "source": "Origin of the tie",
    "issues": "Issues", "aliases": "Other names", "offers": "Offers", "looks_for": "Looks for",
    "public_email": "Public role address", "primary": "Contact of record", "start": "Starts", "end": "Ends",
    "from_affiliate": "Whose list is this?", PROVENANCE: "Source of this information", "comment": "Comment",
}
HINTS = {
    "id": "a short stable slug: no spaces or ';' (it cannot change later)",
    "country": "ISO 3166 code, e.g. DE", "tags": "separated by ;", "issues": "issue ids, separated by ;",
    "since": "YYYY-MM or YYYY-MM-DD", "until": "YYYY-MM or YYYY-MM-DD", "last_contact": "YYYY-MM or YYYY-MM-DD",
    "strength": "1 (acquaintance) to 5 (close)", "source": "how the tie came about, e.g. Wikimania 2019",
    "aliases": "acronyms, old names, other spellings; separated by ;",
    "offers": "e.g. legal expertise; venues; data (separated by ;)",
    "looks_for": "e.g. volunteers; events; media access (separated by ;)",
    "public_email": "a role address the public may write to, e.g. partnerships@…; never a person's",
    "primary": "the person accountable for this partnership on behalf of their affiliate",
    "from_affiliate": "the affiliate that keeps this list (optional): pages will say where each fact came from",
    "start": "the first day, YYYY-MM-DD", "end": "the last day, YYYY-MM-DD (empty for a one-day event)",
    PROVENANCE: "where does this information come from? a link, a meeting, an email…",
}
# What each relationship type is, beside its form: the schema's help texts.
RELATION_HELP = {rel.value: spec.help for rel, spec in RELATIONSHIPS.items()}


def field_label(name: str) -> str:
    """Return a form field's label."""
    return LABELS.get(name, name.replace("_", " ").capitalize())


def field_hint(name: str) -> str:
    """Return a form field's hint, or ""."""
    return HINTS.get(name, "")


def field_choices(rel: str | None, name: str) -> list[tuple[str, str]]:
    """Return the options of a relationship field taken from a vocabulary, or [] for free input."""
    return CONNECTION_CHOICES.get((rel or "", name), [])


def input_type(name: str, value: Any) -> str:
    """Return the input type of an element field: "date" for a date field holding a full date or nothing.

    A date kept to the month (2025-03) stays a text input: a date input would drop it on save.
    """
    return "date" if name in DATE_FIELDS and len(form_value(value)) in (0, 10) else "text"


def shown(value: Any) -> str:
    """Return a recorded value as history shows it: lists joined, booleans yes/no, absent as —."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return form_value(value)


def relations_for(kind: Kind) -> list[tuple[str, str]]:
    """Return the relationship types an element of `kind` can have, and which end it would be."""
    found = []
    for rel in RelType:
        froms, tos = allowed_ends(rel)
        if kind.slug in froms:
            found.append((rel.value, "from"))
        elif kind.slug in tos:
            found.append((rel.value, "to"))
    return found


# -- the skeleton of a form page ------------------------------------------------------------------

T = TypeVar("T")


def form_view(render: Callable[..., Any], save: Callable[[], T], saved: Callable[[T], str], *,
              conflicts: bool = True) -> Any:
    """Answer a form page: GET shows it, POST saves it.

    `render(values=None, errors=None, conflict=None, status=200)` renders the form (its own
    values when `values` is None). On POST, `save()` writes; on success `saved(result)` flashes
    what was done and returns where to go (303). Invalid input renders the form again with the
    editor's values and the field errors (400); a `Conflict` renders it with the editor's values
    and the conflict (409), unless `conflicts` is off (creations and interactions, which have no
    rev to compare: then the app's error handler answers).
    """
    if request.method != "POST":  # GET and HEAD only show the form: nothing else may save
        return render()
    try:
        result = save()
    except ValidationError as exc:
        return render(values=request.form.to_dict(), errors=exc.errors, status=400)
    except Conflict as exc:
        if not conflicts:
            raise
        return render(values=request.form.to_dict(), conflict=str(exc), status=409)
    return redirect(saved(result), 303)


def note_fields() -> dict[str, str]:
    """Return the provenance and comment of the posted form, as the `source` and `comment` of a change."""
    form = request.form
    return {"source": form.get(PROVENANCE, ""), "comment": form.get("comment", "")}


def form_values(names: tuple[str, ...]) -> dict[str, str]:
    """Return the posted value of each field in `names` ("" when absent)."""
    return {name: request.form.get(name, "") for name in names}


def posted_rev() -> str | None:
    """Return the `rev` the posted form was opened with, or None."""
    return request.form.get("rev") or None


def rev_shown(status: int, current: Any) -> str:
    """Return the `rev` a form shows: of `current`, except after invalid input (400) the one it was opened with.

    After a conflict the form takes the current rev, so the editor can save over it knowingly.
    """
    return (posted_rev() or "") if status == 400 else revision(current)


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
