"""Accounts as an admin manages them: roles, hashed passwords, API tokens, the `partnergraph user` commands.

Tests that take `workspace` or `cli` run on both stores.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from conftest import Cli
from partnergraph.cli import main
from partnergraph.config import from_env
from partnergraph.model import PartnergraphError
from partnergraph.services import Workspace, accounts

PASSWORD = "correct horse battery"


# -- passwords and roles --------------------------------------------------------------------------


def legacy_hash(password: str, n: int = 2**15, r: int = 8, p: int = 3) -> str:
    """Return a hash in the format accounts used before werkzeug: "scrypt$N$r$p$salt$key" (base64)."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=128 * 1024 * 1024)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"


def test_a_password_is_kept_as_a_salted_werkzeug_scrypt_hash_that_only_the_same_password_matches():
    first, second = accounts.hash_password(PASSWORD), accounts.hash_password(PASSWORD)
    # werkzeug's format, with OWASP's N=2^15, r=8, p=3 (werkzeug's default would be p=1)
    assert first.startswith("scrypt:32768:8:3$") and PASSWORD not in first
    assert check_password_hash(first, PASSWORD) and not check_password_hash(first, PASSWORD + "!")
    assert first != second  # a fresh salt each time
    assert accounts.verify_password(PASSWORD, first) and accounts.verify_password(PASSWORD, second)
    assert not accounts.verify_password(PASSWORD + "!", first)
    assert not accounts.verify_password("", first)
    assert not accounts.needs_rehash(first) and not accounts.is_legacy_hash(first)
    too_costly = "scrypt:1048576:32:1$" + first.split("$", 1)[1]  # 4 GiB: refused before hashing
    weak = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")  # werkzeug takes it; we do not
    for damaged in ("", "plain", first.replace("scrypt", "md5"), first[:-8], "scrypt$1099511627776$8$1$AAAA$AAAA",
                    too_costly, weak, "scrypt:x:8:3$a$b", "scrypt:32768:8$a$b"):
        assert not accounts.verify_password(PASSWORD, damaged), damaged


def test_a_hash_in_the_old_format_is_still_accepted_and_a_wrong_password_is_not():
    old = legacy_hash(PASSWORD)
    assert accounts.is_legacy_hash(old) and accounts.needs_rehash(old)
    assert accounts.verify_password(PASSWORD, old)
    assert not accounts.verify_password(PASSWORD + "!", old) and not accounts.verify_password("", old)
    for damaged in (old.replace("scrypt", "md5", 1), old[:-8], old.replace("$3$", "$x$", 1)):
        assert not accounts.verify_password(PASSWORD, damaged)
    # a hash that would take more than the memory bound is refused, not computed
    huge = old.replace("scrypt$32768$8$", "scrypt$1048576$32$", 1)
    assert not accounts.verify_password(PASSWORD, huge)


def test_roles_nest_admin_over_editor_over_viewer():
    assert accounts.ROLES == ("viewer", "editor", "admin")
    assert accounts.allows("admin", "editor") and accounts.allows("admin", "viewer") and accounts.allows("admin", "admin")
    assert accounts.allows("editor", "viewer") and accounts.allows("editor", "editor")
    assert not accounts.allows("editor", "admin") and not accounts.allows("viewer", "editor")
    assert not accounts.allows(None, "viewer") and not accounts.allows("root", "viewer")


# -- accounts in the store ------------------------------------------------------------------------


def test_adding_an_account_checks_its_name_role_and_password_and_refuses_duplicates(workspace: Workspace):
    store = workspace.store
    when = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    account = accounts.Accounts(store).create_account("ana.lima", PASSWORD, "editor", now=when)
    assert (account.name, account.role, account.created, account.disabled) == ("ana.lima", "editor",
                                                                               "2026-03-01T12:00:00Z", False)
    assert store.get_account("ana.lima") == account
    assert accounts.verify_password(PASSWORD, account.password_hash)
    problems = {
        ("", PASSWORD, "viewer"): "account name '' is not valid",
        ("a b", PASSWORD, "viewer"): "is not valid: use 1 to 64 letters",
        ("x" * 65, PASSWORD, "viewer"): "is not valid",
        ("bob", "short", "viewer"): "at least 10 characters",
        ("bob", PASSWORD, "root"): "role must be one of viewer, editor, admin",
        ("ana.lima", PASSWORD, "viewer"): "an account named 'ana.lima' exists already",
        ("ANA.LIMA", PASSWORD, "viewer"): "an account named 'ana.lima' exists already",
    }
    for (name, password, role), message in problems.items():
        with pytest.raises(PartnergraphError, match=message):
            accounts.Accounts(store).create_account(name, password, role)
    assert [a.name for a in store.list_accounts()] == ["ana.lima"]


def test_signing_in_needs_the_right_password_and_an_enabled_account(workspace: Workspace):
    store = workspace.store
    accounts.Accounts(store).create_account("ana", PASSWORD, "viewer")
    assert accounts.Accounts(store).authenticate("ana", PASSWORD).name == "ana"
    assert accounts.Accounts(store).authenticate("ana", PASSWORD.upper()) is None
    assert accounts.Accounts(store).authenticate("nobody", PASSWORD) is None
    assert accounts.Accounts(store).authenticate("bad name!", PASSWORD) is None
    accounts.Accounts(store).disable("ana")
    assert accounts.Accounts(store).authenticate("ana", PASSWORD) is None
    accounts.Accounts(store).enable("ana")
    assert accounts.Accounts(store).authenticate("ana", PASSWORD) is not None


def test_an_unknown_name_takes_as_long_to_refuse_as_a_wrong_password(workspace: Workspace):
    accounts.Accounts(workspace.store).create_account("ana", PASSWORD, "viewer")
    accounts.Accounts(workspace.store).authenticate("nobody", "warm-up")  # the stand-in hash is made once

    def timed(name: str) -> float:
        start = time.perf_counter()
        assert accounts.Accounts(workspace.store).authenticate(name, "wrong password") is None
        return time.perf_counter() - start

    known = min(timed("ana") for _ in range(3))
    unknown = min(timed("nobody") for _ in range(3))
    assert 0.5 < unknown / known < 2.0, (known, unknown)


def test_an_old_format_hash_signs_in_and_is_rehashed_to_werkzeugs_format(workspace: Workspace):
    store = workspace.store
    accounts.Accounts(store).create_account("ana", PASSWORD, "editor")
    old = replace(store.get_account("ana"), password_hash=legacy_hash(PASSWORD))
    store.put_account(old)
    # A wrong password fails, and leaves the old hash as it is.
    assert accounts.Accounts(store).authenticate("ana", PASSWORD + "!") is None
    assert store.get_account("ana").password_hash == old.password_hash
    # Without the store (nowhere to write), the old hash signs in and stays.
    assert accounts.verify_account(old, PASSWORD) == old
    signed_in = accounts.Accounts(store).authenticate("ana", PASSWORD)
    assert signed_in is not None and signed_in.password_hash != old.password_hash
    assert signed_in.password_hash.startswith("scrypt:32768:8:3$")
    assert check_password_hash(signed_in.password_hash, PASSWORD)
    assert store.get_account("ana") == signed_in  # written back; name, role, created, disabled kept
    assert (signed_in.name, signed_in.role, signed_in.created, signed_in.disabled) == (
        old.name, old.role, old.created, old.disabled)
    # The session fingerprint follows the stored hash (sessions of the old hash end, as on a new password).
    assert accounts.password_fingerprint(signed_in) == accounts.password_fingerprint(store.get_account("ana"))
    assert accounts.password_fingerprint(signed_in) != accounts.password_fingerprint(old)
    # Signing in again keeps the new hash; a wrong password still fails.
    assert accounts.Accounts(store).authenticate("ana", PASSWORD) == signed_in
    assert accounts.Accounts(store).authenticate("ana", PASSWORD + "!") is None


def test_a_disabled_account_with_an_old_hash_neither_signs_in_nor_is_rehashed(workspace: Workspace):
    store = workspace.store
    accounts.Accounts(store).create_account("ana", PASSWORD, "viewer")
    old = replace(store.get_account("ana"), password_hash=legacy_hash(PASSWORD), disabled=True)
    store.put_account(old)
    assert accounts.Accounts(store).authenticate("ana", PASSWORD) is None
    assert store.get_account("ana") == old


def test_the_rehash_does_not_undo_a_password_changed_meanwhile(workspace: Workspace):
    store = workspace.store
    accounts.Accounts(store).create_account("ana", PASSWORD, "viewer")
    old = replace(store.get_account("ana"), password_hash=legacy_hash(PASSWORD))
    store.put_account(old)
    changed = accounts.Accounts(store).set_password("ana", "another good password")
    accounts.rehash(store, old, PASSWORD)  # as if verified against `old` just before the change
    assert store.get_account("ana") == changed


def test_the_session_fingerprint_works_for_both_formats():
    for password_hash in (legacy_hash(PASSWORD), accounts.hash_password(PASSWORD)):
        account = accounts.Account(name="ana", role="viewer", password_hash=password_hash, created="x")
        fingerprint = accounts.password_fingerprint(account)
        assert len(fingerprint) == 16 and fingerprint == accounts.password_fingerprint(replace(account))
        other = replace(account, password_hash=password_hash[:-1] + ("0" if password_hash[-1] != "0" else "1"))
        assert accounts.password_fingerprint(other) != fingerprint


def test_a_new_password_replaces_the_old_one_and_changes_the_session_fingerprint(workspace: Workspace):
    store = workspace.store
    before = accounts.Accounts(store).create_account("ana", PASSWORD, "viewer")
    after = accounts.Accounts(store).set_password("ana", "another good password")
    assert accounts.password_fingerprint(before) != accounts.password_fingerprint(after)
    assert accounts.Accounts(store).authenticate("ana", PASSWORD) is None
    assert accounts.Accounts(store).authenticate("ana", "another good password") is not None
    with pytest.raises(PartnergraphError, match="at least 10"):
        accounts.Accounts(store).set_password("ana", "short")
    with pytest.raises(PartnergraphError, match="no account named 'bob'"):
        accounts.Accounts(store).set_password("bob", PASSWORD)


def test_the_last_enabled_admin_cannot_be_demoted_disabled_or_removed(workspace: Workspace):
    store = workspace.store
    accounts.Accounts(store).create_account("root", PASSWORD, "admin")
    for change in (lambda: accounts.Accounts(store).set_role("root", "editor"), lambda: accounts.Accounts(store).disable("root"),
                   lambda: accounts.Accounts(store).remove("root")):
        with pytest.raises(PartnergraphError, match="last enabled admin"):
            change()
    accounts.Accounts(store).create_account("second", PASSWORD, "admin")
    assert accounts.Accounts(store).set_role("root", "editor").role == "editor"
    assert store.get_account("root").role == "editor"
    accounts.Accounts(store).remove("root")
    assert store.get_account("root") is None


def test_an_api_token_is_shown_once_and_kept_only_as_its_sha256(workspace: Workspace):
    store = workspace.store
    accounts.Accounts(store).create_account("bot", PASSWORD, "editor")
    secret = accounts.Accounts(store).issue_token("bot", "nightly import")
    assert secret.startswith("pgt_") and len(secret) > 40
    [token] = store.list_tokens("bot")
    assert (token.label, token.digest) == ("nightly import", hashlib.sha256(secret.encode()).hexdigest())
    assert secret not in repr(store.list_tokens("bot"))
    assert accounts.Accounts(store).account_for_token(secret).name == "bot"
    assert accounts.Accounts(store).account_for_token(secret + "x") is None
    assert accounts.Accounts(store).account_for_token("not a token") is None
    with pytest.raises(PartnergraphError, match="has a token labelled 'nightly import' already"):
        accounts.Accounts(store).issue_token("bot", "nightly import")
    with pytest.raises(PartnergraphError, match="no account named 'nobody'"):
        accounts.Accounts(store).issue_token("nobody", "x")

    accounts.Accounts(store).disable("bot")  # a disabled account's tokens stop working
    assert accounts.Accounts(store).account_for_token(secret) is None
    accounts.Accounts(store).enable("bot")
    other = accounts.Accounts(store).issue_token("bot", "other")
    assert accounts.Accounts(store).revoke_tokens("bot", "nightly import") == 1
    assert accounts.Accounts(store).account_for_token(secret) is None
    assert accounts.Accounts(store).account_for_token(other).name == "bot"
    with pytest.raises(PartnergraphError, match="no token labelled 'nightly import'"):
        accounts.Accounts(store).revoke_tokens("bot", "nightly import")
    accounts.Accounts(store).remove("bot")
    assert accounts.Accounts(store).account_for_token(other) is None


def test_sign_in_attempts_are_counted_per_name_and_per_address_within_a_window(workspace: Workspace):
    now = [1000.0]
    limiter = accounts.LoginLimiter(workspace.store, {"address": 8, "name": 3}, window=600, clock=lambda: now[0])
    ana = {"address": "10.0.0.1", "name": "ana"}
    for _ in range(3):
        assert limiter.reserve(ana).allowed  # noted before the password is checked
        now[0] += 10
    refused = limiter.reserve(ana)
    assert not refused.allowed and refused.wait == pytest.approx(1000 + 600 - now[0])
    # Another name from the same address may still try, up to the address's own limit.
    for n in range(5):
        assert limiter.reserve({"address": "10.0.0.1", "name": f"user{n}"}).allowed
    assert not limiter.reserve({"address": "10.0.0.1", "name": "fresh"}).allowed
    assert limiter.reserve({"address": "10.0.0.2", "name": "fresh"}).allowed
    now[0] += 601  # the window slides past the attempts
    assert limiter.reserve(ana).allowed
    limiter.reserve(ana)
    # A correct password forgets the account's attempts and gives the address its attempt back.
    limiter.succeeded(limiter.reserve(ana))
    for _ in range(3):
        assert limiter.reserve(ana).allowed
    assert not limiter.reserve(ana).allowed


# -- the command line -----------------------------------------------------------------------------


def user(cli: Cli, *args: str, input: str | None = None):
    return cli.runner.invoke(main, ["--db", cli.db, "user", *args], input=input, catch_exceptions=False)


def test_user_add_asks_for_the_password_twice_or_reads_it_from_stdin(cli: Cli):
    added = user(cli, "add", "ana", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert "added ana (admin)" in added.output
    mistyped = user(cli, "add", "ben", "--role", "editor", input=f"{PASSWORD}\nsomething else\n\n")
    assert mistyped.exit_code != 0
    scripted = user(cli, "add", "bot", "--role", "editor", "--password-stdin", input=f"{PASSWORD}\n")
    assert scripted.exit_code == 0, scripted.output
    with Workspace.open(cli_settings(cli)) as ws:
        assert accounts.Accounts(ws.store).authenticate("ana", PASSWORD).role == "admin"
        assert accounts.Accounts(ws.store).authenticate("bot", PASSWORD).role == "editor"
        assert ws.store.get_account("ben") is None
    # There is no option that takes a password on the command line (it would sit in the shell history).
    assert user(cli, "add", "eve", "--role", "viewer", "--password", PASSWORD).exit_code == 2


def cli_settings(cli: Cli):
    from conftest import settings_for

    return settings_for(cli.db)


def test_user_commands_list_change_roles_disable_and_remove_accounts(cli: Cli):
    for name, role in (("ana", "admin"), ("ben", "viewer")):
        assert user(cli, "add", name, "--role", role, "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    listed = json.loads(user(cli, "list", "--json").output)
    assert [(a["name"], a["role"], a["disabled"]) for a in listed["accounts"]] == [("ana", "admin", False),
                                                                                 ("ben", "viewer", False)]
    assert "password" not in json.dumps(listed)
    assert user(cli, "set-role", "ben", "editor").output.strip() == "ben is now editor"
    assert "disabled ben" in user(cli, "disable", "ben").output
    assert "(disabled)" in user(cli, "list").output
    assert "enabled ben" in user(cli, "enable", "ben").output
    new_password = "a brand new password"
    assert user(cli, "passwd", "ben", "--password-stdin", input=new_password + "\n").exit_code == 0
    with Workspace.open(cli_settings(cli)) as ws:
        account = ws.store.get_account("ben")
        assert (account.role, account.disabled) == ("editor", False)
        assert accounts.verify_password(new_password, account.password_hash)
    assert "removed ben" in user(cli, "remove", "ben").output
    assert [a["name"] for a in json.loads(user(cli, "list", "--json").output)["accounts"]] == ["ana"]


def test_user_token_prints_the_secret_once_and_revoke_takes_it_back(cli: Cli):
    user(cli, "add", "bot", "--role", "editor", "--password-stdin", input=PASSWORD + "\n")
    issued = user(cli, "token", "bot", "--label", "nightly")
    assert issued.exit_code == 0
    secret = issued.stdout.strip()
    assert secret.startswith("pgt_") and "\n" not in secret  # stdout holds only the secret, for scripts
    listed = json.loads(user(cli, "list", "--json").output)
    assert [t["label"] for t in listed["accounts"][0]["tokens"]] == ["nightly"]
    assert secret not in user(cli, "list", "--json").output
    with Workspace.open(cli_settings(cli)) as ws:
        assert accounts.Accounts(ws.store).account_for_token(secret).name == "bot"
    assert "revoked 1 token of bot" in user(cli, "revoke", "bot", "--label", "nightly").output
    with Workspace.open(cli_settings(cli)) as ws:
        assert accounts.Accounts(ws.store).account_for_token(secret) is None


def test_user_errors_are_one_line_and_exit_1(cli: Cli):
    user(cli, "add", "ana", "--role", "admin", "--password-stdin", input=PASSWORD + "\n")
    cases = {
        ("add", "ana", "--role", "viewer"): "error: an account named 'ana' exists already",
        ("add", "no way", "--role", "viewer"): "error: account name 'no way' is not valid",
        ("set-role", "nobody", "editor"): "error: no account named 'nobody'",
        ("set-role", "ana", "viewer"): "error: cannot make a viewer of 'ana': it is the last enabled admin",
        ("disable", "ana"): "error: cannot disable 'ana': it is the last enabled admin",
        ("revoke", "ana", "--label", "none"): "error: 'ana' has no token labelled 'none'",
        ("token", "nobody"): "error: no account named 'nobody'",
    }
    for args, message in cases.items():
        done = user(cli, *args)
        assert done.exit_code == 1, args
        assert done.stderr.strip().splitlines() == [done.stderr.strip()] and done.stderr.startswith(message), done.stderr
    short = user(cli, "add", "ben", "--role", "viewer", "--password-stdin", input="short\n")
    assert (short.exit_code, short.stderr.strip()) == (1, "error: the password must have at least 10 characters")
    assert user(cli, "add", "ben", "--role", "boss").exit_code == 2


def test_the_cli_names_who_runs_it_for_audit_entries():
    import getpass

    assert from_env({}).actor == f"cli:{getpass.getuser()}"
