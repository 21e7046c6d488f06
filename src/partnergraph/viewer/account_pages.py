"""The admin's pages that manage accounts: add, change role, disable, reset a password, tokens."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from partnergraph.model import PartnergraphError
from partnergraph.services import accounts
from partnergraph.viewer.auth import actor, require_role
from partnergraph.viewer.common import state

log = logging.getLogger("partnergraph.auth")
account_pages = Blueprint("accounts", __name__)


def _accounts_page() -> Response:
    return redirect(url_for("accounts.accounts_list"), 303)


def _new_password() -> str:
    password = request.form.get("password", "")
    if password != request.form.get("password2", ""):
        raise PartnergraphError("the two passwords differ")
    return password


def _admin_action(what: str, change: Callable[[accounts.Accounts], str]) -> Response:
    """Run one account change, flash its outcome (or the user error), and go back to the list."""
    try:
        with state().workspace() as ws:
            message = change(ws.accounts)
    except PartnergraphError as exc:
        flash(str(exc), "error")
    else:
        log.info("accounts: %s (%s, by %s)", message, what, actor())
        flash(message, "done")
    return _accounts_page()


@account_pages.get("/accounts")
@require_role("admin")
def accounts_list() -> Any:
    with state().workspace() as ws:
        found = ws.accounts.list_accounts()
        tokens = {a.name: ws.accounts.list_tokens(a.name) for a in found}
    return render_template("accounts.html", accounts=found, tokens=tokens, roles=accounts.ROLES,
                           min_password=accounts.MIN_PASSWORD)


@account_pages.post("/accounts")
@require_role("admin")
def accounts_add() -> Any:
    name = request.form.get("name", "").strip()
    role = request.form.get("role", "")

    def add(people: accounts.Accounts) -> str:
        people.create_account(name, _new_password(), role)
        return f"added {name} ({role})"
    return _admin_action("add", add)


@account_pages.post("/accounts/<name>/role")
@require_role("admin")
def accounts_role(name: str) -> Any:
    role = request.form.get("role", "")
    return _admin_action("role", lambda people: f"{people.set_role(name, role).name} is now {role}")


@account_pages.post("/accounts/<name>/disable")
@require_role("admin")
def accounts_disable(name: str) -> Any:
    return _admin_action("disable", lambda people: f"disabled {people.disable(name).name}")


@account_pages.post("/accounts/<name>/enable")
@require_role("admin")
def accounts_enable(name: str) -> Any:
    return _admin_action("enable", lambda people: f"enabled {people.enable(name).name}")


@account_pages.post("/accounts/<name>/password")
@require_role("admin")
def accounts_password(name: str) -> Any:
    def reset(people: accounts.Accounts) -> str:
        people.set_password(name, _new_password())
        return f"set a new password for {name}; its sessions have ended"
    return _admin_action("password", reset)


@account_pages.post("/accounts/<name>/remove")
@require_role("admin")
def accounts_remove(name: str) -> Any:
    def remove(people: accounts.Accounts) -> str:
        people.remove(name)
        return f"removed {name} and its API tokens"
    return _admin_action("remove", remove)


@account_pages.post("/accounts/<name>/tokens")
@require_role("admin")
def accounts_token(name: str) -> Any:
    label = request.form.get("label", "").strip() or accounts.DEFAULT_LABEL
    try:
        with state().workspace() as ws:
            secret = ws.accounts.issue_token(name, label)
    except PartnergraphError as exc:
        flash(str(exc), "error")
        return _accounts_page()
    log.info("accounts: issued token %r for %s (by %s)", label, name, actor())
    # The secret is on this page only: it is not kept anywhere, and no cache may keep the page.
    response = current_app.make_response(render_template("accounts_token.html", name=name, label=label,
                                                         secret=secret))
    response.headers["Cache-Control"] = "no-store"
    return response


@account_pages.post("/accounts/<name>/tokens/revoke")
@require_role("admin")
def accounts_revoke(name: str) -> Any:
    label = request.form.get("label", "").strip() or None

    def revoke(people: accounts.Accounts) -> str:
        count = people.revoke_tokens(name, label)
        return f"revoked {count} token{'s' if count != 1 else ''} of {name}"
    return _admin_action("revoke", revoke)
