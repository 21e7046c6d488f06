"""Staged imports into Neo4j: all of the data or none, in many small transactions.

Neo4j keeps a transaction's changes in its heap, so one transaction per import caps the size of
an import at the heap (1M ties needed about 10 GB). Here an import writes in small committed
transactions that readers never see, and one small final transaction makes it visible:

- new elements are created as `PartnergraphStaged` nodes (their kind in `pg_label`, the import's
  token in `pg_import`); every reader matches `:Element`, so it never sees them;
- new connections with at least one staged end are created at once: every reader of
  connections requires both ends to be `:Element`, so they stay invisible too;
- what changes existing data (updated elements, connections between two existing elements) is
  written by the final transaction, which is therefore bounded by what changes existing data,
  never by what is new;
- the final transaction relabels the staged nodes (`Element` and their kind), writes those
  changes, moves the version once, records the change and removes the import's marker;
- a restore first retires the old elements in the final transaction (their labels become
  `PartnergraphRetired`, invisible) and deletes them in small transactions afterwards.

Each import has a `PartnergraphImport` marker node and, while it runs, an open transaction whose
metadata names its token (its beacon). Neo4j ends the beacon when the importing process dies or
Neo4j restarts, so `sweep` knows a dead import from a running one by `SHOW TRANSACTIONS`: it
removes the staging of dead imports (and the retired elements of dead restores). Every store
sweeps when it first connects and before every import. See docs/stores.md#imports-in-neo4j.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j
from neo4j.exceptions import ClientError, DriverError, Neo4jError

from partnergraph.model import Conflict, Connection, Dataset, Element, RelType, StoreError
from partnergraph.records import Progress, WriteStats
from partnergraph.schema import RELATIONSHIPS
from partnergraph.store.cypher import query

# Rows per staging transaction (and per UNWIND statement), unless the store is given another
# (`Settings.neo4j_import_batch`): each staging transaction commits on its own, so this bounds the
# heap an import needs.
BATCH = 20_000
# Relationship types cannot be parameters without losing the index-backed plan of MERGE: one
# file each, named in partnergraph.schema.
UPSERT_CONNECTIONS = {rel: spec.cypher for rel, spec in RELATIONSHIPS.items()}


@dataclass
class Plan:
    """An import sorted into what is staged and what the final transaction writes."""

    staged: list[Element] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)  # element id -> elementId, staged or existing
    staged_connections: list[Connection] = field(default_factory=list)
    final_elements: list[Element] = field(default_factory=list)
    final_connections: list[Connection] = field(default_factory=list)
    unchanged: int = 0  # rows that would change nothing: not written at all


T = TypeVar("T")
# Moves the version and records the change, inside the final transaction.
Finish = Callable[[neo4j.ManagedTransaction, WriteStats], None]


def sweep(driver: neo4j.Driver, database: str | None) -> int:
    """Remove the staging of imports whose process or Neo4j died; return how many were removed."""
    with driver.session(database=database) as session:
        markers = [(r["token"], r["state"]) for r in session.run(query("read/list_imports"))]
        if not markers:
            return 0
        try:
            live = {r["token"] for r in session.run(query("read/list_live_imports"))}
        except Neo4jError:  # not allowed to list transactions: leave every import alone
            return 0
        dead = [(token, state) for token, state in markers if token not in live]
        for token, state in dead:
            _remove(session, token, state)
    return len(dead)


def _remove(session: neo4j.Session, token: str, state: str) -> None:
    """Delete what an import left (staging, or retired elements after a restore), then its marker."""
    if state != "retiring":
        # Mark it first: a final transaction that has not run yet then refuses to publish.
        record = session.run(query("write/abandon_import"), token=token).single()
        state = record["state"] if record else "removing"
    if state == "retiring":  # published: only the old elements remain to delete
        session.run(query("write/delete_retired"), token=token).consume()
    else:
        session.run(query("write/delete_staged"), token=token).consume()
    session.run(query("write/delete_import"), token=token).consume()


class StagedImport:
    """One import, staged in small transactions and published in one (see the module's docstring)."""

    def __init__(self, driver: neo4j.Driver, database: str | None, *, replace: bool, batch: int = BATCH):
        self.driver = driver
        self.database = database
        self.replace = replace
        self.batch = batch  # rows per staging transaction
        self.token = uuid.uuid4().hex
        self._beacon_session: neo4j.Session | None = None
        self._beacon: neo4j.Transaction | None = None

    def run(self, dataset: Dataset, progress: Progress | None, finish: Finish) -> WriteStats:
        """Stage `dataset`, then publish it in one transaction; on any failure remove the staging."""
        sweep(self.driver, self.database)
        published = False
        try:
            self._begin()
            with self.driver.session(database=self.database) as session:
                plan = self._plan(session, dataset)
                if progress and plan.unchanged:
                    progress(plan.unchanged)
                created_e = self._stage_elements(session, plan, progress)
                created_c = self._stage_connections(session, plan, progress)
            self._check_beacon()
            stats = self._publish(plan, created_e, created_c, progress, finish)
            published = True
            if self.replace:
                with self.driver.session(database=self.database) as session:
                    _remove(session, self.token, "retiring")
            return stats
        except BaseException:
            if not published:
                self._abandon()
            raise
        finally:
            self._end()

    # -- the beacon: an open transaction that tells other processes this import is alive ------

    def _begin(self) -> None:
        self._beacon_session = self.driver.session(database=self.database)
        self._beacon = self._beacon_session.begin_transaction(metadata={"partnergraph_import": self.token})
        self._beacon.run(query("read/get_version")).consume()  # the transaction exists once it ran something
        self.driver.execute_query(query("write/create_import"), token=self.token, started=time.time(),
                                  database_=self.database)

    def _check_beacon(self) -> None:
        assert self._beacon is not None
        try:
            self._beacon.run(query("read/get_version")).consume()
        except (Neo4jError, DriverError):
            raise StoreError("Neo4j ended the import's session (did it restart?); nothing was imported, "
                             "import again") from None

    def _end(self) -> None:
        for closing in (self._beacon, self._beacon_session):
            try:
                if closing is not None:
                    closing.close()
            except Exception:  # noqa: BLE001 - a dead beacon needs no closing
                pass

    def _abandon(self) -> None:
        """Remove this import's staging now; if that fails too, the next sweep does it."""
        try:
            with self.driver.session(database=self.database) as session:
                _remove(session, self.token, "staging")
        except Exception:  # noqa: BLE001 - the first failure is the one to report
            pass

    # -- staging ---------------------------------------------------------------------------

    def _plan(self, session: neo4j.Session, dataset: Dataset) -> Plan:
        """Sort rows: new elements are staged; existing ones wait for the final transaction."""
        plan = Plan()
        if not self.replace:
            ids = list(dict.fromkeys([e.id for e in dataset.elements]
                                     + [i for c in dataset.connections for i in (c.source, c.target)]))
            for start in range(0, len(ids), self.batch):
                for record in session.run(query("read/find_element_refs"), ids=ids[start:start + self.batch]):
                    plan.refs[record["id"]] = record["ref"]
        existing = set(plan.refs)
        for element in dataset.elements:
            (plan.final_elements if element.id in existing else plan.staged).append(element)
        staged_ids = {e.id for e in plan.staged}
        for c in dataset.connections:
            if c.source in staged_ids or c.target in staged_ids:
                plan.staged_connections.append(c)
            else:
                plan.final_connections.append(c)
        # Rows that would change nothing are dropped here, in small read transactions, so that
        # the final transaction holds only real changes (a re-import of the same file: none).
        before = len(plan.final_elements) + len(plan.final_connections)
        plan.final_elements = _changed(session, "read/find_changed_elements", plan.final_elements,
                                       lambda e: {"id": e.id, "name": e.name, "props": e.props}, self.batch)
        plan.final_connections = _changed(session, "read/find_changed_connections", plan.final_connections,
                                          lambda c: {"source": c.source, "target": c.target, "type": c.type.value,
                                                     "props": c.props}, self.batch)
        plan.unchanged = before - len(plan.final_elements) - len(plan.final_connections)
        return plan

    def _stage_elements(self, session: neo4j.Session, plan: Plan, progress: Progress | None) -> int:
        for start in range(0, len(plan.staged), self.batch):
            batch = plan.staged[start:start + self.batch]
            rows = [{**e.props, "id": e.id, "name": e.name, "pg_label": e.kind.value, "pg_import": self.token}
                    for e in batch]
            records = session.execute_write(lambda tx, r=rows: list(tx.run(query("write/stage_elements"), rows=r)))
            plan.refs.update((record["id"], record["ref"]) for record in records)
            if progress:
                progress(len(batch))
        return len(plan.staged)

    def _stage_connections(self, session: neo4j.Session, plan: Plan, progress: Progress | None) -> int:
        staged = {e.id for e in plan.staged}
        # Ends that are in neither the import nor the store are skipped, as by the final upsert.
        wanted = [c for c in plan.staged_connections if c.source in plan.refs and c.target in plan.refs]
        among_staged = [c for c in wanted if c.source in staged and c.target in staged]
        to_existing = [c for c in wanted if not (c.source in staged and c.target in staged)]
        for statement, connections in (("write/stage_connections", among_staged),
                                       ("write/stage_existing_connections", to_existing)):
            for start in range(0, len(connections), self.batch):
                batch = connections[start:start + self.batch]
                rows = [{"a": plan.refs[c.source], "b": plan.refs[c.target], "type": c.type.value, "props": c.props}
                        for c in batch]
                if statement == "write/stage_existing_connections":  # ends checked by id too
                    rows = [{**row, "source": c.source, "target": c.target} for row, c in zip(rows, batch, strict=True)]
                created = session.execute_write(
                    lambda tx, q=statement, r=rows: tx.run(query(q), rows=r).single()["created"])
                if created != len(rows):
                    raise Conflict("an element this import connects to was deleted while it ran; import again")
                if progress:
                    progress(len(batch))
        return len(wanted)

    # -- the final transaction ---------------------------------------------------------------

    def _publish(self, plan: Plan, created_e: int, created_c: int, progress: Progress | None,
                 finish: Finish) -> WriteStats:
        def work(tx: neo4j.ManagedTransaction) -> WriteStats:
            state = "retiring" if self.replace else "published"
            found = tx.run(query("write/publish_import"), token=self.token, state=state).single()["found"]
            if not found:
                raise StoreError("the import's staging was removed while it ran (did Neo4j restart?); "
                                 "nothing was imported, import again")
            if self.replace:  # the marker stays until the retired elements are deleted
                tx.run(query("write/retire_elements"), token=self.token).consume()
            else:
                tx.run(query("write/delete_import"), token=self.token).consume()
            published = tx.run(query("write/publish_staged"), token=self.token).single()["published"]
            if published != created_e:
                raise StoreError(f"the import staged {created_e} elements but found {published}; "
                                 "nothing was imported, import again")
            ce, ue, cc, uc = merge_rows(tx, plan.final_elements, plan.final_connections, progress)
            stats = WriteStats(created_e + ce, ue, created_c + cc, uc)
            finish(tx, stats)
            return stats

        with self.driver.session(database=self.database) as session:
            try:
                return session.execute_write(work)
            except ClientError as exc:
                if exc.code and "ConstraintValidationFailed" in exc.code:
                    raise Conflict("an element with the id of one this import creates was created meanwhile; "
                                   "nothing was imported, import again") from None
                raise


def _changed(session: neo4j.Session, statement: str, rows: list[T], param: Callable[[T], dict[str, Any]],
             size: int) -> list[T]:
    """Return the rows that `statement` finds would change the store, in their order (`size` rows a read)."""
    keep: set[int] = set()
    for start in range(0, len(rows), size):
        batch = [{**param(row), "i": start + i} for i, row in enumerate(rows[start:start + size])]
        keep.update(r["i"] for r in session.execute_read(lambda tx, b=batch: list(tx.run(query(statement), rows=b))))
    return [row for i, row in enumerate(rows) if i in keep]


def merge_rows(tx: neo4j.ManagedTransaction, elements: Sequence[Element], connections: Sequence[Connection],
                progress: Progress | None) -> tuple[int, int, int, int]:
    """Merge elements, then connections one type at a time, within `tx`; return what was created and updated."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for c in connections:
        by_type.setdefault(c.type.value, []).append({"source": c.source, "target": c.target, "props": c.props})
    element_rows = [{"id": e.id, "label": e.kind.value, "name": e.name, "props": e.props} for e in elements]
    created_e, changed_e = _batched(tx, query("write/upsert_elements"), element_rows, {}, progress)
    created_c = changed_c = 0
    for rel_type in sorted(by_type):
        statement = query(UPSERT_CONNECTIONS[RelType(rel_type)])
        created, changed = _batched(tx, statement, by_type[rel_type], {}, progress)
        created_c, changed_c = created_c + created, changed_c + changed
    return created_e, changed_e - created_e, created_c, changed_c - created_c


def _batched(tx: neo4j.ManagedTransaction, statement: str, rows: list[dict[str, Any]], params: dict[str, Any],
             progress: Progress | None) -> tuple[int, int]:
    created = changed = 0
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        record = tx.run(statement, rows=batch, **params).single()
        created, changed = created + record["created"], changed + record["changed"]
        if progress:
            progress(len(batch))
    return created, changed
