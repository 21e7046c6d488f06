"""The JSON API under /api (docs/json-api.md): parse the query, call the workspace, answer JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from partnergraph.model import PartnergraphError
from partnergraph.viewer.common import (
    KINDS,
    MEASURE_NAMES,
    as_allowed,
    choice_arg,
    communities_query,
    coverage_statuses,
    graph_query,
    int_arg,
    path_options,
    path_query,
    private_only,
    state,
    suggest_query,
    text_arg,
)

api = Blueprint("api", __name__)


@api.get("/search")
def search() -> Any:
    """Find elements by name or id: ?q=TEXT[&limit=N]."""
    query = text_arg("q", "") or ""
    limit = int_arg("limit", 20, high=200)
    with state().workspace() as ws:
        results = ws.search(query, limit=limit, public=state().public)
    return jsonify({"query": query, "results": results})


@api.get("/nodes/<path:node_id>")
def node(node_id: str) -> Any:
    """Return one element, its properties and its neighbours grouped by relationship."""
    with state().workspace() as ws:
        return jsonify(as_allowed(ws.element(node_id, public=state().public)))


@api.get("/holders/<path:partner_id>")
def holders(partner_id: str) -> Any:
    """Return who holds the relationship with a partner (the CLI's `holders --json`)."""
    private_only()
    with state().workspace() as ws:
        return jsonify(as_allowed(ws.holders(partner_id)))


@api.get("/path")
def path() -> Any:
    """Return introduction paths (the CLI's `path --json`).

    ?from=&to=[&warm=1&k=N&max_hops=N&avoid=ID...&types=KNOWS,HOLDS&current=1&overlap=1&via_issue=ID]
    or, instead of `to`, a question: &to_issue=ID&to_region=REGION.
    """
    private_only()
    query = path_query()
    if not query["source"] or not (query["target"] or query["to_issue"] or query["to_region"]):
        raise PartnergraphError("from is required, and to (or to_issue and/or to_region)")
    with state().workspace() as ws:
        return jsonify(as_allowed(ws.path(query["source"], query["target"], **path_options(query))))


@api.get("/directory")
def directory() -> Any:
    """Return the public directory: public partners by region and issue, with routes in: ?region=&issue=.

    The same in every mode and for every reader: it holds nothing that may not be published.
    """
    with state().workspace() as ws:
        return jsonify(ws.directory(region=text_arg("region"), issue=text_arg("issue")))


@api.get("/centrality")
def centrality() -> Any:
    """Return the top elements by a measure: ?measure=&kind=&top= (the CLI's `centrality --json`)."""
    measure = choice_arg("measure", MEASURE_NAMES, "degree") or "degree"
    kind = choice_arg("kind", KINDS, None)
    top = int_arg("top", 10, high=1000) or 10
    public = state().public
    with state().workspace() as ws:
        if not public:
            return jsonify(ws.centrality(measure, kind=kind, top=top))
        # Scores come from the whole graph; the public answer lists only public elements.
        shown = ws.view_graph(public=True)
        result = ws.centrality(measure, kind=kind, top=None)
    result["results"] = [r for r in result["results"] if r["id"] in shown][:top]
    return jsonify(result)


@api.get("/graph")
def graph() -> Any:
    """Return nodes and edges for the graph view: ?center=ID&depth=1..3&limit=N plus filters.

    Filters: kind (repeatable), issue, region, status; size=MEASURE adds a `score` to each node.
    Without a centre, the best connected elements of the whole graph up to `limit`.
    """
    query = graph_query()
    with state().workspace() as ws:
        return jsonify(ws.ego_graph(**query, public=state().public))


@api.get("/brokers")
def brokers() -> Any:
    """Return Burt's measures, cut points, bridges and connectors: ?top=N (the CLI's `brokers --json`)."""
    private_only()  # every broker is a person
    top = int_arg("top", 10, high=1000)
    with state().workspace() as ws:
        return jsonify(ws.brokers(top=top))


@api.get("/communities")
def communities() -> Any:
    """Return the Louvain communities: ?seed=&resolution=&weighted=1&top= (the CLI's `communities --json`).

    In public mode they are found on the public directory alone: organisations, no people.
    """
    query = communities_query()
    with state().workspace() as ws:
        return jsonify(ws.communities(**query, public=state().public))


@api.get("/coverage")
def coverage() -> Any:
    """Return the issue x region matrix and the gaps: ?status=active (repeatable; the CLI's `coverage --json`)."""
    with state().workspace() as ws:
        return jsonify(ws.coverage(statuses=coverage_statuses(), public=state().public))


@api.get("/criteria")
def criteria() -> Any:
    """Return partners scored against the default criteria: ?org=ID&top=N (the CLI's `criteria --json`)."""
    private_only()  # the reasons name the people who hold warm ties
    organisation = text_arg("org")
    top = int_arg("top", None, high=10000)
    with state().workspace() as ws:
        result = ws.criteria(organisation)
    result["results"] = result["results"][:top] if top else result["results"]
    return jsonify(result)


@api.get("/suggest")
def suggest() -> Any:
    """Return prospective partners for an affiliate: ?for=ID&issue=&region=&top= (the CLI's `suggest --json`)."""
    private_only()  # the reasons name shared people
    query = suggest_query()
    if not query["affiliate"]:
        raise PartnergraphError("for is required: the affiliate looking for partners")
    with state().workspace() as ws:
        return jsonify(ws.suggest(query.pop("affiliate"), **query))
