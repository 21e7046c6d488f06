"""A copy of the analysis graph that recorded edits can change while the original is being read.

Readers keep one graph for a whole request (`partnergraph.services.cache`), so the next store
version cannot be made by editing that graph in place. `fork(graph, changes)` returns a new graph
that shares every node, neighbour list, relationship and index entry `update_graph` leaves alone
for these changes and copies the rest; `update_graph(forked, changes)` then gives the next
version and the original stays exactly as it was.

What is copied, and why (all of it is what `update_graph` and the path index's updates change in
place): the outer node and adjacency dicts (nodes come and go, and are put back in order); the
neighbour dicts of the ends of changed ties and of removed elements' neighbours; the edge data,
relationship lists and relationship dicts of changed ties (a property edit changes its dict where
it is); the name table's lists of the names involved; the forgiving-lookup index; and the path
index's containers (its lists and dicts; the relationships it refers to are re-pointed to the
copies). At 100,000 people and 1,000,000 ties a fork takes tens of milliseconds against tens of
seconds for a rebuild (docs/benchmarks.md, "Serving").
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Iterable
from typing import Any

import networkx as nx

from partnergraph.analysis.lookup import NameIndex
from partnergraph.model import Connection, Element

Item = Element | Connection | None


class AcyclicGraph(nx.Graph):
    """An `nx.Graph` whose kept views refer to it weakly.

    `nx.Graph` keeps its `nodes`, `edges` and `degree` views on itself, each referring back to
    the graph: a reference cycle, which only the cyclic garbage collector frees. Snapshots are
    hidden from that collector (`gc.freeze`: scanning millions of long-lived objects made every
    edit cost hundreds of milliseconds), so a snapshot's graph must be freed by reference
    counting alone, as soon as its last reader lets go of it. The views here are kept (made once,
    as NetworkX does: `graph.nodes[n]` is on every hot path) but hold a weak proxy of the graph.
    """

    def _view(self, name: str, make: type) -> Any:
        found = self.__dict__.get(name)
        if found is None:
            found = self.__dict__[name] = make(weakref.proxy(self))
        return found

    @property
    def nodes(self) -> nx.classes.reportviews.NodeView:  # type: ignore[override]
        """Return a view of the nodes (see `nx.Graph.nodes`)."""
        return self._view("_nodes_view", nx.classes.reportviews.NodeView)

    @property
    def edges(self) -> nx.classes.reportviews.EdgeView:  # type: ignore[override]
        """Return a view of the edges (see `nx.Graph.edges`)."""
        return self._view("_edges_view", nx.classes.reportviews.EdgeView)

    @property
    def degree(self) -> nx.classes.reportviews.DegreeView:  # type: ignore[override]
        """Return a view of the degrees (see `nx.Graph.degree`)."""
        return self._view("_degree_view", nx.classes.reportviews.DegreeView)


def acyclic(graph: nx.Graph) -> nx.Graph:
    """Return `graph` as an `AcyclicGraph` (the same object; its cached views dropped)."""
    if type(graph) is nx.Graph:
        for name in ("nodes", "edges", "degree"):
            graph.__dict__.pop(name, None)
        graph.__class__ = AcyclicGraph
    return graph


def fork(graph: nx.Graph, changes: Iterable[tuple[Item, Item]]) -> nx.Graph:
    """Return a copy of `graph` that `update_graph(copy, changes)` may change without changing `graph`."""
    changes = list(changes)
    nodes, adjacency = graph._node, graph._adj
    new = AcyclicGraph()
    new_nodes, new_adj = dict(nodes), dict(adjacency)
    # Filled before any view is made: the views read these dicts (tests/test_networkx_internals.py).
    new._node, new._adj = new_nodes, new_adj
    new.graph.update(graph.graph)
    ends: set[str] = set()
    names: set[Any] = set()
    pairs: set[tuple[str, str]] = set()
    for before, after in changes:
        item = after if after is not None else before
        if isinstance(item, Element):
            ends.add(item.id)
            names.update(e.name for e in (before, after) if isinstance(e, Element))
            if item.id in nodes:
                names.add(nodes[item.id].get("name"))
            if after is None:
                ends.update(adjacency.get(item.id, ()))  # their neighbour dicts lose the element
        elif isinstance(item, Connection):
            ends.update((item.source, item.target))
            pairs.add((item.source, item.target))
    for node in ends:
        if node in adjacency:
            new_adj[node] = dict(adjacency[node])
    moved: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}  # id of a relationship -> it and its copy
    for u, v in pairs:
        data = adjacency.get(u, {}).get(v)
        if data is None:
            continue
        copies = []
        for relation in data["relations"]:
            copied = dict(relation)
            moved[id(relation)] = (relation, copied)
            copies.append(copied)
        new_data = {**data, "relations": copies}
        new_adj[u][v] = new_data
        new_adj[v][u] = new_data
    by_name = graph.graph.get("by_name")
    if by_name is not None:
        new_by_name = dict(by_name)
        for name in names:
            if name in new_by_name:
                new_by_name[name] = list(new_by_name[name])
        new.graph["by_name"] = new_by_name
    names_index = graph.graph.get("name_index")
    if isinstance(names_index, NameIndex):
        new.graph["name_index"] = names_index.copy()
    index = graph.graph.get("path_index")
    if index is not None:
        new.graph["path_index"] = _fork_index(index, moved, ends)
    return new


def _copy(value: Any, touched: set[int]) -> Any:
    # One level below the top: the per-node lists of the touched nodes, and per-day costs.
    if isinstance(value, list):
        copied = list(value)  # one entry per node, tie or attachment: copied at C speed
        if value and isinstance(value[0], list):
            # Per-node lists (ties, attachments): an edit changes those of its ends only.
            for n in touched:
                if n < len(copied):
                    copied[n] = list(copied[n])
        return copied
    if isinstance(value, dict):
        copied = dict(value)  # copied at C speed
        first = next(iter(value), None)
        if not _container(value.get(first)):
            pass  # plain values (each id's number): nothing below to copy
        elif isinstance(first, int):
            # Per-node values (an event's dates, an organisation's issues): those of the touched nodes.
            for n in touched:
                if n in copied:
                    copied[n] = _copy_inner(copied[n])
        else:
            for key, inner in copied.items():  # a few entries (costs per day), each copied
                copied[key] = _copy_inner(inner)
        return copied
    if isinstance(value, set):
        return set(value)
    return value


def _container(value: Any) -> bool:
    return isinstance(value, list | set | dict) or (dataclasses.is_dataclass(value) and not isinstance(value, type))


def _copy_inner(value: Any) -> Any:
    if isinstance(value, list | set | dict):
        return type(value)(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _copy_inner(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


def _fork_index(index: Any, moved: dict[int, tuple[dict[str, Any], dict[str, Any]]], ends: set[str]) -> Any:
    """Return a copy of a path index that edits of `ends` can change, pointing at the copied relationships.

    The per-node lists are shared but for the nodes in `ends`: the index's updates
    (`partnergraph.analysis.path_index_edits`) change the lists of a changed tie's ends and of a
    removed element's neighbours only; every other container is copied whole.
    """
    number = getattr(index, "number", {})
    touched = {number[node] for node in ends if node in number}
    copied = dataclasses.replace(index, **{f.name: _copy(getattr(index, f.name), touched)
                                           for f in dataclasses.fields(index) if f.init})
    for old, relation in moved.values():
        # The copied relationships are those of changed ties: look for them at their ends only.
        person = number.get(old["from"])
        if person is None:
            continue
        for entries, relations in ((getattr(copied, "knows", ()), getattr(copied, "tie_relation", ())),
                                   (getattr(copied, "person_atts", ()), getattr(copied, "att_relation", ()))):
            if person >= len(entries):
                continue
            for entry in entries[person]:
                at = entry[1] if isinstance(entry, tuple) else entry
                if relations[at] is old:
                    relations[at] = relation
    return copied


def without_types(graph: nx.Graph, types: Iterable[str]) -> nx.Graph:
    """Return a copy of `graph` without the relationships of `types`, as `build_graph` would give it.

    Every node stays (with the same attributes, shared); a pair whose relationships were all of
    those types is no longer an edge. Each node keeps its neighbours in the graph's order, which
    is the build's as long as a pair's first relationship is not one of `types` while another
    remains (true of the personal types: an attendance is the only relationship of a person to
    an event). What is derived and kept on the graph is not copied, but the table of names.
    """
    dropped = set(types)
    new = AcyclicGraph()
    nodes, adjacency = new._node, new._adj
    shared: dict[tuple[str, str], dict[str, Any]] = {}
    for node, attrs in graph._node.items():
        nodes[node] = attrs
        adjacency[node] = {}
    for node, neighbours in graph._adj.items():
        mine = adjacency[node]
        for other, data in neighbours.items():
            key = (node, other) if node <= other else (other, node)
            found = shared.get(key)
            if found is None:
                kept = [r for r in data["relations"] if r["type"] not in dropped]
                if not kept:
                    continue
                found = shared[key] = {**data, "relations": kept}
            mine[other] = found
    if "by_name" in graph.graph:
        new.graph["by_name"] = graph.graph["by_name"]  # never changed in place: `fork` copies what an edit touches
    return new


def changes_without_types(changes: Iterable[tuple[Item, Item]], types: Iterable[str]) -> list[tuple[Item, Item]]:
    """Return the changes that reach a graph without the relationships of `types` (`without_types`)."""
    dropped = set(types)
    return [(before, after) for before, after in changes
            if not isinstance(after if after is not None else before, Connection)
            or (after if after is not None else before).type.value not in dropped]  # type: ignore[union-attr]
