"""The GraphStore protocol that every store (embedded SQLite, Neo4j) implements."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

from partnergraph.model import Conflict, Connection, Dataset, Element, Kind, RelType, StoreError

# Called with the number of rows written since the last call, for progress bars.
Progress = Callable[[int], None]


@dataclass(frozen=True)
class WriteStats:
    """What an upsert changed: created and updated rows (unchanged rows count in neither)."""

    elements_created: int = 0
    elements_updated: int = 0
    connections_created: int = 0
    connections_updated: int = 0

    @property
    def changed(self) -> bool:
        return any((self.elements_created, self.elements_updated, self.connections_created, self.connections_updated))


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


@dataclass(frozen=True)
class Edit:
    """One element or connection as it was before a change and as it is after (None: absent).

    `before` is what the editor saw. A store applies the edit only if the element or connection
    is still exactly `before` (compared inside the write transaction), so two editors of the
    same thing cannot overwrite each other unknowingly: the second one gets a `Conflict`.
    """

    before: Element | Connection | None
    after: Element | Connection | None

    @property
    def target(self) -> tuple[str, ...]:
        """Return ("element", id) or ("connection", from, to, type): what the edit is about."""
        item = self.after if self.after is not None else self.before
        if item is None:
            raise ValueError("an edit needs a before or an after")
        if isinstance(item, Element):
            return ("element", item.id)
        return ("connection", *item.key)

    @property
    def touches(self) -> tuple[str, ...]:
        """Return the ids of the elements this edit is about (for per-element history)."""
        target = self.target
        return target[1:2] if target[0] == "element" else target[1:3]


@dataclass(frozen=True)
class ChangeNote:
    """Who changed the graph, when, how, and on what evidence: the audit entry of a change."""

    author: str
    action: str  # create, update, delete, merge, interaction, revert, import, restore
    at: str  # ISO 8601 UTC time, to the second
    source: str = ""  # provenance: where the information came from
    comment: str = ""
    reverts: int | None = None  # the change a revert undoes
    summary: Mapping[str, Any] = field(default_factory=dict)  # counts, for imports and restores


def note_with_stats(note: ChangeNote, stats: WriteStats) -> ChangeNote:
    """Return the note of an import or restore with what it changed in its summary."""
    summary = {**note.summary, "elements_created": stats.elements_created, "elements_updated": stats.elements_updated,
               "connections_created": stats.connections_created, "connections_updated": stats.connections_updated}
    return replace(note, summary=summary)


@dataclass(frozen=True)
class Change:
    """A recorded change: its number, its note and its edits.

    The number is the store version the change made, in both stores: a reader of version V has
    seen every change up to V, and the changes V+1 to W (if each was recorded) lead to W.
    """

    seq: int
    note: ChangeNote
    edits: list[Edit]

    @property
    def touches(self) -> list[str]:
        """Return the ids of every element the change is about, in first-seen order."""
        return list(dict.fromkeys(i for edit in self.edits for i in edit.touches))


def item_to_json(item: Element | Connection | None) -> dict[str, Any] | None:
    """Return an element or connection as the JSON that history entries keep."""
    if item is None:
        return None
    if isinstance(item, Element):
        return {"id": item.id, "kind": item.kind.value, "name": item.name, "props": item.props}
    return {"from": item.source, "to": item.target, "type": item.type.value, "props": item.props}


def item_from_json(data: Mapping[str, Any] | None) -> Element | Connection | None:
    """Return the element or connection that `item_to_json` wrote."""
    if data is None:
        return None
    if "kind" in data:
        return Element(data["id"], Kind(data["kind"]), data["name"], dict(data["props"]))
    return Connection(data["from"], data["to"], RelType(data["type"]), dict(data["props"]))


def edits_to_json(edits: Sequence[Edit]) -> list[dict[str, Any]]:
    """Return edits as JSON-ready before/after pairs."""
    return [{"before": item_to_json(e.before), "after": item_to_json(e.after)} for e in edits]


def edits_from_json(data: Sequence[Mapping[str, Any]]) -> list[Edit]:
    """Return the edits that `edits_to_json` wrote."""
    return [Edit(item_from_json(d["before"]), item_from_json(d["after"])) for d in data]


def check_edit(edit: Edit) -> None:
    """Raise ValueError unless before and after are about the same thing (and the same kind)."""
    before, after = edit.before, edit.after
    if before is None and after is None:
        raise ValueError("an edit needs a before or an after")
    if before is not None and after is not None:
        if type(before) is not type(after) or Edit(before, None).target != Edit(None, after).target:
            raise ValueError("an edit's before and after must be the same element or connection")
        if isinstance(before, Element) and before.kind is not after.kind:  # type: ignore[union-attr]
            raise ValueError(f"{before.id!r} is {before.kind.slug}: an element's kind cannot change")


def describe_target(edit: Edit) -> str:
    """Return what an edit is about, for messages: 'ana' or 'KNOWS ana - ben'."""
    target = edit.target
    if target[0] == "element":
        return repr(target[1])
    return f"{target[3]} {target[1]!r} -> {target[2]!r}"


def conflict(edit: Edit, current: Element | Connection | None) -> Conflict:
    """Return the Conflict of an edit whose `before` is not the current state `current`."""
    what = describe_target(edit)
    if edit.before is None:
        return Conflict(f"{what} already exists")
    if current is None:
        return Conflict(f"{what} no longer exists; someone deleted it after it was read")
    return Conflict(f"{what} has changed since it was read; reload it and try again")


@dataclass(frozen=True)
class Account:
    """Someone who may sign in to the viewer; `password_hash` is a KDF hash, never a password."""

    name: str
    role: str  # viewer, editor or admin
    password_hash: str
    created: str
    disabled: bool = False


@dataclass(frozen=True)
class Token:
    """An API token of an account; only the SHA-256 of the token itself is kept."""

    digest: str
    account: str
    label: str
    created: str


@runtime_checkable
class GraphStore(Protocol):
    """A place that keeps the graph; implementations must give identical answers."""

    url: str

    def version(self) -> str:
        """Return a token that changes whenever a write commits (for caches)."""
        ...

    def existing_kinds(self, ids: Iterable[str]) -> Mapping[str, Kind]:
        """Return the kind of each of `ids` that exists in the store."""
        ...

    def upsert(self, dataset: Dataset, progress: Progress | None = None,
               note: ChangeNote | None = None) -> WriteStats:
        """Merge elements and connections by id in one transaction: all of it or nothing.

        With a `note`, the same transaction records the import in the history (its summary
        gets the WriteStats counts), if anything changed.
        """
        ...

    def replace(self, dataset: Dataset, progress: Progress | None = None,
                note: ChangeNote | None = None) -> WriteStats:
        """Make the store hold exactly `dataset`, in one transaction: all of it or nothing."""
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

    def put_account(self, account: Account) -> None:
        """Create or replace the account with this name."""
        ...

    def delete_account(self, name: str) -> bool:
        """Delete an account and its tokens; return whether it existed."""
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

    def search(self, text: str, limit: int = 20) -> list[Element]:
        """Return elements whose id or name contains `text`, case-insensitively, best first."""
        ...

    def counts(self) -> dict[str, int]:
        """Return the number of elements per kind and connections per type."""
        ...

    def close(self) -> None:
        """Release connections; the store may not be used afterwards."""
        ...
