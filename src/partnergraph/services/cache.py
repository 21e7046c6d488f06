"""The analysis graph of a store, built once per store version, and caches that live as long.

Every question is answered on a NetworkX graph built from the store's snapshot. Building it
reads the whole store (seconds to minutes on a large network), so `GraphCache` keeps one graph
per store version: it catches up with recorded edits in place, rebuilds after anything else
(imports, restores), and drops every memo of the previous version when the version moves.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx
from cachetools import LRUCache

from partnergraph.analysis.graph import build_graph, name_index, update_graph
from partnergraph.analysis.lookup import NameIndex
from partnergraph.analysis.path_index import path_index
from partnergraph.store import GraphStore
from partnergraph.store.base import StreamOrderError

# Up to this many versions behind, the cached graph applies the recorded edits instead of
# rebuilding (each is a few element or connection updates; a rebuild reads the whole store).
CATCH_UP_CHANGES = 500
# Memos of one version per area; the viewer's filtered layouts are many, so each area is an LRU.
MEMO_SIZE = 64


def _settle() -> None:
    """Collect garbage, then exempt everything alive from future collections.

    The analysis graph of a large network is millions of long-lived objects; without this the
    cyclic collector rescans them now and then in the middle of a query, pausing it by tens of
    milliseconds. `GraphCache.graph` unfreezes before building the next version.
    """
    gc.collect()
    gc.freeze()


class GraphCache:
    """The analysis graph of one store at its current version, and memos of that version."""

    def __init__(self, store: GraphStore):
        self.store = store
        # Re-entrant: a memo's computation asks for the graph again.
        self.lock = threading.RLock()
        self._graph: nx.Graph | None = None
        self._version: str | None = None
        self._memos: dict[str, LRUCache] = {}
        self._memo_version: str | None = None

    @property
    def version(self) -> str | None:
        """Return the store version of the cached graph (None before the first build)."""
        return self._version

    def graph(self) -> nx.Graph:
        """Return the analysis graph of the store's current version (cached per version)."""
        with self.lock:
            version = self.store.version()
            if self._graph is not None and version != self._version and self._catch_up(version):
                return self._graph
            if self._graph is None or version != self._version:
                self._rebuild()
            assert self._graph is not None
            return self._graph

    def path_graph(self) -> nx.Graph:
        """Return the analysis graph with its path index (built once per version, like the graph)."""
        with self.lock:
            graph = self.graph()
            if "path_index" not in graph.graph:
                path_index(graph)
                gc.freeze()  # as long-lived as the graph
            return graph

    def name_index(self) -> NameIndex:
        """Return the forgiving-lookup index of the current version's elements (kept with the graph)."""
        with self.lock:
            return name_index(self.graph())

    def memo(self, area: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return `compute()` for `key` in `area`, computed once per store version.

        Scores, communities, layouts and the public graph are costly on large graphs: they are
        kept until a write moves the store's version (at most `MEMO_SIZE` per area).
        """
        with self.lock:
            self.graph()  # moves the version to the store's current one
            if self._memo_version != self._version:
                self._memos, self._memo_version = {}, self._version
            cache = self._memos.setdefault(area, LRUCache(maxsize=MEMO_SIZE))
            if key not in cache:
                cache[key] = compute()
            return cache[key]

    def _rebuild(self) -> None:
        self._graph = None
        gc.unfreeze()  # let the collector reclaim the previous version's graph
        try:
            # Rows go into the graph as they are read: the whole snapshot is never held.
            with self.store.stream() as rows:
                self._graph = build_graph(rows.elements, rows.connections)
                self._version = rows.version
        except StreamOrderError:
            # The database sorted some ids unlike Python: read the lists and sort them here.
            self._graph = None
            snapshot = self.store.snapshot()
            self._graph = build_graph(snapshot.elements, snapshot.connections)
            self._version = snapshot.version
        _settle()

    def _catch_up(self, version: str) -> bool:
        """Bring the cached graph to `version` by applying the recorded edits since; False if it cannot.

        It can when every version in between was made by a recorded edit (the viewer's edits,
        reverts, merges): a few edits then cost milliseconds instead of a rebuild (seconds to
        minutes for a large network). Imports, restores and clears record no edits: rebuild.
        """
        try:
            old, new = int(self._version or ""), int(version)
        except ValueError:
            return False
        if not 0 < new - old <= CATCH_UP_CHANGES:
            return False
        changes = [c for c in self.store.history(limit=new - old + 1) if old < c.seq <= new]
        if [c.seq for c in changes] != list(range(new, old, -1)) or not all(c.edits for c in changes):
            return False
        assert self._graph is not None
        update_graph(self._graph, ((e.before, e.after) for c in reversed(changes) for e in c.edits))
        self._version = version
        return True
