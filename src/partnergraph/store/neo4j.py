"""The Neo4j store: the same GraphStore over Bolt, every statement from cypher/.

One driver per store (and one store per process in the CLI and the viewer). Writes run in managed
transactions, which the driver retries on transient errors. Imports and restores are staged in
small transactions and published in one (`store/neo4j_import.py`), so they land whole or not at
all in bounded memory.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
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
    TransientError,
)

from partnergraph.model import (
    Conflict,
    Connection,
    Dataset,
    Element,
    Kind,
    RelType,
    StoreError,
    StoreUnavailable,
    connection,
)
from partnergraph.records import (
    Account,
    AccountRefused,
    Change,
    ChangeNote,
    Edit,
    Progress,
    Token,
    WriteStats,
    account_refusal,
    check_edit,
    conflict,
    edits_from_json,
    edits_to_json,
    note_with_stats,
)
from partnergraph.schema import canonical_type
from partnergraph.store.base import (
    Hop,
    Snapshot,
    SnapshotStream,
    alias_names,
    ordered_connections,
    ordered_elements,
    walk,
)
from partnergraph.store.cypher import query
from partnergraph.store.neo4j_import import BATCH, StagedImport, merge_rows, sweep

T = TypeVar("T")
# The driver logs connection failures that the StoreError already reports, in one line; without
# a handler, Python's last-resort handler would print them to stderr as well.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
SCHEMA = ("create_element_id", "create_affiliate_id", "create_partner_id", "create_contact_id",
          "create_issue_id", "create_event_id", "create_element_name", "create_change_seq", "create_account_name",
          "create_token_digest", "create_lock_name", "create_sign_in_key", "create_sign_in_last",
          "create_staged_import", "create_retired_import", "create_import_token")
# Sign-in counters idle for longer than the window are deleted at most this often, per process.
PRUNE_SECONDS = 60.0
# Documented default password of scripts/neo4j-local, used only for a server on this machine.
LOCAL_PASSWORD = "partnergraph"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _element(record: Mapping[str, Any]) -> Element:
    props = {k: record["props"][k] for k in sorted(record["props"]) if k not in ("id", "name")}
    return Element(record["id"], Kind(record["label"]), record["name"], props)


def _connection(record: Mapping[str, Any]) -> Connection:
    props = {k: record["props"][k] for k in sorted(record["props"])}
    return Connection(record["source"], record["target"], RelType(record["type"]), props)


def _change(props: Mapping[str, Any]) -> Change:
    note = ChangeNote(props["author"], props["action"], props["at"], props.get("source", ""),
                      props.get("comment", ""), props.get("reverts"), json.loads(props["summary"]))
    return Change(props["seq"], note, edits_from_json(json.loads(props["edits"])))


def _account(props: Mapping[str, Any]) -> Account:
    return Account(props["name"], props["role"], props["password_hash"], props["created"], bool(props["disabled"]))


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
                 retry_seconds: float = 15.0, import_batch: int = BATCH):
        clean, url_user, url_password = split_credentials(url)
        self.url = clean  # never show a password
        self.user = url_user or user
        password = url_password if url_password is not None else password
        if password is None and urlsplit(clean).hostname in LOCAL_HOSTS:
            password = LOCAL_PASSWORD
        self.database = database
        self.import_batch = import_batch  # rows per staging transaction of an import
        self._password_given = password is not None
        try:
            # A transaction that meets a restarting server or a leader change is retried for
            # `retry_seconds`; after that the caller hears that Neo4j is unavailable.
            # No notifications: the server would plan and send warnings (such as a property no
            # element has yet) with every answer, for nobody to read.
            self._driver = GraphDatabase.driver(clean, auth=(self.user, password or ""),
                                                connection_timeout=10, max_transaction_retry_time=retry_seconds,
                                                notifications_min_severity="OFF")
        except (ConfigurationError, ValueError) as exc:
            raise StoreError(f"{clean}: not a usable Neo4j URL ({exc})") from None
        self._ready = False
        self._pruned = 0.0

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
                raise StoreError(f"{where}: Neo4j ran out of transaction memory; give Neo4j more heap "
                                 "(dbms.memory.transaction.total.max)") from None
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
            sweep(self._driver, self.database)  # what dead imports left
        self._ready = True

    def _read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        self._prepare()
        with self._errors(), self._driver.session(database=self.database) as session:
            return session.execute_read(work)

    def _records(self, statement: str, /, **params: Any) -> list[neo4j.Record]:
        """Return the records of one read statement, from an auto-commit transaction.

        The viewer asks for the version (and often one lookup) on every request: an auto-commit
        read is one round trip, a managed one three (begin, run, commit). A failure the driver
        would retry (a restarting server, a leader change) falls back to the managed read, which
        retries for `retry_seconds`.
        """
        self._prepare()
        with self._errors():
            try:
                with self._driver.session(database=self.database,
                                          default_access_mode=neo4j.READ_ACCESS) as session:
                    return list(session.run(query(statement), params))
            except (ServiceUnavailable, SessionExpired, TransientError):
                pass
        return self._read(lambda tx: list(tx.run(query(statement), params)))

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

    def upsert(self, dataset: Dataset, progress: Progress | None = None,
               note: ChangeNote | None = None, *, single_transaction: bool = False) -> WriteStats:
        """Merge elements and connections by id: all of it or nothing, staged in small transactions.

        `single_transaction` writes it all in one transaction instead (the way before staging,
        kept as the baseline of benchmarks/import_rate.py; its size is capped by Neo4j's heap).
        """
        def finish(tx: neo4j.ManagedTransaction, stats: WriteStats) -> None:
            if stats.changed:
                seq = _bump(tx)
                if note is not None:
                    _record(tx, seq, note_with_stats(note, stats), [])

        if single_transaction:
            def work(tx: neo4j.ManagedTransaction) -> WriteStats:
                stats = WriteStats(*merge_rows(tx, dataset.elements, dataset.connections, progress))
                finish(tx, stats)
                return stats

            return self._write(work)
        return self._staged(dataset, progress, finish, replace=False)

    def replace(self, dataset: Dataset, progress: Progress | None = None,
                note: ChangeNote | None = None) -> WriteStats:
        """Make the store hold exactly `dataset`: all of it or nothing, staged in small transactions."""
        def finish(tx: neo4j.ManagedTransaction, stats: WriteStats) -> None:
            seq = _bump(tx)  # an emptied store is a change too
            if note is not None:
                _record(tx, seq, note_with_stats(note, stats), [])

        return self._staged(dataset, progress, finish, replace=True)

    def _staged(self, dataset: Dataset, progress: Progress | None,
                finish: Callable[[neo4j.ManagedTransaction, WriteStats], None], *, replace: bool) -> WriteStats:
        self._prepare()
        with self._errors():
            return StagedImport(self._driver, self.database, replace=replace, batch=self.import_batch).run(dataset, progress, finish)

    def apply(self, edits: Sequence[Edit], note: ChangeNote) -> Change:
        """Apply `edits` and record them with `note`, in one transaction; return the change."""
        for edit in edits:
            check_edit(edit)
        touched = sorted({i for edit in edits for i in edit.touches})

        def work(tx: neo4j.ManagedTransaction) -> int:
            # The version marker first: edits then run one at a time, and the new version is
            # the change's number. The element locks keep imports out while we compare.
            seq = _bump(tx)
            tx.run(query("write/lock_elements"), ids=touched).consume()
            for edit in edits:
                _apply_edit(tx, edit)
            _record(tx, seq, note, edits)
            return seq

        return Change(self._write(work), note, list(edits))

    def clear(self) -> None:
        """Delete everything: elements, connections, history, accounts and sign-in counts (the version moves on)."""
        self._prepare()
        with self._errors(), self._driver.session(database=self.database) as session:
            session.run(query("write/delete_everything")).consume()
        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(query("write/delete_history")).consume()
            tx.run(query("write/delete_accounts")).consume()
            tx.run(query("write/delete_sign_ins")).consume()
            _bump(tx)

        self._write(work)

    # -- reads -----------------------------------------------------------------------------

    def version(self) -> str:
        """Return a token that changes whenever a write commits."""
        return str(self._records("read/get_version")[0]["version"])

    def identity(self) -> str:
        """Return the id Neo4j gave this database when it was made."""
        return str(self._read(lambda tx: tx.run(query("read/get_database_id")).single()["id"]))

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

    @contextmanager
    def stream(self) -> Iterator[SnapshotStream]:
        """Give the version and every element and connection as read, in one read transaction.

        An explicit transaction rather than a managed one: a managed transaction's work must
        finish inside it (and may be replayed on a retry), which would mean holding every row.
        Records arrive in the driver's batches as the caller iterates; each query starts only
        when the previous one is read, because a second query in the transaction would make the
        driver buffer what is left of the first. No retry: a failure is a StoreError.
        """
        self._prepare()
        with self._errors(), self._driver.session(database=self.database,
                                                  default_access_mode=neo4j.READ_ACCESS) as session:
            with session.begin_transaction() as tx:
                version = str(tx.run(query("read/get_version")).single()["version"])

                def elements() -> Iterator[Element]:
                    for record in tx.run(query("read/list_elements")):
                        yield _element(record)

                def connections() -> Iterator[Connection]:
                    for record in tx.run(query("read/list_connections")):
                        yield _connection(record)

                # Neo4j's ORDER BY may collate some text unlike Python: the order is checked.
                yield SnapshotStream(version, ordered_elements(elements()), ordered_connections(connections()))

    def get(self, element_id: str) -> Element | None:
        """Return the element with this id, or None."""
        records = self._records("read/get_element", id=element_id)
        return _element(records[0]) if records else None

    def find_by_name(self, name: str) -> list[Element]:
        """Return the elements whose name equals `name` exactly."""
        return [_element(r) for r in self._records("read/find_elements_by_name", name=name)]

    def neighbourhood(self, ids: Iterable[str], hops: Sequence[Hop] = (Hop(),)) -> Snapshot:
        """Return the elements `ids` and what `hops` reach from them (see `GraphStore.neighbourhood`).

        Each read is one statement over the list of ids, through the unique index on `id`.
        """
        wanted = list(ids)

        def work(tx: neo4j.ManagedTransaction) -> Snapshot:
            version = str(tx.run(query("read/get_version")).single()["version"])

            def elements(batch: list[str]) -> list[Element]:
                return [_element(r) for r in tx.run(query("read/list_elements_by_id"), ids=batch)] if batch else []

            def touching(batch: list[str], types: frozenset[RelType] | None) -> list[Connection]:
                if not batch:
                    return []
                kept = sorted(t.value for t in types) if types is not None else None
                return [_connection(r) for r in tx.run(query("read/list_touching_connections"), ids=batch, types=kept)]

            found, links = walk(wanted, hops, elements, touching)
            return Snapshot(version, found, links)

        return self._read(work)

    def ids_of(self, kinds: Collection[Kind]) -> list[str]:
        """Return the ids of the elements of `kinds`, sorted."""
        labels = [Kind(k).value for k in kinds]
        return sorted(self._read(lambda tx: [r["id"] for r in tx.run(query("read/list_element_ids_by_label"),
                                                                     labels=labels)]))

    def names(self) -> list[tuple[str, Kind, str, tuple[str, ...]]]:
        """Return every element's id, kind, name and aliases, sorted by id."""
        rows = self._read(lambda tx: [(r["id"], Kind(r["label"]), r["name"], alias_names(r["aliases"]))
                                      for r in tx.run(query("read/list_element_names"))])
        return sorted(rows, key=lambda row: row[0])

    def search(self, text: str, limit: int = 20) -> list[Element]:
        """Return elements whose id, name, alias, offer or sought offer contains `text`, or whose type is it; best first."""
        needle = text.strip().lower()
        if not needle:
            return []
        types = sorted({needle, canonical_type(needle) or needle})
        return [_element(r) for r in self._records("read/search_elements", text=needle, types=types, limit=limit)]

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


    def get_connection(self, source: str, target: str, rel: RelType) -> Connection | None:
        """Return the connection with this key (KNOWS ends in canonical order), or None."""
        key = connection(source, target, rel).key
        return self._read(lambda tx: _current_connection(tx, key))

    def get_connections(self, keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], Connection]:
        """Return the connections that exist among `keys` (from, to, type; KNOWS in canonical order), by key."""
        wanted = [list(key) for key in dict.fromkeys(keys)]
        found: dict[tuple[str, str, str], Connection] = {}
        for start in range(0, len(wanted), 10_000):  # bounded parameter lists
            batch = wanted[start:start + 10_000]
            records = self._read(lambda tx, b=batch: list(tx.run(query("read/list_connections_by_key"), keys=b)))
            found.update((c.key, c) for c in map(_connection, records))
        return found

    def connections_of(self, element_id: str) -> list[Connection]:
        """Return every connection from or to an element, sorted by key."""
        records = self._records("read/list_element_connections", id=element_id)
        return sorted((_connection(r) for r in records), key=lambda c: c.key)

    # -- history ---------------------------------------------------------------------------

    def history(self, element_id: str | None = None, *, limit: int = 50, before: int | None = None) -> list[Change]:
        """Return recorded changes, newest first: all, or those about one element."""
        bound = before if before is not None else 2**63 - 1
        records = self._records("read/list_changes", id=element_id, before=bound, limit=limit)
        return [_change(r["change"]) for r in records]

    def change(self, seq: int) -> Change | None:
        """Return the recorded change number `seq`, or None."""
        records = self._records("read/get_change", seq=seq)
        return _change(records[0]["change"]) if records else None

    # -- accounts --------------------------------------------------------------------------

    def get_account(self, name: str) -> Account | None:
        """Return the account with this name, or None."""
        records = self._records("read/get_account", name=name)
        return _account(records[0]["account"]) if records else None

    def list_accounts(self) -> list[Account]:
        """Return every account, sorted by name."""
        return self._read(lambda tx: [_account(r["account"]) for r in tx.run(query("read/list_accounts"))])

    def put_account(self, account: Account, *, create: bool = False) -> None:
        """Create or replace the account with this name (only create it, with `create`).

        The rules are checked after taking the accounts' lock, in the write transaction, so two
        processes cannot each remove one of the last two admins.
        """
        def work(tx: neo4j.ManagedTransaction) -> None:
            old = _lock_accounts(tx, account.name)
            if create or old is None:
                taken = [r["name"] for r in tx.run(query("read/find_account_names"), name=account.name)]
                if taken:
                    raise AccountRefused(f"an account named {taken[0]!r} exists already")
            _keep_an_admin(tx, old, account)
            tx.run(query("write/set_account"), name=account.name, role=account.role,
                   password_hash=account.password_hash, created=account.created,
                   disabled=account.disabled).consume()

        self._write(work)

    def delete_account(self, name: str) -> bool:
        """Delete an account and its tokens; return whether it existed (never the last enabled admin)."""
        def work(tx: neo4j.ManagedTransaction) -> bool:
            _keep_an_admin(tx, _lock_accounts(tx, name), None)
            return tx.run(query("write/delete_account"), name=name).single()["deleted"] > 0

        return self._write(work)

    def add_token(self, token: Token) -> None:
        """Keep an API token (by its digest) for its account."""
        created = self._write(lambda tx: tx.run(query("write/create_token"), digest=token.digest,
                                                account=token.account, label=token.label,
                                                created=token.created).single()["created"])
        if not created:
            raise StoreError(f"no account {token.account!r}")

    def account_for_token(self, digest: str) -> Account | None:
        """Return the account an API token digest belongs to, or None."""
        records = self._records("read/get_token_account", digest=digest)
        return _account(records[0]["account"]) if records else None

    def list_tokens(self, account: str) -> list[Token]:
        """Return the tokens of an account, sorted by creation."""
        records = self._read(lambda tx: list(tx.run(query("read/list_tokens"), account=account)))
        return [Token(t["digest"], t["account"], t["label"], t["created"]) for t in (r["token"] for r in records)]

    def delete_tokens(self, account: str, label: str | None = None) -> int:
        """Delete the tokens of an account (only those with `label`, if given); return how many."""
        return self._write(lambda tx: tx.run(query("write/delete_tokens"), account=account,
                                             label=label).single()["deleted"])

    # -- sign-in attempts --------------------------------------------------------------------

    def reserve_sign_in(self, limits: Mapping[str, int], now: float, window: float) -> float:
        """Note one sign-in attempt under every key of `limits`, unless one is at its limit (see GraphStore)."""
        keys = sorted(limits)
        since = now - window

        def work(tx: neo4j.ManagedTransaction) -> float:
            tx.run(query("write/lock_sign_in_keys"), keys=keys, now=now).consume()
            wait = 0.0
            for record in tx.run(query("read/list_sign_in_attempts"), keys=keys, since=since):
                times, limit = sorted(record["times"]), limits[record["key"]]
                if len(times) >= limit:
                    wait = max(wait, times[len(times) - limit] + window - now, 1e-3)
            if wait == 0:
                tx.run(query("write/add_sign_in_attempts"), keys=keys, now=now, since=since).consume()
            return wait

        wait = self._write(work)
        if time.monotonic() - self._pruned > PRUNE_SECONDS:
            self._pruned = time.monotonic()
            self._write(lambda tx: tx.run(query("write/delete_sign_in_keys"), since=since, limit=1000).consume())
        return wait

    def release_sign_in(self, keys: Sequence[str], at: float | None = None) -> None:
        """Forget the attempt noted at `at` under each of `keys` (all their attempts when None)."""
        self._write(lambda tx: tx.run(query("write/remove_sign_in_attempts"), keys=sorted(keys), at=at).consume())


def _lock_accounts(tx: neo4j.ManagedTransaction, name: str) -> Account | None:
    """Take the accounts' write lock, then return the account `name` as committed (or None)."""
    tx.run(query("write/lock_accounts")).consume()
    record = tx.run(query("read/get_account"), name=name).single()
    return _account(record["account"]) if record else None


def _keep_an_admin(tx: neo4j.ManagedTransaction, old: Account | None, new: Account | None) -> None:
    admins = tx.run(query("read/count_enabled_admins")).single()["admins"]
    refusal = account_refusal(old, new, admins)
    if refusal:
        raise AccountRefused(refusal)


def _bump(tx: neo4j.ManagedTransaction) -> int:
    """Move the version on (taking the marker's write lock until commit) and return it."""
    return tx.run(query("write/bump_version")).single()["version"]


def _current_connection(tx: neo4j.ManagedTransaction, key: tuple[str, str, str]) -> Connection | None:
    record = tx.run(query("read/get_connection"), source=key[0], target=key[1], type=key[2]).single()
    return _connection(record) if record else None


def _apply_edit(tx: neo4j.ManagedTransaction, edit: Edit) -> None:
    """Compare one edit's target with its `before` and write its `after`, within `tx`."""
    target = edit.target
    if target[0] == "element":
        record = tx.run(query("read/get_element"), id=target[1]).single()
        current: Element | Connection | None = _element(record) if record else None
    else:
        current = _current_connection(tx, target[1:])
    if current != edit.before:
        raise conflict(edit, current)
    after = edit.after
    if isinstance(after, Element):
        tx.run(query("write/set_element"), id=after.id, label=after.kind.value,
               props={**after.props, "id": after.id, "name": after.name}).consume()
    elif isinstance(after, Connection):
        written = tx.run(query("write/set_connection"), source=after.source, target=after.target,
                         type=after.type.value, props=after.props).single()["written"]
        if not written:
            missing = next(end for end in (after.source, after.target)
                           if tx.run(query("read/get_element"), id=end).single() is None)
            raise Conflict(f"{after.type.value} {after.source!r} -> {after.target!r}: "
                           f"{missing!r} does not exist (any more)")
    elif target[0] == "element":
        if tx.run(query("read/count_element_connections"), id=target[1]).single()["connections"]:
            raise Conflict(f"{target[1]!r} still has connections; delete or move them first")
        tx.run(query("write/delete_element"), id=target[1]).consume()
    else:
        tx.run(query("write/delete_connection"), source=target[1], target=target[2], type=target[3]).consume()


def _record(tx: neo4j.ManagedTransaction, seq: int, note: ChangeNote, edits: Sequence[Edit]) -> None:
    touched = list(dict.fromkeys(i for edit in edits for i in edit.touches))
    tx.run(query("write/create_change"), seq=seq, at=note.at, author=note.author, action=note.action,
           source=note.source, comment=note.comment, reverts=note.reverts,
           summary=json.dumps(dict(note.summary), sort_keys=True), edits=json.dumps(edits_to_json(edits)),
           touches=touched).consume()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
