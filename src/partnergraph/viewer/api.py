"""The JSON API under /api (docs/json-api.md): parse the query, call the services, answer JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from partnergraph.services.options import (
    BrokersQuery,
    HoldersQuery,
    PathQuery,
    SearchQuery,
    SuggestQuery,
)
from partnergraph.viewer.common import (
    as_allowed,
    centrality_query,
    communities_query,
    coverage_query,
    criteria_query,
    graph_query,
    int_arg,
    path_args,
    personal_data_allowed,
    private_only,
    state,
    suggest_args,
    text_arg,
)
from partnergraph.viewer.computing import json_answer

api = Blueprint("api", __name__)


@api.get("/search")
def search() -> Any:
    """Find elements by name or id: ?q=TEXT[&limit=N]."""
    query = SearchQuery(text_arg("q", "") or "", limit=int_arg("limit", 20), public=state().public)
    with state().workspace() as ws:
        results = ws.browse.search(query)
    return jsonify({"query": query.text, "results": results})


@api.get("/nodes/<path:node_id>")
def node(node_id: str) -> Any:
    """Return one element, its properties and its neighbours grouped by relationship."""
    with state().workspace() as ws:
        return jsonify(as_allowed(ws.browse.element(node_id, public=state().public, personal=personal_data_allowed())))


@api.get("/holders/<path:partner_id>")
def holders(partner_id: str) -> Any:
    """Return who holds the relationship with a partner (the CLI's `holders --json`)."""
    private_only()
    with state().workspace() as ws:
        return jsonify(as_allowed(ws.questions.holders(HoldersQuery(partner_id))))


@api.get("/path")
def path() -> Any:
    """Return introduction paths (the CLI's `path --json`).

    ?from=&to=[&warm=1&k=N&max_hops=N&avoid=ID...&types=KNOWS,HOLDS&current=1&overlap=1&via_issue=ID]
    or, instead of `to`, a question: &to_issue=ID&to_region=REGION.
    """
    private_only()
    query = PathQuery(**path_args(), personal=personal_data_allowed())
    with state().workspace() as ws:
        return jsonify(as_allowed(ws.questions.path(query)))


@api.get("/directory")
def directory() -> Any:
    """Return the public directory: public partners with routes in: ?region=&issue=&type=&offers=.

    The same in every mode and for every reader (and what `partnergraph directory --json`
    prints): it holds nothing that may not be published.
    """
    with state().workspace() as ws:
        return jsonify(ws.browse.directory(region=text_arg("region"), issue=text_arg("issue"), type=text_arg("type"),
                                           offers=text_arg("offers")))


@api.get("/centrality")
def centrality() -> Any:
    """Return the top elements by a measure: ?measure=&kind=&top=&type=&include_issues=1 (the CLI's `centrality --json`)."""
    query = centrality_query(measure="degree", top=10, public=state().public)
    with state().workspace() as ws:
        return json_answer(ws.jobs.question("centrality", query))


@api.get("/graph")
def graph() -> Any:
    """Return nodes and edges for the graph view: ?center=ID&depth=1..3&limit=N plus filters.

    Filters: kind (repeatable), issue, region, status; size=MEASURE adds a `score` to each node.
    Without a centre, the best connected elements of the whole graph up to `limit`.
    """
    query = graph_query(public=state().public)
    with state().workspace() as ws:
        return jsonify(ws.browse.ego_graph(query))


@api.get("/brokers")
def brokers() -> Any:
    """Return Burt's measures, cut points, bridges and connectors: ?top=N (the CLI's `brokers --json`)."""
    private_only()  # every broker is a person
    query = BrokersQuery(top=int_arg("top", 10), personal=personal_data_allowed())
    with state().workspace() as ws:
        return json_answer(ws.jobs.question("brokers", query))


@api.get("/communities")
def communities() -> Any:
    """Return the Louvain communities: ?seed=&resolution=&weighted=1&top= (the CLI's `communities --json`).

    In public mode they are found on the public directory alone: organisations, no people.
    """
    query = communities_query(public=state().public)
    with state().workspace() as ws:
        return json_answer(ws.jobs.question("communities", query))


@api.get("/coverage")
def coverage() -> Any:
    """Return the issue x region matrix and the gaps: ?status=active&type=T (repeatable; the CLI's `coverage --json`)."""
    query = coverage_query(public=state().public)
    with state().workspace() as ws:
        return json_answer(ws.jobs.question("coverage", query))


@api.get("/criteria")
def criteria() -> Any:
    """Return partners scored against the default criteria: ?org=ID&top=N&distribution=1 (the CLI's `criteria --json`)."""
    private_only()  # the reasons name the people who hold warm ties
    query = criteria_query()
    with state().workspace() as ws:
        return jsonify(ws.questions.criteria(query))


@api.get("/suggest")
def suggest() -> Any:
    """Return prospective partners for an affiliate: ?for=ID&issue=&region=&top= (the CLI's `suggest --json`)."""
    private_only()  # the reasons name shared people
    query = SuggestQuery(**suggest_args())
    with state().workspace() as ws:
        return jsonify(ws.questions.suggest(query))
