"""Account rules hold when two processes write at once (issue 14, item 3).

The last enabled admin and the unique (case-insensitive) name are checked by the store inside its
write transaction, so two workers on one store (gunicorn --workers 2, or the CLI next to the
viewer) cannot each pass the check and together leave no admin, or two accounts named alike.
"""

from __future__ import annotations

import itertools
import multiprocessing
from typing import Any

import pytest

from conftest import PASSWORD, settings_for
from partnergraph.model import PartnergraphError
from partnergraph.records import Account, AccountRefused
from partnergraph.services import Workspace, accounts

OPERATIONS = {
    "demote": lambda people, name: people.set_role(name, "editor"),
    "disable": lambda people, name: people.disable(name),
    "remove": lambda people, name: people.remove(name),
}
ROUNDS = list(itertools.islice(itertools.cycle(itertools.product(OPERATIONS, OPERATIONS)), 10))


def _act(db_url: str, operation: str, name: str, barrier: Any, results: Any) -> None:
    try:
        with Workspace.open(settings_for(db_url)) as ws:
            ws.store.list_accounts()  # connected before the start, so both write at the same moment
            barrier.wait(timeout=60)
            try:
                OPERATIONS[operation](ws.accounts, name)
                results.put((name, "done"))
            except PartnergraphError as exc:
                results.put((name, f"refused: {exc}"))
    except BaseException as exc:  # the parent reports it
        results.put((name, f"crashed: {exc!r}"))


def _enabled_admins(ws: Workspace) -> list[str]:
    return [a.name for a in ws.store.list_accounts() if a.role == "admin" and not a.disabled]


def _race(db_url: str, jobs: list[tuple[str, str]]) -> dict[str, str]:
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(jobs)), context.Queue()
    workers = [context.Process(target=_act, args=(db_url, operation, name, barrier, results))
               for operation, name in jobs]
    for worker in workers:
        worker.start()
    found = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    return found


def test_two_admins_demoting_disabling_or_removing_each_other_at_once_always_leave_one(workspace: Workspace,
                                                                                      db_url: str):
    people = workspace.accounts
    people.create_account("ada", PASSWORD, "admin")
    people.create_account("bo", PASSWORD, "admin")
    for ada_does, bo_does in ROUNDS:
        # Both enabled admins again, as at the start.
        for name in ("ada", "bo"):
            if workspace.store.get_account(name) is None:
                people.create_account(name, PASSWORD, "admin")
            else:
                people.enable(name)
                people.set_role(name, "admin")
        assert sorted(_enabled_admins(workspace)) == ["ada", "bo"]
        outcome = _race(db_url, [(ada_does, "bo"), (bo_does, "ada")])
        assert not any(v.startswith("crashed") for v in outcome.values()), outcome
        assert len(_enabled_admins(workspace)) == 1, (ada_does, bo_does, outcome)
        assert sorted(v.split(":")[0] for v in outcome.values()) == ["done", "refused"], outcome
        assert any("it is the last enabled admin" in v for v in outcome.values()), outcome


def test_two_processes_creating_the_same_name_in_other_cases_make_one_account(workspace: Workspace,
                                                                              db_url: str):
    context = multiprocessing.get_context("fork")
    for round_ in range(5):
        names = [f"Team{round_}", f"team{round_}", f"TEAM{round_}"]
        barrier, results = context.Barrier(len(names)), context.Queue()

        def create(name: str, barrier: Any = barrier, results: Any = results) -> None:
            try:
                with Workspace.open(settings_for(db_url)) as ws:
                    ws.store.list_accounts()
                    account = Account(name, "viewer", accounts.hash_password(PASSWORD), "2026-11-29T00:00:00Z")
                    barrier.wait(timeout=60)
                    try:
                        ws.store.put_account(account, create=True)  # past the service's early look
                        results.put("done")
                    except AccountRefused as exc:
                        results.put(f"refused: {exc}")
            except BaseException as exc:
                results.put(f"crashed: {exc!r}")

        workers = [context.Process(target=create, args=(name,)) for name in names]
        for worker in workers:
            worker.start()
        outcome = sorted(results.get(timeout=120) for _ in workers)
        for worker in workers:
            worker.join(timeout=60)
        assert [o.split(":")[0] for o in outcome] == ["done", "refused", "refused"], outcome
        assert all("exists already" in o for o in outcome[1:])
        assert [a.name.lower() for a in workspace.store.list_accounts()].count(f"team{round_}") == 1


def test_the_store_itself_refuses_to_lose_the_last_enabled_admin(workspace: Workspace):
    store = workspace.store
    admin = Account("root", "admin", "h", "2026")
    store.put_account(admin)
    store.put_account(Account("ed", "editor", "h", "2026"))
    for change, message in ((lambda: store.put_account(Account("root", "viewer", "h", "2026")), "make a viewer of"),
                            (lambda: store.put_account(Account("root", "admin", "h", "2026", disabled=True)),
                             "disable"),
                            (lambda: store.delete_account("root"), "remove")):
        with pytest.raises(AccountRefused, match=f"cannot {message} 'root': it is the last enabled admin"):
            change()
    assert store.get_account("root") == admin
    with pytest.raises(AccountRefused, match="an account named 'root' exists already"):
        store.put_account(Account("ROOT", "viewer", "h", "2026"))
    with pytest.raises(AccountRefused, match="exists already"):
        store.put_account(Account("root", "admin", "h", "2026"), create=True)
    store.put_account(Account("second", "admin", "h", "2026"))
    assert store.delete_account("root") is True
    assert [a.name for a in store.list_accounts()] == ["ed", "second"]
