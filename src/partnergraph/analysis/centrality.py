"""Centrality: who is central, who brokers. Thin, checked wrappers around NetworkX."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx

from partnergraph.model import PartnergraphError

MEASURES: dict[str, Callable[..., dict]] = {
    "degree": nx.degree_centrality,
    "betweenness": nx.betweenness_centrality,
    "closeness": nx.closeness_centrality,
    "pagerank": nx.pagerank,
    "eigenvector": nx.eigenvector_centrality,
}


def centrality(
    graph: nx.Graph,
    measure: str = "degree",
    *,
    sample: int | None = None,
    seed: int | None = None,
) -> dict[str, float]:
    """Return the `measure` centrality of every node, exactly as NetworkX computes it.

    `sample` estimates betweenness from that many random source nodes (seeded by `seed`);
    it applies to betweenness only.
    """
    if measure not in MEASURES:
        raise PartnergraphError(f"unknown measure {measure!r} (expected one of {', '.join(MEASURES)})")
    if sample is not None and measure != "betweenness":
        raise PartnergraphError("--sample applies to betweenness only")
    if graph.number_of_nodes() == 0:
        return {}
    if measure == "betweenness" and sample is not None:
        if sample < 1:
            raise PartnergraphError("--sample must be at least 1")
        return nx.betweenness_centrality(graph, k=min(sample, graph.number_of_nodes()), seed=seed)
    if measure == "eigenvector":
        try:
            return nx.eigenvector_centrality(graph, max_iter=1000)
        except nx.PowerIterationFailedConvergence:
            raise PartnergraphError("eigenvector centrality did not converge on this graph; try pagerank") from None
    return MEASURES[measure](graph)


def rank(
    graph: nx.Graph,
    scores: dict[str, float],
    *,
    kind: str | None = None,
    top: int | None = None,
) -> list[tuple[str, float]]:
    """Return (node, score) pairs sorted by score, descending; ties by id, for stable output."""
    ranked = sorted(
        ((n, s) for n, s in scores.items() if kind is None or graph.nodes[n]["kind"] == kind),
        key=lambda item: (-item[1], item[0]),
    )
    return ranked[:top] if top is not None else ranked
