"""The JSON twin of the editing pages under /api: elements, connections, interactions, merges, history.

Views parse the request, call `Workspace.editing` (partnergraph.services.editing) and answer JSON; the
rules live there. Every write needs the editor role (`auth.require_role`) and, with a session
cookie, the CSRF token that `auth` checks before any view runs. In public mode none of this
exists (404). A write answers with what it wrote, taken from its change record rather than read
back (the change itself is read back: the stores record it in their own key order).

Bodies are read here, with bounds (docs/security.md#bounded-input): at most `MAX_BODY_BYTES`
(413 beyond), nested at most `MAX_BODY_DEPTH` deep, text without lone surrogates, numbers
finite and within 64 bits (400 otherwise), all before any service sees them. A change to what
exists (PATCH, DELETE, merge) needs the `rev` its client read: 428 without one, 409 when it is
outdated; last-write-wins is never silent (docs/editing.md#the-json-api-for-scripts).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import PreconditionRequired, RequestEntityTooLarge

from partnergraph.model import Conflict, ImportFailed, PartnergraphError
from partnergraph.records import Change
from partnergraph.schema import KIND_SLUGS
from partnergraph.services.edit_checks import PROVENANCE, UnknownChange, UnknownConnection, ValidationError, revision
from partnergraph.services.imports import DECISIONS, UndecidedDuplicates
from partnergraph.services.partnership_checks import type_notices
from partnergraph.services.privacy import is_personal_type
from partnergraph.viewer.auth import actor, require_role
from partnergraph.viewer.common import (
    as_allowed,
    connection_key,
    int_arg,
    personal_data_allowed,
    private_only,
    state,
    text_arg,
)
from partnergraph.viewer.uploads import import_upload

edit_api = Blueprint("edit_api", __name__)

MAX_BODY_BYTES = 1024 * 1024  # a JSON body: an element or a connection, not a file (uploads: /api/import)
MAX_BODY_DEPTH = 32  # the documented bodies nest 3 deep; json itself would recurse ~1000 deep, then fail
MAX_INT = 2**63 - 1  # both stores hold 64-bit integers
REV_REQUIRED = ("rev is required: read the current state first (GET it, or the merge preview) and send its "
                "rev, so that a change made meanwhile is never overwritten unseen")


@edit_api.before_request
def _private() -> None:
    private_only()  # no editing, nor history with its personal data, in the public directory


@edit_api.errorhandler(ValidationError)
def _invalid(exc: ValidationError) -> Any:
    return jsonify({"error": str(exc), "errors": exc.errors}), 400


@edit_api.errorhandler(Conflict)
def _conflict(exc: Conflict) -> Any:
    return jsonify({"error": str(exc)}), 409


@edit_api.errorhandler(UnknownChange)
def _unknown_change(exc: UnknownChange) -> Any:
    return jsonify({"error": str(exc)}), 404


@edit_api.errorhandler(ImportFailed)
def _import_failed(exc: ImportFailed) -> Any:
    return jsonify({"error": str(exc), "problems": [str(p) for p in exc.problems]}), 400


def _body() -> dict[str, Any]:
    """Return the request's JSON object ({} without a body), bounded in size, depth and values."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge(f"a JSON body is limited to {MAX_BODY_BYTES // 1024} KB")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY_BYTES:  # sent without a Content-Length
        raise RequestEntityTooLarge(f"a JSON body is limited to {MAX_BODY_BYTES // 1024} KB")
    if not raw.strip():
        return {}
    if not request.is_json:
        raise PartnergraphError("the request body must be a JSON object (Content-Type: application/json)")
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise PartnergraphError(f"the request body is nested more than {MAX_BODY_DEPTH} deep") from None
    except ValueError as exc:  # not JSON, not UTF-8, NaN or Infinity, an integer of over 4300 digits
        raise PartnergraphError(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise PartnergraphError("the request body must be a JSON object")
    _check_values(body)
    return body


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _check_values(body: dict[str, Any]) -> None:
    """Refuse, naming the field, what no store holds: deep nesting, lone surrogates, huge or non-finite numbers.

    Iterative, so that the depth check itself cannot recurse.
    """
    stack: list[tuple[Any, str, int]] = [(body, "", 1)]
    while stack:
        value, where, depth = stack.pop()
        problem = None
        if isinstance(value, dict | list):
            if depth > MAX_BODY_DEPTH:
                raise PartnergraphError(f"the request body is nested more than {MAX_BODY_DEPTH} deep")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and not _valid_text(key):
                    problem = "a name holds a lone surrogate, a character XML 1.0 forbids: not valid Unicode text"
                    break
                stack.append((item, f"{where}.{key}" if where else str(key), depth + 1))
        elif isinstance(value, str) and not _valid_text(value):
            problem = "holds a lone surrogate (\\ud800 to \\udfff), a character XML 1.0 forbids: not valid Unicode text"
        elif isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, int) and not -MAX_INT - 1 <= value <= MAX_INT:
            problem = "is a number beyond 64 bits"
        elif isinstance(value, float) and not math.isfinite(value):
            problem = "is a number too large to hold"
        if problem:
            raise ValidationError({_safe(where): [problem]})


def _valid_text(text: str) -> bool:
    """Return whether `text` encodes as UTF-8 (what a lone surrogate, from a \\ud800 escape, cannot)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _safe(text: str) -> str:
    """Return `text` with lone surrogates replaced, so that a message about one can be sent."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _object(body: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name)
    if not isinstance(value, dict):
        raise PartnergraphError(f"{name!r} must be a JSON object")
    return value


def _notes(body: Mapping[str, Any]) -> dict[str, Any]:
    return {"source": body.get(PROVENANCE) or "", "comment": body.get("comment") or ""}


def _rev(body: Mapping[str, Any], current: Callable[[], Any]) -> str:
    """Return the `rev` a change is based on (body or query); without one, 404 for an unknown target, else 428."""
    rev = body.get("rev", request.args.get("rev"))
    if rev in (None, ""):
        current()  # raises UnknownNode (404) when there is nothing to change
        raise PreconditionRequired(description=REV_REQUIRED)
    return str(rev)


def _change_json(ws: Any, change: Change | None) -> dict[str, Any] | None:
    return ws.editing.change(change.seq) if change is not None else None


def _written(change: Change) -> Any:
    """Return the element or connection the one edit of `change` wrote, as the store now holds it.

    Without reading it back: a store holds an edited item's properties in key order.
    """
    after: Any = change.edits[0].after
    return dataclasses.replace(after, props=dict(sorted(after.props.items())))


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
        element = _written(change)
        return jsonify({"element": element.to_dict(), "rev": revision(element),
                        "change": _change_json(ws, change), "notices": type_notices(element)}), 201


@edit_api.patch("/elements/<path:node_id>")
@require_role("editor")
def api_update_element(node_id: str) -> Any:
    """Change some properties: {"element": {...}, "rev", "provenance", "comment"}; null or "" removes one."""
    body = _body()
    with state().workspace() as ws:
        rev = _rev(body, lambda: ws.editing.element(node_id))
        change = ws.editing.update_element(node_id, _object(body, "element"), actor=actor(), rev=rev,
                                           **_notes(body))
        # Nothing changed (no change record): the element is as stored.
        element = _written(change) if change is not None else ws.editing.element(node_id)
        return jsonify({"element": element.to_dict(), "rev": revision(element), "change": _change_json(ws, change),
                        "notices": type_notices(element)})


@edit_api.delete("/elements/<path:node_id>")
@require_role("editor")
def api_delete_element(node_id: str) -> Any:
    """Delete an element and its connections: {"rev" (required), "provenance", "comment"}."""
    body = _body()
    with state().workspace() as ws:
        rev = _rev(body, lambda: ws.editing.element(node_id))
        change = ws.editing.delete_element(node_id, actor=actor(), rev=rev, **_notes(body))
        return jsonify({"change": _change_json(ws, change)})


@edit_api.get("/connections")
def api_connection() -> Any:
    """Return one connection as stored and its `rev`: ?from=&to=&type=."""
    source, target, rel = connection_key()
    if is_personal_type(rel) and not personal_data_allowed():  # as if there were none: attendance is personal
        raise UnknownConnection(f"no {rel} connection from {source!r} to {target!r}")
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
    source, target, rel = connection_key()
    body = _body()
    with state().workspace() as ws:
        rev = _rev(body, lambda: ws.editing.connection(source, target, rel))
        change = ws.editing.update_connection(source, target, rel, _object(body, "connection"), actor=actor(),
                                              rev=rev, **_notes(body))
        found = _written(change) if change is not None else ws.editing.connection(source, target, rel)
        return jsonify({"connection": found.to_dict(), "rev": revision(found), "change": _change_json(ws, change)})


@edit_api.delete("/connections")
@require_role("editor")
def api_delete_connection() -> Any:
    """Delete a connection (?from=&to=&type=): {"rev" (required), "provenance", "comment"}."""
    source, target, rel = connection_key()
    body = _body()
    with state().workspace() as ws:
        rev = _rev(body, lambda: ws.editing.connection(source, target, rel))
        change = ws.editing.delete_connection(source, target, rel, actor=actor(), rev=rev, **_notes(body))
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
        return jsonify(ws.merges.plan(text_arg("keep", "") or "", text_arg("drop", "") or "").to_dict())


@edit_api.post("/merge")
@require_role("editor")
def api_merge() -> Any:
    """Merge duplicates: {"keep", "drop", "rev" (from the preview), "provenance", "comment"}."""
    body = _body()
    keep, drop = str(body.get("keep") or ""), str(body.get("drop") or "")
    with state().workspace() as ws:
        rev = _rev(body, lambda: ws.merges.plan(keep, drop))
        change = ws.merges.merge(keep, drop, actor=actor(), rev=rev, **_notes(body))
        return jsonify({"change": _change_json(ws, change)})


@edit_api.get("/changes")
def api_changes() -> Any:
    """Return recent changes, newest first: ?limit=&before=SEQ (the page's `next_before`)."""
    with state().workspace() as ws:
        return jsonify(as_allowed(ws.editing.history(None, limit=int_arg("limit", 50),
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
        return jsonify(as_allowed(ws.editing.history(node_id, limit=int_arg("limit", 50),
                                                     before=int_arg("before", None))))


@edit_api.errorhandler(UndecidedDuplicates)
def _undecided(exc: UndecidedDuplicates) -> Any:
    return jsonify({"error": str(exc), "possible_duplicates": exc.pairs}), 409


@edit_api.post("/import")
@require_role("editor")
def api_import() -> Any:
    """Import an uploaded .csv, .xlsx or .json file (multipart `file`, `provenance`; optional `comment`,
    `from_affiliate`, `on_duplicate`); all or nothing (docs/json-api.md#import)."""
    on_duplicate = request.form.get("on_duplicate") or None
    if on_duplicate not in (None, *DECISIONS):
        raise ValidationError({"on_duplicate": ["merge or separate"]})
    stats, report = import_upload(request.files.get("file"), request.form.get(PROVENANCE, ""),
                                  request.form.get("comment", ""), from_affiliate=request.form.get("from_affiliate", ""),
                                  on_duplicate=on_duplicate)
    return jsonify({"imported": stats, "report": report})
