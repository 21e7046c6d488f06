"""Centrality: who is central, who brokers. Checked wrappers around NetworkX, with a compiled kernel.

Scores are NetworkX's own definitions. Betweenness and closeness, the measures that are slow in
pure Python (one breadth-first search per source), run on igraph's C implementation when igraph
is installed and the graph is large enough for it to matter; the results are rescaled to
NetworkX's normalisation, for betweenness including sampled sources (the same sources NetworkX
would take for the same `seed`), and agree with NetworkX within floating-point noise.

Weighted variants read tie strength (1..5 on KNOWS and HOLDS, 3 when not recorded or for other
relationships): a strong tie is a short distance (``6 - strength``) for betweenness and
closeness, and a heavy weight (``strength``) for degree, pagerank and eigenvector.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

import networkx as nx

from partnergraph.model import PartnergraphError, RelType, UnknownNode, WrongKind
from partnergraph.schema import ORGANISATION_SLUGS

MEASURES: dict[str, Callable[..., dict]] = {
    "degree": nx.degree_centrality,
    "betweenness": nx.betweenness_centrality,
    "closeness": nx.closeness_centrality,
    "pagerank": nx.pagerank,
    "eigenvector": nx.eigenvector_centrality,
}
BACKENDS = ("auto", "networkx", "igraph")
DEFAULT_STRENGTH = 3
# Below this size NetworkX answers in milliseconds; converting to igraph would not pay off.
KERNEL_MIN_NODES = 500



def _igraph() -> Any:
    """Return the igraph module, or None where it is missing (NetworkX stays the fallback).

    Imported when first needed, not with this module: it costs a tenth of a second, and the
    command line imports this module for its option names.
    """
    try:
        import igraph
    except ImportError:  # pragma: no cover - exercised only without igraph installed
        return None
    return igraph


def tie_strength(relations: Iterable[Mapping[str, Any]]) -> int:
    """Return the strongest recorded strength among an edge's relationships (3 when none is recorded)."""
    found = [int(r["strength"]) for r in relations if r.get("strength")]
    return max(found) if found else DEFAULT_STRENGTH


def weighted(graph: nx.Graph) -> nx.Graph:
    """Return a copy of `graph`'s structure whose edges carry `strength` and `distance` (6 - strength)."""
    copy = nx.Graph()
    copy.add_nodes_from(graph)
    for u, v, data in graph.edges(data=True):
        strength = tie_strength(data.get("relations", ()))
        copy.add_edge(u, v, strength=strength, distance=6 - strength)
    return copy


def kernel_available() -> bool:
    """Return whether the compiled betweenness kernel (igraph) is installed."""
    return _igraph() is not None


def _sample(graph: nx.Graph, k: int, seed: int | None) -> list:
    # Exactly what NetworkX's @py_random_state does with an int seed, so both pick the same sources.
    return random.Random(seed).sample(list(graph.nodes()), k)


def igraph_betweenness(graph: nx.Graph, *, k: int | None = None, seed: int | None = None,
                       weight: str | None = None) -> dict[Any, float]:
    """Return NetworkX's normalised betweenness of `graph`, computed by igraph (from `k` sampled sources)."""
    igraph = _igraph()
    if igraph is None:
        raise PartnergraphError("the compiled kernel needs igraph (pip install igraph)")
    nodes = list(graph.nodes())
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in graph.edges()]
    g = igraph.Graph(n=n, edges=edges, directed=False)
    weights = [graph.edges[u, v][weight] for u, v in graph.edges()] if weight else None
    if k is None or k >= n:
        raw = g.betweenness(directed=False, weights=weights)
        # igraph counts each unordered pair once; NetworkX divides by the (n-1)(n-2)/2 pairs.
        scale = 2 / ((n - 1) * (n - 2))
        return {node: raw[i] * scale for i, node in enumerate(nodes)}
    sources = _sample(graph, k, seed)
    raw = g.betweenness(directed=False, weights=weights, sources=[index[s] for s in sources])
    # From sampled sources igraph halves the undirected sums; NetworkX 3.5+ rescales sources and
    # non-sources apart (a source is never an inner node of its own paths).
    chosen = set(sources)
    on_source = 2 / ((k - 1) * (n - 2)) if k > 1 else float("nan")
    on_other = 2 / (k * (n - 2))
    return {node: raw[i] * (on_source if node in chosen else on_other) for i, node in enumerate(nodes)}


def igraph_closeness(graph: nx.Graph, *, distance: str | None = None) -> dict[Any, float]:
    """Return NetworkX's closeness centrality of `graph` (Wasserman-Faust for split graphs), computed by igraph."""
    igraph = _igraph()
    if igraph is None:
        raise PartnergraphError("the compiled kernel needs igraph (pip install igraph)")
    nodes = list(graph.nodes())
    n = len(nodes)
    if n < 2:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    g = igraph.Graph(n=n, edges=[(index[u], index[v]) for u, v in graph.edges()], directed=False)
    weights = [graph.edges[u, v][distance] for u, v in graph.edges()] if distance else None
    raw = g.closeness(weights=weights, normalized=True)
    sizes = g.connected_components().sizes()
    component = g.connected_components().membership
    result = {}
    for i, node in enumerate(nodes):
        reached = sizes[component[i]] - 1
        # igraph: reached / total distance over the reachable; NetworkX scales by reached / (n - 1).
        result[node] = 0.0 if reached == 0 or raw[i] != raw[i] else raw[i] * reached / (n - 1)
    return result


def _use_kernel(graph: nx.Graph, backend: str) -> bool:
    if backend not in BACKENDS:
        raise PartnergraphError(f"unknown backend {backend!r} (expected one of {', '.join(BACKENDS)})")
    if backend == "igraph":
        return True
    return backend == "auto" and graph.number_of_nodes() >= KERNEL_MIN_NODES and kernel_available()


def centrality(
    graph: nx.Graph,
    measure: str = "degree",
    *,
    sample: int | None = None,
    seed: int | None = None,
    weighted_ties: bool = False,
    backend: str = "auto",
) -> dict[str, float]:
    """Return the `measure` centrality of every node, as NetworkX defines it.

    `sample` estimates betweenness from that many random source nodes (seeded by `seed`); it
    applies to betweenness only. `weighted_ties` uses tie strength (see the module docstring).
    `backend` picks the betweenness and closeness implementation: "networkx", "igraph", or
    "auto" (igraph for graphs of `KERNEL_MIN_NODES` nodes or more, when installed).
    """
    if measure not in MEASURES:
        raise PartnergraphError(f"unknown measure {measure!r} (expected one of {', '.join(MEASURES)})")
    if sample is not None and measure != "betweenness":
        raise PartnergraphError("sample applies to betweenness only")
    if sample is not None and sample < 1:
        raise PartnergraphError("sample must be at least 1")
    if graph.number_of_nodes() == 0:
        return {}
    work = weighted(graph) if weighted_ties else graph
    if measure == "betweenness":
        k = min(sample, graph.number_of_nodes()) if sample is not None else None
        distance = "distance" if weighted_ties else None
        if _use_kernel(graph, backend):
            return igraph_betweenness(work, k=k, seed=seed, weight=distance)
        return nx.betweenness_centrality(work, k=k, seed=seed, weight=distance)
    if measure == "closeness":
        if _use_kernel(graph, backend):
            return igraph_closeness(work, distance="distance" if weighted_ties else None)
        return nx.closeness_centrality(work, distance="distance" if weighted_ties else None)
    if measure == "eigenvector":
        try:
            return nx.eigenvector_centrality(work, max_iter=1000, weight="strength" if weighted_ties else None)
        except nx.PowerIterationFailedConvergence:
            raise PartnergraphError("eigenvector centrality did not converge on this graph; try pagerank") from None
    if measure == "pagerank":
        return nx.pagerank(work, weight="strength" if weighted_ties else None)
    if weighted_ties:
        # Summed tie strength over the n-1 others: equals degree centrality when every tie weighs 1.
        n = graph.number_of_nodes()
        scale = 1 / (n - 1) if n > 1 else 1.0
        return {node: d * scale for node, d in work.degree(weight="strength")}
    return nx.degree_centrality(graph)


def scope(
    graph: nx.Graph,
    *,
    region: str | None = None,
    issue: str | None = None,
    kind: str | None = None,
) -> nx.Graph:
    """Return the subgraph of `graph` that a centrality question is limited to.

    `region` keeps elements of that region (case-insensitive; issues have none and drop out).
    `issue` (an issue id) keeps the organisations working on it or partnering on it, and the people
    who are members of them or hold their relationship. `kind` keeps elements of that kind only.
    The filters combine; the edges are those among the kept elements.
    """
    keep = set(graph)
    if region is not None:
        wanted = region.strip().casefold()
        keep = {n for n in keep if str(graph.nodes[n].get("region") or "").casefold() == wanted}
        if not keep:
            regions = sorted({str(r) for _, r in graph.nodes(data="region") if r})
            raise PartnergraphError(f"no element in region {region!r} (regions: {', '.join(regions) or 'none'})")
    if issue is not None:
        keep &= issue_scope(graph, issue)
    if kind is not None:
        keep = {n for n in keep if graph.nodes[n]["kind"] == kind}
    return graph.subgraph(keep)


def issue_scope(graph: nx.Graph, issue: str) -> set[str]:
    """Return the organisations working or partnering on `issue` and the people at or holding them."""
    if issue not in graph:
        raise UnknownNode(f"no element with id {issue!r}")
    if graph.nodes[issue]["kind"] != "issue":
        raise WrongKind(f"{issue!r} is a {graph.nodes[issue]['kind']}, not an issue")
    organisations = {n for n in graph.neighbors(issue) if graph.nodes[n]["kind"] in ORGANISATION_SLUGS}
    for u, v, data in graph.edges(data=True):
        for r in data["relations"]:
            if r["type"] == RelType.PARTNERS_WITH and issue in _as_list(r.get("issues")):
                organisations.update((u, v))
    people = {p for org in organisations for p in graph.neighbors(org)
              if graph.nodes[p]["kind"] == "contact"
              and any(r["type"] in (RelType.MEMBER_OF, RelType.HOLDS) for r in graph.edges[p, org]["relations"])}
    return organisations | people


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def rank(
    graph: nx.Graph,
    scores: dict[str, float],
    *,
    kind: str | None = None,
    top: int | None = None,
    include_issues: bool = False,
    nodes: Collection[str] | None = None,
) -> list[tuple[str, float]]:
    """Return (node, score) pairs sorted by score, descending; ties by id, for stable output.

    Issues are left out unless `include_issues` or `kind` is "issue": a topic many organisations
    work on lies on many shortest paths, but nobody can ask it for an introduction. `nodes`
    keeps only those (for instance the organisations of some types, `org_types.of_types`).
    """
    ranked = sorted(
        ((n, s) for n, s in scores.items()
         if (kind is None or graph.nodes[n]["kind"] == kind)
         and (include_issues or kind == "issue" or graph.nodes[n].get("kind") != "issue")
         and (nodes is None or n in nodes)),
        key=lambda item: (-item[1], item[0]),
    )
    return ranked[:top] if top is not None else ranked
