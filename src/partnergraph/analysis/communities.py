"""Communities: groups of people and organisations more tied to each other than to the rest.

Louvain modularity optimisation (NetworkX's `louvain_communities`), seeded so that the same graph
and seed give the same communities. Issues are left out of the graph (a topic that fifty
organisations work on is not a social tie between them) and summarised per community instead.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from partnergraph.analysis.centrality import weighted
from partnergraph.analysis.graph import node_summary
from partnergraph.model import PartnergraphError
from partnergraph.schema import ORGANISATION_SLUGS

ORGANISATION_KINDS = ORGANISATION_SLUGS


def social_graph(graph: nx.Graph) -> nx.Graph:
    """Return `graph` without its issue nodes (a view)."""
    return nx.subgraph_view(graph, filter_node=lambda n: graph.nodes[n]["kind"] != "issue")


def communities(graph: nx.Graph, *, seed: int = 0, resolution: float = 1.0,
                weighted_ties: bool = False) -> list[set[str]]:
    """Return the Louvain communities of `graph` (issues left out), largest first, ties by smallest id.

    With `weighted_ties`, stronger ties count more (weight = tie strength 1..5).
    """
    if resolution <= 0:
        raise PartnergraphError("resolution must be a positive number")
    social = social_graph(graph)
    source = weighted(social) if weighted_ties else social
    # Louvain visits nodes and neighbours in the graph's order: fix that order (by id) so that the
    # same seed gives the same communities whichever store listed the elements first.
    work = nx.Graph()
    work.add_nodes_from(sorted(source))
    work.add_edges_from(sorted((min(u, v), max(u, v), {"strength": d.get("strength", 1)})
                               for u, v, d in source.edges(data=True)))
    found = nx.community.louvain_communities(work, weight="strength" if weighted_ties else None,
                                             resolution=resolution, seed=seed)
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(c)))


def membership(found: list[set[str]]) -> dict[str, int]:
    """Return the community number (1 for the largest) of every node."""
    return {n: i for i, c in enumerate(found, start=1) for n in c}


def summarise(graph: nx.Graph, found: list[set[str]], *, top: int = 5) -> dict[str, Any]:
    """Return per community its size, kinds, regions, issues and main organisations, and the modularity.

    Regions count the community's elements by region; issues count its organisations working on
    each issue; main organisations are those with most ties inside the community.
    """
    social = social_graph(graph)
    result = []
    for number, members in enumerate(found, start=1):
        inside = social.subgraph(members)
        kinds = Counter(graph.nodes[n]["kind"] for n in members)
        regions = Counter(graph.nodes[n].get("region") for n in members if graph.nodes[n].get("region"))
        organisations = [n for n in members if graph.nodes[n]["kind"] in ORGANISATION_KINDS]
        issues = Counter(i for o in organisations for i in graph.neighbors(o) if graph.nodes[i]["kind"] == "issue")
        main = sorted(organisations, key=lambda o: (-inside.degree(o), o))[:top]
        result.append({
            "community": number,
            "size": len(members),
            "kinds": {k: kinds[k] for k in sorted(kinds)},
            "regions": [{"region": r, "count": c} for r, c in sorted(regions.items(), key=lambda x: (-x[1], x[0]))[:top]],
            "issues": [{**node_summary(graph, i), "organisations": c}
                       for i, c in sorted(issues.items(), key=lambda x: (-x[1], x[0]))[:top]],
            "main_organisations": [{**node_summary(graph, o), "ties_inside": inside.degree(o)} for o in main],
            "members": sorted(members),
        })
    modularity = nx.community.modularity(social, found) if social.number_of_edges() else 0.0
    return {"modularity": modularity, "communities": result}
