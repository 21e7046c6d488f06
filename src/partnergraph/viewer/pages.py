"""The HTML pages: home, search, one page per element, the path finder, the graph, analytics."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for

from partnergraph.model import PartnergraphError
from partnergraph.viewer.common import (
    KINDS,
    MAX_LIMIT,
    MEASURE_NAMES,
    as_allowed,
    choice_arg,
    communities_query,
    coverage_statuses,
    int_arg,
    path_options,
    path_query,
    private_only,
    state,
    suggest_query,
    text_arg,
)

pages = Blueprint("pages", __name__)

# How each kind's page titles the groups of neighbours that services.element returns.
SECTION_TITLES = {
    "partner": (("members", "Contacts at this partner"), ("affiliates", "Partnering affiliates"),
                ("issues", "Issues")),
    "affiliate": (("members", "Members"), ("partners", "Partners"), ("issues", "Issues")),
    "contact": (("member_of", "Member of"), ("holds", "Holds the relationship with"), ("knows", "Knows")),
    "issue": (("organisations", "Organisations working on it"),),
}
PLURAL = {"affiliate": "affiliates", "partner": "partners", "contact": "contacts", "issue": "issues"}


@pages.app_context_processor
def globals_for_templates() -> dict[str, Any]:
    return {"public_mode": state().public}


# A template global (not a context variable) so that imported macros see it too.
@pages.app_template_global()
def element_url(element: dict[str, Any]) -> str:
    """Return the page of an element given as a summary (id and kind)."""
    return url_for("pages.element", kinds=PLURAL[element["kind"]], node_id=element["id"])


@pages.get("/")
def home() -> Any:
    if state().public:  # the public viewer opens on the directory: who to turn to, by region and issue
        return directory()
    with state().workspace() as ws:
        counts = ws.overview()
        risks = ws.risks()
        brokers = ws.centrality("betweenness", kind="contact", top=5)["results"]
        partners = ws.centrality("degree", kind="partner", top=5)["results"]
    return render_template("home.html", counts=counts, risks=risks, brokers=brokers, partners=partners)


@pages.get("/directory")
def directory() -> Any:
    """Show the public directory (the same page in every mode): partners by region or issue, routes in."""
    region, issue = text_arg("region"), text_arg("issue")
    group = choice_arg("group", ("region", "issue"), "region")
    with state().workspace() as ws:
        found = ws.directory(region=region, issue=issue)
    partners = {p["id"]: p for p in found["partners"]}
    return render_template("directory.html", directory=found, partners=partners, group=group)


@pages.get("/search")
def search() -> Any:
    query = text_arg("q", "") or ""
    with state().workspace() as ws:
        results = ws.search(query, limit=100, public=state().public) if query else []
    return render_template("search.html", query=query, results=results)


@pages.get("/elements/<path:node_id>")
def any_element(node_id: str) -> Any:
    with state().workspace() as ws:
        found = ws.element(node_id, public=state().public)
    return redirect(element_url(found))


@pages.get("/<any(affiliates, partners, contacts, issues):kinds>/<path:node_id>")
def element(kinds: str, node_id: str) -> Any:
    with state().workspace() as ws:
        found = as_allowed(ws.element(node_id, public=state().public))
    if PLURAL[found["kind"]] != kinds:
        return redirect(element_url(found))
    sections = [(key, title, found[key]) for key, title in SECTION_TITLES[found["kind"]] if found.get(key)]
    warnings = []
    if found["kind"] == "partner" and not state().public:
        if not found.get("holders"):
            warnings.append("Nobody holds this relationship.")
        elif len(found["holders"]) == 1:
            warnings.append(f"This partnership hangs on one person: {found['holders'][0]['name']}.")
    return render_template("element.html", element=found, sections=sections, warnings=warnings)


@pages.get("/path")
def path() -> Any:
    private_only()
    query = path_query()
    result = error = None
    if query["source"] and query["target"]:
        try:
            with state().workspace() as ws:
                result = as_allowed(ws.path(query["source"], query["target"], **path_options(query)))
        except PartnergraphError as exc:  # shown beside the form, which keeps what was typed
            error = str(exc)
    return render_template("path.html", query=query, result=result, error=error)


@pages.get("/graph")
def graph() -> Any:
    with state().workspace() as ws:
        facets = ws.facets(public=state().public)
    kinds = [k for k in KINDS if not (state().public and k == "contact")]
    return render_template("graph.html", facets=facets, kinds=kinds, measures=MEASURE_NAMES,
                           center=text_arg("center", "") or "", depth=int_arg("depth", 1, high=3),
                           limit=int_arg("limit", 1000, high=MAX_LIMIT))


@pages.get("/analytics")
def analytics() -> Any:
    measure = choice_arg("measure", MEASURE_NAMES, "betweenness") or "betweenness"
    kind = choice_arg("kind", KINDS, None)
    top = int_arg("top", 20, high=500) or 20
    public = state().public
    if public and kind == "contact":
        abort(404, description="people are not part of the public directory")
    with state().workspace() as ws:
        ranking = ws.centrality(measure, kind=kind, top=None if public else top)
        shown = ws.view_graph(public=public)
        risks = None if public else ws.risks()
    ranking["results"] = [r for r in ranking["results"] if r["id"] in shown][:top]
    return render_template("analytics.html", ranking=ranking, measure=measure, kind=kind, top=top,
                           kinds=KINDS, measures=MEASURE_NAMES, risks=risks)


@pages.get("/analytics/brokers")
def brokers() -> Any:
    private_only()  # every broker is a person
    top = int_arg("top", 10, high=200) or 10
    with state().workspace() as ws:
        found = ws.brokers(top=top)
    return render_template("analytics_brokers.html", brokers=found, top=top)


@pages.get("/analytics/communities")
def communities() -> Any:
    query = communities_query(top=50)
    with state().workspace() as ws:
        found = ws.communities(**query, public=state().public)
    return render_template("analytics_communities.html", found=found, query=query)


@pages.get("/analytics/coverage")
def coverage() -> Any:
    statuses = coverage_statuses()
    public = state().public
    with state().workspace() as ws:
        found = ws.coverage(statuses=statuses, public=public)
        facets = ws.facets(public=public)
        graph = ws.view_graph(public=public)
        names = {p: graph.nodes[p]["name"] for cell in found["matrix"] for p in cell["partners"]}
    cells = {(c["issue"], c["region"]): c for c in found["matrix"]}
    return render_template("analytics_coverage.html", coverage=found, cells=cells, names=names,
                           statuses=facets["statuses"])


@pages.get("/analytics/prospects")
def prospects() -> Any:
    private_only()  # criteria and suggestions name the people who hold warm ties
    query = suggest_query()
    partner = text_arg("partner")
    suggestions = error = None
    with state().workspace() as ws:
        affiliates = ws.centrality("degree", kind="affiliate", top=None)["results"]
        facets = ws.facets()
        scores = ws.criteria()
        try:
            if query["affiliate"]:
                suggestions = ws.suggest(**query)
            chosen = ws.criteria(partner)["results"][0] if partner else None
        except PartnergraphError as exc:  # shown beside the form, which keeps what was chosen
            error, chosen = str(exc), None
    return render_template("analytics_prospects.html", query=query, affiliates=affiliates, facets=facets,
                           suggestions=suggestions, scores=scores, partner=partner, chosen=chosen, error=error)
