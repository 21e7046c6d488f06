"""The store side of editing: compare-and-write edits, the history of changes, accounts and tokens.

Every test runs on the embedded store and on a real Neo4j (the `db_url` fixture).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from conftest import SMALL, settings_for
from partnergraph.model import Conflict, Element, Kind, RelType, connection
from partnergraph.records import Account, ChangeNote, Edit, Token
from partnergraph.store import open_store
from partnergraph.store.sqlite import SqliteStore

ANA = Element("ana", Kind.CONTACT, "Ana", {"email": "ana@example.org"})
BEN = Element("ben", Kind.CONTACT, "Ben", {})
WMDE = Element("wmde", Kind.AFFILIATE, "Wikimedia Deutschland", {"country": "DE"})
TIE = connection("ben", "ana", RelType.KNOWS, {"strength": 3, "source": "conference"})


def note(action: str = "create", author: str = "ana", **extra) -> ChangeNote:
    return ChangeNote(author, action, "2026-11-24T10:00:00Z", **{"source": "test", **extra})


@pytest.fixture
def store(db_url: str):
    with open_store(settings_for(db_url)) as s:
        yield s


def test_an_edit_lands_whole_and_is_recorded_with_who_when_and_why(store):
    change = store.apply([Edit(None, ANA), Edit(None, BEN), Edit(None, TIE)], note(comment="met at WikiCon"))

    assert store.get("ana") == ANA
    assert store.get_connection("ana", "ben", RelType.KNOWS) == TIE
    assert store.get_connection("ben", "ana", RelType.KNOWS) == TIE  # KNOWS has no direction
    assert store.connections_of("ben") == [TIE]
    recorded = store.change(change.seq)
    assert recorded.note == note(comment="met at WikiCon")
    assert recorded.edits == [Edit(None, ANA), Edit(None, BEN), Edit(None, TIE)]
    assert recorded.touches == ["ana", "ben"]


def test_an_update_writes_exactly_the_new_state_and_history_lists_it_per_element(store):
    first = store.apply([Edit(None, ANA), Edit(None, BEN)], note())
    renamed = Element("ana", Kind.CONTACT, "Ana Lima", {"phone": "+49 30 1234"})
    second = store.apply([Edit(ANA, renamed)], note("update", author="ben"))

    assert store.get("ana") == renamed  # the email is gone: an edit is not a merge of properties
    assert [c.seq for c in store.history("ana")] == [second.seq, first.seq]
    assert [c.seq for c in store.history("ben")] == [first.seq]
    assert [c.seq for c in store.history()] == [second.seq, first.seq]
    assert [c.seq for c in store.history(before=second.seq)] == [first.seq]
    assert [c.seq for c in store.history(limit=1)] == [second.seq]
    assert second.seq > first.seq
    assert store.change(second.seq).edits[0].before == ANA


def test_an_edit_based_on_a_stale_state_is_refused_and_changes_nothing(store):
    store.apply([Edit(None, ANA), Edit(None, BEN)], note())
    theirs = Element("ana", Kind.CONTACT, "Ana (theirs)", ANA.props)
    store.apply([Edit(ANA, theirs)], note("update"))
    version = store.version()
    mine = Element("ana", Kind.CONTACT, "Ana", {"email": "new@example.org"})

    with pytest.raises(Conflict, match="'ana' has changed since it was read"):
        store.apply([Edit(None, TIE), Edit(ANA, mine)], note("update"))

    assert store.get("ana") == theirs
    assert store.get_connection("ana", "ben", RelType.KNOWS) is None  # the first edit rolled back too
    assert store.version() == version
    assert len(store.history()) == 2


@pytest.mark.parametrize(("edits", "message"), [
    ([Edit(None, ANA)], "'ana' already exists"),
    ([Edit(BEN, None)], "'ben' no longer exists"),
    ([Edit(ANA, None)], "'ana' still has connections"),
    ([Edit(None, connection("ana", "wmde", RelType.MEMBER_OF))], "'wmde' does not exist"),
])
def test_edits_that_no_longer_fit_the_graph_are_refused(store, edits, message):
    store.apply([Edit(None, ANA), Edit(None, Element("cai", Kind.CONTACT, "Cai"))], note())
    store.apply([Edit(None, connection("ana", "cai", RelType.KNOWS))], note())
    before = store.snapshot()

    with pytest.raises(Conflict, match=message):
        store.apply(edits, note())

    assert store.snapshot() == before


def test_an_element_and_its_connections_are_deleted_together_and_can_be_put_back(store):
    store.apply([Edit(None, ANA), Edit(None, BEN), Edit(None, TIE)], note())
    snapshot = store.snapshot()
    deleted = store.apply([Edit(TIE, None), Edit(ANA, None)], note("delete"))
    assert store.get("ana") is None and store.connections_of("ben") == []

    undo = [Edit(e.after, e.before) for e in reversed(deleted.edits)]
    store.apply(undo, note("revert", reverts=deleted.seq))

    assert store.snapshot().elements == snapshot.elements
    assert store.snapshot().connections == snapshot.connections
    assert store.history("ana")[0].note.reverts == deleted.seq


def test_hostile_text_in_an_edit_is_stored_as_data(store):
    store.apply([Edit(None, ANA)], note())
    hostile = "'}) DETACH DELETE n // <img src=x onerror=alert(1)> $id `x`"
    changed = Element("ana", Kind.CONTACT, hostile, {"notes": hostile, "email": "\" OR 1=1 //"})

    store.apply([Edit(ANA, changed)], note("update", comment=hostile))

    assert store.get("ana") == changed
    assert store.history("ana")[0].note.comment == hostile
    assert store.counts()["Contact"] == 1


def test_two_editors_of_one_element_lose_no_update(db_url):
    """Each editor reads, waits until every editor has read, then writes what it read plus one.

    Without the comparison of `before` inside the write transaction, every write after the first
    of a round would overwrite the others: the count would end at the number of rounds.
    """
    editors = 6
    with open_store(settings_for(db_url)) as setup:
        setup.apply([Edit(None, Element("wmde", Kind.AFFILIATE, "WMDE", {"notes": "0"}))], note())
    barrier = threading.Barrier(editors)
    conflicts: list[int] = []
    failures: list[BaseException] = []

    def editor() -> None:
        with open_store(settings_for(db_url)) as store:
            first = True
            while True:
                seen = store.get("wmde")
                if first:
                    barrier.wait(timeout=60)  # everybody has read the same state
                    first = False
                bumped = Element("wmde", Kind.AFFILIATE, "WMDE", {"notes": str(int(seen.props["notes"]) + 1)})
                try:
                    store.apply([Edit(seen, bumped)], note("update"))
                    return
                except Conflict:
                    conflicts.append(1)

    def run() -> None:
        try:
            editor()
        except BaseException as exc:  # a thread's failure must fail the test
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not failures
    with open_store(settings_for(db_url)) as store:
        assert store.get("wmde").props["notes"] == str(editors)
        assert len(store.history("wmde")) == editors + 1
    assert len(conflicts) >= editors - 1  # all but one of the first round had to reload


def test_an_import_with_a_note_is_recorded_with_its_counts(workspace, db_url):
    from partnergraph.io.reader import read_rows
    from partnergraph.model import validate_dataset

    dataset = validate_dataset(*read_rows(SMALL))
    stats = workspace.store.upsert(dataset, note=note("import", source=str(SMALL)))
    again = workspace.store.upsert(dataset, note=note("import", source=str(SMALL)))

    history = workspace.store.history()
    assert not again.changed
    assert len(history) == 1  # re-importing the same data changes nothing, so records nothing
    assert history[0].note.action == "import" and history[0].edits == []
    assert history[0].note.summary["elements_created"] == stats.elements_created > 0


def test_accounts_and_tokens_are_kept_and_removed_together(store):
    store.put_account(Account("ana", "editor", "scrypt$hash", "2026-11-24T10:00:00Z"))
    store.put_account(Account("ben", "viewer", "scrypt$other", "2026-11-24T10:00:00Z"))
    store.put_account(Account("ana", "admin", "scrypt$hash", "2026-11-24T10:00:00Z", disabled=True))
    store.add_token(Token("d1", "ana", "sync script", "2026-11-24T10:00:01Z"))
    store.add_token(Token("d2", "ana", "laptop", "2026-11-24T10:00:02Z"))

    assert [a.name for a in store.list_accounts()] == ["ana", "ben"]
    assert store.get_account("ana") == Account("ana", "admin", "scrypt$hash", "2026-11-24T10:00:00Z", True)
    assert store.account_for_token("d1").name == "ana"
    assert [t.label for t in store.list_tokens("ana")] == ["sync script", "laptop"]
    assert store.delete_tokens("ana", "laptop") == 1
    assert store.account_for_token("d2") is None
    assert store.delete_account("ana") is True
    assert store.account_for_token("d1") is None
    assert store.delete_account("ana") is False
    assert store.get_account("nobody") is None


def test_clearing_a_store_forgets_history_and_accounts_too(store):
    store.apply([Edit(None, ANA)], note())
    store.put_account(Account("ana", "editor", "h", "2026"))
    store.clear()
    assert store.history() == [] and store.list_accounts() == [] and store.get("ana") is None


def test_a_database_of_the_first_schema_is_upgraded_keeping_its_graph(tmp_path: Path):
    path = tmp_path / "old.db"
    from partnergraph.store.sqlite import MIGRATIONS

    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS[0])
    old.execute("INSERT INTO elements (id, kind, name, props) VALUES ('ana', 'Contact', 'Ana', '{}')")
    old.execute("PRAGMA user_version = 1")
    old.commit()
    old.close()

    with SqliteStore(path) as store:
        assert store.get("ana") == Element("ana", Kind.CONTACT, "Ana", {})
        store.apply([Edit(store.get("ana"), Element("ana", Kind.CONTACT, "Ana Lima", {}))], note("update"))
        assert store.history("ana")[0].note.action == "update"


def test_imports_and_restores_from_the_command_line_are_in_the_history(cli, tmp_path: Path):
    from partnergraph.store import open_store as opened

    assert cli("import", str(SMALL)).exit_code == 0
    assert cli("backup", str(tmp_path / "b.json")).exit_code == 0
    assert cli("restore", "--yes", str(tmp_path / "b.json")).exit_code == 0

    with opened(settings_for(cli.db)) as store:
        history = store.history()
    assert [c.note.action for c in history] == ["restore", "import"]
    assert history[1].note.source == str(SMALL) and history[1].note.author.startswith("cli:")
    assert history[0].note.summary["elements_created"] > 0
