"""Prospective partners: organisations an affiliate does not partner with yet, ranked and explained.

Each candidate's rank is its criteria score judged from the affiliate's side
(`partnergraph.analysis.criteria.score` with `affiliate`), plus graph proximity between the
affiliate and the candidate: Adamic-Adar over their shared neighbours (people, organisations and
issues; a neighbour shared by few counts more than a popular issue) and a bonus per shared person
or organisation. Weights come from the criteria file's [proximity] section.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

from partnergraph.analysis.criteria import Criteria, score
from partnergraph.analysis.graph import node_summary, relations
from partnergraph.analysis.words import plural
from partnergraph.model import RelType, UnknownNode, WrongKind


def partnered(graph: nx.Graph, affiliate: str) -> set[str]:
    """Return the partners `affiliate` already partners with (any status)."""
    return {p for p in graph.neighbors(affiliate)
            if graph.nodes[p]["kind"] == "partner" and relations(graph, affiliate, p, RelType.PARTNERS_WITH)}


def proximity(graph: nx.Graph, a: str, b: str) -> dict[str, Any]:
    """Return the common neighbours of `a` and `b` (issues apart) and their Adamic-Adar index."""
    common = sorted(set(graph.neighbors(a)) & set(graph.neighbors(b)))
    # NetworkX's definition: 1/log(degree) summed over common neighbours (degree >= 2 for them).
    adamic_adar = sum(1 / math.log(graph.degree(n)) for n in common)
    issues = [n for n in common if graph.nodes[n]["kind"] == "issue"]
    others = [n for n in common if graph.nodes[n]["kind"] != "issue"]
    return {"common_neighbours": others, "shared_issues": issues, "adamic_adar": adamic_adar}


def suggest(graph: nx.Graph, affiliate: str, criteria: Criteria, *, issue: str | None = None,
            region: str | None = None, top: int | None = 10) -> list[dict[str, Any]]:
    """Return partners `affiliate` does not partner with yet, best prospects first, each explained.

    `issue` (an issue id) keeps candidates working on it; `region` those in that region
    (case-insensitive).
    """
    if affiliate not in graph:
        raise UnknownNode(f"no element with id {affiliate!r}")
    if graph.nodes[affiliate]["kind"] != "affiliate":
        raise WrongKind(f"{affiliate!r} is a {graph.nodes[affiliate]['kind']}, not an affiliate")
    if issue is not None:
        if issue not in graph:
            raise UnknownNode(f"no element with id {issue!r}")
        if graph.nodes[issue]["kind"] != "issue":
            raise WrongKind(f"{issue!r} is a {graph.nodes[issue]['kind']}, not an issue")
    wanted_region = region.strip().casefold() if region else None
    weights = criteria["proximity"]
    already = partnered(graph, affiliate)
    found = []
    for candidate, kind in graph.nodes(data="kind"):
        if kind != "partner" or candidate in already:
            continue
        if issue is not None and not graph.has_edge(candidate, issue):
            continue
        if wanted_region and str(graph.nodes[candidate].get("region") or "").casefold() != wanted_region:
            continue
        judged = score(graph, candidate, criteria, affiliate=affiliate)
        near = proximity(graph, affiliate, candidate)
        bonus = weights["adamic_adar"] * near["adamic_adar"] + weights["per_common_neighbour"] * len(near["common_neighbours"])
        why = [r["why"] for r in judged["reasons"] if r["points"]]
        if near["common_neighbours"]:
            names = ", ".join(graph.nodes[n]["name"] for n in near["common_neighbours"][:5])
            why.append(f"shares {plural(len(near['common_neighbours']), 'neighbour')} with "
                       f"{graph.nodes[affiliate]['name']}: {names}")
        found.append({
            **node_summary(graph, candidate),
            "status": judged["status"], "region": graph.nodes[candidate].get("region"),
            "rank_score": round(judged["score"] + bonus, 6), "criteria_score": judged["score"],
            "meets_criteria": judged["meets_criteria"], "verdict": judged["verdict"], "vetoed": judged["vetoed"],
            "adamic_adar": round(near["adamic_adar"], 6),
            "common_neighbours": [node_summary(graph, n) for n in near["common_neighbours"]],
            "shared_issues": [node_summary(graph, n) for n in near["shared_issues"]],
            "reasons": judged["reasons"], "why": why,
        })
    # Vetoed candidates go last whatever they score: the criteria say not to approach them.
    found.sort(key=lambda s: (s["vetoed"], -s["rank_score"], s["id"]))
    return found[:top] if top is not None else found
