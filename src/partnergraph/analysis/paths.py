"""Introduction paths: chains of people from an advocate to a person or an organisation.

A path walks personal ties (KNOWS), held relationships (HOLDS) and memberships (MEMBER_OF):
passing through an organisation means "these two are both at X". Issues and partnerships between
organisations are not ties between people, so paths never use them. An organisation as the target
is reached through any of its members or anyone who holds its relationship.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import networkx as nx

from partnergraph.analysis.explain import describe
from partnergraph.analysis.graph import node_summary, relations
from partnergraph.analysis.warmth import edge_cost, relation_cost
from partnergraph.model import NoPath, UnknownNode, WrongKind

PATH_TYPES = ("KNOWS", "HOLDS", "MEMBER_OF")
# Yen's algorithm yields candidates lazily; with --max-hops in warm mode many may be too long.
MAX_CANDIDATES = 500
# Hop-shortest search weighs each hop HOP plus its warmth cost: fewer hops always win (a path's
# costs add up to far less than one HOP), and among equally short paths the warmest wins.
HOP = 1_000_000.0


@dataclass
class Hop:
    """One step of a path, with the relationships that justify it."""

    source: str
    target: str
    type: str
    why: str
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the hop in the JSON shape of design.md section 4."""
        return {"from": self.source, "to": self.target, "type": self.type, "why": self.why,
                "evidence": self.evidence}


@dataclass
class Path:
    """A chain of elements from the start to the target, hop by hop."""

    nodes: list[str]
    hops: list[Hop]
    cost: float

    @property
    def length(self) -> int:
        return len(self.hops)

    def to_dict(self, graph: nx.Graph) -> dict[str, Any]:
        """Return the path in the JSON shape of design.md section 4."""
        return {"nodes": [node_summary(graph, n) for n in self.nodes],
                "hops": [h.to_dict() for h in self.hops], "length": self.length, "cost": self.cost}


def introduction_graph(graph: nx.Graph, *, avoid: Iterable[str] = (), types: Iterable[str] = PATH_TYPES) -> nx.Graph:
    """Return a read-only view of `graph` with only people, organisations and the ties paths use."""
    avoided = set(avoid)
    allowed = set(types)

    def keep_node(n: str) -> bool:
        return n not in avoided and graph.nodes[n]["kind"] != "issue"

    def keep_edge(u: str, v: str) -> bool:
        return any(r["type"] in allowed for r in graph.edges[u, v]["relations"])

    return nx.subgraph_view(graph, filter_node=keep_node, filter_edge=keep_edge)


def _weight(allowed: set[str], *, hop: float = 0.0):
    def weight(u: str, v: str, data: dict) -> float:
        return hop + edge_cost(r for r in data["relations"] if r["type"] in allowed)
    return weight


def _make_path(graph: nx.Graph, nodes: list[str], allowed: set[str]) -> Path:
    hops = []
    cost = 0.0
    for u, v in zip(nodes, nodes[1:], strict=False):
        found = [r for r in relations(graph, u, v) if r["type"] in allowed]
        found.sort(key=relation_cost)
        cost += relation_cost(found[0])
        why = "; ".join(describe(graph, r) for r in found)
        hops.append(Hop(u, v, found[0]["type"], why, found))
    return Path(nodes, hops, cost)


def introduction_paths(
    graph: nx.Graph,
    source: str,
    target: str,
    *,
    k: int = 1,
    warm: bool = False,
    max_hops: int | None = None,
    avoid: Iterable[str] = (),
    types: Iterable[str] = PATH_TYPES,
) -> list[Path]:
    """Return up to `k` introduction paths from `source` to `target`, best first.

    Hop-shortest by default (ties broken by warmth); with `warm`, cheapest by the costs of
    `partnergraph.analysis.warmth` (ties broken by length). Raises `UnknownNode` for an id not in
    the graph and `NoPath` when nothing connects the two under the constraints.
    """
    for node in (source, target):
        if node not in graph:
            raise UnknownNode(f"no element with id {node!r}")
    if graph.nodes[target]["kind"] == "issue" or graph.nodes[source]["kind"] == "issue":
        raise WrongKind("an issue is not a person or an organisation; paths lead to people and organisations")
    avoided = set(avoid)
    for node in (source, target):
        if node in avoided:
            raise NoPath(f"{node!r} is both an end of the path and avoided")
    if source == target:
        raise NoPath(f"{source!r} is both the start and the target")
    if k < 1:
        raise ValueError("k must be at least 1")
    allowed = set(types)
    view = introduction_graph(graph, avoid=avoided, types=allowed)
    weight = _weight(allowed) if warm else _weight(allowed, hop=HOP)
    too_long = max_hops is not None

    try:
        if k == 1 and not (warm and too_long):
            candidates = [nx.dijkstra_path(view, source, target, weight=weight)]
        else:
            generator = nx.shortest_simple_paths(view, source, target, weight=weight)
            candidates = []
            for nodes in islice(generator, MAX_CANDIDATES):
                if too_long and len(nodes) - 1 > max_hops:
                    if not warm:
                        break  # hop-ordered: every later path is at least as long
                    continue
                candidates.append(nodes)
                if len(candidates) == k:
                    break
    except nx.NetworkXNoPath:
        raise NoPath(f"no path from {source!r} to {target!r}") from None

    paths = [_make_path(graph, nodes, allowed) for nodes in candidates if not too_long or len(nodes) - 1 <= max_hops]
    if not paths:
        raise NoPath(f"no path from {source!r} to {target!r} within {max_hops} hops")
    paths.sort(key=(lambda p: (p.cost, p.length)) if warm else (lambda p: (p.length, p.cost)))
    return paths
