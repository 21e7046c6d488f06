"""Every per-element metric in one table: the five centralities, Burt's measures and the community.

This is what the metric exports write, so that Gephi (or a spreadsheet) can size and colour
elements by any of them.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from partnergraph.analysis.brokers import structural_holes
from partnergraph.analysis.centrality import MEASURES, centrality
from partnergraph.analysis.communities import communities, membership
from partnergraph.model import PartnergraphError

COLUMNS = (*MEASURES, "constraint", "effective_size", "community")


def node_metrics(graph: nx.Graph, *, sample: int | None = None, seed: int | None = None,
                 community_seed: int = 0, weighted_ties: bool = False) -> dict[str, dict[str, Any]]:
    """Return, per node, every centrality of `MEASURES`, constraint, effective size and community number.

    `sample`/`seed` estimate betweenness (see `centrality`). A value that does not apply is None:
    eigenvector centrality when it does not converge, Burt's measures for anyone but people and
    for people without ties, the community for issues (left out of communities).
    """
    table: dict[str, dict[str, Any]] = {n: {} for n in graph}
    for measure in MEASURES:
        try:
            scores = centrality(graph, measure, sample=sample if measure == "betweenness" else None,
                                seed=seed, weighted_ties=weighted_ties)
        except PartnergraphError:  # eigenvector centrality may not converge
            scores = {}
        for node in graph:
            table[node][measure] = scores.get(node)
    holes = structural_holes(graph)
    groups = membership(communities(graph, seed=community_seed, weighted_ties=weighted_ties))
    for node, row in table.items():
        row.update(holes.get(node, {"constraint": None, "effective_size": None}))
        row["community"] = groups.get(node)
    return table
