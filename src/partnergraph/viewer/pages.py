"""The HTML pages: home, search, one page per element, the path finder, the graph, analytics."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, url_for

from partnergraph.model import PartnergraphError
from partnergraph.schema import (
    KIND_SHAPES,
    ORGANISATION_TYPES,
    Kind,
    edge_styles,
    kind_css,
    kind_styles,
    page_sections,
    type_label,
)
from partnergraph.schema import KINDS as KIND_SPECS
from partnergraph.services import plural
from partnergraph.services.options import (
    GRAPH_VIEWS,
    LUKEWARM,
    MEASURE_NAMES,
    WARM,
    BrokersQuery,
    CentralityQuery,
    CriteriaQuery,
    GraphQuery,
    PathQuery,
    RisksQuery,
    SearchQuery,
    SuggestQuery,
    warmth_meaning,
)
from partnergraph.services.privacy import visible_types
from partnergraph.viewer.common import (
    KINDS,
    as_allowed,
    centrality_query,
    choice_arg,
    communities_query,
    coverage_query,
    describe_error,
    int_arg,
    path_args,
    personal_data_allowed,
    private_only,
    state,
    suggest_args,
    text_arg,
)
from partnergraph.viewer.computing import computing_page

pages = Blueprint("pages", __name__)
pages.add_app_template_filter(type_label, "type_label")  # organisation types as people read them

# How each kind's page titles the groups of neighbours that services.browse.element returns, and
# the URL segment of each kind: both from the schema table.
SECTION_TITLES = {kind.slug: page_sections(kind) for kind in Kind}
PLURAL = {kind.slug: spec.plural for kind, spec in KIND_SPECS.items()}
TYPE_CHOICES = tuple(ORGANISATION_TYPES)  # the vocabulary of organisation types, offered by the analytics filters
pages.add_app_template_filter(plural, "plural")  # {{ n|plural("partner") }}: "1 partner", "2 partners"


@pages.app_template_filter("event_dates")
def event_dates(element: dict[str, Any]) -> str:
    """Say an event's dates: "2025-03-10 to 2025-03-12", one day, or "" when it has none."""
    start, end = element.get("start"), element.get("end")
    if not start:
        return ""
    return f"{start} to {end}" if end and end != start else str(start)


@pages.app_context_processor
def globals_for_templates() -> dict[str, Any]:
    return {"public_mode": state().public, "kind_styles": kind_styles}


@pages.get("/kinds.css")
def kinds_css() -> Any:
    """Serve each kind's colour as a CSS variable, from the schema (style.css reads them)."""
    return Response(kind_css(), mimetype="text/css", headers={"Cache-Control": "max-age=3600"})


# A template global (not a context variable) so that imported macros see it too.
@pages.app_template_global()
def element_url(element: dict[str, Any]) -> str:
    """Return the page of an element given as a summary (id and kind)."""
    return url_for("pages.element", kinds=PLURAL[element["kind"]], node_id=element["id"])


@pages.get("/")
def home() -> Any:
    if state().public:  # the public viewer opens on the directory: who to turn to, by region and issue
        return directory()
    personal = personal_data_allowed()
    with state().workspace() as ws:
        counts = ws.questions.overview()
        jobs = {"risks": ws.jobs.question("risks", RisksQuery()),
                "brokers": ws.jobs.question("centrality", CentralityQuery("betweenness", kind="contact", top=5,
                                                                          personal=personal)),
                "partners": ws.jobs.question("centrality", CentralityQuery("degree", kind="partner", top=5,
                                                                           personal=personal))}
    return computing_page("home.html", jobs, counts=counts)


@pages.get("/directory")
def directory() -> Any:
    """Show the public directory (the same page in every mode): partners by region, issue, type and offer, routes in."""
    group = choice_arg("group", ("region", "issue"), "region")
    with state().workspace() as ws:
        found = ws.browse.directory(region=text_arg("region"), issue=text_arg("issue"), type=text_arg("type"),
                                    offers=text_arg("offers"))
    partners = {p["id"]: p for p in found["partners"]}
    return render_template("directory.html", directory=found, partners=partners, group=group)


@pages.get("/search")
def search() -> Any:
    query = text_arg("q", "") or ""
    with state().workspace() as ws:
        results = ws.browse.search(SearchQuery(query, limit=100, public=state().public)) if query else []
    return render_template("search.html", query=query, results=results)


@pages.get("/elements/<path:node_id>")
def any_element(node_id: str) -> Any:
    with state().workspace() as ws:
        found = ws.browse.element(node_id, public=state().public)
    return redirect(element_url(found))


@pages.get(f"/<any({', '.join(spec.plural for spec in KIND_SPECS.values())}):kinds>/<path:node_id>")
def element(kinds: str, node_id: str) -> Any:
    event = None
    with state().workspace() as ws:
        found = as_allowed(ws.browse.element(node_id, public=state().public, personal=personal_data_allowed()))
        if found["kind"] == "event" and personal_data_allowed():  # who is there: attendance, personal
            event = ws.events.event(found["id"])
    if PLURAL[found["kind"]] != kinds:
        return redirect(element_url(found))
    sections = [(key, title, found[key]) for key, title in SECTION_TITLES[found["kind"]] if found.get(key)]
    warnings = []
    if found["kind"] == "partner" and not state().public:
        if not found.get("holders"):
            warnings.append("Nobody holds this relationship.")
        elif len(found["holders"]) == 1:
            warnings.append(f"This partnership hangs on one person: {found['holders'][0]['name']}.")
    return render_template("element.html", element=found, sections=sections, warnings=warnings, event=event)


@pages.get("/path")
def path() -> Any:
    private_only()
    query = path_args()
    result = error = None
    with state().workspace() as ws:
        facets = ws.browse.facets()  # the issue and region targets' choices
        if query["source"] and (query["target"] or query["to_issue"] or query["to_region"]):
            try:
                result = as_allowed(ws.questions.path(PathQuery(**query, personal=personal_data_allowed())))
            except PartnergraphError as exc:  # shown beside the form, which keeps what was typed
                error = describe_error(exc)
    return render_template("path.html", query=query, result=result, error=error, facets=facets,
                           scale={"warm": WARM, "lukewarm": LUKEWARM})


@pages.app_template_filter("warmth_meaning")
def warmth_meaning_filter(cost: float) -> str:
    """Say what a path's cost means (the title of its warmth word)."""
    return warmth_meaning(cost)


@pages.get("/graph")
def graph() -> Any:
    with state().workspace() as ws:
        facets = ws.browse.facets(public=state().public)
    kinds = [k for k in KINDS if not (state().public and k == "contact")]
    # Without a centre the page opens on the overview of organisations (docs/viewer.md#the-graph).
    view = GraphQuery(center=text_arg("center"), depth=int_arg("depth", 1), limit=int_arg("limit", 1000),
                      view=choice_arg("view", GRAPH_VIEWS, None))
    shown = view.view or ("all" if view.center else "overview")
    # Attendance is personal data: a reader who may not see it is not even told the line type exists.
    visible = visible_types((s["type"] for s in edge_styles()), personal=personal_data_allowed())
    styles = {"edges": [s for s in edge_styles() if s["type"] in visible],
              "kinds": {kind.slug: KIND_SHAPES[kind] for kind in Kind}}
    return render_template("graph.html", facets=facets, kinds=kinds, measures=MEASURE_NAMES, types=ORGANISATION_TYPES,
                           center=view.center or "", depth=view.depth, limit=view.limit, view=shown, styles=styles)


@pages.get("/analytics")
def analytics() -> Any:
    public = state().public
    query = centrality_query(measure="betweenness", top=20, public=public)
    if public and query.kind == "contact":
        abort(404, description="people are not part of the public directory")
    with state().workspace() as ws:
        jobs = {"ranking": ws.jobs.question("centrality", query),
                "risks": None if public else ws.jobs.question("risks", RisksQuery())}
    return computing_page("analytics.html", jobs, query=query, measure=query.measure, kind=query.kind,
                          top=query.top, kinds=KINDS, measures=MEASURE_NAMES, types=TYPE_CHOICES)


@pages.get("/analytics/brokers")
def brokers() -> Any:
    private_only()  # every broker is a person
    query = BrokersQuery(top=int_arg("top", 10), personal=personal_data_allowed())
    with state().workspace() as ws:
        jobs = {"brokers": ws.jobs.question("brokers", query)}
    return computing_page("analytics_brokers.html", jobs, top=query.top)


@pages.get("/analytics/communities")
def communities() -> Any:
    query = communities_query(top=50, public=state().public)
    with state().workspace() as ws:
        jobs = {"found": ws.jobs.question("communities", query)}
    return computing_page("analytics_communities.html", jobs, query=query)


@pages.get("/analytics/coverage")
def coverage() -> Any:
    query = coverage_query(public=state().public)
    with state().workspace() as ws:
        def page() -> dict[str, Any]:  # everything the page shows, in the background: on a large network all is slow
            found = ws.questions.coverage(query)
            graph = ws.browse.view_graph(public=query.public)
            return {"coverage": found, "statuses": ws.browse.facets(public=query.public)["statuses"],
                    "names": {p: graph.nodes[p]["name"] for cell in found["matrix"] for p in cell["partners"]},
                    "cells": {(c["issue"], c["region"]): c for c in found["matrix"]}}
        jobs = {"found": ws.jobs.ask("coverage", ("coverage page", query), page)}
    return computing_page("analytics_coverage.html", jobs, query=query, types=TYPE_CHOICES)


@pages.get("/analytics/prospects")
def prospects() -> Any:
    private_only()  # criteria and suggestions name the people who hold warm ties
    query = suggest_args()
    partner = text_arg("partner")
    suggestions = error = None
    with state().workspace() as ws:
        affiliates = ws.browse.affiliates()
        facets = ws.browse.facets()
        scores = ws.questions.criteria(CriteriaQuery(distribution=True))
        try:
            if query["affiliate"]:
                suggestions = ws.questions.suggest(SuggestQuery(**query))
            chosen = ws.questions.criteria(CriteriaQuery(partner))["results"][0] if partner else None
        except PartnergraphError as exc:  # shown beside the form, which keeps what was chosen
            error, chosen = describe_error(exc), None
    return render_template("analytics_prospects.html", query=query, affiliates=affiliates, facets=facets,
                           suggestions=suggestions, scores=scores, partner=partner, chosen=chosen, error=error)
