"""The GraphStore protocol that every store (embedded SQLite, Neo4j) implements."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from partnergraph.model import Connection, Dataset, Element, Kind

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

    def upsert(self, dataset: Dataset, progress: Progress | None = None) -> WriteStats:
        """Merge elements and connections by id in one transaction: all of it or nothing."""
        ...

    def replace(self, dataset: Dataset, progress: Progress | None = None) -> WriteStats:
        """Make the store hold exactly `dataset`, in one transaction: all of it or nothing."""
        ...

    def clear(self) -> None:
        """Delete every element and connection (the version still moves on)."""
        ...

    def snapshot(self) -> Snapshot:
        """Return all elements and connections, consistently, with the version they belong to."""
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
