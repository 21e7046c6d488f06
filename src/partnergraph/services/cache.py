"""The analysis graph of a store as immutable snapshots, one per store version, swapped in atomically.

Every question is answered on a NetworkX graph built from the store. Building it reads the whole
store (seconds to minutes on a large network), so `GraphCache` keeps the graph of one store
version at a time as a `GraphSnapshot`: the version, the graph, its path index and name index
(made when first asked) and the memos of that version. A snapshot never changes once published:
a reader takes the current one without a lock and keeps it for its whole request
(`GraphCache.reading`). The next version is built beside it, by applying the recorded edits to a
fork of the graph (`partnergraph.analysis.fork`: milliseconds) or by a rebuild (imports, restores),
and then replaces it in one assignment. docs/architecture.md ("The analysis graph") says who
waits for the next snapshot (the CLI, and a signed-in editor, who must see their own writes) and
who is answered from the previous one while it is prepared (everyone else).
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import networkx as nx
from cachetools import LRUCache

from partnergraph.analysis.browse import carry_folded_names
from partnergraph.analysis.fork import acyclic, fork
from partnergraph.analysis.graph import build_graph, name_index, update_graph
from partnergraph.analysis.lookup import NameIndex
from partnergraph.analysis.path_index import path_index
from partnergraph.model import Element
from partnergraph.store import GraphStore
from partnergraph.store.base import StreamOrderError

# Up to this many versions behind, the next snapshot applies the recorded edits to a fork of the
# current graph instead of rebuilding (each is a few element or connection updates; a rebuild
# reads the whole store).
CATCH_UP_CHANGES = 500
# Memos of one version per area; the viewer's filtered layouts are many, so each area is an LRU.
MEMO_SIZE = 64

log = logging.getLogger(__name__)


def _settle() -> None:
    """Collect garbage, then exempt everything alive from future collections.

    The analysis graph of a large network is millions of long-lived objects; without this the
    cyclic collector rescans them now and then in the middle of a query, pausing it by tens of
    milliseconds. A rebuild unfreezes first, so that the previous versions can be reclaimed.
    """
    gc.collect()
    gc.freeze()


def _newer(version: str, than: str) -> bool:
    """Return whether store version `version` comes after `than` (versions are counters; others differ)."""
    try:
        return int(version) > int(than)
    except ValueError:
        return version != than


class GraphSnapshot:
    """One store version's analysis graph and what is derived from it, never changed once published.

    The path index, the name index and memos are made on first use, each by one thread while
    the others asking for the same thing wait for it (never for anything else), so it is safe to
    use from request threads and background jobs at once.
    """

    def __init__(self, version: str, graph: nx.Graph, *, rebuilt: bool):
        self.version = version
        self.graph = graph
        self.rebuilt = rebuilt  # False when made by applying recorded edits to the previous one
        self._lock = threading.Lock()  # held only to look up or register a computation, never during one
        self._memos: dict[str, LRUCache] = {}
        self._pending: dict[tuple[str, Hashable], Future] = {}

    def path_graph(self) -> nx.Graph:
        """Return the graph with its path index (built once, on first use, by one thread)."""
        if "path_index" not in self.graph.graph:
            self.memo("derived", "path_index", lambda: path_index(self.graph), lasting=True)
        return self.graph

    def name_index(self) -> NameIndex:
        """Return the forgiving-lookup index of this version's elements."""
        found = self.graph.graph.get("name_index")
        if found is None:
            found = self.memo("derived", "name_index", lambda: name_index(self.graph), lasting=True)
        return found

    def memo(self, area: str, key: Hashable, compute: Callable[[], Any], *, lasting: bool = False) -> Any:
        """Return `compute()` for `key` in `area`, computed once for this version.

        Scores, communities, layouts and the public graph are costly on large graphs: they are
        kept as long as the snapshot (at most `MEMO_SIZE` per area). Only the first caller of a
        key computes it, outside any lock; the others wait for that one result. An error is given
        to everyone who waited and not kept: the next call computes again. `lasting`: a result
        of millions of objects (an index, a graph), hidden from the cyclic collector once made.
        """
        with self._lock:
            cache = self._memos.setdefault(area, LRUCache(maxsize=MEMO_SIZE))
            if key in cache:
                return cache[key]
            pending = self._pending.get((area, key))
            mine = pending is None
            if mine:
                pending = self._pending[(area, key)] = Future()
        assert pending is not None
        if not mine:
            return pending.result()
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                del self._pending[(area, key)]
            pending.set_exception(exc)
            raise
        with self._lock:
            cache[key] = value
            del self._pending[(area, key)]
        pending.set_result(value)
        if lasting:
            gc.freeze()  # scanned at every full collection otherwise: pauses of hundreds of milliseconds
        return value

    def peek(self, area: str, key: Hashable) -> Any:
        """Return the memo of `key` in `area` if it was computed, else None (never computes)."""
        with self._lock:
            cache = self._memos.get(area)
            return cache.get(key) if cache is not None else None

    def seed(self, area: str, key: Hashable, value: Any) -> None:
        """Keep `value` as the memo of `key` in `area` (made by the builder before publishing)."""
        with self._lock:
            self._memos.setdefault(area, LRUCache(maxsize=MEMO_SIZE))[key] = value

    def prepare(self, like: GraphSnapshot | None) -> None:
        """Derive now what `like` had derived (path index, name index), so readers never wait for it."""
        if like is None:
            return
        if "path_index" in like.graph.graph:
            self.path_graph()
        if "name_index" in like.graph.graph:
            self.name_index()


Edit = tuple[Any, Any]  # a recorded change of one element or connection: (before, after)


@dataclass(frozen=True)
class Followed:
    """A graph memo kept across snapshots (`GraphCache.follow`)."""

    compute: Callable[[nx.Graph], nx.Graph]
    changes: Callable[[list[Edit]], list[Edit]]


class GraphCache:
    """The current `GraphSnapshot` of one store, and the making of the next one."""

    def __init__(self, store: GraphStore):
        self.store = store
        self._current: GraphSnapshot | None = None
        self._building = threading.Lock()  # one builder of the next snapshot at a time
        self._background: threading.Thread | None = None
        self._wake = threading.Event()
        self._closed = False
        self._wake_lock = threading.Lock()
        self._local = threading.local()  # the request a thread is serving: its snapshot
        self.rebuilds = 0  # how many snapshots were built from the whole store (for tests and logs)
        self._followed: dict[tuple[str, Hashable], Followed] = {}

    def follow(self, area: str, key: Hashable, *, compute: Callable[[nx.Graph], nx.Graph],
               changes: Callable[[list[Edit]], list[Edit]]) -> None:
        """Keep the graph memo of `key` in `area` from one snapshot to the next without computing it anew.

        `compute(graph)` derives it from a snapshot's graph; `changes(edits)` selects the
        recorded edits that reach it. When the next snapshot is made by applying edits, the
        memo's graph gets them too (on a fork); after a rebuild, the builder derives it again
        before publishing, if the previous snapshot had it. Readers of such a view (anonymous
        readers' graph without attendance) then never wait for a whole-store computation.
        """
        self._followed[(area, key)] = Followed(compute, changes)

    @property
    def version(self) -> str | None:
        """Return the store version of the current snapshot (None before the first build)."""
        current = self._current
        return None if current is None else current.version

    # -- what readers call ---------------------------------------------------------------------

    def snapshot(self) -> GraphSnapshot:
        """Return the snapshot this thread reads: its request's, or the store's current version's.

        Outside `reading` (the CLI, scripts, tests), it is always the store's current version.
        """
        reading = getattr(self._local, "reading", None)
        if reading is None or not reading["keep"]:
            return self._latest(wait=True)
        if reading["snapshot"] is None:
            wait = reading["wait"]
            reading["snapshot"] = self._latest(wait=wait() if callable(wait) else wait)
        return reading["snapshot"]

    @contextmanager
    def reading(self, *, wait: bool | Callable[[], bool] = True, keep: bool = True) -> Iterator[None]:
        """Serve one request: the first snapshot it asks for is the one it keeps until the end.

        `wait` (or its result, asked when the request first reads): whether a version newer than
        the current snapshot must be waited for (read your own writes) or may be read later
        (the current snapshot is answered while the next is prepared in the background). Without
        `keep` (a request that writes), every read takes the newest snapshot, so that what the
        request wrote is what it reads back.
        """
        previous = getattr(self._local, "reading", None)
        if previous is not None:  # nested: the outer request's snapshot stays
            yield
            return
        self._local.reading = {"snapshot": None, "wait": wait, "keep": keep}
        try:
            yield
        finally:
            self._local.reading = None

    @contextmanager
    def pinned(self, snapshot: GraphSnapshot) -> Iterator[None]:
        """Read `snapshot` on this thread until the end (a background job, on the version it was asked on)."""
        previous = getattr(self._local, "reading", None)
        self._local.reading = {"snapshot": snapshot, "wait": False, "keep": True}
        try:
            yield
        finally:
            self._local.reading = previous

    def graph(self) -> nx.Graph:
        """Return the analysis graph of this thread's snapshot."""
        return self.snapshot().graph

    def path_graph(self) -> nx.Graph:
        """Return the analysis graph with its path index (built once per version, like the graph)."""
        return self.snapshot().path_graph()

    def name_index(self) -> NameIndex:
        """Return the forgiving-lookup index of the snapshot's elements (kept with the graph)."""
        return self.snapshot().name_index()

    def memo(self, area: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return `compute()` for `key` in `area`, computed once per snapshot (see `GraphSnapshot.memo`)."""
        return self.snapshot().memo(area, key, compute)

    # -- making the next snapshot ------------------------------------------------------------

    def _latest(self, *, wait: bool) -> GraphSnapshot:
        version = self.store.version()
        current = self._current
        if current is not None and not _newer(version, current.version):
            return current
        if current is not None and not wait:
            self._refresh_in_background()
            return current
        return self._advance(version)

    def _advance(self, version: str) -> GraphSnapshot:
        """Return a snapshot at `version` or newer, building it here unless another thread is."""
        with self._building:
            current = self._current
            if current is not None and not _newer(version, current.version):
                return current  # made by another thread while this one waited
            return self._build_next()

    def _build_next(self) -> GraphSnapshot:
        """Build the snapshot of the store's current version and publish it (holding `_building`)."""
        current = self._current
        version = self.store.version()
        if current is not None and not _newer(version, current.version):
            return current
        started = time.perf_counter()
        made = self._caught_up(current, version) if current is not None else None
        if made is None:
            made = self._rebuilt()
        made.prepare(current)
        for (area, key), followed in self._followed.items():
            if current is not None and made.peek(area, key) is None and current.peek(area, key) is not None:
                made.seed(area, key, followed.compute(made.graph))
        self._current = made  # the swap: one assignment, atomic for every reader
        # Out of the cyclic collector's sight, as the first build's objects are (see _settle):
        # scanning the snapshots' large dicts and lists at every collection made each edit cost
        # hundreds of milliseconds. Snapshot graphs hold no reference cycle (`AcyclicGraph`), so
        # the previous one is still freed when its last reader lets go of it.
        gc.freeze()
        log.info("snapshot %s %s in %.3f s", made.version, "rebuilt" if made.rebuilt else "caught up",
                 time.perf_counter() - started)
        return made

    def _refresh_in_background(self) -> None:
        """Wake the one background builder of this cache (started on first use) to catch up."""
        with self._wake_lock:
            if self._closed:
                return
            if self._background is None:
                self._background = threading.Thread(target=self._builder, name="partnergraph-snapshot", daemon=True)
                self._background.start()
        self._wake.set()

    def close(self) -> None:
        """Stop the background builder (the workspace is closing its store)."""
        self._closed = True
        self._wake.set()

    def _builder(self) -> None:
        # One long-lived thread (one store connection), asleep until a reader finds the snapshot old.
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._closed:
                return
            try:
                with self._building:
                    self._build_next()
            except Exception:
                # Readers keep the previous snapshot; the next reader that finds it old wakes this again.
                log.exception("preparing the next analysis snapshot failed")

    def _rebuilt(self) -> GraphSnapshot:
        gc.unfreeze()  # let the collector reclaim the previous versions' graphs
        try:
            # Rows go into the graph as they are read: the whole snapshot is never held.
            with self.store.stream() as rows:
                made = GraphSnapshot(rows.version, acyclic(build_graph(rows.elements, rows.connections)), rebuilt=True)
        except StreamOrderError:
            # The database sorted some ids unlike Python: read the lists and sort them here.
            snapshot = self.store.snapshot()
            made = GraphSnapshot(snapshot.version, acyclic(build_graph(snapshot.elements, snapshot.connections)),
                                 rebuilt=True)
        _settle()
        self.rebuilds += 1
        return made

    def _caught_up(self, current: GraphSnapshot, version: str) -> GraphSnapshot | None:
        """Return the snapshot at `version` made by applying the recorded edits since `current`; None if it cannot.

        It can when every version in between was made by a recorded edit (the viewer's edits,
        reverts, merges): a few edits then cost milliseconds instead of a rebuild (seconds to
        minutes for a large network). Imports, restores and clears record no edits: rebuild.
        """
        try:
            old, new = int(current.version), int(version)
        except ValueError:
            return None
        if not 0 < new - old <= CATCH_UP_CHANGES:
            return None
        # `before`: edits made since `version` was read must not push the ones wanted off the page.
        changes = [c for c in self.store.history(limit=new - old, before=new + 1) if old < c.seq <= new]
        if [c.seq for c in changes] != list(range(new, old, -1)) or not all(c.edits for c in changes):
            return None
        edits = [(e.before, e.after) for c in reversed(changes) for e in c.edits]
        changed = [(after or before).id for before, after in edits if isinstance(after or before, Element)]

        def edited(graph: nx.Graph, edits: list) -> nx.Graph:
            # A fork with the edits applied; search's folded names carried over but for `changed`.
            forked = fork(graph, edits)
            update_graph(forked, edits)
            carry_folded_names(graph, forked, changed)
            return forked

        made = GraphSnapshot(version, edited(current.graph, edits), rebuilt=False)
        for (area, key), followed in self._followed.items():
            view = current.peek(area, key)
            if view is not None:
                made.seed(area, key, edited(view, followed.changes(edits)))
        return made
