"""The GraphStore protocol that every store (embedded SQLite, Neo4j) implements."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from partnergraph.model import Connection, Dataset, Element, Kind, RelType, StoreError
from partnergraph.records import Account, Change, ChangeNote, Edit, Progress, Token, WriteStats


@dataclass(frozen=True)
class Snapshot:
    """Every element and connection of a store, read in one transaction, and its version.

    Elements come sorted by id and connections by (from, to, type), in Python's code-point order,
    whatever order the database returned: results that depend on node order (ties, sampling) must
    not depend on the store.
    """

    version: str
    elements: list[Element]
    connections: list[Connection]

    def __post_init__(self) -> None:
        self.elements.sort(key=lambda e: e.id)
        self.connections.sort(key=lambda c: c.key)


@dataclass(frozen=True)
class Hop:
    """One step out of a neighbourhood: from which elements, along which connections.

    A step leaves from the elements the step before reached (the first from the ids asked for)
    that no step left from yet, of `kinds` (None: of any kind), and follows their connections of
    `types` (None: all of them).
    """

    kinds: frozenset[Kind] | None = None
    types: frozenset[RelType] | None = None


def alias_names(value: Any) -> tuple[str, ...]:
    """Return an element's `aliases` property as lookups read it: a list as it is, one value as one alias."""
    if not value:
        return ()
    return tuple(value) if isinstance(value, list) else (str(value),)


def walk(ids: Iterable[str], hops: Sequence[Hop], elements: Callable[[list[str]], Iterable[Element]],
         touching: Callable[[list[str], frozenset[RelType] | None], Iterable[Connection]],
         ) -> tuple[list[Element], list[Connection]]:
    """Return the elements and connections a neighbourhood reaches, given a store's two indexed reads.

    `elements(ids)` gives the elements with those ids; `touching(ids, types)` the connections
    from or to any of them (of `types`, or all). Each hop leaves from the elements reached by
    the one before (the first from `ids`; see `Hop`), and is done in one read of each.
    """
    found: dict[str, Element] = {e.id: e for e in elements(list(dict.fromkeys(ids)))}
    frontier = list(found)
    left: set[str] = set()
    links: dict[tuple[str, str, str], Connection] = {}
    for hop in hops:
        leaving = [i for i in frontier if i in found and (hop.kinds is None or found[i].kind in hop.kinds)]
        left.update(leaving)
        ends: dict[str, None] = {}
        for conn in touching(leaving, hop.types):
            links[conn.key] = conn
            ends[conn.source] = ends[conn.target] = None
        found.update((e.id, e) for e in elements([i for i in ends if i not in found]))
        frontier = [i for i in ends if i not in left]
    return list(found.values()), list(links.values())


class StreamOrderError(StoreError):
    """A store's stream gave rows out of Python's order; read a `Snapshot` instead."""


@dataclass(frozen=True)
class SnapshotStream:
    """Every element and connection of a store as one-pass iterators over one read transaction.

    The same rows, order and version as `Snapshot`, without holding them: elements by id, then
    connections by (from, to, type), in Python's code-point order. Valid only inside the `with
    GraphStore.stream()` block that gave it, which should make no other call on the store (the
    embedded store's connection is busy with the stream); read the elements, then the
    connections. A row out of that order (a database that collates some text differently)
    raises `StreamOrderError`, so that nothing order-dependent is built from it silently.
    """

    version: str
    elements: Iterator[Element]
    connections: Iterator[Connection]


def ordered_elements(elements: Iterable[Element]) -> Iterator[Element]:
    """Yield `elements`, raising `StreamOrderError` unless their ids strictly increase."""
    previous = None
    for element in elements:
        if previous is not None and not previous < element.id:
            raise StreamOrderError(f"the store gave element {element.id!r} after {previous!r}")
        previous = element.id
        yield element


def ordered_connections(connections: Iterable[Connection]) -> Iterator[Connection]:
    """Yield `connections`, raising `StreamOrderError` unless their keys strictly increase."""
    previous = None
    for conn in connections:
        key = conn.key
        if previous is not None and not previous < key:
            raise StreamOrderError(f"the store gave connection {key!r} after {previous!r}")
        previous = key
        yield conn


@runtime_checkable
class GraphStore(Protocol):
    """A place that keeps the graph; implementations must give identical answers."""

    url: str

    def version(self) -> str:
        """Return a token that changes whenever a write commits (for caches)."""
        ...

    def identity(self) -> str:
        """Return a name of this database that a new one never shares (with `version`, what derived files are keyed by)."""
        ...

    def existing_kinds(self, ids: Iterable[str]) -> Mapping[str, Kind]:
        """Return the kind of each of `ids` that exists in the store."""
        ...

    def upsert(self, dataset: Dataset, progress: Progress | None = None,
               note: ChangeNote | None = None) -> WriteStats:
        """Merge elements and connections by id: all of it or nothing, also when the writer is killed.

        SQLite writes it in one transaction; Neo4j stages it in small transactions that readers
        never see and publishes it in one (docs/stores.md#imports-in-neo4j). With a `note`, the
        publishing transaction records the import in the history (its summary gets the
        WriteStats counts), if anything changed.
        """
        ...

    def replace(self, dataset: Dataset, progress: Progress | None = None,
                note: ChangeNote | None = None) -> WriteStats:
        """Make the store hold exactly `dataset`: all of it or nothing (as `upsert`)."""
        ...

    def apply(self, edits: Sequence[Edit], note: ChangeNote) -> Change:
        """Apply `edits` and record them with `note`, in one transaction; return the change.

        Raises `Conflict` (and changes nothing) when any edit's `before` is not the current state,
        when a connection's end does not exist afterwards, or when an element would be deleted
        while a connection to it remains.
        """
        ...

    def history(self, element_id: str | None = None, *, limit: int = 50, before: int | None = None) -> list[Change]:
        """Return recorded changes, newest first: all, or those about one element."""
        ...

    def change(self, seq: int) -> Change | None:
        """Return the recorded change number `seq`, or None."""
        ...

    def get_connection(self, source: str, target: str, rel: RelType) -> Connection | None:
        """Return the connection with this key (KNOWS ends in canonical order), or None."""
        ...

    def get_connections(self, keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], Connection]:
        """Return the connections that exist among `keys` (from, to, type; KNOWS in canonical order), by key."""
        ...

    def connections_of(self, element_id: str) -> list[Connection]:
        """Return every connection from or to an element, sorted by key."""
        ...

    # -- accounts --------------------------------------------------------------------------

    def get_account(self, name: str) -> Account | None:
        """Return the account with this name, or None."""
        ...

    def list_accounts(self) -> list[Account]:
        """Return every account, sorted by name."""
        ...

    def put_account(self, account: Account, *, create: bool = False) -> None:
        """Create or replace the account with this name; with `create`, only create it.

        In the write transaction, and so whatever other processes write meanwhile: raises
        `AccountRefused` (and writes nothing) when the write would leave no enabled admin
        (`records.account_refusal`), or when `create` finds an account of this name in any case.
        """
        ...

    def delete_account(self, name: str) -> bool:
        """Delete an account and its tokens; return whether it existed.

        Raises `AccountRefused` (and deletes nothing) for the last enabled admin, checked in the
        write transaction.
        """
        ...

    # -- sign-in attempts: the login limit, shared by every process on the store -----------

    def reserve_sign_in(self, limits: Mapping[str, int], now: float, window: float) -> float:
        """Note one sign-in attempt at `now` under every key of `limits` (key: its limit), or none.

        In one write transaction: attempts older than `window` seconds are forgotten; if a key
        has `limit` attempts in the window already, nothing is noted and the seconds until one
        leaves the window are returned; else the attempt is noted for every key and 0 returned.
        """
        ...

    def release_sign_in(self, keys: Sequence[str], at: float | None = None) -> None:
        """Forget the attempt noted at `at` under each of `keys` (all their attempts when None)."""
        ...

    def add_token(self, token: Token) -> None:
        """Keep an API token (by its digest) for its account."""
        ...

    def account_for_token(self, digest: str) -> Account | None:
        """Return the account an API token digest belongs to, or None."""
        ...

    def list_tokens(self, account: str) -> list[Token]:
        """Return the tokens of an account, sorted by creation."""
        ...

    def delete_tokens(self, account: str, label: str | None = None) -> int:
        """Delete the tokens of an account (only those with `label`, if given); return how many."""
        ...

    def clear(self) -> None:
        """Delete every element and connection (the version still moves on)."""
        ...

    def snapshot(self) -> Snapshot:
        """Return all elements and connections, consistently, with the version they belong to."""
        ...

    def stream(self) -> AbstractContextManager[SnapshotStream]:
        """Open one read transaction and give its version and rows as they arrive.

        Use as ``with store.stream() as rows:``; see `SnapshotStream` for the order and the
        rules. For readers that fold every row into something smaller (the analysis graph), so
        that the whole snapshot is never held at once; `snapshot()` stays for readers that need
        the lists.
        """
        ...

    def get(self, element_id: str) -> Element | None:
        """Return the element with this id, or None."""
        ...

    def find_by_name(self, name: str) -> list[Element]:
        """Return the elements whose name equals `name` exactly."""
        ...

    def neighbourhood(self, ids: Iterable[str], hops: Sequence[Hop] = (Hop(),)) -> Snapshot:
        """Return the elements `ids` and what `hops` reach from them, by indexed reads in one transaction.

        The first hop follows the connections of `ids` (those that exist), each next hop those of
        the elements the one before reached (of its `kinds`, along its `types`); every element
        reached and every connection followed is in the snapshot, sorted as `snapshot()` sorts.
        An element whose connections were all followed has its whole neighbourhood there, so an
        analysis that reads only such elements' neighbours answers as on the whole graph.
        """
        ...

    def ids_of(self, kinds: Collection[Kind]) -> list[str]:
        """Return the ids of the elements of `kinds`, sorted."""
        ...

    def names(self) -> list[tuple[str, Kind, str, tuple[str, ...]]]:
        """Return every element's id, kind, name and aliases (what lookups match), sorted by id."""
        ...

    def search(self, text: str, limit: int = 20) -> list[Element]:
        """Return elements whose id or name contains `text`, case-insensitively, best first."""
        ...

    def counts(self) -> dict[str, int]:
        """Return the number of elements per kind and connections per type."""
        ...

    def close(self) -> None:
        """Release connections; the store may not be used afterwards."""
        ...
