"""Readers never wait: each reads one immutable snapshot while the next is built beside it.

Threads ask for paths, holders and search while another thread edits, on both stores (the
`small` fixture): no error, every answer consistent with one store version, and every edit the
editor was told was saved is in the answers afterwards. A reader is answered from the previous
snapshot while the next one is being built, and while another request computes an analysis; a
signed-in editor of the viewer reads their own write at once.
"""

from __future__ import annotations

import threading
import time

from partnergraph.services import Workspace
from partnergraph.services.options import HoldersQuery, PathQuery, SearchQuery

WHO = {"actor": "ana", "source": "test"}
TESTERS = 12


def _testers(ws: Workspace) -> list[str]:
    return sorted(n for n in ws.cache.graph() if str(n).startswith("tester-"))


def _read_once(ws: Workspace) -> None:
    """Answer one reader's request (search, paths, holders) and check that all of it is one version."""
    with ws.cache.reading(wait=False):
        snapshot = ws.cache.snapshot()
        testers = _testers(ws)
        found = ws.browse.search(SearchQuery("Tester", limit=100))
        assert sorted(r["id"] for r in found) == testers, snapshot.version
        for tester in testers:
            # Each tester was created, then tied to ana: a tester without its tie is only ever the newest.
            answer = ws.questions.path(PathQuery(tester, "ana"))
            if answer["paths"]:
                assert answer["paths"][0]["length"] == 1
            else:
                assert tester == testers[-1], (snapshot.version, tester)
        holders = ws.questions.holders(HoldersQuery("cc"))
        assert [h["id"] for h in holders["holders"]] == ["cai"]
        assert ws.cache.snapshot() is snapshot  # the request kept its snapshot throughout


def test_readers_answer_consistently_while_an_editor_writes_and_then_see_every_saved_edit(small, db_url):
    from conftest import settings_for

    errors: list[BaseException] = []
    saved: list[str] = []
    done = threading.Event()
    small.cache.path_graph()  # the first snapshot, with its path index, as a running viewer has

    def edit() -> None:
        # The editor's own workspace: another process's edits, as far as the readers' cache knows.
        try:
            with Workspace.open(settings_for(db_url)) as editor:
                for i in range(TESTERS):
                    editor.editing.create_element("contact", {"id": f"tester-{i:02}", "name": f"Tester {i:02}"}, **WHO)
                    editor.editing.create_connection({"from": f"tester-{i:02}", "to": "ana", "type": "KNOWS"}, **WHO)
                    saved.append(f"tester-{i:02}")
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            done.set()

    def read() -> None:
        try:
            while not done.is_set():
                _read_once(small)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=edit)] + [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(saved) == TESTERS
    # Whoever waits (the CLI, an editor) sees every saved edit at once ...
    assert _testers(small) == saved
    _read_once(small)
    # ... and a reader who does not wait sees them within the time the next snapshot takes.
    deadline = time.monotonic() + 30
    while True:
        with small.cache.reading(wait=False):
            if _testers(small) == saved:
                break
        assert time.monotonic() < deadline, "the snapshot never caught up"
        time.sleep(0.05)


def test_a_reader_is_answered_while_the_next_snapshot_is_being_built(small):
    before = small.cache.snapshot()
    # A builder at work on the next snapshot (a rebuild after an import takes minutes on a large
    # network): while it holds the builder's lock, the store moves on.
    with small.cache._building:
        small.data.import_rows(*_one_partner_rows())
        # A reader that waited for the builder could not get past its lock, held here: being
        # answered at all, from the previous version, is the proof that it did not wait.
        with small.cache.reading(wait=False):
            assert small.cache.snapshot() is before  # the previous version, at once
            assert small.questions.holders(HoldersQuery("cc"))["holders"][0]["id"] == "cai"
    # Once the builder is free, the next snapshot is a rebuild (an import records no edits).
    after = small.cache.snapshot()
    assert after.rebuilt and "imported" in after.graph and "imported" not in before.graph


def test_a_reader_does_not_wait_for_another_requests_analysis(small):
    computing, release = threading.Event(), threading.Event()
    snapshot = small.cache.snapshot()

    def slow() -> str:
        computing.set()
        release.wait(30)
        return "scores"

    worker = threading.Thread(target=lambda: snapshot.memo("centrality", "slow", slow))
    worker.start()
    try:
        assert computing.wait(10)
        # The analysis is still running: holders, search and a memo of another key answer anyway.
        assert small.questions.holders(HoldersQuery("cc"))["holders"][0]["id"] == "cai"
        assert snapshot.memo("centrality", "quick", lambda: "fast") == "fast"
    finally:
        release.set()
        worker.join(10)
    assert snapshot.memo("centrality", "slow", lambda: "computed twice") == "scores"  # computed once


def test_an_editor_in_the_viewer_reads_their_own_write_at_once(small, db_url):
    from conftest import settings_for
    from partnergraph.services import accounts
    from partnergraph.viewer import create_app

    app = create_app(settings_for(db_url, anonymous_read=True, secret_key="test secret key, not for production"))
    try:
        accounts.Accounts(small.store).create_account("editor", "correct horse battery", "editor")
        token = accounts.Accounts(small.store).issue_token("editor", "test")
        client = app.test_client()
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/search?q=Zora").get_json()["results"] == []  # the first snapshot, for everyone
        element = {"element": {"id": "zora", "kind": "contact", "name": "Zora Nkosi"}, "provenance": "test"}
        assert client.post("/api/elements", json=element, headers=bearer).status_code == 201
        tie = {"connection": {"from": "zora", "to": "ana", "type": "KNOWS"}, "provenance": "test"}
        answer = client.post("/api/connections", json=tie, headers=bearer)
        assert answer.status_code == 201, answer.get_json()
        # The editor's next read waits for the snapshot with both edits: no going back.
        assert [r["id"] for r in client.get("/api/search?q=Zora", headers=bearer).get_json()["results"]] == ["zora"]
        answer = client.get("/api/path?from=zora&to=cc", headers=bearer).get_json()
        assert [n["id"] for n in answer["paths"][0]["nodes"]] == ["zora", "ana", "cai", "cc"]
        # An anonymous reader sees them too, at most the time of one catch-up later.
        deadline = time.monotonic() + 30
        while [r["id"] for r in client.get("/api/search?q=Zora").get_json()["results"]] != ["zora"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        app.extensions["partnergraph"].close()


def _one_partner_rows():
    from partnergraph.model import Location, Row

    element = Row({"id": "imported", "kind": "partner", "name": "Imported Partner"}, Location("x.csv", 2))
    return [element], []




def test_anonymous_readers_graph_follows_edits_as_a_fresh_impersonal_build(workspace):
    from conftest import EVENTS_NETWORK
    from partnergraph.analysis.graph import build_graph
    from partnergraph.services.privacy import impersonal_view
    from test_graph_updates import layout_of

    ws, edits = workspace, workspace.editing
    ws.data.import_path(EVENTS_NETWORK)
    ws.browse.view_graph(personal=False)  # an anonymous reader asked once: the view is kept from now on
    rebuilds = ws.cache.rebuilds
    steps = [
        lambda: edits.create_connection({"from": "c-cat", "to": "ev-summit", "type": "ATTENDS", "status": "attended"},
                                        **WHO),
        lambda: edits.create_connection({"from": "c-cat", "to": "p-nina", "type": "KNOWS", "strength": "3"}, **WHO),
        lambda: edits.update_connection("c-ana", "ev-summit", "ATTENDS", {"role": "speaker"}, **WHO),
        lambda: edits.update_element("ev-summit", {"name": "The Summit"}, **WHO),
        lambda: edits.delete_connection("p-olga", "ev-summit", "ATTENDS", **WHO),
        lambda: edits.delete_element("ev-lib", **WHO),
        lambda: edits.create_element("contact", {"id": "c-zoe", "name": "Zoe Zu"}, **WHO),
    ]
    for number, step in enumerate(steps):
        step()
        snapshot = ws.cache.snapshot()
        assert snapshot.peek("impersonal", "graph") is not None, f"step {number}: not carried over"
        stored = ws.store.snapshot()
        fresh = build_graph(*impersonal_view(stored.elements, stored.connections))
        assert layout_of(ws.browse.view_graph(personal=False)) == layout_of(fresh), f"step {number}"
    assert ws.cache.rebuilds == rebuilds


def test_search_after_edits_answers_as_on_a_fresh_graph(small):
    from partnergraph.analysis.browse import search
    from test_graph_updates import rebuilt

    assert small.browse.search(SearchQuery("a"))  # what search compares is now kept on the graph
    small.editing.create_element("contact", {"id": "abe", "name": "Abe Ambrose", "aliases": ["Aby"]}, **WHO)
    small.editing.update_element("cai", {"name": "Caitlin Chen"}, **WHO)
    small.editing.delete_element("fay", **WHO)
    small.editing.create_element("partner", {"id": "zz", "name": "Zeta Archive", "offers": ["archives"]}, **WHO)
    graph = small.cache.graph()
    assert "folded_names" in graph.graph  # carried over, not folded again
    fresh = rebuilt(small)
    for text in ("a", "ab", "aby", "cait", "fay", "archiv", "zz"):
        assert small.browse.search(SearchQuery(text, limit=50)) == search(fresh, text, limit=50), text


def test_search_finds_what_a_test_of_every_node_finds(small):
    from partnergraph.analysis.browse import _folded_names, search

    graph = small.cache.graph()
    entries = _folded_names(graph)
    for text in ("a", "an", "li", "c", "ana", "wm", "lib", "glam", "university", "é", "zzz", "n l", "x"):
        found = [r["id"] for r in search(graph, text, limit=10_000)]
        needle = text.casefold()
        every = {e[2] for e in entries if any(needle in field for field in (e[0], e[1], e[3], e[4]))}
        assert every <= set(found) and len(found) == len(set(found)), text  # types may add more, never twice
