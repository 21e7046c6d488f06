"""The sign-in limit holds under concurrency and across processes (issue 14, item 2).

Attempts are noted in the store before the password is checked, so a burst of parallel guesses,
from threads of one worker or from two worker processes on one store, gets at most the limit
(5 per account name) evaluated; once it is reached, the right password is refused too (429).
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from conftest import PASSWORD, csrf_from, settings_for
from partnergraph.services import Workspace, accounts

NAME_LIMIT = accounts.LOGIN_LIMITS["name"]
WRONG = "guess guess guess"


def _storm(db_url: str, threads: int, guesses: int, barrier: Any = None) -> tuple[list[int], int]:
    """Open a viewer on `db_url` and send `guesses` wrong passwords for "ana" from `threads` threads.

    Return the status of every answer and how many passwords were checked (hashes evaluated).
    """
    from partnergraph.viewer import create_app

    checked = [0]
    lock = threading.Lock()
    real = accounts.verify_account

    def counting(account: Any, password: str, *args: Any) -> Any:
        with lock:
            checked[0] += 1
        return real(account, password, *args)

    accounts.verify_account = counting  # the viewer calls it through the module
    app = create_app(settings_for(db_url, secret_key="test secret key, not for production"))
    try:
        clients = [app.test_client() for _ in range(threads)]
        tokens = [csrf_from(client.get("/login")) for client in clients]
        if barrier is not None:
            barrier.wait(timeout=120)

        def guess(n: int) -> int:
            client, token = clients[n % threads], tokens[n % threads]
            return client.post("/login", data={"name": "ana", "password": WRONG, "csrf_token": token}).status_code

        with ThreadPoolExecutor(threads) as pool:
            statuses = list(pool.map(guess, range(guesses)))
    finally:
        accounts.verify_account = real
        app.extensions["partnergraph"].close()
    return statuses, checked[0]


def _worker(db_url: str, threads: int, guesses: int, barrier: Any, results: Any) -> None:
    try:
        results.put(_storm(db_url, threads, guesses, barrier))
    except BaseException as exc:  # the parent reports it
        results.put(repr(exc))


def _right_password_is_refused(db_url: str) -> None:
    from partnergraph.viewer import create_app

    app = create_app(settings_for(db_url, secret_key="test secret key, not for production"))
    try:
        client = app.test_client()
        answer = client.post("/login", data={"name": "ana", "password": PASSWORD,
                                             "csrf_token": csrf_from(client.get("/login"))})
        assert answer.status_code == 429
        assert client.get("/", follow_redirects=False).status_code == 302  # not signed in
    finally:
        app.extensions["partnergraph"].close()


def _check(statuses: list[int], checked: int) -> None:
    evaluated = [s for s in statuses if s != 429]
    assert checked <= NAME_LIMIT, f"{checked} passwords checked, the limit is {NAME_LIMIT}"
    assert len(evaluated) <= NAME_LIMIT and set(evaluated) <= {401}, evaluated
    assert statuses.count(429) >= len(statuses) - NAME_LIMIT


def test_parallel_guesses_in_one_process_get_at_most_the_limit_evaluated(small: Workspace, db_url: str):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    statuses, checked = _storm(db_url, threads=24, guesses=150)
    _check(statuses, checked)
    assert len(statuses) == 150
    _right_password_is_refused(db_url)


def test_parallel_guesses_from_two_processes_on_one_store_get_at_most_the_limit_evaluated(small: Workspace,
                                                                                         db_url: str):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_worker, args=(db_url, 16, 60, barrier, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    found = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert all(isinstance(f, tuple) for f in found), found
    statuses = [s for f in found for s in f[0]]
    checked = sum(f[1] for f in found)
    assert len(statuses) == 120
    _check(statuses, checked)
    _right_password_is_refused(db_url)


def test_the_counts_live_in_the_store_so_a_new_process_or_restart_keeps_them(small: Workspace, db_url: str):
    accounts.Accounts(small.store).create_account("ana", PASSWORD, "viewer")
    for _ in range(NAME_LIMIT):  # each from a fresh viewer, as from several workers one after the other
        statuses, checked = _storm(db_url, threads=1, guesses=1)
        assert (statuses, checked) == ([401], 1)
    _right_password_is_refused(db_url)


@pytest.mark.parametrize("first", ["name", "address"])
def test_a_refused_attempt_notes_nothing(workspace: Workspace, first: str):
    now = [1000.0]
    limiter = accounts.LoginLimiter(workspace.store, {"address": 2, "name": 2}, window=60, clock=lambda: now[0])
    other = {"address": "10.0.0.9", "name": "bob"} if first == "name" else {"address": "10.0.0.1", "name": "cy"}
    for _ in range(2):
        assert limiter.reserve({"address": "10.0.0.1", "name": "ana"}).allowed
    for _ in range(5):
        assert not limiter.reserve({"address": "10.0.0.1", "name": "ana"}).allowed
    # The refusals were not counted: the window frees the key 60 s after the two real attempts.
    now[0] += 61
    assert limiter.reserve({"address": "10.0.0.1", "name": "ana"}).allowed
    assert limiter.reserve(other).allowed
