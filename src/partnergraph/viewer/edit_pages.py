"""Editing in the viewer: forms for every kind and relationship, interactions, merges, history, revert.

The blueprint `edit` holds the pages (/edit/..., /history/...); their JSON twins are in
`edit_api`, the import upload in `uploads`. Views parse the request, call `Workspace.editing`
(partnergraph.services.editing) and render; the rules live there. Every form page follows one skeleton,
`forms.form_view`. Every state change needs the editor role (`auth.require_role`) and, with a
session cookie, the CSRF token that `auth` checks before any view runs. In public mode none of
this exists (404).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from partnergraph.model import Conflict, Element, Kind, PartnergraphError, RelType
from partnergraph.records import Change
from partnergraph.schema import KIND_SLUGS
from partnergraph.services import accounts
from partnergraph.services.edit_checks import PROVENANCE, UnknownChange, ValidationError, revision, today
from partnergraph.services.partnership_checks import type_notices
from partnergraph.viewer import forms, uploads
from partnergraph.viewer.auth import actor, current_user, require_role
from partnergraph.viewer.common import as_allowed, connection_key, int_arg, private_only, state
from partnergraph.viewer.forms import CONNECTION_FIELDS, ELEMENT_FIELDS, Errors, Values, allowed_ends, form_value

edit = Blueprint("edit", __name__)
edit.record_once(uploads.configure)  # uploads are the one large body the viewer takes: cap every request


@edit.before_request
def _private() -> None:
    private_only()  # no editing, nor history with its personal data, in the public directory


@edit.app_template_global()
def can_edit() -> bool:
    """Return whether the signed-in account may edit (editors and admins)."""
    user = current_user()
    return user is not None and not state().public and accounts.allows(user.role, "editor")


edit.add_app_template_global(forms.field_label)
edit.add_app_template_global(forms.field_hint)
edit.add_app_template_global(forms.field_choices)
edit.add_app_template_global(forms.input_type)
edit.add_app_template_filter(forms.shown, "shown")


@edit.errorhandler(UnknownChange)
def _unknown_change_page(exc: UnknownChange) -> Any:
    return render_template("error.html", status=404, message=str(exc)), 404


def _element_page(element_id: str) -> str:
    return url_for("pages.any_element", node_id=element_id)


def _done(change: Change | None, what: str) -> None:
    if change is None:
        flash(f"Nothing changed: {what} already said that.", "done")
    else:
        flash(f"Saved {what} (change #{change.seq}).", "done")


def _notices(change: Change | None) -> None:
    # Kept, but worth a second look: an organisation type outside the vocabulary.
    after = change.edits[0].after if change is not None and change.edits else None
    if isinstance(after, Element):
        for notice in type_notices(after):
            flash(f"Saved, but note: {notice}.", "notice")


def _names(ws: Any, ids: Iterable[str]) -> dict[str, str]:
    """Return the name of each id, all from the analysis graph (no store read per id); an unknown id names itself."""
    nodes = ws.cache.graph().nodes
    return {element_id: nodes[element_id]["name"] if element_id in nodes else element_id for element_id in ids}


def _ends(connections: Iterable[Any]) -> set[str]:
    return {end for c in connections for end in (c.source, c.target)}


def _delete_form(**shown: Any) -> Callable[..., Any]:
    """Return the `render` of a delete confirmation page showing `shown` (element or connection, names, rev)."""
    def render(values: Values = None, errors: Errors = None, conflict: str | None = None, status: int = 200) -> Any:
        return render_template("edit_delete.html", **shown, values=values or {}, errors=errors or {},
                               conflict=conflict), status
    return render


def _form(render: Callable[..., Any], save: Callable[[], Any], saved: Callable[[Any], str], *,
          conflicts: bool = True) -> Any:
    """Answer a form view: only a POST saves; any other method (GET, HEAD) shows the form, changing nothing."""
    if request.method != "POST":
        return render()
    return forms.form_view(render, save, saved, conflicts=conflicts)


# -- elements -------------------------------------------------------------------------------------


@edit.route(f"/edit/new/<any({', '.join(KIND_SLUGS)}):kind>", methods=["GET", "POST"])
@require_role("editor")
def new_element(kind: str) -> Any:
    fields = ("id", *ELEMENT_FIELDS[Kind.parse(kind)])
    values = forms.form_values(fields)

    def render(values: Values = None, errors: Errors = None, conflict: str | None = None, status: int = 200) -> Any:
        return render_template("edit_element.html", kind=kind, fields=ELEMENT_FIELDS[Kind.parse(kind)],
                               values=values or {}, errors=errors or {}, conflict=conflict, element_id=None,
                               rev="", status_options=forms.STATUS_OPTIONS), status

    def save() -> Change:
        with state().workspace() as ws:
            return ws.editing.create_element(kind, values, actor=actor(), **forms.note_fields())

    def saved(change: Change) -> str:
        flash(f"Created {values['name'].strip()}.", "done")
        _notices(change)
        return _element_page(values["id"].strip())

    return _form(render, save, saved, conflicts=False)


@edit.route("/edit/elements/<path:node_id>", methods=["GET", "POST"])
@require_role("editor")
def edit_element(node_id: str) -> Any:
    with state().workspace() as ws:
        element = ws.editing.element(node_id)
        connections = ws.editing.connections_of(node_id)
        names = _names(ws, _ends(connections))

    def render(values: Values = None, errors: Errors = None, conflict: str | None = None, status: int = 200) -> Any:
        if values is None:
            values = {"name": element.name, **{k: form_value(v) for k, v in element.props.items()}}
        return render_template("edit_element.html", kind=element.kind.slug, fields=ELEMENT_FIELDS[element.kind],
                               values=values, errors=errors or {}, conflict=conflict, element_id=element.id,
                               element=element, connections=connections, names=names,
                               rev=forms.rev_shown(status, element), status_options=forms.STATUS_OPTIONS,
                               relations=forms.relations_for(element.kind)), status

    def save() -> Change | None:
        with state().workspace() as ws:
            return ws.editing.update_element(node_id, forms.form_values(ELEMENT_FIELDS[element.kind]), actor=actor(),
                                             rev=forms.posted_rev(), **forms.note_fields())

    def saved(change: Change | None) -> str:
        _done(change, element.name)
        _notices(change)
        return _element_page(node_id)

    return _form(render, save, saved)


@edit.route("/edit/delete/<path:node_id>", methods=["GET", "POST"])
@require_role("editor")
def delete_element(node_id: str) -> Any:
    with state().workspace() as ws:
        element = ws.editing.element(node_id)
        connections = ws.editing.connections_of(node_id)
        names = _names(ws, _ends(connections))

    def save() -> Change:
        with state().workspace() as ws:
            return ws.editing.delete_element(node_id, actor=actor(), rev=forms.posted_rev(), **forms.note_fields())

    def saved(change: Change) -> str:
        flash(f"Deleted {element.name} and its {len(connections)} connections (change #{change.seq}); "
              "its history can revert it.", "done")
        return url_for("edit.element_history", node_id=node_id)

    render = _delete_form(element=element, connection=None, connections=connections, names=names,
                          rev=revision(element))
    return _form(render, save, saved)


# -- connections ----------------------------------------------------------------------------------


def _connection_form(rel: str, initial: Mapping[str, Any], *, existing: Any = None,
                     names: Mapping[str, str] | None = None) -> Callable[..., Any]:
    """Return the `render` of the form of a `rel` connection: new, or `existing`."""
    froms, tos = allowed_ends(RelType(rel))

    def render(values: Values = None, errors: Errors = None, conflict: str | None = None, status: int = 200) -> Any:
        rev = "" if existing is None else forms.rev_shown(status, existing)
        return render_template("edit_connection.html", rel=rel, fields=CONNECTION_FIELDS[RelType(rel)],
                               values=initial if values is None else values, errors=errors or {},
                               conflict=conflict, existing=existing, rev=rev, froms=froms, tos=tos,
                               help=forms.RELATION_HELP[rel], names=names or {}, relations=forms.REL_NAMES), status
    return render


@edit.route("/edit/connections/new", methods=["GET", "POST"])
@require_role("editor")
def new_connection() -> Any:
    rel_text = (request.values.get("type") or "").strip()
    if not rel_text:
        return render_template("edit_connection.html", rel=None, relations=forms.REL_NAMES, help=forms.RELATION_HELP,
                               values=request.args, errors={}, conflict=None, existing=None)
    try:
        rel = RelType.parse(rel_text).value
    except ValueError as exc:
        raise PartnergraphError(str(exc)) from None
    values = {**forms.form_values(("from", "to", *CONNECTION_FIELDS[RelType(rel)])), "type": rel}

    def save() -> Change:
        with state().workspace() as ws:
            return ws.editing.create_connection(values, actor=actor(), **forms.note_fields())

    def saved(change: Change) -> str:
        flash(f"Added the {rel} connection (change #{change.seq}).", "done")
        back = values["from"].strip() if request.form.get("back") != "to" else values["to"].strip()
        after: Any = change.edits[0].after
        return _element_page(after.source if back not in (after.source, after.target) else back)

    render = _connection_form(rel, {n: request.args.get(n, "") for n in ("from", "to")})
    return _form(render, save, saved, conflicts=False)


@edit.route("/edit/connection", methods=["GET", "POST"])
@require_role("editor")
def edit_connection() -> Any:
    source, target, rel = connection_key()
    with state().workspace() as ws:
        existing = ws.editing.connection(source, target, rel)
        names = _names(ws, _ends([existing]))

    def save() -> Change | None:
        with state().workspace() as ws:
            return ws.editing.update_connection(source, target, rel, forms.form_values(CONNECTION_FIELDS[RelType(rel)]),
                                                actor=actor(), rev=forms.posted_rev(), **forms.note_fields())

    def saved(change: Change | None) -> str:
        _done(change, f"the {rel} connection")
        return _element_page(source)

    render = _connection_form(rel, {k: form_value(v) for k, v in existing.props.items()}, existing=existing,
                              names=names)
    return _form(render, save, saved)


@edit.route("/edit/connection/delete", methods=["GET", "POST"])
@require_role("editor")
def delete_connection() -> Any:
    source, target, rel = connection_key()
    with state().workspace() as ws:
        existing = ws.editing.connection(source, target, rel)
        names = _names(ws, _ends([existing]))

    def save() -> Change:
        with state().workspace() as ws:
            return ws.editing.delete_connection(source, target, rel, actor=actor(), rev=forms.posted_rev(),
                                                **forms.note_fields())

    def saved(change: Change) -> str:
        flash(f"Deleted the {rel} connection (change #{change.seq}).", "done")
        return _element_page(source)

    render = _delete_form(element=None, connection=existing, connections=[], names=names, rev=revision(existing))
    return _form(render, save, saved)


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

    def render(values: Values = None, errors: Errors = None, conflict: str | None = None, status: int = 200) -> Any:
        if values is None:
            values = {"with": request.args.get("with", ""), "on": today()}
        return render_template("edit_interaction.html", person=person, others=others, values=values,
                               errors=errors or {}), status

    def save() -> Change:
        form = request.form
        with state().workspace() as ws:
            return ws.editing.log_interaction(node_id, form.get("with", ""), on=form.get("on"),
                                              strength=form.get("strength"), note=form.get("note", ""),
                                              source=form.get(PROVENANCE, ""), actor=actor())

    def saved(change: Change) -> str:
        flash(f"Logged the interaction (change #{change.seq}).", "done")
        return _element_page(node_id)

    return _form(render, save, saved, conflicts=False)


@edit.route("/edit/merge/<path:node_id>", methods=["GET", "POST"])
@require_role("editor")
def merge(node_id: str) -> Any:
    with state().workspace() as ws:
        keep = ws.editing.element(node_id)
    drop = (request.values.get("drop") or "").strip()
    plan = None
    names: dict[str, str] = {}
    plan_errors: dict[str, list[str]] = {}
    if drop:
        try:
            with state().workspace() as ws:
                plan = ws.merges.plan(node_id, drop)
                names = _plan_names(ws, plan)
        except ValidationError as exc:
            plan_errors = exc.errors
        except PartnergraphError as exc:  # another kind
            plan_errors = {"drop": [str(exc)]}

    def render(values: Values = None, errors: Errors = None, conflict: str | None = None, status: int = 200) -> Any:
        return render_template("edit_merge.html", keep=keep, drop=drop, plan=plan, errors=errors or {},
                               conflict=conflict, names=names, values=request.form.to_dict()), status

    if plan is None:  # nothing to merge yet: the form to choose what (again, if the choice was wrong)
        return render(errors=plan_errors, status=400 if drop else 200)
    chosen = plan

    def save() -> Change:
        with state().workspace() as ws:
            return ws.merges.merge(node_id, chosen.drop.id, actor=actor(), rev=forms.posted_rev(),
                                    **forms.note_fields())

    def saved(change: Change) -> str:
        flash(f"Merged {chosen.drop.name} into {keep.name} (change #{change.seq}).", "done")
        return _element_page(node_id)

    return _form(render, save, saved)


def _plan_names(ws: Any, plan: Any) -> dict[str, str]:
    ids = {plan.keep.id, plan.drop.id}
    for old in [*(moved for moved, _ in plan.moved), *(combined for combined, _, _ in plan.combined)]:
        ids |= {old.source, old.target}
    return _names(ws, ids)


# -- history and revert ---------------------------------------------------------------------------


def _history_page(element_id: str | None, *, error: str | None = None, status: int = 200) -> Any:
    before = int_arg("before", None)
    with state().workspace() as ws:
        element = ws.editing.find(element_id) if element_id else None
        found = as_allowed(ws.editing.history(element_id, limit=int_arg("limit", 50), before=before))
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
