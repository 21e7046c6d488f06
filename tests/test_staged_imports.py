"""Imports are all or nothing on both stores, and on Neo4j in bounded memory: staged in small
transactions that readers never see, published in one, swept after a crash (store/neo4j_import.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from conftest import NEO4J_PASSWORD, ROOT, settings_for
from partnergraph.model import Connection, Dataset, Element, Kind, RelType, StoreError
from partnergraph.store import is_neo4j_url, neo4j_import, open_store
from partnergraph.store.neo4j import Neo4jStore


def _staging_left(url: str) -> dict[str, int]:
    """Count what imports left behind in Neo4j: staged and retired nodes, import markers."""
    import neo4j

    with neo4j.GraphDatabase.driver(url, auth=("neo4j", NEO4J_PASSWORD)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n) WHERE n:PartnergraphStaged OR n:PartnergraphRetired OR n:PartnergraphImport "
            "RETURN labels(n)[0] AS label, count(*) AS count")
    return {r["label"]: r["count"] for r in records}


def _people(prefix: str, count: int) -> list[Element]:
    return [Element(f"{prefix}{i:04d}", Kind.CONTACT, f"Person {prefix}{i}") for i in range(count)]


def _chain(elements: list[Element]) -> list[Connection]:
    return [Connection(a.id, b.id, RelType.KNOWS, {"strength": 3}) for a, b in zip(elements, elements[1:], strict=False)]


def _content(store) -> tuple:
    snapshot = store.snapshot()
    return snapshot.version, snapshot.elements, snapshot.connections


# Neo4j imports staged in batches of 7 rows, so that a small import takes many transactions.
SMALL_BATCH = 7


def _kill_mid_import(db_url: str) -> None:
    """Run an import in another process that kills itself (SIGKILL) once 100 rows are written.

    On Neo4j several staging transactions have committed by then; on SQLite its one transaction
    is open.
    """
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from conftest import settings_for
        from partnergraph.model import Dataset
        from partnergraph.store import open_store
        from test_staged_imports import _chain, _people
        people = _people("new", 200) + _people("old", 5)
        written = []
        def progress(rows):
            written.append(rows)
            if sum(written) >= 100:
                os.kill(os.getpid(), signal.SIGKILL)
        with open_store(settings_for({db_url!r}, neo4j_import_batch=20)) as store:
            store.upsert(Dataset(people, _chain(people)), progress)
    """)
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert process.returncode == -9, process.stderr
    if is_neo4j_url(db_url):
        assert _staging_left(db_url)["PartnergraphStaged"] >= 100  # committed, yet unseen


def _old_network(db_url: str) -> tuple:
    old = _people("old", 5)
    with open_store(settings_for(db_url)) as store:
        store.upsert(Dataset(old, _chain(old)))
        return _content(store)


def test_an_import_killed_mid_write_leaves_the_store_as_it_was_and_its_staging_is_swept(db_url):
    before = _old_network(db_url)
    _kill_mid_import(db_url)
    with open_store(settings_for(db_url)) as store:
        assert _content(store) == before  # opening it swept the staging
    if is_neo4j_url(db_url):
        assert _staging_left(db_url) == {}


def test_readers_see_the_old_graph_until_an_import_lands_whole(db_url):
    old = _people("old", 6)
    new = _people("new", 30)
    changed = Element("old0001", Kind.CONTACT, "Renamed while importing")
    between_old = Connection("old0000", "old0005", RelType.KNOWS, {"strength": 1})
    to_old = [Connection("new0000", "old0003", RelType.KNOWS, {"strength": 2})]
    seen: list[tuple] = []
    with open_store(settings_for(db_url, neo4j_import_batch=SMALL_BATCH)) as store, \
            open_store(settings_for(db_url)) as reader:
        store.upsert(Dataset(old, _chain(old)))
        before = _content(reader)
        old_ties = reader.connections_of("old0003")

        def progress(rows: int) -> None:
            seen.append(_content(reader))
            assert reader.get("new0000") is None and reader.get("old0001").name == "Person old1"
            assert reader.connections_of("old0003") == old_ties
            assert reader.existing_kinds(["new0001", "old0002"]) == {"old0002": Kind.CONTACT}
            assert reader.counts()["Contact"] == 6 and reader.counts()["KNOWS"] == 5
            assert reader.search("Person new") == [] and reader.version() == before[0]

        unchanged = ([old[2]], _chain(old)[:1])  # sent again as they are: compared, never written
        stats = store.upsert(Dataset(new + [changed] + unchanged[0], _chain(new) + to_old + [between_old] + unchanged[1]),
                             progress)
        after = _content(reader)
    assert len(seen) >= 2 and all(state == before for state in seen)
    assert (stats.elements_created, stats.elements_updated) == (30, 1)
    assert (stats.connections_created, stats.connections_updated) == (31, 0)
    assert after[0] != before[0] and len(after[1]) == 36 and len(after[2]) == 5 + 31
    assert {c.key for c in after[2]} >= {between_old.key, to_old[0].key}
    assert next(e for e in after[1] if e.id == "old0001").name == "Renamed while importing"


def test_a_restore_in_many_transactions_replaces_everything_at_once(db_url):
    old = _people("old", 12)
    fresh = _people("old", 3) + _people("new", 10)  # three ids come back as new elements
    with open_store(settings_for(db_url, neo4j_import_batch=SMALL_BATCH)) as store:
        store.upsert(Dataset(old, _chain(old)))
        store.replace(Dataset(fresh, _chain(fresh)))
        _, elements, connections = _content(store)
        assert [e.id for e in elements] == sorted(e.id for e in fresh)
        assert [c.key for c in connections] == sorted(c.key for c in _chain(fresh))
    if is_neo4j_url(db_url):
        assert _staging_left(db_url) == {}


@pytest.mark.neo4j
def test_a_failing_row_after_committed_batches_leaves_nothing_staged(neo4j_server):
    with Neo4jStore(neo4j_server, password=NEO4J_PASSWORD, import_batch=SMALL_BATCH) as store:
        store.clear()
        version = store.version()
        # Neo4j cannot store a map as a property: the fifth staging batch fails, four committed.
        bad = Element("bad", Kind.CONTACT, "Bad", {"notes": {"a": 1}})
        people = _people("ok", 30)
        with pytest.raises(StoreError, match="Neo4j"):
            store.upsert(Dataset(people + [bad], _chain(people)))
        assert store.get("ok0001") is None and store.version() == version and store.counts()["Contact"] == 0
    assert _staging_left(neo4j_server) == {}


@pytest.mark.neo4j
def test_a_running_import_is_not_swept_by_another_process(neo4j_server):
    people = _people("new", 20)
    swept: list[int] = []
    with Neo4jStore(neo4j_server, password=NEO4J_PASSWORD, import_batch=SMALL_BATCH) as store:
        store.clear()

        def progress(rows: int) -> None:
            with Neo4jStore(neo4j_server, password=NEO4J_PASSWORD) as other:
                swept.append(neo4j_import.sweep(other._driver, None))

        store.upsert(Dataset(people, _chain(people)), progress)
        assert swept and set(swept) == {0} and store.counts()["Contact"] == 20
