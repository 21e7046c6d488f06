"""Build the NetworkX graph that every analysis works on.

The analysis graph is an undirected `nx.Graph`: one node per element (attributes `kind`, `name`
and the element's properties) and one edge per pair of related elements. Two elements can be
related in more than one way (a person both works at and holds a partner); the edge keeps every
relationship in its `relations` list, so that nothing is lost and explanations can cite them all.
Each relationship is a dict: `type`, `from`, `to` and its properties.

At a million people the graph is tens of millions of small objects, so the builder shares what
repeats instead of keeping a copy per row: the `from`/`to` of a relationship and the ends in the
adjacency are the node's own id string, and property names, type names and repeated text values
(dates, sources, roles, countries, names) are one string each. Shared strings are immutable, so
no analysis can tell the difference; it only sees less memory.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

import networkx as nx

from partnergraph.analysis.folding import Candidate
from partnergraph.analysis.lookup import NameIndex
from partnergraph.analysis.path_index import PathIndex
from partnergraph.analysis.path_index_edits import IndexEdits
from partnergraph.model import Connection, Element, Kind, UnknownNode

# Text values longer than this are kept as they come: long text (notes, websites) rarely repeats,
# and keeping it out of the build's string table keeps that table small.
_SHARED_TEXT = 64

# NetworkX internals used here, on purpose (tests/test_networkx_internals.py checks each one,
# and pyproject.toml bounds networkx to the versions checked):
# - `graph._node` and `graph._adj`, the dicts every public view (nodes, adj, edges, degree)
#   reads. build_graph fills them directly: add_node/add_edge cost more per call (the same fill
#   through them took 1.4-1.7x as long in a 50,000-node, 300,000-edge micro-benchmark), and at
#   a million people the build is the slowest step of a first question. update_graph edits and
#   reorders them in place, since no public call puts nodes or neighbours back in the build's
#   order. Both keep the same dict objects, so views made before stay valid.
# The graph's cache of converted graphs is cleared with `G.__networkx_cache__.clear()`, the way
# NetworkX's configuration docs give for graphs mutated directly.


def build_graph(elements: Iterable[Element], connections: Iterable[Connection]) -> nx.Graph:
    """Return the undirected analysis graph of `elements` and `connections`.

    Both may be one-pass iterators (a store's stream): elements are read first, then connections,
    and neither is held. Nodes and edges are added in the order given, which fixes the graph's
    iteration order; stores give elements by id and connections by key.
    """
    graph = nx.Graph()
    # One string per distinct id, key and short value, for the duration of the build.
    table: dict[str, str] = {}
    share = table.setdefault
    nodes, adjacency = graph._node, graph._adj  # filled directly: add_node/add_edge cost 3x more per call

    def shared_props(props: dict[str, Any], into: dict[str, Any]) -> None:
        for key, value in props.items():
            if type(value) is str and len(value) <= _SHARED_TEXT:
                value = share(value, value)
            into[share(key, key)] = value

    for element in elements:
        node = share(element.id, element.id)
        attrs: dict[str, Any] = {}
        shared_props(element.props, attrs)
        # The key order add_node(id, **props, kind=..., name=...) gives: properties first.
        attrs["kind"] = share(element.kind.slug, element.kind.slug)
        attrs["name"] = share(element.name, element.name) if len(element.name) <= _SHARED_TEXT else element.name
        if node in nodes:
            nodes[node].update(attrs)
        else:
            nodes[node] = attrs
            adjacency[node] = {}
    for conn in connections:
        source, target = share(conn.source, conn.source), share(conn.target, conn.target)
        if source not in nodes:  # an end that is no element given: a bare node, as add_edge made
            nodes[source] = {}
            adjacency[source] = {}
        if target not in nodes:
            nodes[target] = {}
            adjacency[target] = {}
        relation: dict[str, Any] = {"type": conn.type.value, "from": source, "to": target}
        for key, value in conn.props.items():  # shared_props, inlined: this loop runs per tie
            if type(value) is str and len(value) <= _SHARED_TEXT:
                value = share(value, value)
            relation[share(key, key)] = value
        data = adjacency[source].get(target)
        if data is not None:
            data["relations"].append(relation)
        else:
            data = {"relations": [relation]}
            adjacency[source][target] = data
            adjacency[target][source] = data
    del table
    _forget_cached(graph)
    _index_names(graph)
    return graph


def _forget_cached(graph: nx.Graph) -> None:
    # After the dicts were changed behind NetworkX's back: what it cached from them is stale.
    cache = getattr(graph, "__networkx_cache__", None)
    if cache:
        cache.clear()


def _index_names(graph: nx.Graph) -> None:
    # Names are looked up on every question; index them once with the graph.
    by_name: dict[str, list[str]] = {}
    for node, name in graph.nodes(data="name"):
        by_name.setdefault(name, []).append(node)
    graph.graph["by_name"] = by_name


Item = Element | Connection | None


def update_graph(graph: nx.Graph, changes: Iterable[tuple[Item, Item]]) -> None:
    """Apply recorded changes (each an element or connection before and after) to `graph` in place.

    The result is the graph `build_graph` would give for the changed store, down to the order of
    nodes, of each node's neighbours and of each edge's relationships, so every analysis answers
    exactly as after a rebuild. What is derived from the graph and kept on it is dropped, to be
    derived again when next asked for, except the name index and the path index, which follow
    every edit in place (`partnergraph.analysis.path_index_edits`).
    """
    nodes, adjacency = graph._node, graph._adj
    by_name: dict[Any, list[str]] = graph.graph["by_name"]
    names: NameIndex | None = graph.graph.get("name_index")  # kept up to date when it was made
    touched: set[str] = set()
    added = False
    index: PathIndex | None = graph.graph.get("path_index")
    edits = IndexEdits(index, graph) if index is not None else None
    for before, after in changes:
        item = after if after is not None else before
        if isinstance(item, Element):
            if item.id in nodes:
                _unname(by_name, nodes[item.id].get("name"), item.id)
            if names is not None:
                names.discard(item.id)
            if after is None:
                for neighbour in adjacency.pop(item.id, {}):
                    if neighbour != item.id:
                        del adjacency[neighbour][item.id]
                        touched.add(neighbour)
                nodes.pop(item.id, None)
                if edits is not None:
                    edits.node_removed(item.id)
                continue
            assert isinstance(after, Element)
            attrs: dict[str, Any] = {key: after.props[key] for key in sorted(after.props)}
            attrs["kind"], attrs["name"] = after.kind.slug, after.name
            if after.id not in nodes:
                adjacency[after.id] = {}
                added = True
            nodes[after.id] = attrs
            if edits is not None:
                edits.node_added(after.id, attrs["kind"])  # nothing for a node the index holds
                # An event's dates are its attendances' period, and say whether they have happened.
                if after.kind is Kind.EVENT and before is not None and any(
                        before.props.get(k) != after.props.get(k) for k in ("start", "end")):
                    edits.event_dates(after.id, attrs)
            # Each name's ids in node order, which is id order: as the build lists them.
            bisect.insort(by_name.setdefault(after.name, []), after.id)
            if names is not None:
                names.add(_candidate(after.id, attrs))
        elif isinstance(item, Connection):
            u, v, rel = item.source, item.target, item.type.value
            data = adjacency.get(u, {}).get(v)
            current = None if data is None or not isinstance(after, Connection) else next(
                (r for r in data["relations"] if _relation_key(r) == (u, v, rel)), None)
            if isinstance(before, Connection) and current is not None:
                assert isinstance(after, Connection)
                # The same relationship with other properties: change its dict where it is, so
                # that its place in the graph and the path index's reference to it stay.
                current.clear()
                current.update(type=rel, **{"from": u, "to": v})
                current.update((key, after.props[key]) for key in sorted(after.props))
                if edits is not None:
                    edits.relation_changed(current)
                continue
            if data is not None:
                kept = [r for r in data["relations"] if not (r["type"] == rel and r["from"] == u and r["to"] == v)]
                if edits is not None and len(kept) < len(data["relations"]):
                    edits.relation_removed(u, v, rel)
                data["relations"] = kept
            if isinstance(after, Connection):
                relation: dict[str, Any] = {"type": rel, "from": u, "to": v}
                relation.update((key, after.props[key]) for key in sorted(after.props))
                if data is None:
                    for end in (u, v):
                        if end not in nodes:  # as build_graph: an end that is no element is a bare node
                            nodes[end], adjacency[end], added = {}, {}, True
                    data = adjacency[u][v] = adjacency[v][u] = {"relations": []}
                data["relations"].append(relation)
                data["relations"].sort(key=_relation_key)
                if edits is not None:
                    for end in (u, v):  # an end that is no element: a bare node, as the build numbers it
                        edits.node_added(end, nodes[end].get("kind"))
                    edits.relation_added(relation)
            elif data is not None and not data["relations"]:
                del adjacency[u][v]
                if u != v:
                    del adjacency[v][u]
            touched.update((u, v))
    # The build adds nodes by id, and each node's neighbours as the first connection between
    # the two comes (connections by key): put what changed back in that order.
    # In place: the same dicts stay the graph's (and its views').
    if added:
        for table in (nodes, adjacency):
            ordered = sorted(table.items())
            table.clear()
            table.update(ordered)
    for node in touched:
        neighbours = adjacency.get(node)
        if neighbours:
            ordered = sorted(neighbours.items(), key=lambda item: min(map(_relation_key, item[1]["relations"])))
            neighbours.clear()
            neighbours.update(ordered)
    _forget_cached(graph)
    graph.graph.clear()
    graph.graph["by_name"] = by_name
    if names is not None:
        graph.graph["name_index"] = names
    if edits is not None:
        edits.finish()
        graph.graph["path_index"] = index


def _unname(by_name: dict[Any, list[str]], name: Any, node: str) -> None:
    ids = by_name.get(name)
    if ids is not None and node in ids:
        ids.remove(node)
        if not ids:
            del by_name[name]


def _relation_key(relation: dict[str, Any]) -> tuple[str, str, str]:
    return (relation["from"], relation["to"], relation["type"])


def relations(graph: nx.Graph, u: str, v: str, *types: str) -> list[dict[str, Any]]:
    """Return the relationships between `u` and `v`, optionally only those of some types."""
    found = graph.edges[u, v]["relations"]
    return [r for r in found if not types or r["type"] in types]


def node_summary(graph: nx.Graph, node: str) -> dict[str, str]:
    """Return the id, name and kind of a node, as the JSON contracts show elements."""
    data = graph.nodes[node]
    return {"id": node, "name": data["name"], "kind": data["kind"]}


def name_index(graph: nx.Graph) -> NameIndex:
    """Return the forgiving-lookup index of the graph's elements (names and aliases), made when first asked.

    It lives with the graph: `update_graph` keeps it up to date edit by edit.
    """
    found = graph.graph.get("name_index")
    if found is None:
        found = graph.graph["name_index"] = NameIndex.from_candidates(
            _candidate(node, data) for node, data in graph.nodes(data=True) if "kind" in data)
    return found


_KINDS = {kind.slug: kind for kind in Kind}


def _candidate(node: str, data: dict[str, Any]) -> Candidate:
    aliases = data.get("aliases") or ()
    return Candidate(node, _KINDS[data["kind"]], data.get("name") or "",
                     tuple(aliases) if isinstance(aliases, list) else (str(aliases),))


def resolve(graph: nx.Graph, ref: str) -> str:
    """Return the id of the one node that `ref` names, or raise `UnknownNode` (with suggestions).

    The exact id, then the exact name, then the forgiving rules of `partnergraph.analysis.lookup`
    (any case and accents, an alias, a unique prefix; docs/cli.md).
    """
    if ref in graph:
        return ref
    names = graph.graph.get("by_name")
    found = names.get(ref, []) if names is not None else [n for n, name in graph.nodes(data="name") if name == ref]
    if len(found) == 1:
        return found[0]
    index = name_index(graph)
    if found:
        return index.only(ref, sorted(found))
    return index.lookup(ref)


def one_match(ref: str, ids: Iterable[str], names: dict[str, str] | None = None) -> str:
    """Return the one id a name matched, or raise `UnknownNode`: none, or several (ambiguous, use an id).

    `names` (id -> name) lets the error list the candidates as "Name (id)".
    """
    matches = sorted(ids)
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(f"{names[m]} ({m})" if names and m in names else m for m in matches[:5])
        raise UnknownNode(f"{ref!r} names {len(matches)} elements: {shown}{', ...' if len(matches) > 5 else ''}; use an id")
    raise UnknownNode(f"no element with id or name {ref!r}")
