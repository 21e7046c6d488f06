"""The embedded default store: one SQLite file, WAL mode, a transaction per write."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from partnergraph.model import (
    Conflict,
    Connection,
    Dataset,
    Element,
    Kind,
    RelType,
    StoreError,
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
    describe_target,
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

# Schema migrations: entry N brings a database from user_version N to N + 1.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE elements (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        props TEXT NOT NULL DEFAULT '{}'
    ) WITHOUT ROWID;
    CREATE INDEX elements_kind ON elements(kind);
    CREATE INDEX elements_name ON elements(name);
    CREATE TABLE connections (
        source TEXT NOT NULL REFERENCES elements(id),
        target TEXT NOT NULL REFERENCES elements(id),
        type TEXT NOT NULL,
        props TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (source, target, type)
    ) WITHOUT ROWID;
    CREATE INDEX connections_target ON connections(target, type);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta (key, value) VALUES ('data_version', '0');
    INSERT INTO meta (key, value) VALUES ('instance', lower(hex(randomblob(16))));
    """,
    # 2: accounts, API tokens and the history of changes.
    """
    CREATE TABLE accounts (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE tokens (
        digest TEXT PRIMARY KEY,
        account TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
        label TEXT NOT NULL,
        created TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX tokens_account ON tokens(account);
    CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        author TEXT NOT NULL,
        action TEXT NOT NULL,
        source TEXT NOT NULL,
        comment TEXT NOT NULL,
        reverts INTEGER,
        summary TEXT NOT NULL,
        edits TEXT NOT NULL
    );
    CREATE TABLE change_touches (
        element TEXT NOT NULL,
        seq INTEGER NOT NULL REFERENCES changes(seq) ON DELETE CASCADE,
        PRIMARY KEY (element, seq)
    ) WITHOUT ROWID;
    """,
    # 3: sign-in attempts (the login limit), so that every worker process counts the same ones.
    """
    CREATE TABLE sign_in_attempts (key TEXT NOT NULL, at REAL NOT NULL);
    CREATE INDEX sign_in_attempts_key ON sign_in_attempts(key, at);
    CREATE INDEX sign_in_attempts_at ON sign_in_attempts(at);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
BATCH = 5000
# Ids per IN (...) list: well under SQLite's limit of bound parameters.
IN_LIST = 500

# Upserts skip rows whose content would not change, so a re-import writes nothing at all.
_UPSERT_ELEMENT = """
INSERT INTO elements (id, kind, name, props) VALUES (?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, props = json_patch(props, excluded.props)
WHERE name IS NOT excluded.name OR props IS NOT json_patch(props, excluded.props)
"""
_UPSERT_CONNECTION = """
INSERT INTO connections (source, target, type, props) VALUES (?, ?, ?, ?)
ON CONFLICT (source, target, type) DO UPDATE SET props = json_patch(props, excluded.props)
WHERE props IS NOT json_patch(props, excluded.props)
"""


_INSTANCE = "SELECT value FROM meta WHERE key = 'instance'"
_VERSION = "SELECT value FROM meta WHERE key = 'data_version'"
_BUMP_VERSION = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'"


@contextmanager
def _write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """Run the block in one write transaction: committed whole, or rolled back on any error."""
    # IMMEDIATE takes the write lock up front, so a concurrent writer waits instead of failing late.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _dumps(props: dict) -> str:
    return json.dumps(props, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _element(row: tuple) -> Element:
    return Element(row[0], Kind(row[1]), row[2], json.loads(row[3]))


def _connection(row: tuple) -> Connection:
    return Connection(row[0], row[1], RelType(row[2]), json.loads(row[3]))


_KINDS = {kind.value: kind for kind in Kind}


def _chunks(ids: list[str]) -> Iterator[tuple[list[str], str]]:
    """Yield `ids` in slices of `IN_LIST`, each with its "?,?,..." placeholders."""
    for start in range(0, len(ids), IN_LIST):
        chunk = ids[start:start + IN_LIST]
        yield chunk, ",".join("?" * len(chunk))


def _aliases(text: str | None) -> tuple[str, ...]:
    """Return the aliases of an element from the JSON of its `aliases` property, as the analysis graph reads them."""
    return alias_names(json.loads(text) if text is not None else None)
_REL_TYPES = {rel.value: rel for rel in RelType}


_CHANGE_COLUMNS = "seq, at, author, action, source, comment, reverts, summary, edits"


def _change(row: tuple) -> Change:
    seq, at, author, action, source, comment, reverts, summary, edits = row
    note = ChangeNote(author, action, at, source, comment, reverts, json.loads(summary))
    return Change(seq, note, edits_from_json(json.loads(edits)))


def _account(row: tuple) -> Account:
    return Account(row[0], row[1], row[2], row[3], bool(row[4]))


class SqliteStore:
    """A GraphStore in one SQLite file; reading a missing file finds an empty graph."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        # One connection per thread: a connection runs one transaction at a time, and the viewer's
        # threads read at once (a snapshot built in the background, requests on others).
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()

    @property
    def _conn(self) -> sqlite3.Connection | None:
        return getattr(self._local, "conn", None)

    @_conn.setter
    def _conn(self, conn: sqlite3.Connection | None) -> None:
        self._local.conn = conn
        if conn is not None:
            with self._opened_lock:
                self._opened.append(conn)

    # -- connection management -------------------------------------------------------------

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        if not self.path.exists():
            if not create:
                return None
            if not self.path.parent.exists():
                raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
        try:
            # Autocommit mode: transactions are opened explicitly below.
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("BEGIN")  # both from one snapshot, should another process be creating the file
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a partnergraph database ({exc})") from None
        # Refuse, or find nothing to read, before changing anything in the file.
        refusal = None
        if version > SCHEMA_VERSION:
            refusal = (f"written by a newer partnergraph (schema {version}, this version knows "
                       f"{SCHEMA_VERSION}); upgrade partnergraph")
        elif version == 0 and tables:
            refusal = "not a partnergraph database (it has other tables)"
        if refusal or (version == 0 and not create):
            conn.close()
            if refusal:
                raise StoreError(f"{self.path}: {refusal}")
            return None
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        # SQLite's lower() folds ASCII only; search must fold "É" as Neo4j's toLower does.
        conn.create_function("unicode_lower", 1, lambda s: s.lower() if isinstance(s, str) else s,
                             deterministic=True)
        if version < SCHEMA_VERSION:
            self._migrate(conn, version)
        self._conn = conn
        return conn

    def _migrate(self, conn: sqlite3.Connection, version: int) -> None:
        with _write_transaction(conn):
            # Another process may have migrated the file since `version` was read: read it again
            # under the write lock.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection | None]:
        conn = self._connect(create=False)
        if conn is None:
            yield None
            return
        # One read transaction, so a concurrent writer cannot tear a multi-query read.
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connections to the file (every thread's)."""
        with self._opened_lock:
            opened, self._opened = self._opened, []
            self._local = threading.local()  # every thread connects again when next used
        for conn in opened:
            conn.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes ----------------------------------------------------------------------------

    def upsert(self, dataset: Dataset, progress: Progress | None = None,
               note: ChangeNote | None = None) -> WriteStats:
        """Merge elements and connections by id in one transaction: all of it or nothing."""
        conn = self._connect(create=True)
        assert conn is not None
        with _write_transaction(conn):
            stats = self._upsert(conn, dataset, progress)
            if note is not None and stats.changed:
                self._record(conn, note_with_stats(note, stats), [])
        return stats

    def replace(self, dataset: Dataset, progress: Progress | None = None,
                note: ChangeNote | None = None) -> WriteStats:
        """Make the store hold exactly `dataset`, in one transaction: all of it or nothing."""
        conn = self._connect(create=True)
        assert conn is not None
        with _write_transaction(conn):
            conn.execute("DELETE FROM connections")
            conn.execute("DELETE FROM elements")
            stats = self._upsert(conn, dataset, progress)
            if not stats.changed:
                conn.execute(_BUMP_VERSION)  # an emptied store is a change too
            if note is not None:
                self._record(conn, note_with_stats(note, stats), [])
        return stats

    def apply(self, edits: Sequence[Edit], note: ChangeNote) -> Change:
        """Apply `edits` and record them with `note`, in one transaction; return the change."""
        for edit in edits:
            check_edit(edit)
        conn = self._connect(create=True)
        assert conn is not None
        # BEGIN IMMEDIATE holds the write lock from the first read: nobody can change a target
        # between the comparison with `before` and the write.
        with _write_transaction(conn):
            for edit in edits:
                self._apply_edit(conn, edit)
            conn.execute(_BUMP_VERSION)
            seq = self._record(conn, note, edits)
        return Change(seq, note, list(edits))

    def _apply_edit(self, conn: sqlite3.Connection, edit: Edit) -> None:
        target = edit.target
        if target[0] == "element":
            row = conn.execute("SELECT id, kind, name, props FROM elements WHERE id = ?", (target[1],)).fetchone()
            current: Element | Connection | None = _element(row) if row else None
        else:
            row = conn.execute("SELECT source, target, type, props FROM connections "
                               "WHERE source = ? AND target = ? AND type = ?", target[1:]).fetchone()
            current = _connection(row) if row else None
        if current != edit.before:
            raise conflict(edit, current)
        after = edit.after
        if isinstance(after, Element):
            sql = ("UPDATE elements SET name = ?, props = ? WHERE id = ?" if current is not None
                   else "INSERT INTO elements (name, props, id, kind) VALUES (?, ?, ?, ?)")
            args = (after.name, _dumps(after.props), after.id) + (() if current is not None else (after.kind.value,))
            conn.execute(sql, args)
        elif isinstance(after, Connection):
            missing = [end for end in (after.source, after.target)
                       if conn.execute("SELECT 1 FROM elements WHERE id = ?", (end,)).fetchone() is None]
            if missing:
                raise Conflict(f"{describe_target(edit)}: {missing[0]!r} does not exist (any more)")
            if current is not None:
                conn.execute("UPDATE connections SET props = ? WHERE source = ? AND target = ? AND type = ?",
                             (_dumps(after.props), *after.key))
            else:
                conn.execute("INSERT INTO connections (source, target, type, props) VALUES (?, ?, ?, ?)",
                             (*after.key, _dumps(after.props)))
        elif target[0] == "element":
            if conn.execute("SELECT 1 FROM connections WHERE source = ? OR target = ? LIMIT 1",
                            (target[1], target[1])).fetchone():
                raise Conflict(f"{target[1]!r} still has connections; delete or move them first")
            conn.execute("DELETE FROM elements WHERE id = ?", (target[1],))
        else:
            conn.execute("DELETE FROM connections WHERE source = ? AND target = ? AND type = ?", target[1:])

    @staticmethod
    def _record(conn: sqlite3.Connection, note: ChangeNote, edits: Sequence[Edit]) -> int:
        # A change's number is the version it made (it is recorded after the version moved on),
        # as in the Neo4j store: a reader at version V catches up by applying changes V+1, V+2...
        seq = int(conn.execute(_VERSION).fetchone()[0])
        conn.execute(
            "INSERT INTO changes (seq, at, author, action, source, comment, reverts, summary, edits) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, note.at, note.author, note.action, note.source, note.comment, note.reverts,
             _dumps(dict(note.summary)), _dumps(edits_to_json(edits))))
        touched = dict.fromkeys(i for edit in edits for i in edit.touches)
        conn.executemany("INSERT INTO change_touches (element, seq) VALUES (?, ?)", ((i, seq) for i in touched))
        return seq

    def _upsert(self, conn: sqlite3.Connection, dataset: Dataset, progress: Progress | None) -> WriteStats:
        before_elements = conn.execute("SELECT count(*) FROM elements").fetchone()[0]
        before_connections = conn.execute("SELECT count(*) FROM connections").fetchone()[0]
        elements_changed = self._write(conn, _UPSERT_ELEMENT, (
            (e.id, e.kind.value, e.name, _dumps(e.props)) for e in dataset.elements), progress)
        connections_changed = self._write(conn, _UPSERT_CONNECTION, (
            (c.source, c.target, c.type.value, _dumps(c.props)) for c in dataset.connections), progress)
        elements_created = conn.execute("SELECT count(*) FROM elements").fetchone()[0] - before_elements
        connections_created = conn.execute("SELECT count(*) FROM connections").fetchone()[0] - before_connections
        stats = WriteStats(elements_created, elements_changed - elements_created,
                           connections_created, connections_changed - connections_created)
        if stats.changed:
            conn.execute(_BUMP_VERSION)
        return stats

    def clear(self) -> None:
        """Delete everything: elements, connections, history, accounts and sign-in counts (the version moves on)."""
        conn = self._connect(create=False)
        if conn is None:
            return
        with _write_transaction(conn):
            conn.execute("DELETE FROM connections")
            conn.execute("DELETE FROM elements")
            conn.execute("DELETE FROM change_touches")
            conn.execute("DELETE FROM changes")
            conn.execute("DELETE FROM tokens")
            conn.execute("DELETE FROM accounts")
            conn.execute("DELETE FROM sign_in_attempts")
            conn.execute(_BUMP_VERSION)

    @staticmethod
    def _write(conn: sqlite3.Connection, sql: str, rows: Iterable[tuple], progress: Progress | None) -> int:
        changed = 0
        batch: list[tuple] = []

        def flush() -> int:
            before = conn.total_changes
            conn.executemany(sql, batch)
            if progress:
                progress(len(batch))
            batch.clear()
            return conn.total_changes - before

        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                changed += flush()
        if batch:
            changed += flush()
        return changed

    # -- reads -----------------------------------------------------------------------------

    def version(self) -> str:
        """Return a token that changes whenever a write commits."""
        with self._read() as conn:
            if conn is None:
                return "empty"
            return conn.execute(_VERSION).fetchone()[0]

    def identity(self) -> str:
        """Return the random name this database was given when made; "" for no database yet.

        A database made before names were given gets one now (a row of its own, not a new
        schema: older versions of partnergraph still open it), or "" when the file is read-only.
        """
        with self._read() as conn:
            if conn is None:
                return ""
            row = conn.execute(_INSTANCE).fetchone()
        if row:
            return row[0]
        conn = self._connect(create=False)
        assert conn is not None
        try:
            with _write_transaction(conn):
                conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('instance', lower(hex(randomblob(16))))")
        except sqlite3.OperationalError:
            return ""
        with self._read() as conn:
            assert conn is not None
            return conn.execute(_INSTANCE).fetchone()[0]

    def existing_kinds(self, ids: Iterable[str]) -> Mapping[str, Kind]:
        """Return the kind of each of `ids` that exists in the store."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Kind] = {}
        with self._read() as conn:
            if conn is None:
                return found
            for chunk, marks in _chunks(wanted):
                for element_id, kind in conn.execute(f"SELECT id, kind FROM elements WHERE id IN ({marks})", chunk):
                    found[element_id] = Kind(kind)
        return found

    def snapshot(self) -> Snapshot:
        """Return all elements and connections, consistently, with their version."""
        with self._read() as conn:
            if conn is None:
                return Snapshot("empty", [], [])
            version = conn.execute(_VERSION).fetchone()[0]
            elements = [_element(r) for r in conn.execute("SELECT id, kind, name, props FROM elements ORDER BY id")]
            connections = [
                Connection(s, t, RelType(ty), json.loads(p))
                for s, t, ty, p in conn.execute(
                    "SELECT source, target, type, props FROM connections ORDER BY source, target, type")
            ]
        return Snapshot(version, elements, connections)

    @contextmanager
    def stream(self) -> Iterator[SnapshotStream]:
        """Give the version and every element and connection as read, in one read transaction."""
        with self._read() as conn:
            if conn is None:
                yield SnapshotStream("empty", iter(()), iter(()))
                return
            version = conn.execute(_VERSION).fetchone()[0]

            # Both tables are keyed (WITHOUT ROWID) by what we order on, so SQLite walks its
            # b-trees in order with nothing to sort; its BINARY collation compares UTF-8 bytes,
            # which is code-point order, Python's. Lookups in dicts, not Kind()/RelType() calls:
            # at ten million rows the enum calls alone cost seconds.
            def elements() -> Iterator[Element]:
                for element_id, kind, name, props in conn.execute(
                        "SELECT id, kind, name, props FROM elements ORDER BY id"):
                    yield Element(element_id, _KINDS[kind], name, json.loads(props))

            def connections() -> Iterator[Connection]:
                for source, target, rel, props in conn.execute(
                        "SELECT source, target, type, props FROM connections ORDER BY source, target, type"):
                    yield Connection(source, target, _REL_TYPES[rel], json.loads(props))

            yield SnapshotStream(version, ordered_elements(elements()), ordered_connections(connections()))

    def get(self, element_id: str) -> Element | None:
        """Return the element with this id, or None."""
        with self._read() as conn:
            if conn is None:
                return None
            row = conn.execute("SELECT id, kind, name, props FROM elements WHERE id = ?", (element_id,)).fetchone()
        return _element(row) if row else None

    def find_by_name(self, name: str) -> list[Element]:
        """Return the elements whose name equals `name` exactly."""
        with self._read() as conn:
            if conn is None:
                return []
            rows = conn.execute("SELECT id, kind, name, props FROM elements WHERE name = ? ORDER BY id", (name,))
            return [_element(r) for r in rows]

    def neighbourhood(self, ids: Iterable[str], hops: Sequence[Hop] = (Hop(),)) -> Snapshot:
        """Return the elements `ids` and what `hops` reach from them (see `GraphStore.neighbourhood`).

        Each read is an indexed lookup: elements by their primary key, connections by the
        primary key's first column (source) and the index on (target, type).
        """
        with self._read() as conn:
            if conn is None:
                return Snapshot("empty", [], [])
            version = conn.execute(_VERSION).fetchone()[0]

            def elements(wanted: list[str]) -> Iterator[Element]:
                for chunk, marks in _chunks(wanted):
                    for row in conn.execute(f"SELECT id, kind, name, props FROM elements WHERE id IN ({marks})", chunk):
                        yield _element(row)

            def touching(wanted: list[str], types: frozenset[RelType] | None) -> Iterator[Connection]:
                only = "" if types is None else f" AND type IN ({','.join('?' * len(types))})"
                kept = sorted(types or ())
                for chunk, marks in _chunks(wanted):
                    for end in ("source", "target"):
                        for row in conn.execute(f"SELECT source, target, type, props FROM connections "
                                                f"WHERE {end} IN ({marks}){only}", [*chunk, *kept]):
                            yield _connection(row)

            found, links = walk(ids, hops, elements, touching)
        return Snapshot(version, found, links)

    def ids_of(self, kinds: Collection[Kind]) -> list[str]:
        """Return the ids of the elements of `kinds`, sorted (through the index on kind)."""
        wanted = [Kind(k).value for k in kinds]
        with self._read() as conn:
            if conn is None or not wanted:
                return []
            rows = conn.execute(f"SELECT id FROM elements WHERE kind IN ({','.join('?' * len(wanted))}) ORDER BY id",
                                wanted)
            return [row[0] for row in rows]

    def names(self) -> list[tuple[str, Kind, str, tuple[str, ...]]]:
        """Return every element's id, kind, name and aliases, sorted by id."""
        with self._read() as conn:
            if conn is None:
                return []
            rows = conn.execute("SELECT id, kind, name, props -> '$.aliases' FROM elements ORDER BY id")
            return [(element_id, _KINDS[kind], name, _aliases(aliases)) for element_id, kind, name, aliases in rows]

    def search(self, text: str, limit: int = 20) -> list[Element]:
        """Return elements whose id, name, alias, offer or sought offer contains `text`, or whose type is it; best first.

        Case-insensitive. Names rank first (exact, then starting with the text, then containing
        it or in the id), then aliases, then offers, what is looked for and the organisation type.
        """
        needle = text.strip().lower()
        if not needle:
            return []
        canonical = canonical_type(needle) or needle
        # What the stored JSON must contain for any property to match (escaped characters aside).
        raw = (needle, canonical) if not any(c in needle for c in '"\\') else ("", "")
        with self._read() as conn:
            if conn is None:
                return []
            # instr() rather than LIKE, so that % and _ in the query are plain characters.
            rows = conn.execute(
                """SELECT id, kind, name, props FROM (
                     SELECT id, kind, name, props, CASE
                       WHEN unicode_lower(name) = :text THEN 0
                       WHEN instr(unicode_lower(name), :text) = 1 THEN 1
                       WHEN instr(unicode_lower(name), :text) > 0 OR instr(unicode_lower(id), :text) > 0 THEN 2
                       WHEN instr(unicode_lower(props), :raw) = 0 AND instr(unicode_lower(props), :rawtype) = 0 THEN NULL
                       WHEN EXISTS (SELECT 1 FROM json_each(props, '$.aliases')
                                    WHERE instr(unicode_lower(value), :text) > 0) THEN 3
                       WHEN unicode_lower(json_extract(props, '$.type')) IN (:text, :type)
                         OR EXISTS (SELECT 1 FROM json_each(props, '$.offers')
                                    WHERE instr(unicode_lower(value), :text) > 0)
                         OR EXISTS (SELECT 1 FROM json_each(props, '$.looks_for')
                                    WHERE instr(unicode_lower(value), :text) > 0) THEN 4
                     END AS rank FROM elements)
                   WHERE rank IS NOT NULL
                   ORDER BY rank, length(name), name, id
                   LIMIT :limit""",
                {"text": needle, "type": canonical, "raw": raw[0], "rawtype": raw[1], "limit": limit},
            )
            return [_element(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Return the number of elements per kind and connections per type."""
        result = {kind.value: 0 for kind in Kind} | {rel.value: 0 for rel in RelType}
        with self._read() as conn:
            if conn is None:
                return result
            for kind, n in conn.execute("SELECT kind, count(*) FROM elements GROUP BY kind"):
                result[kind] = n
            for rel, n in conn.execute("SELECT type, count(*) FROM connections GROUP BY type"):
                result[rel] = n
        return result

    def get_connection(self, source: str, target: str, rel: RelType) -> Connection | None:
        """Return the connection with this key (KNOWS ends in canonical order), or None."""
        key = connection(source, target, rel).key
        with self._read() as conn:
            if conn is None:
                return None
            row = conn.execute("SELECT source, target, type, props FROM connections "
                               "WHERE source = ? AND target = ? AND type = ?", key).fetchone()
        return _connection(row) if row else None

    def get_connections(self, keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], Connection]:
        """Return the connections that exist among `keys` (from, to, type; KNOWS in canonical order), by key."""
        found: dict[tuple[str, str, str], Connection] = {}
        with self._read() as conn:
            if conn is None:
                return found
            for key in dict.fromkeys(keys):
                row = conn.execute("SELECT source, target, type, props FROM connections "
                                   "WHERE source = ? AND target = ? AND type = ?", key).fetchone()
                if row:
                    found[key] = _connection(row)
        return found

    def connections_of(self, element_id: str) -> list[Connection]:
        """Return every connection from or to an element, sorted by key."""
        with self._read() as conn:
            if conn is None:
                return []
            rows = conn.execute("SELECT source, target, type, props FROM connections WHERE source = ? UNION ALL "
                                "SELECT source, target, type, props FROM connections WHERE target = ?",
                                (element_id, element_id)).fetchall()
        return sorted((_connection(r) for r in rows), key=lambda c: c.key)

    # -- history ---------------------------------------------------------------------------

    def history(self, element_id: str | None = None, *, limit: int = 50, before: int | None = None) -> list[Change]:
        """Return recorded changes, newest first: all, or those about one element."""
        bound = before if before is not None else 2**63 - 1
        with self._read() as conn:
            if conn is None:
                return []
            if element_id is None:
                rows = conn.execute(f"SELECT {_CHANGE_COLUMNS} FROM changes WHERE seq < ? ORDER BY seq DESC LIMIT ?",
                                    (bound, limit)).fetchall()
            else:
                rows = conn.execute(
                    f"SELECT {_CHANGE_COLUMNS} FROM changes WHERE seq IN "
                    "(SELECT seq FROM change_touches WHERE element = ? AND seq < ?) ORDER BY seq DESC LIMIT ?",
                    (element_id, bound, limit)).fetchall()
        return [_change(r) for r in rows]

    def change(self, seq: int) -> Change | None:
        """Return the recorded change number `seq`, or None."""
        with self._read() as conn:
            if conn is None:
                return None
            row = conn.execute(f"SELECT {_CHANGE_COLUMNS} FROM changes WHERE seq = ?", (seq,)).fetchone()
        return _change(row) if row else None

    # -- accounts --------------------------------------------------------------------------

    def get_account(self, name: str) -> Account | None:
        """Return the account with this name, or None."""
        with self._read() as conn:
            if conn is None:
                return None
            row = conn.execute("SELECT name, role, password_hash, created, disabled FROM accounts WHERE name = ?",
                               (name,)).fetchone()
        return _account(row) if row else None

    def list_accounts(self) -> list[Account]:
        """Return every account, sorted by name."""
        with self._read() as conn:
            if conn is None:
                return []
            rows = conn.execute("SELECT name, role, password_hash, created, disabled FROM accounts ORDER BY name")
            return [_account(r) for r in rows]

    def put_account(self, account: Account, *, create: bool = False) -> None:
        """Create or replace the account with this name (only create it, with `create`).

        The rules are checked in the write transaction: BEGIN IMMEDIATE holds the file's write
        lock from the first read, so no other process can change an account in between.
        """
        conn = self._connect(create=True)
        assert conn is not None
        with _write_transaction(conn):
            old = self._account_in(conn, account.name)
            if create or old is None:
                row = conn.execute("SELECT name FROM accounts WHERE unicode_lower(name) = ? ORDER BY name",
                                   (account.name.lower(),)).fetchone()
                if row is not None:
                    raise AccountRefused(f"an account named {row[0]!r} exists already")
            self._keep_an_admin(conn, old, account)
            conn.execute(
                "INSERT INTO accounts (name, role, password_hash, created, disabled) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, "
                "created = excluded.created, disabled = excluded.disabled",
                (account.name, account.role, account.password_hash, account.created, int(account.disabled)))

    @staticmethod
    def _account_in(conn: sqlite3.Connection, name: str) -> Account | None:
        row = conn.execute("SELECT name, role, password_hash, created, disabled FROM accounts WHERE name = ?",
                           (name,)).fetchone()
        return _account(row) if row else None

    @staticmethod
    def _keep_an_admin(conn: sqlite3.Connection, old: Account | None, new: Account | None) -> None:
        admins = conn.execute("SELECT count(*) FROM accounts WHERE role = 'admin' AND disabled = 0").fetchone()[0]
        refusal = account_refusal(old, new, admins)
        if refusal:
            raise AccountRefused(refusal)

    def delete_account(self, name: str) -> bool:
        """Delete an account and its tokens; return whether it existed (never the last enabled admin)."""
        conn = self._connect(create=False)
        if conn is None:
            return False
        with _write_transaction(conn):
            self._keep_an_admin(conn, self._account_in(conn, name), None)
            conn.execute("DELETE FROM tokens WHERE account = ?", (name,))
            return conn.execute("DELETE FROM accounts WHERE name = ?", (name,)).rowcount > 0

    def add_token(self, token: Token) -> None:
        """Keep an API token (by its digest) for its account."""
        conn = self._connect(create=True)
        assert conn is not None
        with _write_transaction(conn):
            if conn.execute("SELECT 1 FROM accounts WHERE name = ?", (token.account,)).fetchone() is None:
                raise StoreError(f"no account {token.account!r}")
            conn.execute("INSERT INTO tokens (digest, account, label, created) VALUES (?, ?, ?, ?)",
                         (token.digest, token.account, token.label, token.created))

    def account_for_token(self, digest: str) -> Account | None:
        """Return the account an API token digest belongs to, or None."""
        with self._read() as conn:
            if conn is None:
                return None
            row = conn.execute("SELECT a.name, a.role, a.password_hash, a.created, a.disabled FROM tokens t "
                               "JOIN accounts a ON a.name = t.account WHERE t.digest = ?", (digest,)).fetchone()
        return _account(row) if row else None

    def list_tokens(self, account: str) -> list[Token]:
        """Return the tokens of an account, sorted by creation."""
        with self._read() as conn:
            if conn is None:
                return []
            rows = conn.execute("SELECT digest, account, label, created FROM tokens WHERE account = ? "
                                "ORDER BY created, label", (account,))
            return [Token(*r) for r in rows]

    def delete_tokens(self, account: str, label: str | None = None) -> int:
        """Delete the tokens of an account (only those with `label`, if given); return how many."""
        conn = self._connect(create=False)
        if conn is None:
            return 0
        with _write_transaction(conn):
            if label is None:
                return conn.execute("DELETE FROM tokens WHERE account = ?", (account,)).rowcount
            return conn.execute("DELETE FROM tokens WHERE account = ? AND label = ?", (account, label)).rowcount

    # -- sign-in attempts --------------------------------------------------------------------

    def reserve_sign_in(self, limits: Mapping[str, int], now: float, window: float) -> float:
        """Note one sign-in attempt under every key of `limits`, unless one is at its limit (see GraphStore)."""
        conn = self._connect(create=True)
        assert conn is not None
        since = now - window
        with _write_transaction(conn):
            conn.execute("DELETE FROM sign_in_attempts WHERE at <= ?", (since,))
            wait = 0.0
            for key, limit in limits.items():
                times = [row[0] for row in conn.execute("SELECT at FROM sign_in_attempts WHERE key = ? ORDER BY at",
                                                        (key,))]
                if len(times) >= limit:
                    # The oldest attempt that keeps the count at the limit must leave the window.
                    wait = max(wait, times[len(times) - limit] + window - now, 1e-3)
            if wait > 0:
                return wait
            conn.executemany("INSERT INTO sign_in_attempts (key, at) VALUES (?, ?)", [(key, now) for key in limits])
        return 0.0

    def release_sign_in(self, keys: Sequence[str], at: float | None = None) -> None:
        """Forget the attempt noted at `at` under each of `keys` (all their attempts when None)."""
        conn = self._connect(create=False)
        if conn is None:
            return
        with _write_transaction(conn):
            for key in keys:
                if at is None:
                    conn.execute("DELETE FROM sign_in_attempts WHERE key = ?", (key,))
                else:
                    conn.execute("DELETE FROM sign_in_attempts WHERE rowid IN "
                                 "(SELECT rowid FROM sign_in_attempts WHERE key = ? AND at = ? LIMIT 1)", (key, at))
