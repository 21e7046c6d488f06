"""Browsing: search, an element's page, facets, the graph views and the public directory.

What the viewer shows, shaped for it. With `public`, every answer is computed on what the
public may see (`partnergraph.services.privacy.public_view`) and nothing else.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis import browse
from partnergraph.analysis.centrality import centrality
from partnergraph.analysis.contact_of_record import contacts_of_record, routes
from partnergraph.analysis.fork import changes_without_types, without_types
from partnergraph.analysis.graph import build_graph, resolve
from partnergraph.analysis.overview import organisation_overview, overview_communities
from partnergraph.analysis.relationships import holders
from partnergraph.io import directory as directories
from partnergraph.model import Kind
from partnergraph.schema import PERSONAL_TYPES
from partnergraph.services.cache import GraphCache
from partnergraph.services.options import GraphQuery, SearchQuery
from partnergraph.services.privacy import public_view

# What the overview says of a formal partnership: facts only (its notes are free text, personal).
_PARTNERSHIP_FACTS = ("status", "since", "until", "issues")
OVERVIEW_SPREAD = 2.0


class Browse:
    """What the viewer's pages and the JSON API show of one store."""

    def __init__(self, cache: GraphCache):
        self.cache = cache
        # The graph anonymous readers see follows the edits like the whole graph: never read
        # from the store again after an edit (a whole-store read per version stalled them).
        cache.follow("impersonal", "graph", compute=lambda graph: without_types(graph, PERSONAL_TYPES),
                     changes=lambda edits: changes_without_types(edits, PERSONAL_TYPES))

    def view_graph(self, *, public: bool = False, personal: bool = True) -> nx.Graph:
        """Return the analysis graph, or with `public` only what the public directory may show.

        Without `personal`, the graph of a reader who may not see personal data: every element,
        no personal relationship (`privacy.impersonal_view`: who attended which event).
        """
        if not public and not personal:
            # Derived from this request's snapshot (`privacy.impersonal_view` of the same version).
            snapshot = self.cache.snapshot()
            return snapshot.memo("impersonal", "graph", lambda: without_types(snapshot.graph, PERSONAL_TYPES),
                                 lasting=True)
        if not public:
            return self.cache.graph()

        def build() -> nx.Graph:
            snapshot = self.cache.store.snapshot()
            return build_graph(*public_view(snapshot.elements, snapshot.connections))
        return self.cache.memo("public", "graph", build)

    def directory(self, *, region: str | None = None, issue: str | None = None, type: str | None = None,
                  offers: str | None = None) -> dict[str, Any]:
        """Return the public directory: public partners by region, issue, type and offer, with role-based routes.

        `issue` takes an id or a name (forgiving) of a public issue; `type` any spelling of an
        organisation type; `offers` one offer, case-insensitively. The same for every reader,
        signed in or not, and what `export --public` writes: partners and affiliates come from
        `public_view` alone (see `partnergraph.io.directory`). The routes in are computed on the
        whole graph but carry only public affiliates' ids and counts of people, never a person.
        """
        issue_id = resolve(self.view_graph(public=True), issue) if issue else None

        def build() -> dict[str, Any]:
            today = date.today()
            snapshot = self.cache.store.snapshot()
            elements, connections = public_view(snapshot.elements, snapshot.connections)
            graph = self.cache.graph()
            found = {e.id: routes(graph, e.id, today=today) for e in elements
                     if e.kind is Kind.PARTNER and e.id in graph}
            return directories.public_directory(elements, connections, today=today, routes=found)
        # Filtered views are cheap to derive: only the whole directory is cached (per day, as
        # partnerships end on a date).
        whole = self.cache.memo("public", ("directory", date.today()), build)
        return directories.narrow(whole, region=region, issue=issue_id, type=type, offers=offers)

    def search(self, query: SearchQuery) -> list[dict[str, Any]]:
        """Return elements whose name or id contains the text, best matches first."""
        return browse.search(self.view_graph(public=query.public), query.text, limit=query.limit)

    def element(self, ref: str, *, public: bool = False, personal: bool = True) -> dict[str, Any]:
        """Return an element with all its properties and its neighbours grouped by relationship.

        Without `personal`, no personal relationship: an event has no attendees, a person no events.
        """
        graph = self.view_graph(public=public, personal=personal)
        node = resolve(graph, ref)
        properties = {k: v for k, v in graph.nodes[node].items() if k not in ("kind", "name")}
        result: dict[str, Any] = {**browse.describe_node(graph, node), "properties": properties,
                                  "degree": graph.degree(node), **browse.neighbourhood(graph, node)}
        if graph.nodes[node]["kind"] == "partner" and not public:
            result["holders"] = holders(graph, node)  # ordered and with affiliates, as `holders` gives them
            # As `holders --json` gives them, with the affiliate's name for the page.
            result["contact_of_record"] = [
                {**c, "affiliate_name": graph.nodes[c["affiliate"]]["name"] if c["affiliate"] else None}
                for c in contacts_of_record(graph, node)]
        return result

    def facets(self, *, public: bool = False) -> dict[str, list[Any]]:
        """Return the issues, regions and statuses the graph can be filtered by."""
        return self.cache.memo("facets", public, lambda: browse.facets(self.view_graph(public=public)))

    def affiliates(self) -> list[dict[str, str]]:
        """Return every affiliate's id and name, by name, for the pages' affiliate choosers (once per version)."""
        def listed() -> list[dict[str, str]]:
            found = [{"id": node, "name": data.get("name") or node}
                     for node, data in self.cache.graph().nodes(data=True) if data.get("kind") == Kind.AFFILIATE.slug]
            return sorted(found, key=lambda a: a["name"].casefold())
        return self.cache.memo("affiliates", None, listed)

    def ego_graph(self, query: GraphQuery) -> dict[str, Any]:
        """Return the nodes and edges around the centre (or the whole graph), filtered and capped.

        Above `physics_limit` nodes every node carries x/y from a server layout, so the browser
        draws it at once instead of simulating physics. A graph small enough to be shown whole
        (`browse.WHOLE_LAYOUT_LIMIT` nodes) is laid out once per store version and every view
        takes its positions from that layout; larger graphs lay out each view (cached per node set).
        """
        if query.view == "overview":
            return self.overview(query)
        public, depth = query.public, query.depth
        audience = (public, query.personal)  # what the memos below are computed for
        graph = self.view_graph(public=public, personal=query.personal)
        centre = resolve(graph, query.center) if query.center else None
        issue_id = resolve(graph, query.issue) if query.issue else None
        keep = browse.node_filter(graph, kinds=query.kinds, issue=issue_id, region=query.region, status=query.status,
                                  type=query.type)
        filtered = bool(query.kinds or issue_id or query.region or query.status or query.type)
        # Unfiltered, the graph itself: a filtered view counts a hub's thousands of neighbours
        # through the filter for every degree the ordering asks (most of a depth-1 view's time).
        view = nx.subgraph_view(graph, filter_node=lambda n: n == centre or keep(n)) if filtered else graph
        if centre is not None:
            chosen, total = browse.ego_nodes(view, centre, depth, query.limit)
        else:
            chosen, total = browse.busiest_nodes(view, query.limit)
        sub = view.subgraph(chosen)
        scores: dict[str, float] = {}
        if query.size_by:
            scores = self.cache.memo("scores", (query.size_by, audience), lambda: centrality(graph, query.size_by))
        positions: dict[str, tuple[float, float]] = {}
        if len(chosen) > query.physics_limit:
            if graph.number_of_nodes() <= browse.WHOLE_LAYOUT_LIMIT:
                # One layout for every view and filter: computed once, and a filtered or
                # expanded view keeps each element where it was (the picture stays familiar).
                whole = self.cache.memo("layout", ("whole", audience), lambda: browse.layout(graph))
                positions = {n: whole[n] for n in chosen}
            else:
                key = (audience, hash(frozenset(chosen)), len(chosen))
                positions = self.cache.memo("layout", key, lambda: browse.layout(sub))
        nodes = []
        for n in chosen:
            entry: dict[str, Any] = {**browse.describe_node(graph, n), "degree": graph.degree(n)}
            if n in positions:
                entry["x"], entry["y"] = positions[n]
            if query.size_by:
                entry["score"] = scores.get(n, 0.0)
            nodes.append(entry)
        truncated = total > len(chosen)
        where = f"within {depth} step{'s' if depth > 1 else ''} of {graph.nodes[centre]['name']}" if centre else "in the graph"
        message = (f"Showing {len(chosen):,} of {total:,} elements {where}: the best connected first. "
                   "Narrow it with the filters, a smaller depth or a centre.") if truncated else None
        return {"center": browse.describe_node(graph, centre) if centre else None, "depth": depth if centre else None,
                "nodes": nodes, "edges": browse.edge_summaries(sub), "total": total, "truncated": truncated,
                "message": message, "physics": not positions, "size_by": query.size_by, "view": "all"}

    def overview(self, query: GraphQuery) -> dict[str, Any]:
        """Return the organisation-level overview in the shape of `ego_graph` (docs/json-api.md).

        Nodes are organisations (and issues when `kinds` asks for them), sized by `degree` (their
        links in the overview), with `people` (how many are attached), `community` and x/y from a
        server layout of the whole overview. Each edge lists the `people` who link its two ends
        and, for a formal partnership, its status, dates and issues. In public mode it is built
        on the public view, which has no people: only formal partnerships link organisations.
        """
        public = query.public
        audience = (public, query.personal)
        graph = self.view_graph(public=public, personal=query.personal)
        issue_id = resolve(graph, query.issue) if query.issue else None
        key = (audience, query.kinds, issue_id, query.region, query.status, query.type)

        def build() -> tuple[nx.Graph, dict[str, int], dict[str, tuple[float, float]]]:
            keep = browse.node_filter(graph, kinds=query.kinds, issue=issue_id, region=query.region,
                                      status=query.status, type=query.type)
            folded = organisation_overview(graph, issues="issue" in query.kinds, keep=keep)
            return folded, overview_communities(folded), browse.layout(folded)
        folded, communities, positions = self.cache.memo("overview", key, build)
        chosen, total = browse.busiest_nodes(folded, query.limit)
        scores: dict[str, float] = {}
        if query.size_by:
            scores = self.cache.memo("scores", (query.size_by, audience), lambda: centrality(graph, query.size_by))
        nodes = []
        for n in chosen:
            data = folded.nodes[n]
            entry: dict[str, Any] = {**browse.describe_node(graph, n), "degree": data["ties"], "people": data["people"],
                                     "community": communities[n]}
            # Spread wider than the element layout: the overview's nodes are drawn larger.
            entry["x"], entry["y"] = (round(c * OVERVIEW_SPREAD, 1) for c in positions[n])
            if query.size_by:
                entry["score"] = scores.get(n, 0.0)
            nodes.append(entry)
        edges = []
        for u, v, data in folded.subgraph(chosen).edges(data=True):
            a, b = sorted((u, v))
            people = sorted(({**browse.describe_node(graph, p), "ties": ties} for p, ties in data["people"].items()),
                            key=lambda e: (e["name"].casefold(), e["id"]))
            edge: dict[str, Any] = {"from": a, "to": b, "types": data["types"], "strength": None, "people": people}
            if "partnership" in data:
                edge["partnership"] = {k: data["partnership"][k] for k in _PARTNERSHIP_FACTS if k in data["partnership"]}
            edges.append(edge)
        edges.sort(key=lambda e: (e["from"], e["to"]))
        truncated = total > len(chosen)
        message = (f"Showing {len(chosen):,} of {total:,} organisations: the best linked first. "
                   "Narrow it with the filters.") if truncated else None
        return {"center": None, "depth": None, "nodes": nodes, "edges": edges, "total": total, "truncated": truncated,
                "message": message, "physics": False, "size_by": query.size_by, "view": "overview"}
