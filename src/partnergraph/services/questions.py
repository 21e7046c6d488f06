"""The analyst's and the advocate's questions: holders, paths, centrality, risks, brokers and more.

Each question takes its options as one object from `partnergraph.services.options`, resolves
ids and names on the cached analysis graph, calls the analysis and returns plain JSON-ready
data (the shapes of docs/json-api.md).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from partnergraph.analysis import brokers
from partnergraph.analysis import communities as community_analysis
from partnergraph.analysis import coverage as coverage_analysis
from partnergraph.analysis import criteria as criteria_analysis
from partnergraph.analysis import metrics as metrics_analysis
from partnergraph.analysis import suggest as suggest_analysis
from partnergraph.analysis.centrality import centrality, rank, scope
from partnergraph.analysis.contact_of_record import record_risks
from partnergraph.analysis.criteria import default_text as default_criteria_text
from partnergraph.analysis.graph import node_summary, resolve
from partnergraph.analysis.org_types import of_types, wanted_types
from partnergraph.analysis.relationships import relationship_risks
from partnergraph.analysis.score_spread import score_spread
from partnergraph.model import PartnergraphError
from partnergraph.services.browse import Browse
from partnergraph.services.cache import GraphCache
from partnergraph.services.cold import holders_answer
from partnergraph.services.options import (
    BrokersQuery,
    CentralityQuery,
    CommunitiesQuery,
    CoverageQuery,
    CriteriaQuery,
    HoldersQuery,
    MetricsQuery,
    PathQuery,
    RisksQuery,
    SuggestQuery,
)
from partnergraph.services.path_answers import path_answer

__all__ = ["Questions", "default_criteria_text", "load_criteria"]


def load_criteria(path: Path | None) -> criteria_analysis.Criteria:
    """Return the partnership criteria of a TOML file laid over the defaults (the defaults when None)."""
    if path is None:
        return criteria_analysis.parse_criteria()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PartnergraphError(f"{path}: no such criteria file") from None
    return criteria_analysis.parse_criteria(text, str(path))


class Questions:
    """The questions of partnergraph over one store's cached analysis graph."""

    def __init__(self, cache: GraphCache, browse: Browse):
        self.cache = cache
        self.browse = browse

    def holders(self, query: HoldersQuery) -> dict[str, Any]:
        """Return a partner, its contacts of record and the people who hold its relationship, with warnings."""
        graph = self.cache.graph()
        return holders_answer(graph, resolve(graph, query.partner), query)

    def path(self, query: PathQuery) -> dict[str, Any]:
        """Return up to `k` introduction paths; no path gives an empty list, not an error."""
        graph = self.cache.path_graph()
        return path_answer(graph, query, lambda ref: resolve(graph, ref))

    def centrality(self, query: CentralityQuery) -> dict[str, Any]:
        """Return the top elements by a centrality measure, on the whole graph or a part of it.

        With `public`, everything is computed on the public graph alone (`browse.view_graph`):
        the scores, the ranking and the counts in `scope`, so that nothing private (a partner's
        contacts, a private organisation) weighs on what the public sees.
        """
        graph = self.browse.view_graph(public=query.public, personal=query.personal)
        issue_id = resolve(graph, query.issue) if query.issue else None
        induced_kind = query.kind if query.induced else None
        scoped = query.region is not None or issue_id is not None or query.induced
        work = scope(graph, region=query.region, issue=issue_id, kind=induced_kind) if scoped else graph
        key = (query.measure, query.sample, query.seed, query.weighted, query.region, issue_id, induced_kind,
               query.backend, query.public, query.personal)
        scores = self.cache.memo("centrality", key, lambda: centrality(
            work, query.measure, sample=query.sample, seed=query.seed, weighted_ties=query.weighted,
            backend=query.backend))
        typed = of_types(graph, query.types) if query.types else None
        results = [{**node_summary(graph, n), "score": s}
                   for n, s in rank(graph, scores, kind=query.kind, top=query.top,
                                    include_issues=query.include_issues, nodes=typed)]
        approximate = query.measure == "betweenness" and query.sample is not None and query.sample < work.number_of_nodes()
        return {"measure": query.measure, "approximate": approximate, "weighted": query.weighted,
                "kind": query.kind, "types": sorted(wanted_types(graph, query.types)),
                "include_issues": query.include_issues,
                "scope": {"region": query.region, "issue": issue_id, "induced": query.induced,
                          "nodes": work.number_of_nodes(), "edges": work.number_of_edges()},
                "results": results}

    def risks(self, query: RisksQuery) -> dict[str, Any]:
        """Return unheld and single-holder partners, overloaded holders, stale ties, dormant partners,
        partners with no contact of record and contacts of record gone stale or ended (docs/analytics.md)."""
        today = query.today or date.today()
        graph = self.cache.graph()
        found = relationship_risks(graph, today=today, stale_months=query.stale_months, overload=query.overload)
        records = record_risks(graph, today=today, stale_months=query.stale_months)
        return {"as_of": today.isoformat(), "stale_months": query.stale_months, "overload": query.overload,
                **found, **records}

    def brokers(self, query: BrokersQuery) -> dict[str, Any]:
        """Return who brokers: structural holes, cut points with consequences, bridges, connectors."""
        graph, top = self.browse.view_graph(personal=query.personal), query.top
        holes = self.cache.memo("brokers", ("holes", query.personal), lambda: brokers.structural_holes(graph))
        ranked = sorted(((n, h) for n, h in holes.items() if h["effective_size"] is not None),
                        key=lambda item: (-item[1]["effective_size"], item[1]["constraint"], item[0]))
        return {
            "structural_holes": [{**node_summary(graph, n), **h} for n, h in (ranked[:top] if top else ranked)],
            "cut_points": self.cache.memo("brokers", ("cut_points", top, query.personal), lambda: brokers.cut_points(graph, top=top)),
            "bridges": self.cache.memo("brokers", ("bridges", top, query.personal), lambda: brokers.bridges(graph, top=top)),
            "connectors": brokers.connectors(graph, top=top),
        }

    def without(self, ref: str) -> dict[str, Any]:
        """Return what the network would lose without one person or organisation."""
        graph = self.cache.graph()
        node = resolve(graph, ref)
        return {"element": node_summary(graph, node), **brokers.consequences(graph, node)}

    def communities(self, query: CommunitiesQuery) -> dict[str, Any]:
        """Return the Louvain communities (seeded) with a summary of each, largest first."""
        graph = self.browse.view_graph(public=query.public, personal=query.personal)
        key = (query.seed, query.resolution, query.weighted, query.public, query.personal)
        found = self.cache.memo("communities", key, lambda: community_analysis.communities(
            graph, seed=query.seed, resolution=query.resolution, weighted_ties=query.weighted))
        summary = community_analysis.summarise(graph, found)
        shown = summary["communities"][:query.top] if query.top else summary["communities"]
        return {"seed": query.seed, "resolution": query.resolution, "weighted": query.weighted, "count": len(found),
                "modularity": summary["modularity"], "communities": shown}

    def coverage(self, query: CoverageQuery) -> dict[str, Any]:
        """Return the issue x region matrix of partners with those statuses, and the gaps."""
        return coverage_analysis.coverage(self.browse.view_graph(public=query.public), statuses=query.statuses,
                                          types=query.types)

    def criteria(self, query: CriteriaQuery) -> dict[str, Any]:
        """Score one organisation, or every partner, against the partnership criteria, with reasons."""
        rules = load_criteria(query.criteria_file)
        graph = self.cache.graph()
        if query.organisation is not None:
            scored = [criteria_analysis.score(graph, resolve(graph, query.organisation), rules)]
        else:
            scored = criteria_analysis.score_all(graph, rules)
        result = {"criteria": rules.source, "approve_at": rules.approve_at,
                  "results": scored[:query.top] if query.top else scored}
        if query.distribution:
            result["distribution"] = score_spread(scored, approve_at=rules.approve_at)
        return result

    def suggest(self, query: SuggestQuery) -> dict[str, Any]:
        """Return prospective partners for an affiliate, ranked by criteria and graph proximity, explained."""
        rules = load_criteria(query.criteria_file)
        graph = self.cache.graph()
        source = resolve(graph, query.affiliate)
        issue_id = resolve(graph, query.issue) if query.issue else None
        found = suggest_analysis.suggest(graph, source, rules, issue=issue_id, region=query.region, top=query.top)
        return {"for": node_summary(graph, source), "issue": issue_id, "region": query.region,
                "criteria": rules.source, "suggestions": found}

    def metrics(self, query: MetricsQuery) -> dict[str, dict[str, Any]]:
        """Return every metric of every element: centralities, Burt's measures, community (cached)."""
        graph = self.cache.graph()
        key = (query.sample, query.seed, query.community_seed, query.weighted)
        return self.cache.memo("metrics", key, lambda: metrics_analysis.node_metrics(
            graph, sample=query.sample, seed=query.seed, community_seed=query.community_seed,
            weighted_ties=query.weighted))

    def overview(self) -> dict[str, int]:
        """Return the number of elements per kind and connections per type (counted once per version)."""
        return self.cache.memo("counts", None, self.cache.store.counts)
