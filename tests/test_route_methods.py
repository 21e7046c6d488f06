"""No state change through GET, HEAD or a cookie without its CSRF token; headers of private pages.

Every rule of Flask's URL map is asked with every method, its path parameters filled with real
ids (so a delete would find something to delete) and every form field the views read in both
the query and the body, by a signed-in editor and admin whose requests carry no CSRF token. The
store's content (snapshot, accounts with their tokens, history) must be exactly what it was.
"""

from __future__ import annotations

import hashlib
import threading
import urllib.request
from typing import Any

import pytest

from conftest import PASSWORD, csrf_from, settings_for, sign_in
from partnergraph.services import Workspace, accounts
from partnergraph.services.edit_checks import PROVENANCE

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def content_hash(store: Any) -> str:
    """Return a hash of everything a store holds that a request could change (not the sign-in counts)."""
    snap = store.snapshot()
    found = store.list_accounts()
    parts = [
        [(e.id, e.kind.value, e.name, sorted(e.props.items())) for e in snap.elements],
        [(c.source, c.target, c.type.value, sorted(c.props.items())) for c in snap.connections],
        [(a.name, a.role, a.password_hash, a.created, a.disabled) for a in found],
        [[(t.digest, t.label, t.created) for t in store.list_tokens(a.name)] for a in found],
        store.history(limit=100_000),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# Path parameters: real things of the small network, so that each view finds its target.
PATH_VALUES = {
    "node_id": "cai", "partner_id": "cc", "kind": "contact", "kinds": "contacts", "name": "admin",
    "filename": "common.js", "job_id": "no-such-job", "token": "no-such-upload-token-0000000",
}
# Every field a changing view reads, sent in the query and in the body (never a csrf_token).
FIELDS = {
    "from": "ana", "to": "cai", "type": "KNOWS", "drop": "dia", "keep": "cai", "with": "ana", "person": "cai",
    "id": "newone", "name": "New One", "role": "viewer", "password": "a good long password",
    "password2": "a good long password", "label": "x", "comment": "c", "element": "cai", "strength": "3",
    "on": "2026-01-01", "q": "a", "next": "/", PROVENANCE: "a test",
}


def _paths(app: Any, seq: int) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        values = {**PATH_VALUES, "seq": seq}
        built = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)
        assert built is not None, f"cannot fill {rule.rule}"
        found.append((rule.rule, built[1]))
    return found


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_no_route_changes_the_store_without_a_csrf_token_whatever_the_method(auth_app, small: Workspace,
                                                                             role: str):
    store = small.store
    accounts.Accounts(store).create_account("other.admin", PASSWORD, "admin")
    seq = small.editing.update_element("ana", {"name": "Ana Route-Test"}, actor="test", source="a test").seq
    client = auth_app.test_client()
    sign_in(client, small, role)
    before = content_hash(store)
    reached = {}
    for rule, path in _paths(auth_app, seq):
        for method in METHODS:
            answer = client.open(path, method=method, query_string=FIELDS, data=FIELDS)
            reached[(rule, method)] = answer.status_code
            assert answer.status_code < 500, (method, path, answer.get_data(as_text=True)[:300])
            assert content_hash(store) == before, f"{method} {path} changed the store without a CSRF token"
    # The crawl reached the views (not only refusals): GET and HEAD of the edit forms answer 200.
    for rule in ("/edit/delete/<path:node_id>", "/edit/connection/delete", "/edit/elements/<path:node_id>",
                 "/edit/merge/<path:node_id>", "/login"):
        assert reached[(rule, "HEAD")] in (200, 302, 303) and reached[(rule, "GET")] in (200, 302, 303), rule
    # And the hash does see a change made properly (same client, with its token).
    token = csrf_from(client.get("/edit/delete/cai"))
    done = client.post("/edit/delete/dia", data={"csrf_token": token, PROVENANCE: "a test"})
    assert done.status_code == 303 and content_hash(store) != before


def test_head_and_get_of_a_delete_form_delete_nothing(editor_client, small: Workspace):
    before = content_hash(small.store)
    for method in ("HEAD", "GET"):
        assert editor_client.open("/edit/delete/cai", method=method).status_code == 200
        assert editor_client.open("/edit/connection/delete?from=ana&to=cai&type=KNOWS", method=method).status_code == 200
    assert content_hash(small.store) == before
    assert small.store.get("cai") is not None


def test_head_login_is_not_a_sign_in_attempt(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    client = auth_app.test_client()
    for _ in range(12):  # more than the limit of 5 per name
        answer = client.open("/login", method="HEAD", query_string={"name": "ana", "password": "guess guess guess"},
                             data={"name": "ana", "password": "guess guess guess"})
        assert answer.status_code == 200 and answer.get_data() == b""
    form = client.get("/login")
    answer = client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": csrf_from(form)})
    assert answer.status_code == 303


# -- headers: no versions in Server; private pages are not cached -----------------------------------


def test_the_server_header_names_no_versions(auth_app):
    from partnergraph.viewer import SERVER_HEADER, make_server

    server = make_server(auth_app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/healthz", timeout=10) as answer:
            servers = answer.headers.get_all("Server")
    finally:
        server.shutdown()
        server.server_close()
    assert servers == [SERVER_HEADER] == ["partnergraph"]


@pytest.mark.parametrize("path", ["/", "/search?q=a", "/contacts/cai", "/history", "/api/search?q=a",
                                  "/api/nodes/cai", "/login", "/healthz"])
def test_anonymous_read_pages_are_not_kept_by_any_cache(small: Workspace, db_url: str, path: str):
    from partnergraph.viewer import create_app

    app = create_app(settings_for(db_url, secret_key="test secret key, not for production", anonymous_read=True))
    try:
        answer = app.test_client().get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "private, no-store"
        assert "no-store" not in app.test_client().get("/static/common.js").headers.get("Cache-Control", "")
    finally:
        app.extensions["partnergraph"].close()


def test_the_public_directory_stays_cacheable(small: Workspace, db_url: str):
    from partnergraph.viewer import create_app

    app = create_app(settings_for(db_url, secret_key="test secret key, not for production"), public=True)
    try:
        answer = app.test_client().get("/directory")
        assert answer.status_code == 200 and "no-store" not in answer.headers.get("Cache-Control", "")
    finally:
        app.extensions["partnergraph"].close()
