"""The Neo4j store: the same GraphStore over Bolt, every statement from cypher/.

One driver per store (and one store per process in the CLI and the viewer). Writes run in managed
transactions, which the driver retries on transient errors; an upsert is one transaction made
of UNWIND batches, so it lands whole or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from partnergraph.model import Connection, Dataset, Element, Kind, RelType, StoreError, StoreUnavailable
from partnergraph.store.base import Progress, Snapshot, WriteStats
from partnergraph.store.cypher import query

T = TypeVar("T")
# The driver logs connection failures that the StoreError already reports, in one line; without
# a handler, Python's last-resort handler would print them to stderr as well.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
# Rows per UNWIND statement; see benchmarks/import for the measurement behind it.
BATCH = 10_000
SCHEMA = ("create_element_id", "create_affiliate_id", "create_partner_id", "create_contact_id",
          "create_issue_id", "create_element_name")
# Relationship types cannot be parameters without losing the index-backed plan: one file each.
UPSERT_CONNECTIONS = {
    RelType.MEMBER_OF: "write/upsert_member_of",
    RelType.KNOWS: "write/upsert_knows",
    RelType.HOLDS: "write/upsert_holds",
    RelType.PARTNERS_WITH: "write/upsert_partners_with",
    RelType.WORKS_ON: "write/upsert_works_on",
}
# Documented default password of scripts/neo4j-local, used only for a server on this machine.
LOCAL_PASSWORD = "partnergraph"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _element(record: Mapping[str, Any]) -> Element:
    props = {k: record["props"][k] for k in sorted(record["props"]) if k not in ("id", "name")}
    return Element(record["id"], Kind(record["label"]), record["name"], props)


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """Return the URL without user:password, and the user and password it carried."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None, None
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return clean, unquote(parts.username), unquote(parts.password) if parts.password is not None else None


class Neo4jStore:
    """A GraphStore in a Neo4j 5 database reached over Bolt."""

    def __init__(self, url: str, *, user: str = "neo4j", password: str | None = None, database: str | None = None,
                 retry_seconds: float = 15.0):
        clean, url_user, url_password = split_credentials(url)
        self.url = clean  # never show a password
        self.user = url_user or user
        password = url_password if url_password is not None else password
        if password is None and urlsplit(clean).hostname in LOCAL_HOSTS:
            password = LOCAL_PASSWORD
        self.database = database
        self._password_given = password is not None
        try:
            # A transaction that meets a restarting server or a leader change is retried for
            # `retry_seconds`; after that the caller hears that Neo4j is unavailable.
            self._driver = GraphDatabase.driver(clean, auth=(self.user, password or ""),
                                                connection_timeout=10, max_transaction_retry_time=retry_seconds)
        except (ConfigurationError, ValueError) as exc:
            raise StoreError(f"{clean}: not a usable Neo4j URL ({exc})") from None
        self._ready = False

    # -- connection management -------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn driver failures into one-line StoreErrors that name the URL and the cause."""
        where = self.url + (f" (database {self.database!r})" if self.database else "")
        try:
            yield
        except AuthError:
            hint = "" if self._password_given else "; set NEO4J_PASSWORD or put user:password in the URL"
            raise StoreError(f"{where}: Neo4j refused the credentials of user {self.user!r}{hint}") from None
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(f"{where}: Neo4j is not reachable ({_first_line(exc)})") from None
        except ClientError as exc:
            if exc.code and "DatabaseNotFound" in exc.code:
                raise StoreError(f"{where}: Neo4j has no database {self.database!r}") from None
            raise StoreError(f"{where}: Neo4j rejected a statement ({_first_line(exc)})") from None
        except Neo4jError as exc:
            if exc.code and "MemoryPoolOutOfMemoryError" in exc.code:
                raise StoreError(f"{where}: Neo4j ran out of transaction memory; an import is one transaction, "
                                 "so give Neo4j more heap (dbms.memory.transaction.total.max) or import in parts") from None
            raise StoreError(f"{where}: Neo4j failed ({_first_line(exc)})") from None
        except DriverError as exc:
            raise StoreError(f"{where}: Neo4j failed ({_first_line(exc)})") from None

    def _prepare(self) -> None:
        if self._ready:
            return
        with self._errors():
            self._driver.verify_connectivity()
            for name in SCHEMA:
                self._driver.execute_query(query(f"schema/{name}"), database_=self.database)
        self._ready = True

    def _read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        self._prepare()
        with self._errors(), self._driver.session(database=self.database) as session:
            return session.execute_read(work)

    def _write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        self._prepare()
        with self._errors(), self._driver.session(database=self.database) as session:
            return session.execute_write(work)

    def close(self) -> None:
        """Close the driver and its connections."""
        self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes ----------------------------------------------------------------------------

    def upsert(self, dataset: Dataset, progress: Progress | None = None) -> WriteStats:
        """Merge elements and connections by id in one transaction: all of it or nothing."""
        return self._write(lambda tx: _upsert(tx, dataset, progress))

    def replace(self, dataset: Dataset, progress: Progress | None = None) -> WriteStats:
        """Make the store hold exactly `dataset`, in one transaction: all of it or nothing."""
        def work(tx: neo4j.ManagedTransaction) -> WriteStats:
            tx.run(query("write/delete_elements")).consume()
            stats = _upsert(tx, dataset, progress)
            if not stats.changed:
                tx.run(query("write/bump_version")).consume()  # an emptied store is a change too
            return stats

        return self._write(work)

    def clear(self) -> None:
        """Delete every element and connection."""
        self._prepare()
        with self._errors(), self._driver.session(database=self.database) as session:
            session.run(query("write/delete_everything")).consume()
        self._write(lambda tx: tx.run(query("write/bump_version")).consume())

    # -- reads -----------------------------------------------------------------------------

    def version(self) -> str:
        """Return a token that changes whenever a write commits."""
        return str(self._read(lambda tx: tx.run(query("read/get_version")).single()["version"]))

    def existing_kinds(self, ids: Iterable[str]) -> Mapping[str, Kind]:
        """Return the kind of each of `ids` that exists in the store."""
        wanted = list(dict.fromkeys(ids))

        def work(tx: neo4j.ManagedTransaction) -> dict[str, Kind]:
            found: dict[str, Kind] = {}
            for start in range(0, len(wanted), BATCH):
                for record in tx.run(query("read/find_existing_kinds"), ids=wanted[start:start + BATCH]):
                    found[record["id"]] = Kind(record["label"])
            return found

        return self._read(work) if wanted else {}

    def snapshot(self) -> Snapshot:
        """Return all elements and connections, consistently, with their version."""
        def work(tx: neo4j.ManagedTransaction) -> Snapshot:
            version = str(tx.run(query("read/get_version")).single()["version"])
            elements = [_element(r) for r in tx.run(query("read/list_elements"))]
            connections = [
                Connection(r["source"], r["target"], RelType(r["type"]), {k: r["props"][k] for k in sorted(r["props"])})
                for r in tx.run(query("read/list_connections"))
            ]
            return Snapshot(version, elements, connections)

        return self._read(work)

    def get(self, element_id: str) -> Element | None:
        """Return the element with this id, or None."""
        record = self._read(lambda tx: tx.run(query("read/get_element"), id=element_id).single())
        return _element(record) if record else None

    def find_by_name(self, name: str) -> list[Element]:
        """Return the elements whose name equals `name` exactly."""
        return self._read(lambda tx: [_element(r) for r in tx.run(query("read/find_elements_by_name"), name=name)])

    def search(self, text: str, limit: int = 20) -> list[Element]:
        """Return elements whose id or name contains `text`, case-insensitively, best first."""
        needle = text.strip().lower()
        if not needle:
            return []
        return self._read(lambda tx: [_element(r) for r in tx.run(query("read/search_elements"), text=needle, limit=limit)])

    def counts(self) -> dict[str, int]:
        """Return the number of elements per kind and connections per type."""
        def work(tx: neo4j.ManagedTransaction) -> dict[str, int]:
            result = {kind.value: 0 for kind in Kind} | {rel.value: 0 for rel in RelType}
            for record in tx.run(query("read/count_elements")):
                result[record["label"]] = record["count"]
            for record in tx.run(query("read/count_connections")):
                result[record["type"]] = record["count"]
            return result

        return self._read(work)


def _upsert(tx: neo4j.ManagedTransaction, dataset: Dataset, progress: Progress | None) -> WriteStats:
    """Merge elements, then connections one type at a time, within the transaction `tx`."""
    element_rows = [{"id": e.id, "label": e.kind.value, "name": e.name, "props": e.props} for e in dataset.elements]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for c in dataset.connections:
        by_type.setdefault(c.type.value, []).append({"source": c.source, "target": c.target, "props": c.props})
    created_e, changed_e = _batched(tx, query("write/upsert_elements"), element_rows, {}, progress)
    created_c = changed_c = 0
    for rel_type in sorted(by_type):
        statement = query(UPSERT_CONNECTIONS[RelType(rel_type)])
        created, changed = _batched(tx, statement, by_type[rel_type], {}, progress)
        created_c, changed_c = created_c + created, changed_c + changed
    stats = WriteStats(created_e, changed_e - created_e, created_c, changed_c - created_c)
    if stats.changed:
        tx.run(query("write/bump_version")).consume()
    return stats


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


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
