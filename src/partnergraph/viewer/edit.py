"""Editing in the viewer: forms for every kind and relationship, interactions, merges, history, revert.

Two blueprints: `edit` holds the pages (/edit/..., /history/...), `edit_api` their JSON twins
under /api. Views parse the request, call `Workspace.editing` (partnergraph.editing) and render;
the rules live there. Every state change needs the editor role (`auth.require_role`) and, with a
session cookie, the CSRF token that `auth` checks before any view runs. In public mode none of
this exists (404).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from partnergraph import accounts
from partnergraph.editing import (
    CONNECTION_FIELDS,
    ELEMENT_FIELDS,
    PROVENANCE,
    UnknownChange,
    ValidationError,
    allowed_ends,
    form_value,
    import_note,
    revision,
    today,
)
from partnergraph.model import (
    PARTNER_STATUSES,
    Conflict,
    ImportFailed,
    Kind,
    Location,
    PartnergraphError,
    RelType,
)
from partnergraph.store.base import Change
from partnergraph.viewer.auth import actor, current_user, require_role
from partnergraph.viewer.common import as_allowed, int_arg, private_only, state, text_arg

edit = Blueprint("edit", __name__)
edit_api = Blueprint("edit_api", __name__)

MAX_UPLOAD = 16 * 1024 * 1024  # bytes of one request: an import file of some 100,000 rows
UPLOAD_SUFFIXES = (".json", ".xlsx")
KIND_SLUGS = tuple(k.slug for k in Kind)
REL_NAMES = tuple(r.value for r in RelType)
STATUS_OPTIONS = [("", "not said"), *((s, s) for s in PARTNER_STATUSES)]

# Labels and hints of form fields; the kind of input each one gets is in the templates.
LABELS = {
    "id": "Id", "name": "Name", "type": "Type", "status": "Status", "country": "Country", "region": "Region",
    "website": "Website", "public": "In the public directory", "tags": "Tags", "notes": "Notes",
    "email": "Email", "phone": "Phone", "role": "Role", "from": "From", "to": "To", "strength": "Strength",
    "since": "Since", "until": "Until", "last_contact": "Last contact", "source": "Origin of the tie",
    "issues": "Issues", PROVENANCE: "Source of this information", "comment": "Comment",
}
HINTS = {
    "id": "a short stable slug: no spaces or ';' (it cannot change later)",
    "country": "ISO 3166 code, e.g. DE", "tags": "separated by ;", "issues": "issue ids, separated by ;",
    "since": "YYYY-MM or YYYY-MM-DD", "until": "YYYY-MM or YYYY-MM-DD", "last_contact": "YYYY-MM or YYYY-MM-DD",
    "strength": "1 (acquaintance) to 5 (close)", "source": "how the tie came about, e.g. Wikimania 2019",
    PROVENANCE: "where does this information come from? a link, a meeting, an email…",
}
RELATION_HELP = {
    "MEMBER_OF": "a contact works at or is a member of an affiliate or partner",
    "KNOWS": "a personal tie between two contacts",
    "HOLDS": "a contact holds the relationship with a partner",
    "PARTNERS_WITH": "an affiliate partners with a partner",
    "WORKS_ON": "an affiliate or partner works on an issue",
}


@edit.record_once
def _configure(setup: Any) -> None:
    # Uploads are the one large body the viewer takes: cap every request (413 beyond).
    if setup.app.config.get("MAX_CONTENT_LENGTH") is None:
        setup.app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD


@edit.before_request
@edit_api.before_request
def _private() -> None:
    private_only()  # no editing, nor history with its personal data, in the public directory


@edit.app_template_global()
def can_edit() -> bool:
    """Return whether the signed-in account may edit (editors and admins)."""
    user = current_user()
    return user is not None and not state().public and accounts.allows(user.role, "editor")


@edit.app_template_global()
def field_label(name: str) -> str:
    """Return a form field's label."""
    return LABELS.get(name, name.replace("_", " ").capitalize())


@edit.app_template_global()
def field_hint(name: str) -> str:
    """Return a form field's hint, or ""."""
    return HINTS.get(name, "")


@edit.app_template_filter("shown")
def shown(value: Any) -> str:
    """Return a recorded value as history shows it: lists joined, booleans yes/no, absent as —."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return form_value(value)


# -- helpers --------------------------------------------------------------------------------------


def _note_fields() -> dict[str, str]:
    form = request.form
    return {"source": form.get(PROVENANCE, ""), "comment": form.get("comment", "")}


def _element_page(element_id: str) -> str:
    return url_for("pages.any_element", node_id=element_id)


def _done(change: Change | None, what: str) -> None:
    if change is None:
        flash(f"Nothing changed: {what} already said that.", "done")
    else:
        flash(f"Saved {what} (change #{change.seq}).", "done")


def _form_values(names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.form.get(name, "") for name in names}


def _connection_key() -> tuple[str, str, str]:
    values = request.args if request.method == "GET" else request.values
    source, target, rel = (values.get(n, "").strip() for n in ("from", "to", "type"))
    if not (source and target and rel):
        raise PartnergraphError("from, to and type are required")
    try:
        rel = RelType.parse(rel).value
    except ValueError as exc:
        raise PartnergraphError(str(exc)) from None
    return source, target, rel


# -- elements -------------------------------------------------------------------------------------


def _render_element_form(kind: str, values: Mapping[str, Any], *, element_id: str | None = None,
                         errors: Mapping[str, list[str]] | None = None, conflict: str | None = None,
                         rev: str = "", status: int = 200) -> Any:
    fields = ELEMENT_FIELDS[Kind.parse(kind)]
    return render_template("edit_element.html", kind=kind, fields=fields, values=values, errors=errors or {},
                           conflict=conflict, element_id=element_id, rev=rev, status_options=STATUS_OPTIONS), status


@edit.route("/edit/new/<any(affiliate, partner, contact, issue):kind>", methods=["GET", "POST"])
@require_role("editor")
def new_element(kind: str) -> Any:
    fields = ("id", *ELEMENT_FIELDS[Kind.parse(kind)])
    if request.method == "GET":
        return _render_element_form(kind, {})
    values = _form_values(fields)
    try:
        with state().workspace() as ws:
            ws.editing.create_element(kind, values, actor=actor(), **_note_fields())
    except ValidationError as exc:
        return _render_element_form(kind, request.form.to_dict(), errors=exc.errors, status=400)
    flash(f"Created {values['name'].strip()}.", "done")
    return redirect(_element_page(values["id"].strip()), 303)


@edit.route("/edit/elements/<path:node_id>", methods=["GET", "POST"])
@require_role("editor")
def edit_element(node_id: str) -> Any:
    with state().workspace() as ws:
        element = ws.editing.element(node_id)
        connections = ws.editing.connections_of(node_id)
        names = _names(ws, {c.source for c in connections} | {c.target for c in connections})
    kind = element.kind.slug
    fields = ELEMENT_FIELDS[element.kind]
    if request.method == "GET":
        values = {"name": element.name, **{k: form_value(v) for k, v in element.props.items()}}
        return _render_element_page(kind, values, element, connections, names, rev=revision(element))
    values = _form_values(fields)
    rev = request.form.get("rev") or None
    try:
        with state().workspace() as ws:
            change = ws.editing.update_element(node_id, values, actor=actor(), rev=rev, **_note_fields())
    except ValidationError as exc:
        return _render_element_page(kind, request.form.to_dict(), element, connections, names, errors=exc.errors,
                                    rev=rev or "", status=400)
    except Conflict as exc:
        # The editor's values stay on the form; the new rev lets them save over it knowingly.
        return _render_element_page(kind, request.form.to_dict(), element, connections, names, conflict=str(exc),
                                    rev=revision(element), status=409)
    _done(change, element.name)
    return redirect(_element_page(node_id), 303)


def _render_element_page(kind: str, values: Mapping[str, Any], element: Any, connections: list, names: dict,
                         *, errors: Mapping[str, list[str]] | None = None, conflict: str | None = None,
                         rev: str = "", status: int = 200) -> Any:
    return render_template("edit_element.html", kind=kind, fields=ELEMENT_FIELDS[element.kind], values=values,
                           errors=errors or {}, conflict=conflict, element_id=element.id, element=element,
                           connections=connections, names=names, rev=rev, status_options=STATUS_OPTIONS,
                           relations=_relations_for(element.kind)), status


def _relations_for(kind: Kind) -> list[tuple[str, str]]:
    """Return the relationship types an element of `kind` can have, and which end it would be."""
    found = []
    for rel in RelType:
        froms, tos = allowed_ends(rel)
        if kind.slug in froms:
            found.append((rel.value, "from"))
        elif kind.slug in tos:
            found.append((rel.value, "to"))
    return found


def _names(ws: Any, ids: set[str]) -> dict[str, str]:
    names = {}
    for element_id in ids:
        found = ws.store.get(element_id)
        names[element_id] = found.name if found else element_id
    return names


@edit.route("/edit/delete/<path:node_id>", methods=["GET", "POST"])
@require_role("editor")
def delete_element(node_id: str) -> Any:
    with state().workspace() as ws:
        element = ws.editing.element(node_id)
        connections = ws.editing.connections_of(node_id)
        names = _names(ws, {c.source for c in connections} | {c.target for c in connections})
    if request.method == "GET":
        return render_template("edit_delete.html", element=element, connection=None, connections=connections,
                               names=names, rev=revision(element), values={}, errors={}, conflict=None)
    try:
        with state().workspace() as ws:
            change = ws.editing.delete_element(node_id, actor=actor(), rev=request.form.get("rev") or None,
                                               **_note_fields())
    except (ValidationError, Conflict) as exc:
        errors = exc.errors if isinstance(exc, ValidationError) else {}
        conflict = None if isinstance(exc, ValidationError) else str(exc)
        return render_template("edit_delete.html", element=element, connection=None, connections=connections,
                               names=names, rev=revision(element), values=request.form.to_dict(), errors=errors,
                               conflict=conflict), 409 if conflict else 400
    flash(f"Deleted {element.name} and its {len(connections)} connections (change #{change.seq}); "
          "its history can revert it.", "done")
    return redirect(url_for("edit.element_history", node_id=node_id), 303)


# -- connections ----------------------------------------------------------------------------------


def _render_connection_form(rel: str, values: Mapping[str, Any], *, existing: Any = None,
                            errors: Mapping[str, list[str]] | None = None, conflict: str | None = None,
                            rev: str = "", names: Mapping[str, str] | None = None, status: int = 200) -> Any:
    froms, tos = allowed_ends(RelType(rel))
    return render_template("edit_connection.html", rel=rel, fields=CONNECTION_FIELDS[RelType(rel)], values=values,
                           errors=errors or {}, conflict=conflict, existing=existing, rev=rev,
                           froms=froms, tos=tos, help=RELATION_HELP[rel], names=names or {},
                           relations=REL_NAMES), status


@edit.route("/edit/connections/new", methods=["GET", "POST"])
@require_role("editor")
def new_connection() -> Any:
    rel_text = (request.values.get("type") or "").strip()
    if not rel_text:
        return render_template("edit_connection.html", rel=None, relations=REL_NAMES, help=RELATION_HELP,
                               values=request.args, errors={}, conflict=None, existing=None)
    try:
        rel = RelType.parse(rel_text).value
    except ValueError as exc:
        raise PartnergraphError(str(exc)) from None
    fields = ("from", "to", *CONNECTION_FIELDS[RelType(rel)])
    if request.method == "GET":
        return _render_connection_form(rel, {n: request.args.get(n, "") for n in ("from", "to")})
    values = {**_form_values(fields), "type": rel}
    try:
        with state().workspace() as ws:
            change = ws.editing.create_connection(values, actor=actor(), **_note_fields())
    except ValidationError as exc:
        return _render_connection_form(rel, request.form.to_dict(), errors=exc.errors, status=400)
    flash(f"Added the {rel} connection (change #{change.seq}).", "done")
    back = values["from"].strip() if request.form.get("back") != "to" else values["to"].strip()
    after = change.edits[0].after
    return redirect(_element_page(after.source if back not in (after.source, after.target) else back), 303)


@edit.route("/edit/connection", methods=["GET", "POST"])
@require_role("editor")
def edit_connection() -> Any:
    source, target, rel = _connection_key()
    with state().workspace() as ws:
        existing = ws.editing.connection(source, target, rel)
        names = _names(ws, {existing.source, existing.target})
    fields = CONNECTION_FIELDS[RelType(rel)]
    if request.method == "GET":
        values = {k: form_value(v) for k, v in existing.props.items()}
        return _render_connection_form(rel, values, existing=existing, rev=revision(existing), names=names)
    rev = request.form.get("rev") or None
    try:
        with state().workspace() as ws:
            change = ws.editing.update_connection(source, target, rel, _form_values(fields), actor=actor(), rev=rev,
                                                  **_note_fields())
    except ValidationError as exc:
        return _render_connection_form(rel, request.form.to_dict(), existing=existing, errors=exc.errors, rev=rev or "",
                                       names=names, status=400)
    except Conflict as exc:
        return _render_connection_form(rel, request.form.to_dict(), existing=existing, conflict=str(exc),
                                       rev=revision(existing), names=names, status=409)
    _done(change, f"the {rel} connection")
    return redirect(_element_page(source), 303)


@edit.route("/edit/connection/delete", methods=["GET", "POST"])
@require_role("editor")
def delete_connection() -> Any:
    source, target, rel = _connection_key()
    with state().workspace() as ws:
        existing = ws.editing.connection(source, target, rel)
        names = _names(ws, {existing.source, existing.target})
    if request.method == "GET":
        return render_template("edit_delete.html", element=None, connection=existing, connections=[], names=names,
                               rev=revision(existing), values={}, errors={}, conflict=None)
    try:
        with state().workspace() as ws:
            change = ws.editing.delete_connection(source, target, rel, actor=actor(),
                                                  rev=request.form.get("rev") or None, **_note_fields())
    except (ValidationError, Conflict) as exc:
        errors = exc.errors if isinstance(exc, ValidationError) else {}
        conflict = None if isinstance(exc, ValidationError) else str(exc)
        return render_template("edit_delete.html", element=None, connection=existing, connections=[], names=names,
                               rev=revision(existing), values=request.form.to_dict(), errors=errors,
                               conflict=conflict), 409 if conflict else 400
    flash(f"Deleted the {rel} connection (change #{change.seq}).", "done")
    return redirect(_element_page(source), 303)


# -- interactions and merges ----------------------------------------------------------------------


@edit.route("/edit/interaction/<path:node_id>", methods=["GET", "POST"])
@require_role("editor")
def interaction(node_id: str) -> Any:
    with state().workspace() as ws:
        person = ws.editing.element(node_id)
        ties = [c for c in ws.editing.connections_of(node_id) if c.type in (RelType.KNOWS, RelType.HOLDS)]
        others = _names(ws, {c.target if c.source == node_id else c.source for c in ties})
    if person.kind is not Kind.CONTACT:
        abort(404, description="interactions are logged on a contact's page")
    if request.method == "GET":
        values = {"with": request.args.get("with", ""), "on": today()}
        return render_template("edit_interaction.html", person=person, others=others, values=values, errors={})
    form = request.form
    try:
        with state().workspace() as ws:
            change = ws.editing.log_interaction(node_id, form.get("with", ""), on=form.get("on"),
                                                strength=form.get("strength"), note=form.get("note", ""),
                                                source=form.get(PROVENANCE, ""), actor=actor())
    except ValidationError as exc:
        return render_template("edit_interaction.html", person=person, others=others, values=form.to_dict(),
                               errors=exc.errors), 400
    flash(f"Logged the interaction (change #{change.seq}).", "done")
    return redirect(_element_page(node_id), 303)


@edit.route("/edit/merge/<path:node_id>", methods=["GET", "POST"])
@require_role("editor")
def merge(node_id: str) -> Any:
    with state().workspace() as ws:
        keep = ws.editing.element(node_id)
    drop = (request.values.get("drop") or "").strip()
    plan = None
    errors: dict[str, list[str]] = {}
    conflict = None
    status = 200
    if drop:
        try:
            with state().workspace() as ws:
                plan = ws.editing.merge_plan(node_id, drop)
                names = _plan_names(ws, plan)
        except ValidationError as exc:
            errors, status = exc.errors, 400
        except PartnergraphError as exc:  # another kind
            errors, status = {"drop": [str(exc)]}, 400
    if request.method == "POST" and plan is not None:
        try:
            with state().workspace() as ws:
                change = ws.editing.merge(node_id, plan.drop.id, actor=actor(), rev=request.form.get("rev") or None,
                                          **_note_fields())
        except ValidationError as exc:
            errors, status = exc.errors, 400
        except Conflict as exc:
            conflict, status = str(exc), 409
        else:
            flash(f"Merged {plan.drop.name} into {keep.name} (change #{change.seq}).", "done")
            return redirect(_element_page(node_id), 303)
    return render_template("edit_merge.html", keep=keep, drop=drop, plan=plan, errors=errors, conflict=conflict,
                           names=names if plan is not None else {}, values=request.form.to_dict()), status


def _plan_names(ws: Any, plan: Any) -> dict[str, str]:
    ids = {plan.keep.id, plan.drop.id}
    for old in [*(moved for moved, _ in plan.moved), *(combined for combined, _, _ in plan.combined)]:
        ids |= {old.source, old.target}
    return _names(ws, ids)


# -- history and revert ---------------------------------------------------------------------------


def _history_page(element_id: str | None, *, error: str | None = None, status: int = 200) -> Any:
    before = int_arg("before", None)
    with state().workspace() as ws:
        element = ws.editing.element(element_id) if element_id and ws.store.get(element_id) else None
        found = as_allowed(ws.editing.history(element_id, limit=int_arg("limit", 50, high=500) or 50, before=before))
    if element_id and element is None and not found["changes"]:
        abort(404, description=f"no element with id {element_id!r} and no history of one")
    return render_template("history.html", element_id=element_id, element=element, history=found,
                           error=error), status


@edit.get("/history")
def recent() -> Any:
    return _history_page(None)


@edit.get("/history/<path:node_id>")
def element_history(node_id: str) -> Any:
    return _history_page(node_id)


@edit.post("/history/revert/<int:seq>")
@require_role("editor")
def revert(seq: int) -> Any:
    back = (request.form.get("element") or "").strip() or None
    try:
        with state().workspace() as ws:
            change = ws.editing.revert(seq, actor=actor(), comment=request.form.get("comment", ""))
    except (Conflict, ValidationError) as exc:
        return _history_page(back, error=str(exc), status=409 if isinstance(exc, Conflict) else 400)
    except PartnergraphError as exc:
        return _history_page(back, error=str(exc), status=400)
    flash(f"Reverted change #{seq} (change #{change.seq}).", "done")
    return redirect(url_for("edit.element_history", node_id=back) if back else url_for("edit.recent"), 303)


# -- import upload ----------------------------------------------------------------------------------


def _upload_suffix(upload: FileStorage | None) -> str:
    name = (upload.filename or "") if upload else ""
    # Only the suffix of the client's name is used (to pick the reader), never the name as a path.
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if not name or suffix not in UPLOAD_SUFFIXES:
        raise ValidationError({"file": ["choose a .json or .xlsx import file"]})
    return suffix


def _import_upload(upload: FileStorage | None, source: str, comment: str) -> dict[str, Any]:
    """Import an uploaded file through a private temporary file; return the counts."""
    suffix = _upload_suffix(upload)
    assert upload is not None
    note = import_note(actor(), source, comment)
    shown_name = secure_filename(upload.filename or "") or f"upload{suffix}"
    handle, temp = tempfile.mkstemp(prefix="partnergraph-upload-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            upload.save(out)
        note = dataclasses.replace(note, comment=note.comment or f"uploaded {shown_name}")
        with state().workspace() as ws:
            try:
                stats = ws.import_path(Path(temp), note=note)
            except ImportFailed as exc:
                # Problems name the file the editor chose, not our temporary one.
                raise ImportFailed([dataclasses.replace(p, where=Location(shown_name, p.where.line))
                                    for p in exc.problems]) from None
    finally:
        Path(temp).unlink(missing_ok=True)
    return dataclasses.asdict(stats)


@edit.route("/edit/import", methods=["GET", "POST"])
@require_role("editor")
def upload() -> Any:
    if request.method == "GET":
        return render_template("edit_import.html", values={}, errors={}, problems=[], stats=None)
    try:
        stats = _import_upload(request.files.get("file"), request.form.get(PROVENANCE, ""),
                               request.form.get("comment", ""))
    except ValidationError as exc:
        return render_template("edit_import.html", values=request.form.to_dict(), errors=exc.errors, problems=[],
                               stats=None), 400
    except ImportFailed as exc:
        return render_template("edit_import.html", values=request.form.to_dict(), errors={}, stats=None,
                               problems=[str(p) for p in exc.problems], message=str(exc)), 400
    except PartnergraphError as exc:
        return render_template("edit_import.html", values=request.form.to_dict(), errors={"file": [str(exc)]}, problems=[],
                               stats=None), 400
    return render_template("edit_import.html", values={}, errors={}, problems=[], stats=stats)


# -- the JSON API ---------------------------------------------------------------------------------


@edit_api.errorhandler(ValidationError)
def _invalid(exc: ValidationError) -> Any:
    return jsonify({"error": str(exc), "errors": exc.errors}), 400


@edit_api.errorhandler(Conflict)
def _conflict(exc: Conflict) -> Any:
    return jsonify({"error": str(exc)}), 409


@edit_api.errorhandler(UnknownChange)
def _unknown_change(exc: UnknownChange) -> Any:
    return jsonify({"error": str(exc)}), 404


@edit.errorhandler(UnknownChange)
def _unknown_change_page(exc: UnknownChange) -> Any:
    return render_template("error.html", status=404, message=str(exc)), 404


@edit_api.errorhandler(ImportFailed)
def _import_failed(exc: ImportFailed) -> Any:
    return jsonify({"error": str(exc), "problems": [str(p) for p in exc.problems]}), 400


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and not request.data:
        return {}
    if not isinstance(body, dict):
        raise PartnergraphError("the request body must be a JSON object")
    return body


def _object(body: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name)
    if not isinstance(value, dict):
        raise PartnergraphError(f"{name!r} must be a JSON object")
    return value


def _notes(body: Mapping[str, Any]) -> dict[str, Any]:
    return {"source": body.get(PROVENANCE) or "", "comment": body.get("comment") or ""}


def _rev(body: Mapping[str, Any]) -> str | None:
    rev = body.get("rev", request.args.get("rev"))
    return str(rev) if rev not in (None, "") else None


def _change_json(ws: Any, change: Change | None) -> dict[str, Any] | None:
    return ws.editing.change(change.seq) if change is not None else None


@edit_api.get("/elements/<path:node_id>")
def api_element(node_id: str) -> Any:
    """Return an element as stored, its `rev` (for PATCH and DELETE) and its connections."""
    with state().workspace() as ws:
        element = ws.editing.element(node_id)
        connections = ws.editing.connections_of(node_id)
    return jsonify(as_allowed({"element": element.to_dict(), "rev": revision(element),
                               "connections": [{**c.to_dict(), "rev": revision(c)} for c in connections]}))


@edit_api.post("/elements")
@require_role("editor")
def api_create_element() -> Any:
    """Create an element: {"element": {"id", "kind", "name", ...}, "provenance", "comment"}."""
    body = _body()
    values = _object(body, "element")
    kind = str(values.pop("kind", "") or "")
    if kind.strip().lower() not in KIND_SLUGS:
        raise ValidationError({"kind": [f"must be one of {', '.join(KIND_SLUGS)}"]})
    with state().workspace() as ws:
        change = ws.editing.create_element(kind, values, actor=actor(), **_notes(body))
        element = ws.editing.element(change.edits[0].after.id)  # type: ignore[union-attr]
        return jsonify({"element": element.to_dict(), "rev": revision(element),
                        "change": _change_json(ws, change)}), 201


@edit_api.patch("/elements/<path:node_id>")
@require_role("editor")
def api_update_element(node_id: str) -> Any:
    """Change some properties: {"element": {...}, "rev", "provenance", "comment"}; null or "" removes one."""
    body = _body()
    with state().workspace() as ws:
        change = ws.editing.update_element(node_id, _object(body, "element"), actor=actor(), rev=_rev(body),
                                           **_notes(body))
        element = ws.editing.element(node_id)
        return jsonify({"element": element.to_dict(), "rev": revision(element), "change": _change_json(ws, change)})


@edit_api.delete("/elements/<path:node_id>")
@require_role("editor")
def api_delete_element(node_id: str) -> Any:
    """Delete an element and its connections: {"rev", "provenance", "comment"} (all optional)."""
    body = _body()
    with state().workspace() as ws:
        change = ws.editing.delete_element(node_id, actor=actor(), rev=_rev(body), **_notes(body))
        return jsonify({"change": _change_json(ws, change)})


def _api_key() -> tuple[str, str, str]:
    return _connection_key()


@edit_api.get("/connections")
def api_connection() -> Any:
    """Return one connection as stored and its `rev`: ?from=&to=&type=."""
    source, target, rel = _api_key()
    with state().workspace() as ws:
        found = ws.editing.connection(source, target, rel)
    return jsonify(as_allowed({"connection": found.to_dict(), "rev": revision(found)}))


@edit_api.post("/connections")
@require_role("editor")
def api_create_connection() -> Any:
    """Create a connection: {"connection": {"from", "to", "type", ...}, "provenance", "comment"}."""
    body = _body()
    with state().workspace() as ws:
        change = ws.editing.create_connection(_object(body, "connection"), actor=actor(), **_notes(body))
        created = change.edits[0].after
        return jsonify({"connection": created.to_dict(), "rev": revision(created),  # type: ignore[union-attr]
                        "change": _change_json(ws, change)}), 201


@edit_api.patch("/connections")
@require_role("editor")
def api_update_connection() -> Any:
    """Change a connection's properties (?from=&to=&type=): {"connection": {...}, "rev", "provenance", "comment"}."""
    source, target, rel = _api_key()
    body = _body()
    with state().workspace() as ws:
        change = ws.editing.update_connection(source, target, rel, _object(body, "connection"), actor=actor(),
                                              rev=_rev(body), **_notes(body))
        found = ws.editing.connection(source, target, rel)
        return jsonify({"connection": found.to_dict(), "rev": revision(found), "change": _change_json(ws, change)})


@edit_api.delete("/connections")
@require_role("editor")
def api_delete_connection() -> Any:
    """Delete a connection (?from=&to=&type=): {"rev", "provenance", "comment"} (all optional)."""
    source, target, rel = _api_key()
    body = _body()
    with state().workspace() as ws:
        change = ws.editing.delete_connection(source, target, rel, actor=actor(), rev=_rev(body), **_notes(body))
        return jsonify({"change": _change_json(ws, change)})


@edit_api.post("/interactions")
@require_role("editor")
def api_interaction() -> Any:
    """Log an interaction: {"person", "with", "on" (default today), "strength", "note", "provenance"}."""
    body = _body()
    with state().workspace() as ws:
        change = ws.editing.log_interaction(str(body.get("person") or ""), str(body.get("with") or ""),
                                            on=body.get("on"), strength=body.get("strength"),
                                            note=body.get("note") or "", source=body.get(PROVENANCE) or "",
                                            actor=actor())
        return jsonify({"connection": change.edits[0].after.to_dict(),  # type: ignore[union-attr]
                        "change": _change_json(ws, change)}), 201


@edit_api.get("/merge")
@require_role("editor")
def api_merge_preview() -> Any:
    """Preview merging ?drop= into ?keep=: what moves, what combines, what disappears, and its `rev`."""
    with state().workspace() as ws:
        return jsonify(ws.editing.merge_plan(text_arg("keep", "") or "", text_arg("drop", "") or "").to_dict())


@edit_api.post("/merge")
@require_role("editor")
def api_merge() -> Any:
    """Merge duplicates: {"keep", "drop", "rev" (from the preview), "provenance", "comment"}."""
    body = _body()
    with state().workspace() as ws:
        change = ws.editing.merge(str(body.get("keep") or ""), str(body.get("drop") or ""), actor=actor(),
                                  rev=_rev(body), **_notes(body))
        return jsonify({"change": _change_json(ws, change)})


@edit_api.get("/changes")
def api_changes() -> Any:
    """Return recent changes, newest first: ?limit=&before=SEQ (the page's `next_before`)."""
    with state().workspace() as ws:
        return jsonify(as_allowed(ws.editing.history(None, limit=int_arg("limit", 50, high=500) or 50,
                                                     before=int_arg("before", None))))


@edit_api.get("/changes/<int:seq>")
def api_change(seq: int) -> Any:
    """Return one change with its edits."""
    with state().workspace() as ws:
        return jsonify(as_allowed(ws.editing.change(seq)))


@edit_api.post("/changes/<int:seq>/revert")
@require_role("editor")
def api_revert(seq: int) -> Any:
    """Revert a change as a new change: {"comment"} (optional); 409 when something changed since."""
    body = _body()
    with state().workspace() as ws:
        change = ws.editing.revert(seq, actor=actor(), comment=body.get("comment") or "")
        return jsonify({"change": _change_json(ws, change)})


@edit_api.get("/history/<path:node_id>")
def api_history(node_id: str) -> Any:
    """Return the changes about one element, newest first: ?limit=&before=SEQ."""
    with state().workspace() as ws:
        return jsonify(as_allowed(ws.editing.history(node_id, limit=int_arg("limit", 50, high=500) or 50,
                                                     before=int_arg("before", None))))


@edit_api.post("/import")
@require_role("editor")
def api_import() -> Any:
    """Import an uploaded .json or .xlsx file (multipart field `file`, plus `provenance`); all or nothing."""
    stats = _import_upload(request.files.get("file"), request.form.get(PROVENANCE, ""),
                           request.form.get("comment", ""))
    return jsonify({"imported": stats})
