"""The GraphStore contract, which every store must keep, and the embedded store's own guarantees."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from conftest import SMALL
from partnergraph.config import Settings
from partnergraph.io.reader import read_rows
from partnergraph.model import Dataset, Element, Kind, StoreError, validate_dataset
from partnergraph.store import GraphStore, open_store
from partnergraph.store.sqlite import SCHEMA_VERSION, SqliteStore


def small_dataset() -> Dataset:
    return validate_dataset(*read_rows(SMALL))


# -- the contract (every store) ---------------------------------------------------------------


def test_a_store_implements_the_protocol(workspace):
    assert isinstance(workspace.store, GraphStore)


def test_an_empty_store_answers_empty(workspace):
    store = workspace.store
    assert store.snapshot().elements == [] and store.get("x") is None
    assert store.search("x") == [] and store.find_by_name("x") == []
    assert set(store.counts().values()) == {0}


def test_upsert_then_read_back_everything(workspace):
    store = workspace.store
    dataset = small_dataset()
    stats = store.upsert(dataset)
    assert (stats.elements_created, stats.connections_created) == (15, 22)
    snapshot = store.snapshot()
    assert sorted(e.id for e in snapshot.elements) == sorted(e.id for e in dataset.elements)
    assert {c.key for c in snapshot.connections} == {c.key for c in dataset.connections}
    ana = store.get("ana")
    assert ana.kind is Kind.CONTACT and ana.props["email"] == "ana@example.org"
    knows = next(c for c in snapshot.connections if c.key == ("ana", "cai", "KNOWS"))
    assert knows.props == {"strength": 4, "since": "2019-05", "last_contact": "2026-09", "source": "Wikimania 2019"}


def test_the_version_changes_on_writes_only(workspace):
    store = workspace.store
    before = store.version()
    store.upsert(small_dataset())
    after = store.version()
    assert after != before
    store.upsert(small_dataset())
    assert store.version() == after
    store.upsert(Dataset([Element("cc", Kind.PARTNER, "Creative Commons", {"website": "https://x.example"})], []))
    assert store.version() != after


def test_search_finds_by_part_of_name_or_id_best_first(workspace):
    workspace.store.upsert(small_dataset())
    # Exact names first, then names that start with the text, then shorter names.
    assert [e.id for e in workspace.store.search("wikimedia")] == ["wmf", "wmde", "wmke"]
    assert {e.id for e in workspace.store.search("WIKIMEDIA")} == {"wmf", "wmde", "wmke"}
    assert [e.id for e in workspace.store.search("Creative Commons")] == ["cc"]
    assert workspace.store.search("%") == []  # a wildcard is a plain character


def test_search_folds_case_beyond_ascii(workspace):
    elements = [Element("e1", Kind.PARTNER, "École Numérique"), Element("e2", Kind.PARTNER, "Ümit Öztürk Vakfı")]
    workspace.store.upsert(Dataset(elements, []))
    assert [e.id for e in workspace.store.search("école")] == ["e1"]
    assert [e.id for e in workspace.store.search("ÜMIT")] == ["e2"]


def test_hostile_names_are_stored_as_data(workspace):
    names = ["<img src=x onerror=alert(1)>", "'}) DETACH DELETE n //", "Robert'); DROP TABLE elements;--"]
    elements = [Element(f"h{i}", Kind.CONTACT, name, {"notes": name}) for i, name in enumerate(names)]
    workspace.store.upsert(Dataset(elements, []))
    assert [workspace.store.get(f"h{i}").name for i in range(3)] == names
    assert workspace.store.find_by_name(names[1])[0].id == "h1"
    assert workspace.store.counts()["Contact"] == 3


def test_existing_kinds_reports_only_known_ids(workspace):
    workspace.store.upsert(small_dataset())
    assert dict(workspace.store.existing_kinds(["ana", "cc", "zzz"])) == {"ana": Kind.CONTACT, "cc": Kind.PARTNER}


# -- the embedded store ------------------------------------------------------------------------


def test_store_urls_select_the_embedded_store(tmp_path):
    assert isinstance(open_store(Settings(db=f"sqlite:///{tmp_path}/a.db")), SqliteStore)
    assert open_store(Settings(db=f"sqlite:///{tmp_path}/a.db")).path == tmp_path / "a.db"
    assert open_store(Settings(db=str(tmp_path / "b.db"))).path == tmp_path / "b.db"
    with pytest.raises(StoreError):
        open_store(Settings(db="mysql://x"))


def test_the_embedded_store_uses_wal_and_records_its_schema_version(tmp_path):
    with SqliteStore(tmp_path / "g.db") as store:
        store.upsert(small_dataset())
    conn = sqlite3.connect(tmp_path / "g.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_database_from_a_newer_partnergraph_is_refused(tmp_path):
    with SqliteStore(tmp_path / "g.db") as store:
        store.upsert(small_dataset())
    conn = sqlite3.connect(tmp_path / "g.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer partnergraph"):
        SqliteStore(tmp_path / "g.db").version()


def test_a_foreign_sqlite_database_is_refused(tmp_path):
    conn = sqlite3.connect(tmp_path / "other.db")
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    with pytest.raises(StoreError, match="not a partnergraph database"):
        SqliteStore(tmp_path / "other.db").upsert(small_dataset())


def test_a_reader_in_another_process_sees_the_last_commit_while_a_write_is_open(tmp_path):
    path = tmp_path / "g.db"
    with SqliteStore(path) as store:
        store.upsert(small_dataset())
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM connections")
    writer.execute("DELETE FROM elements")
    # The write is uncommitted: a reader in another process sees the whole committed graph.
    code = (f"from partnergraph.store.sqlite import SqliteStore; s = SqliteStore({str(path)!r}); "
            "print(len(s.snapshot().elements), len(s.snapshot().connections))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["15", "22"], done.stderr
    writer.execute("ROLLBACK")


def test_a_failing_write_rolls_back_everything(tmp_path):
    with SqliteStore(tmp_path / "g.db") as store:
        store.upsert(small_dataset())
        before = store.snapshot()
        broken = Dataset([Element("new", Kind.CONTACT, "New")], [small_dataset().connections[0]])
        broken.connections[0].source = "missing-id"  # violates the foreign key at write time
        with pytest.raises(sqlite3.IntegrityError):
            store.upsert(broken)
        after = store.snapshot()
    assert after.version == before.version and len(after.elements) == len(before.elements)


def test_opening_a_foreign_or_empty_file_changes_nothing_in_it(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError):
        SqliteStore(other).version()
    assert sqlite3.connect(other).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    store = SqliteStore(empty)
    assert store.snapshot().elements == [] and store.existing_kinds(["a"]) == {}
    assert empty.read_bytes() == b""


def test_a_stream_gives_the_snapshot_row_by_row(workspace):
    store = workspace.store
    with store.stream() as rows:
        assert list(rows.elements) == [] and list(rows.connections) == []
    store.upsert(small_dataset())
    snapshot = store.snapshot()
    with store.stream() as rows:
        assert rows.version == snapshot.version
        assert list(rows.elements) == snapshot.elements
        assert list(rows.connections) == snapshot.connections


def test_a_stream_out_of_python_order_is_refused_and_the_graph_sorts_a_snapshot_instead(tmp_path, monkeypatch):
    from contextlib import contextmanager

    from partnergraph.services import Workspace
    from partnergraph.store.base import SnapshotStream, StreamOrderError, ordered_elements

    with pytest.raises(StreamOrderError, match="'a' after 'b'"):
        list(ordered_elements([Element("b", Kind.ISSUE, "B"), Element("a", Kind.ISSUE, "A")]))
    with Workspace.open(Settings(db=str(tmp_path / "graph.db"))) as workspace:
        workspace.data.import_path(SMALL)
        store, real = workspace.store, workspace.store.stream

        @contextmanager
        def collated_otherwise():  # as a database whose collation differs from Python's would give
            with real() as rows:
                backwards = list(rows.elements)[::-1]
                yield SnapshotStream(rows.version, ordered_elements(iter(backwards)), rows.connections)

        monkeypatch.setattr(store, "stream", collated_otherwise)
        graph = workspace.cache.graph()
        assert list(graph.nodes) == sorted(graph.nodes) and graph.number_of_nodes() == 15
