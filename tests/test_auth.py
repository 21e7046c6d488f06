"""Signing in to the viewer, roles, API tokens, CSRF, the sign-in limit, cookies, secrets and defaults.

Every test with `small` (or the signed-in clients of conftest) runs on both stores; sign-ins go
through the real /login form.
"""

from __future__ import annotations

import html
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from conftest import PASSWORD, csrf_from, settings_for
from partnergraph.config import Settings, from_env
from partnergraph.model import PartnergraphError
from partnergraph.services import Workspace, accounts
from partnergraph.viewer import create_app
from partnergraph.viewer.auth import safe_next

CSRF_ERROR = {"error": "missing or wrong CSRF token"}
KEY = "a test secret key of some length"


def make_app(db_url: str, **changes) -> Flask:
    return create_app(settings_for(db_url, **{"secret_key": KEY, **changes}))


@pytest.fixture
def app_factory(small: Workspace, db_url: str):
    """Return a maker of viewer apps on the small network (closed after the test)."""
    made: list[Flask] = []

    def factory(**changes) -> Flask:
        made.append(make_app(db_url, **changes))
        return made[-1]
    yield factory
    for app in made:
        app.extensions["partnergraph"].close()


def login_form(client, name: str, password: str, next_page: str = "/"):
    token = csrf_from(client.get("/login"))
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": next_page})


def signed_in_as(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("user")


# -- signing in and out ---------------------------------------------------------------------------


def test_a_visitor_signs_in_lands_where_they_were_going_and_signs_out(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    client = auth_app.test_client()
    asked = client.get("/partners/lib?tab=holders")
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/login?next=/partners/lib?tab%3Dholders"
    form = client.get(asked.headers["Location"])
    assert form.status_code == 200 and 'name="password"' in form.get_data(as_text=True)
    assert 'value="/partners/lib?tab=holders"' in form.get_data(as_text=True)

    done = client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": csrf_from(form),
                                       "next": "/partners/lib?tab=holders"})
    assert (done.status_code, done.headers["Location"]) == (303, "/partners/lib?tab=holders")
    page = client.get("/partners/lib")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "National Library of Freedonia" in html
    assert ">ana</span>" in html and "Sign out" in html and "Accounts" not in html  # a viewer is no admin
    assert page.headers["Cache-Control"] == "private, no-store"
    assert client.get("/api/nodes/lib").status_code == 200
    assert client.get("/login").headers["Location"] == "/"  # signed in already

    out = client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert (out.status_code, out.headers["Location"]) == (303, "/login")
    assert signed_in_as(client) is None
    assert client.get("/partners/lib").status_code == 302
    assert client.get("/api/nodes/lib").status_code == 401


def test_a_wrong_password_or_unknown_name_does_not_sign_in(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    client = auth_app.test_client()
    for name, password in (("ana", "not the password"), ("nobody", PASSWORD), ("ana", ""), ("<b>x</b>", PASSWORD)):
        answer = login_form(client, name, password)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 401, name
        assert "Wrong name or password" in html and "<b>x</b>" not in html
        assert signed_in_as(client) is None
    assert client.get("/").status_code == 302


def test_a_disabled_account_cannot_sign_in(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "editor")
    accounts.Accounts(small.store).disable("ana")
    assert login_form(auth_app.test_client(), "ana", PASSWORD).status_code == 401


def test_signing_in_starts_a_new_session_so_a_planted_cookie_gains_nothing(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    client = auth_app.test_client()
    before_token = csrf_from(client.get("/login"))
    planted = client.get_cookie("partnergraph_session").value
    assert login_form(client, "ana", PASSWORD).status_code == 303
    assert client.get_cookie("partnergraph_session").value != planted
    assert csrf_from(client.get("/")) != before_token
    # The cookie from before signing in is still anonymous.
    other = auth_app.test_client()
    other.set_cookie("partnergraph_session", planted)
    assert other.get("/").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/partners/lib", "/partners/lib"), ("/search?q=a", "/search?q=a"), ("//evil.example/x", "/"),
    ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"), ("", "/"),
    (None, "/"), ("evil.example", "/"), ("/login", "/"), ("/\tevil", "/"),
])
def test_after_signing_in_only_pages_of_this_site_are_followed(target, expected):
    assert safe_next(target) == expected


def test_a_next_pointing_to_another_site_goes_home_instead(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    answer = login_form(auth_app.test_client(), "ana", PASSWORD, next_page="//evil.example/phish")
    assert (answer.status_code, answer.headers["Location"]) == (303, "/")


# -- who may read -----------------------------------------------------------------------------------


def test_by_default_visitors_must_sign_in_to_read_anything(auth_app):
    client = auth_app.test_client()
    for url in ("/", "/search?q=lib", "/partners/lib", "/path", "/graph", "/analytics", "/accounts"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login"), url
    for url in ("/api/search?q=lib", "/api/nodes/lib", "/api/holders/lib", "/api/graph", "/api/nowhere"):
        answer = client.get(url)
        assert (answer.status_code, answer.get_json()) == (401, {"error": "sign in or send an API token"}), url
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/login").status_code == 200


def test_anonymous_reading_can_be_turned_on_but_changes_still_need_an_account(app_factory, small: Workspace):
    client = app_factory(anonymous_read=True).test_client()
    assert client.get("/partners/lib").status_code == 200
    assert client.get("/api/nodes/lib").status_code == 200
    assert "Sign in" in client.get("/").get_data(as_text=True)
    assert client.get("/accounts").status_code == 302  # an admin page: sign in first
    token = csrf_from(client.get("/login"))
    answer = client.post("/accounts", data={"name": "eve", "role": "admin", "password": PASSWORD,
                                            "password2": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert small.store.get_account("eve") is None
    assert from_env({"PARTNERGRAPH_ANONYMOUS_READ": "1"}).anonymous_read
    assert not from_env({}).anonymous_read and not Settings().anonymous_read


def test_the_public_directory_has_no_sign_in_and_nothing_to_change(app_factory):
    client = app_factory(public=True).test_client()
    assert client.get("/").status_code == 200
    for url in ("/login", "/accounts"):
        assert client.get(url).status_code == 404, url
    assert client.post("/login", data={"name": "x", "password": "y"}).status_code == 404
    assert client.post("/accounts").status_code == 404
    assert client.get_cookie("partnergraph_session") is None  # no session at all
    assert "Sign in" not in client.get("/").get_data(as_text=True)


# -- roles -----------------------------------------------------------------------------------------


def test_a_viewer_cannot_open_or_post_to_the_admin_pages(viewer_client, small: Workspace):
    page = viewer_client.get("/accounts")
    assert page.status_code == 403 and "needs the admin role" in page.get_data(as_text=True)
    token = csrf_from(viewer_client.get("/"))
    for url, data in (("/accounts", {"name": "eve", "role": "admin", "password": PASSWORD, "password2": PASSWORD}),
                      ("/accounts/viewer/role", {"role": "admin"}), ("/accounts/viewer/tokens", {"label": "x"})):
        answer = viewer_client.post(url, data={**data, "csrf_token": token})
        assert answer.status_code == 403, url
    assert small.store.get_account("eve") is None
    assert small.store.get_account("viewer").role == "viewer"
    assert small.store.list_tokens("viewer") == []
    json_answer = viewer_client.post("/accounts", headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert (json_answer.status_code, json_answer.get_json()["error"]) == (
        403, "this needs the admin role; viewer is a viewer")


def test_an_editor_is_no_admin_either(editor_client):
    assert editor_client.get("/accounts").status_code == 403


def changing_routes(app: Flask) -> list[tuple[str, str]]:
    """Return (method, url) of every editing route that changes something, with sample arguments."""
    adapter = app.url_map.bind("localhost")
    samples = {"kind": "partner", "node_id": "lib", "seq": 1}
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("edit", "edit_api"):
            continue
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            found.append((method, adapter.build(rule.endpoint, {a: samples[a] for a in rule.arguments}, method=method)))
    return found


def test_a_viewer_posting_an_edit_gets_403_and_nothing_changes(viewer_client, auth_app, small: Workspace):
    routes = changing_routes(auth_app)
    assert ("POST", "/edit/elements/lib") in routes and ("PATCH", "/api/elements/lib") in routes
    before = small.store.snapshot()
    token = csrf_from(viewer_client.get("/"))
    secret = accounts.Accounts(small.store).issue_token("viewer", "script")
    form = {"csrf_token": token, "name": "Changed", "comment": "x", "with": "ana", "drop": "old"}
    for method, url in routes:
        answer = viewer_client.open(url, method=method, data=form)
        assert answer.status_code == 403, (method, url)
        assert "needs the editor role" in answer.get_data(as_text=True)
        by_token = auth_app.test_client().open(url, method=method, json={"name": "Changed"},
                                               headers={"Authorization": f"Bearer {secret}"})
        assert by_token.status_code == 403, (method, url)
    after = small.store.snapshot()
    assert (after.elements, after.connections) == (before.elements, before.connections)
    assert small.store.history() == []


def test_an_editor_edit_without_the_csrf_token_is_refused_and_changes_nothing(editor_client, small: Workspace):
    before = small.store.get("lib")
    answer = editor_client.post("/edit/elements/lib", data={"name": "Renamed Library"})
    assert answer.status_code == 400 and "missing or wrong CSRF token" in answer.get_data(as_text=True)
    api = editor_client.patch("/api/elements/lib", json={"name": "Renamed Library"})
    assert (api.status_code, api.get_json()) == (400, CSRF_ERROR)
    assert small.store.get("lib") == before and small.store.history() == []


def test_a_role_change_takes_effect_on_the_next_request(admin_client, viewer_client, small: Workspace):
    assert viewer_client.get("/accounts").status_code == 403
    token = csrf_from(admin_client.get("/accounts"))
    admin_client.post("/accounts/viewer/role", data={"role": "admin", "csrf_token": token})
    assert viewer_client.get("/accounts").status_code == 200


# -- the admin pages ---------------------------------------------------------------------------------


def test_an_admin_adds_an_account_changes_its_role_resets_its_password_and_removes_it(admin_client, small: Workspace):
    page = admin_client.get("/accounts")
    assert page.status_code == 200 and 'data-account="admin"' in page.get_data(as_text=True)
    token = csrf_from(page)

    def post(url: str, **data: str):
        answer = admin_client.post(url, data={**data, "csrf_token": token})
        assert answer.status_code == 303, answer.get_data(as_text=True)
        return html.unescape(admin_client.get(answer.headers["Location"]).get_data(as_text=True))

    assert "added ben (viewer)" in post("/accounts", name="ben", role="viewer", password=PASSWORD, password2=PASSWORD)
    assert small.store.get_account("ben").role == "viewer"
    assert "the two passwords differ" in post("/accounts", name="cai", role="viewer", password=PASSWORD,
                                              password2=PASSWORD + "x")
    assert "is not valid" in post("/accounts", name="<script>", role="viewer", password=PASSWORD, password2=PASSWORD)
    assert "<script>" not in admin_client.get("/accounts").get_data(as_text=True)
    assert small.store.get_account("cai") is None
    assert "ben is now editor" in post("/accounts/ben/role", role="editor")
    assert "disabled ben" in post("/accounts/ben/disable")
    assert small.store.get_account("ben").disabled
    assert "enabled ben" in post("/accounts/ben/enable")
    new_password = "an entirely new password"
    assert "set a new password for ben" in post("/accounts/ben/password", password=new_password,
                                                password2=new_password)
    assert accounts.Accounts(small.store).authenticate("ben", new_password) is not None
    assert "cannot disable 'admin': it is the last enabled admin" in post("/accounts/admin/disable")
    assert "removed ben" in post("/accounts/ben/remove")
    assert small.store.get_account("ben") is None


# -- API tokens --------------------------------------------------------------------------------------


def test_a_script_reads_the_api_with_a_token_until_it_is_revoked(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("bot", PASSWORD, "viewer")
    secret = accounts.Accounts(small.store).issue_token("bot", "script")
    client = auth_app.test_client()
    bearer = {"Authorization": f"Bearer {secret}"}
    answer = client.get("/api/nodes/lib", headers=bearer)
    assert answer.status_code == 200 and answer.get_json()["id"] == "lib"
    assert client.get_cookie("partnergraph_session") is None  # a token makes no session
    assert client.get("/api/nodes/lib").status_code == 401  # the next request without it is anonymous
    wrong = client.get("/api/nodes/lib", headers={"Authorization": f"Bearer {secret[:-2]}xx"})
    assert (wrong.status_code, wrong.get_json()) == (401, {"error": "invalid or revoked API token"})
    accounts.Accounts(small.store).revoke_tokens("bot", "script")
    assert client.get("/api/nodes/lib", headers=bearer).status_code == 401


def test_an_admin_issues_a_token_in_the_viewer_and_a_script_uses_it_without_a_csrf_token(admin_client, auth_app,
                                                                                         small: Workspace):
    token = csrf_from(admin_client.get("/accounts"))
    page = admin_client.post("/accounts/admin/tokens", data={"label": "deploy", "csrf_token": token})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    secret = csrf_like_secret(page.get_data(as_text=True))
    script = auth_app.test_client()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert script.get("/api/search?q=lib", headers=bearer).status_code == 200
    # No cookie travels with a token, so a token's changes need no CSRF token.
    made = script.post("/accounts", headers=bearer, data={"name": "robot", "role": "viewer", "password": PASSWORD,
                                                          "password2": PASSWORD})
    assert made.status_code == 303 and small.store.get_account("robot").role == "viewer"
    assert small.store.list_tokens("admin")[0].label == "deploy"
    revoked = admin_client.post("/accounts/admin/tokens/revoke", data={"label": "deploy", "csrf_token": token})
    assert revoked.status_code == 303
    assert script.get("/api/search?q=lib", headers=bearer).status_code == 401


def csrf_like_secret(page: str) -> str:
    return re.search(r'id="token-secret">(pgt_[A-Za-z0-9_-]+)<', page).group(1)


# -- CSRF ----------------------------------------------------------------------------------------------


def test_changes_without_the_right_csrf_token_are_refused_and_change_nothing(admin_client, small: Workspace):
    data = {"name": "eve", "role": "admin", "password": PASSWORD, "password2": PASSWORD}
    for extra, headers in (({}, {}), ({"csrf_token": "wrong"}, {}), ({}, {"X-CSRF-Token": "wrong"}),
                           ({"csrf_token": ""}, {})):
        answer = admin_client.post("/accounts", data={**data, **extra}, headers=headers)
        assert answer.status_code == 400, (extra, headers)
        assert "missing or wrong CSRF token" in answer.get_data(as_text=True)
    as_json = admin_client.post("/accounts", json=data)
    assert (as_json.status_code, as_json.get_json()) == (400, CSRF_ERROR)
    created = admin_client.post("/api/elements", json={"id": "new", "kind": "partner", "name": "New"})
    assert (created.status_code, created.get_json()) == (400, CSRF_ERROR)
    assert small.store.get("new") is None
    assert admin_client.post("/logout").status_code == 400  # not even signing out
    assert signed_in_as(admin_client) == "admin"
    assert small.store.get_account("eve") is None
    # The header that common.js sends is as good as the form field.
    token = csrf_from(admin_client.get("/"))
    assert admin_client.post("/accounts", data=data, headers={"X-CSRF-Token": token}).status_code == 303
    assert small.store.get_account("eve") is not None


def test_the_sign_in_form_itself_needs_its_csrf_token(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    client = auth_app.test_client()
    client.get("/login")
    answer = client.post("/login", data={"name": "ana", "password": PASSWORD})
    assert answer.status_code == 400 and signed_in_as(client) is None


def test_pages_of_a_signed_in_user_carry_the_csrf_token_for_scripts(viewer_client):
    html = viewer_client.get("/").get_data(as_text=True)
    assert '<meta name="csrf-token" content="' in html
    assert csrf_from(html) == csrf_from(viewer_client.get("/graph"))
    common = viewer_client.get("/static/common.js").get_data(as_text=True)
    assert "X-CSRF-Token" in common and 'meta[name="csrf-token"]' in common


# -- the sign-in limit ---------------------------------------------------------------------------------


def test_repeated_failed_sign_ins_are_refused_for_a_while_even_with_the_right_password(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    client = auth_app.test_client()
    for _ in range(5):
        assert login_form(client, "ana", "guess guess guess").status_code == 401
    limited = login_form(client, "ana", PASSWORD)
    assert limited.status_code == 429
    assert 540 <= int(limited.headers["Retry-After"]) <= 600
    assert "Too many failed sign-ins. Try again in 10 minutes" in limited.get_data(as_text=True)
    assert signed_in_as(client) is None
    assert login_form(client, "ANA", PASSWORD).status_code == 429  # names count case-insensitively


def test_a_successful_sign_in_resets_the_accounts_count(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    client = auth_app.test_client()
    for _ in range(4):
        login_form(client, "ana", "guess guess guess")
    assert login_form(client, "ana", PASSWORD).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/"))})
    for _ in range(4):
        assert login_form(client, "ana", "guess guess guess").status_code == 401
    assert login_form(client, "ana", PASSWORD).status_code == 303


def test_one_address_trying_many_names_is_limited_too(auth_app):
    client = auth_app.test_client()
    for n in range(20):
        assert login_form(client, f"user{n}", "guess guess guess").status_code == 401
    assert login_form(client, "someone-else", "guess guess guess").status_code == 429
    elsewhere = auth_app.test_client()
    form = elsewhere.get("/login")
    answer = elsewhere.post("/login", data={"name": "someone-else", "password": "guess guess guess",
                                            "csrf_token": csrf_from(form)}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert answer.status_code == 401


# -- sessions: cookies, lifetime, sign-out elsewhere ----------------------------------------------------


def test_the_session_cookie_is_httponly_samesite_lax_and_secure(auth_app, app_factory, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    answer = login_form(auth_app.test_client(), "ana", PASSWORD)
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("partnergraph_session=")
    assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie and "; Secure" in cookie and "Expires=" in cookie
    plain = login_form(app_factory(secure_cookies=False).test_client(), "ana", PASSWORD)
    assert "; Secure" not in plain.headers["Set-Cookie"] and "; HttpOnly" in plain.headers["Set-Cookie"]
    assert not from_env({"PARTNERGRAPH_SECURE_COOKIES": "0"}).secure_cookies and from_env({}).secure_cookies
    with pytest.raises(PartnergraphError, match="PARTNERGRAPH_SECURE_COOKIES must be"):
        from_env({"PARTNERGRAPH_SECURE_COOKIES": "maybe"})


def test_the_sign_in_page_warns_when_secure_cookies_cannot_work_over_plain_http(auth_app):
    client = auth_app.test_client()
    assert "served over HTTPS" not in client.get("/login").get_data(as_text=True)  # localhost: browsers accept
    remote = client.get("/login", base_url="http://partners.example.org").get_data(as_text=True)
    assert "plain HTTP" in remote and "PARTNERGRAPH_SECURE_COOKIES=0" in remote
    assert "plain HTTP" not in client.get("/login", base_url="https://partners.example.org").get_data(as_text=True)


def test_a_new_password_or_disabling_ends_the_accounts_other_sessions(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "editor")
    laptop, phone = auth_app.test_client(), auth_app.test_client()
    for client in (laptop, phone):
        assert login_form(client, "ana", PASSWORD).status_code == 303
    accounts.Accounts(small.store).set_password("ana", "a fresh new password")
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 302
    assert login_form(phone, "ana", "a fresh new password").status_code == 303
    assert phone.get("/").status_code == 200
    accounts.Accounts(small.store).create_account("root", PASSWORD, "admin")
    accounts.Accounts(small.store).disable("ana")
    assert phone.get("/").status_code == 302
    accounts.Accounts(small.store).enable("ana")
    accounts.Accounts(small.store).remove("ana")
    assert phone.get("/api/nodes/lib").status_code == 401


def test_a_session_ends_after_its_lifetime(auth_app, small: Workspace):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    client = auth_app.test_client()
    login_form(client, "ana", PASSWORD)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["since"] = int(time.time()) - 13 * 3600  # signed in 13 hours ago; sessions last 12
    assert client.get("/").status_code == 302
    assert Settings().session_hours == 12


# -- secrets and defaults ------------------------------------------------------------------------------


def test_the_secret_key_comes_only_from_the_environment(small: Workspace, db_url: str, caplog):
    assert from_env({"PARTNERGRAPH_SECRET_KEY": KEY}).secret_key == KEY
    assert from_env({}).secret_key is None and Settings().secret_key is None
    app = create_app(settings_for(db_url, secret_key=KEY))
    assert app.secret_key == KEY
    app.extensions["partnergraph"].close()
    with caplog.at_level(logging.WARNING, logger="partnergraph.auth"):
        first, second = create_app(settings_for(db_url)), create_app(settings_for(db_url))
    try:
        # Without the variable each process makes its own random key, and says what that means.
        assert first.secret_key != second.secret_key and len(first.secret_key) >= 32
        assert "PARTNERGRAPH_SECRET_KEY is not set" in caplog.text and "gunicorn" in caplog.text
    finally:
        first.extensions["partnergraph"].close()
        second.extensions["partnergraph"].close()
    with pytest.raises(PartnergraphError, match="at least 16 characters"):
        create_app(settings_for(db_url, secret_key="short"))
    # No other module reads the environment (tests/test_style.py), and no key is written in the code.
    for path in (Path(__file__).parent.parent / "src").rglob("*.py"):
        assert not re.search(r"(?i)secret_key\s*=\s*[\"']", path.read_text()), path


def test_a_viewer_on_this_machine_makes_its_own_key_without_a_warning(small: Workspace, db_url: str, caplog):
    # partnergraph demo and serve listen on 127.0.0.1 by default: a key made for the run is all
    # they need. Only a viewer others reach (or a WSGI server's workers) hears about the key.
    for host in ("127.0.0.1", "localhost", "::1"):
        with caplog.at_level(logging.WARNING, logger="partnergraph.auth"):
            app = create_app(settings_for(db_url, listen_host=host))
        app.extensions["partnergraph"].close()
        assert caplog.text == "" and len(app.secret_key) >= 32, host
    with caplog.at_level(logging.WARNING, logger="partnergraph.auth"):
        app = create_app(settings_for(db_url, listen_host="0.0.0.0"))
    app.extensions["partnergraph"].close()
    assert "listens on 0.0.0.0, beyond this machine, and PARTNERGRAPH_SECRET_KEY is not set" in caplog.text
    assert "several workers (gunicorn --workers 2 or more)" in caplog.text


def test_there_is_no_debug_mode_even_when_flask_debug_is_set(small: Workspace, db_url: str, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = make_app(db_url, anonymous_read=True)
    try:
        assert app.debug is False
        assert not Settings().__dict__.get("debug")

        @app.get("/boom")
        def boom():
            raise RuntimeError("secret internals")

        answer = app.test_client().get("/boom")
        assert answer.status_code == 500
        assert "secret internals" not in answer.get_data(as_text=True) and "Traceback" not in answer.get_data(as_text=True)
    finally:
        app.extensions["partnergraph"].close()


def test_the_sign_in_page_has_the_security_headers(auth_app):
    answer = auth_app.test_client().get("/login")
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Frame-Options"] == "DENY" and answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script" not in answer.get_data(as_text=True) and "style=" not in answer.get_data(as_text=True)


# -- in a real browser -----------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")
def test_signing_in_works_in_chromium_on_127_0_0_1_with_secure_cookies(auth_app, small: Workspace):
    playwright_api = pytest.importorskip("playwright.sync_api")
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: object) -> None:
            pass

    accounts.Accounts(small.store).create_account("ana", PASSWORD, "admin")
    httpd = make_server("127.0.0.1", 0, auth_app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{base}/partners/lib")
            assert page.url.startswith(f"{base}/login?next=")
            page.fill("input[name=name]", "ana")
            page.fill("input[name=password]", PASSWORD)
            page.click("#login-form button[type=submit]")
            page.wait_for_url(f"{base}/partners/lib")
            assert "National Library of Freedonia" in page.content()
            [cookie] = page.context.cookies()
            assert (cookie["secure"], cookie["httpOnly"], cookie["sameSite"]) == (True, True, "Lax")
            # A script's POST carries the token from the meta tag; one without it is refused.
            status = page.evaluate("""async () => {
                const token = document.querySelector('meta[name="csrf-token"]').content;
                const bare = await fetch('/accounts/ana/tokens', {method: 'POST'});
                const good = await fetch('/accounts/ana/tokens', {method: 'POST', headers: {'X-CSRF-Token': token}});
                return [bare.status, good.status];
            }""")
            assert status == [400, 200]
            page.click("text=Sign out")
            page.wait_for_url(f"{base}/login")
            assert page.context.cookies() == [] or "user" not in str(page.context.cookies())
            browser.close()
            assert errors == []
    finally:
        httpd.shutdown()
        thread.join()


# -- the command line's servers --------------------------------------------------------------------------


def serve_and_ask(args: list[str], cwd: Path, url_path: str = "/api/search?q=a") -> tuple[int, str]:
    """Run `partnergraph ARGS --port P` until it answers; return the status of `url_path` and its output."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERGRAPH_")}
    process = subprocess.Popen([sys.executable, "-m", "partnergraph", *args, "--port", str(port)], cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "the viewer did not start"
                time.sleep(0.2)
        try:
            status = urllib.request.urlopen(f"http://127.0.0.1:{port}{url_path}", timeout=10).status
        except urllib.error.HTTPError as exc:
            status = exc.code
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    return status, output


@pytest.mark.slow
def test_serve_asks_for_sign_in_unless_anonymous_read_and_the_demo_lets_visitors_read(tmp_path):
    status, output = serve_and_ask(["demo"], tmp_path)
    assert status == 200
    assert "partnergraph user add NAME --role editor" in output
    # A newcomer's first run: no developer jargon about keys or workers.
    assert "PARTNERGRAPH_SECRET_KEY" not in output and "gunicorn" not in output and "warning" not in output.lower()
    status, output = serve_and_ask(["serve", "--anonymous-read", "--host", "0.0.0.0"], tmp_path)
    assert status == 200 and "beyond this machine, and PARTNERGRAPH_SECRET_KEY is not set" in output
    status, output = serve_and_ask(["serve"], tmp_path)
    assert status == 401 and "reading needs an account" in output
    assert "no account yet: partnergraph user add NAME --role admin" in output
    status, _ = serve_and_ask(["serve", "--anonymous-read"], tmp_path)
    assert status == 200
