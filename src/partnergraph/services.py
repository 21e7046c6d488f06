"""Use cases shared by the CLI and the viewer: the one place that joins a store to the analyses.

A `Workspace` wraps one store. It builds the NetworkX analysis graph from the store's snapshot
once per store version and reuses it until a write changes the store.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import networkx as nx

from partnergraph.analysis import brokers, browse
from partnergraph.analysis import communities as community_analysis
from partnergraph.analysis import coverage as coverage_analysis
from partnergraph.analysis import criteria as criteria_analysis
from partnergraph.analysis import metrics as metrics_analysis
from partnergraph.analysis import suggest as suggest_analysis
from partnergraph.analysis.centrality import centrality, rank, scope
from partnergraph.analysis.graph import build_graph, node_summary, resolve, update_graph
from partnergraph.analysis.path_index import path_index
from partnergraph.analysis.paths import introduction_paths
from partnergraph.analysis.relationships import OVERLOAD, STALE_MONTHS, holder_warnings, holders, relationship_risks
from partnergraph.config import Settings
from partnergraph.editing import Editor
from partnergraph.io import backup as backups
from partnergraph.io import directory as directories
from partnergraph.io import export as exporting
from partnergraph.io.metrics import write_metrics
from partnergraph.io.reader import read_rows
from partnergraph.model import (
    PERSONAL_PROPERTIES,
    Kind,
    NoPath,
    PartnergraphError,
    Row,
    parse_list,
    validate_dataset,
)
from partnergraph.store import GraphStore, Progress, WriteStats, open_store
from partnergraph.store.base import ChangeNote, StreamOrderError

# Called as a stage of an import begins ("checking", then "writing") with its number of rows;
# returns a callback for rows done in that stage, or None.
ProgressFactory = Callable[[str, int], Progress | None]
# Up to this many versions behind, the cached graph applies the recorded edits instead of
# rebuilding (each is a few element or connection updates; a rebuild reads the whole store).
CATCH_UP_CHANGES = 500


def _settle() -> None:
    """Collect garbage, then exempt everything alive from future collections.

    The analysis graph of a large network is millions of long-lived objects; without this the
    cyclic collector rescans them now and then in the middle of a query, pausing it by tens of
    milliseconds. `Workspace.graph` unfreezes before building the next version.
    """
    gc.collect()
    gc.freeze()


def _referenced_ids(element_rows: Sequence[Row], connection_rows: Sequence[Row]) -> set[str]:
    ids: set[str] = set()
    for row in element_rows:
        ids.add(str(row.values.get("id", "")).strip())
        for column in ("issues", "member_of"):
            value = row.values.get(column)
            if value:
                ids.update(parse_list(value))
    for row in connection_rows:
        ids.add(str(row.values.get("from", "")).strip())
        ids.add(str(row.values.get("to", "")).strip())
    ids.discard("")
    return ids


def redact(result: Any) -> Any:
    """Return a copy of a result without personal data: no email, phone or notes at any depth.

    The one redaction for readers who are not signed in. It works on the JSON-like results of
    `Workspace` and `Editor` (dicts and lists), where these names are only ever properties of an
    element or a relationship (results never key a mapping by element id), or the `field` of a
    history entry's before/after. Notes go whatever they are on: free text about an organisation
    or a tie may name people.
    """
    if isinstance(result, dict):
        return {k: redact(v) for k, v in result.items() if k not in PERSONAL_PROPERTIES}
    if isinstance(result, (list, tuple)):
        return [redact(v) for v in result
                if not (isinstance(v, dict) and v.get("field") in PERSONAL_PROPERTIES)]
    return result


def load_criteria(path: Path | None) -> criteria_analysis.Criteria:
    """Return the partnership criteria of a TOML file laid over the defaults (the defaults when None)."""
    if path is None:
        return criteria_analysis.parse_criteria()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PartnergraphError(f"{path}: no such criteria file") from None
    return criteria_analysis.parse_criteria(text, str(path))


class Workspace:
    """The use cases of partnergraph over one store."""

    def __init__(self, store: GraphStore, *, actor: str = "cli"):
        self.store = store
        self.actor = actor  # who is named in the history for imports and restores
        self._graph: nx.Graph | None = None
        self._graph_version: str | None = None
        # The viewer's caches (public graph, layouts, scores), dropped when the store version moves.
        self._browse_cache: dict[Any, Any] = {}
        self._browse_version: str | None = None
        # Analytics results (scores, communities, criteria), dropped likewise.
        self._analytics_cache: dict[Any, Any] = {}
        self._analytics_version: str | None = None

    @classmethod
    def open(cls, settings: Settings) -> Workspace:
        """Return a workspace on the store that `settings` selects."""
        return cls(open_store(settings), actor=settings.actor)

    def note(self, action: str, *, source: str = "", comment: str = "") -> ChangeNote:
        """Return the history entry of a change this workspace's actor makes now."""
        at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        return ChangeNote(self.actor, action, at, source=source, comment=comment)

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    @property
    def editing(self) -> Editor:
        """Return the editing use cases on this store: create, update, delete, merge, history, revert."""
        return Editor(self.store)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- graph -----------------------------------------------------------------------------

    def graph(self) -> nx.Graph:
        """Return the analysis graph of the store's current version (cached per version)."""
        version = self.store.version()
        if self._graph is not None and version != self._graph_version and self._catch_up(version):
            return self._graph
        if self._graph is None or version != self._graph_version:
            self._graph = None
            gc.unfreeze()  # let the collector reclaim the previous version's graph
            try:
                # Rows go into the graph as they are read: the whole snapshot is never held.
                with self.store.stream() as rows:
                    self._graph = build_graph(rows.elements, rows.connections)
                    self._graph_version = rows.version
            except StreamOrderError:
                # The database sorted some ids unlike Python: read the lists and sort them here.
                self._graph = None
                snapshot = self.store.snapshot()
                self._graph = build_graph(snapshot.elements, snapshot.connections)
                self._graph_version = snapshot.version
            _settle()
        return self._graph

    def _catch_up(self, version: str) -> bool:
        """Bring the cached graph to `version` by applying the recorded edits since; False if it cannot.

        It can when every version in between was made by a recorded edit (the viewer's edits,
        reverts, merges): a few edits then cost milliseconds instead of a rebuild (seconds to
        minutes for a large network). Imports, restores and clears record no edits: rebuild.
        """
        try:
            old, new = int(self._graph_version or ""), int(version)
        except ValueError:
            return False
        if not 0 < new - old <= CATCH_UP_CHANGES:
            return False
        changes = [c for c in self.store.history(limit=new - old + 1) if old < c.seq <= new]
        if [c.seq for c in changes] != list(range(new, old, -1)) or not all(c.edits for c in changes):
            return False
        assert self._graph is not None
        update_graph(self._graph, ((e.before, e.after) for c in reversed(changes) for e in c.edits))
        self._graph_version = version
        return True

    # -- import and export -----------------------------------------------------------------

    def import_rows(self, element_rows: Sequence[Row], connection_rows: Sequence[Row],
                    progress: ProgressFactory | None = None, *, note: ChangeNote | None = None) -> WriteStats:
        """Validate rows against the file and the store, then upsert all of them or none.

        With a `note`, the import is recorded in the history (if it changed anything).
        """
        if progress:
            progress("checking", len(element_rows) + len(connection_rows))
        existing = self.store.existing_kinds(_referenced_ids(element_rows, connection_rows))
        dataset = validate_dataset(element_rows, connection_rows, existing)
        callback = progress("writing", len(dataset.elements) + len(dataset.connections)) if progress else None
        return self.store.upsert(dataset, callback, note=note)

    def import_path(self, path: Path, progress: ProgressFactory | None = None, *,
                    note: ChangeNote | None = None) -> WriteStats:
        """Import a CSV folder, JSON file or XLSX workbook; all of it or nothing."""
        element_rows, connection_rows = read_rows(path)
        return self.import_rows(element_rows, connection_rows, progress, note=note)

    def export(self, fmt: str, path: Path, *, public: bool = False) -> dict[str, int]:
        """Write the whole graph to `path`; return how many elements and connections were written."""
        snapshot = self.store.snapshot()
        elements, connections = snapshot.elements, snapshot.connections
        if public:
            elements, connections = exporting.public_view(elements, connections)
        exporting.export(elements, connections, fmt, path)
        return {"elements": len(elements), "connections": len(connections)}

    # -- questions -------------------------------------------------------------------------

    def holders(self, partner_ref: str, *, today: date | None = None,
                stale_months: int = STALE_MONTHS) -> dict[str, Any]:
        """Return a partner and the people who hold its relationship, with warnings."""
        graph = self.graph()
        partner = resolve(graph, partner_ref)
        found = holders(graph, partner, today=today, stale_months=stale_months)
        summary = {**node_summary(graph, partner), "status": graph.nodes[partner].get("status")}
        return {"partner": summary, "holders": found,
                "warnings": holder_warnings(found, stale_months=stale_months)}

    def path(self, source_ref: str, target_ref: str | None = None, *, warm: bool = False, k: int = 1,
             max_hops: int | None = None, avoid: Iterable[str] = (), types: Iterable[str] | None = None,
             current: bool = False, via_issue: str | None = None, to_issue: str | None = None,
             to_region: str | None = None, overlap: bool = False, today: date | None = None) -> dict[str, Any]:
        """Return up to `k` introduction paths; no path gives an empty list, not an error.

        Ends, `avoid`, `via_issue` and `to_issue` take ids or exact names. See
        `partnergraph.analysis.paths.introduction_paths` for what each option does.
        """
        if k < 1:
            raise PartnergraphError("-k must be at least 1")
        if max_hops is not None and max_hops < 1:
            raise PartnergraphError("--max-hops must be at least 1")
        graph = self.graph()
        if "path_index" not in graph.graph:
            path_index(graph)  # built once per version, like the graph, and as long-lived
            gc.freeze()
        source = resolve(graph, source_ref)
        target = resolve(graph, target_ref) if target_ref is not None else None
        options: dict[str, Any] = {
            "k": k, "warm": warm, "max_hops": max_hops, "current": current, "overlap": overlap,
            "avoid": [resolve(graph, ref) for ref in avoid],
            "via_issue": resolve(graph, via_issue) if via_issue else None,
            "to_issue": resolve(graph, to_issue) if to_issue else None,
            "to_region": to_region, "today": today,
        }
        if types is not None:
            options["types"] = list(types)
        to = node_summary(graph, target) if target is not None else {"issue": options["to_issue"], "region": to_region}
        try:
            paths = introduction_paths(graph, source, target, **options)
        except NoPath as exc:
            return {"from": node_summary(graph, source), "to": to, "paths": [], "reason": str(exc)}
        return {"from": node_summary(graph, source), "to": to, "paths": [p.to_dict(graph) for p in paths]}

    def _analytics(self, key: Any, compute: Callable[[], Any]) -> Any:
        # Scores are costly on large graphs: keep them until a write moves the store's version.
        self.graph()
        if self._analytics_version != self._graph_version:
            self._analytics_cache = {}
            self._analytics_version = self._graph_version
        if key not in self._analytics_cache:
            self._analytics_cache[key] = compute()
        return self._analytics_cache[key]

    def centrality(self, measure: str = "degree", *, kind: str | None = None, top: int | None = 10,
                   sample: int | None = None, seed: int | None = None, weighted: bool = False,
                   region: str | None = None, issue: str | None = None, induced: bool = False,
                   backend: str = "auto") -> dict[str, Any]:
        """Return the top elements by a centrality measure, on the whole graph or a part of it.

        `kind` ranks only that kind; with `induced`, scores are computed on the subgraph of that
        kind alone. `region` and `issue` (an id or exact name) compute on their subgraph
        (`partnergraph.analysis.centrality.scope`). `weighted` makes strong ties short.
        """
        kind_slug = Kind.parse(kind).slug if kind else None
        if top is not None and top < 1:
            raise PartnergraphError("--top must be at least 1")
        if induced and kind_slug is None:
            raise PartnergraphError("--induced needs --kind")
        graph = self.graph()
        issue_id = resolve(graph, issue) if issue else None
        scoped = region is not None or issue_id is not None or induced
        work = scope(graph, region=region, issue=issue_id, kind=kind_slug if induced else None) if scoped else graph
        key = ("centrality", measure, sample, seed, weighted, region, issue_id, kind_slug if induced else None, backend)
        scores = self._analytics(key, lambda: centrality(work, measure, sample=sample, seed=seed,
                                                         weighted_ties=weighted, backend=backend))
        results = [{**node_summary(graph, n), "score": s} for n, s in rank(graph, scores, kind=kind_slug, top=top)]
        approximate = measure == "betweenness" and sample is not None and sample < work.number_of_nodes()
        return {"measure": measure, "approximate": approximate, "weighted": weighted,
                "kind": kind_slug, "scope": {"region": region, "issue": issue_id, "induced": induced,
                                             "nodes": work.number_of_nodes(), "edges": work.number_of_edges()},
                "results": results}

    def risks(self, *, today: date | None = None, stale_months: int = STALE_MONTHS,
              overload: int = OVERLOAD) -> dict[str, Any]:
        """Return unheld and single-holder partners, overloaded holders, stale ties and dormant partners."""
        if stale_months < 0 or overload < 0:
            raise PartnergraphError("--stale-months and --overload must be at least 0")
        today = today or date.today()
        found = relationship_risks(self.graph(), today=today, stale_months=stale_months, overload=overload)
        return {"as_of": today.isoformat(), "stale_months": stale_months, "overload": overload, **found}

    def brokers(self, *, top: int | None = 10) -> dict[str, Any]:
        """Return who brokers: structural holes, cut points with consequences, bridges, connectors."""
        if top is not None and top < 1:
            raise PartnergraphError("--top must be at least 1")
        graph = self.graph()
        holes = self._analytics(("holes",), lambda: brokers.structural_holes(graph))
        ranked = sorted(((n, h) for n, h in holes.items() if h["effective_size"] is not None),
                        key=lambda item: (-item[1]["effective_size"], item[1]["constraint"], item[0]))
        return {
            "structural_holes": [{**node_summary(graph, n), **h} for n, h in (ranked[:top] if top else ranked)],
            "cut_points": self._analytics(("cut_points", top), lambda: brokers.cut_points(graph, top=top)),
            "bridges": self._analytics(("bridges", top), lambda: brokers.bridges(graph, top=top)),
            "connectors": brokers.connectors(graph, top=top),
        }

    def without(self, ref: str) -> dict[str, Any]:
        """Return what the network would lose without one person or organisation."""
        graph = self.graph()
        node = resolve(graph, ref)
        found = brokers.consequences(graph, node)
        return {"element": node_summary(graph, node), **found}

    def communities(self, *, seed: int = 0, resolution: float = 1.0, weighted: bool = False,
                    top: int | None = None, public: bool = False) -> dict[str, Any]:
        """Return the Louvain communities (seeded) with a summary of each, largest first.

        With `public`, on the public directory alone (no people, only public organisations).
        """
        if top is not None and top < 1:
            raise PartnergraphError("--top must be at least 1")
        graph = self.view_graph(public=public)
        found = self._analytics(("communities", seed, resolution, weighted, public),
                                lambda: community_analysis.communities(graph, seed=seed, resolution=resolution,
                                                                       weighted_ties=weighted))
        summary = community_analysis.summarise(graph, found)
        shown = summary["communities"][:top] if top else summary["communities"]
        return {"seed": seed, "resolution": resolution, "weighted": weighted, "count": len(found),
                "modularity": summary["modularity"], "communities": shown}

    def coverage(self, *, statuses: Iterable[str] = ("active",), public: bool = False) -> dict[str, Any]:
        """Return the issue x region matrix of partners with those statuses, and the gaps.

        With `public`, only the public directory's organisations count and appear.
        """
        return coverage_analysis.coverage(self.view_graph(public=public), statuses=statuses)

    def criteria(self, organisation: str | None = None, *, criteria_file: Path | None = None) -> dict[str, Any]:
        """Score one organisation, or every partner, against the partnership criteria, with reasons."""
        rules = load_criteria(criteria_file)
        graph = self.graph()
        if organisation is not None:
            scored = [criteria_analysis.score(graph, resolve(graph, organisation), rules)]
        else:
            scored = criteria_analysis.score_all(graph, rules)
        return {"criteria": rules.source, "approve_at": rules.approve_at, "results": scored}

    def suggest(self, affiliate: str, *, issue: str | None = None, region: str | None = None,
                top: int | None = 10, criteria_file: Path | None = None) -> dict[str, Any]:
        """Return prospective partners for an affiliate, ranked by criteria and graph proximity, explained."""
        if top is not None and top < 1:
            raise PartnergraphError("--top must be at least 1")
        rules = load_criteria(criteria_file)
        graph = self.graph()
        source = resolve(graph, affiliate)
        issue_id = resolve(graph, issue) if issue else None
        found = suggest_analysis.suggest(graph, source, rules, issue=issue_id, region=region, top=top)
        return {"for": node_summary(graph, source), "issue": issue_id, "region": region,
                "criteria": rules.source, "suggestions": found}

    def metrics(self, *, sample: int | None = None, seed: int | None = None, community_seed: int = 0,
                weighted: bool = False) -> dict[str, dict[str, Any]]:
        """Return every metric of every element: centralities, Burt's measures, community (cached)."""
        graph = self.graph()
        return self._analytics(("metrics", sample, seed, community_seed, weighted),
                               lambda: metrics_analysis.node_metrics(graph, sample=sample, seed=seed,
                                                                     community_seed=community_seed,
                                                                     weighted_ties=weighted))

    def export_metrics(self, fmt: str, path: Path, *, sample: int | None = None, seed: int | None = None,
                       community_seed: int = 0, weighted: bool = False) -> dict[str, Any]:
        """Write every metric as CSV/JSON, or the graph with metrics as node attributes as GraphML/GEXF."""
        table = self.metrics(sample=sample, seed=seed, community_seed=community_seed, weighted=weighted)
        snapshot = self.store.snapshot()
        write_metrics(path, fmt, table, metrics_analysis.COLUMNS, snapshot.elements, snapshot.connections)
        return {"elements": len(table), "columns": list(metrics_analysis.COLUMNS)}

    def overview(self) -> dict[str, int]:
        """Return the number of elements per kind and connections per type."""
        return self.store.counts()

    # -- backups ---------------------------------------------------------------------------

    def backup(self, path: Path) -> dict[str, Any]:
        """Write the whole graph, read in one transaction, to a backup file; return its header."""
        snapshot = self.store.snapshot()
        return backups.write_backup(path, snapshot.elements, snapshot.connections, source=self.store.url)

    def restore(self, path: Path, progress: ProgressFactory | None = None, *,
                note: ChangeNote | None = None) -> dict[str, Any]:
        """Replace the whole graph with a backup's, in one transaction; check its hash before and after.

        With a `note`, the restore is recorded in the history (the history itself is not replaced).
        """
        dataset, header = backups.read_backup(path)
        callback = progress("writing", len(dataset.elements) + len(dataset.connections)) if progress else None
        self.store.replace(dataset, callback, note=note)
        snapshot = self.store.snapshot()
        if backups.content_digest(snapshot.elements, snapshot.connections) != header["sha256"]:
            raise PartnergraphError(f"{self.store.url}: after restoring, the store's content does not match "
                                    f"{path}'s SHA-256")
        return header

    # -- browsing (the viewer) ---------------------------------------------------------------

    def _browse(self, key: Any, compute: Callable[[], Any]) -> Any:
        self.graph()  # moves _graph_version to the store's current version
        if self._browse_version != self._graph_version:
            self._browse_cache, self._browse_version = {}, self._graph_version
        if key not in self._browse_cache:
            if len(self._browse_cache) > 64:  # layouts of many filtered views: keep memory bounded
                self._browse_cache = {k: v for k, v in self._browse_cache.items() if k[0] != "layout"}
            self._browse_cache[key] = compute()
        return self._browse_cache[key]

    def view_graph(self, *, public: bool = False) -> nx.Graph:
        """Return the analysis graph, or with `public` only what the public directory may show."""
        if not public:
            return self.graph()

        def build() -> nx.Graph:
            snapshot = self.store.snapshot()
            return build_graph(*exporting.public_view(snapshot.elements, snapshot.connections))
        return self._browse(("public",), build)

    def directory(self, *, region: str | None = None, issue: str | None = None) -> dict[str, Any]:
        """Return the public directory: public partners by region and issue, with role-based routes.

        `issue` takes an id or exact name of a public issue. The same for every reader, signed in
        or not: it is built from `public_view` alone (see `partnergraph.io.directory`).
        """
        issue_id = resolve(self.view_graph(public=True), issue) if issue else None

        def build() -> dict[str, Any]:
            snapshot = self.store.snapshot()
            return directories.public_directory(snapshot.elements, snapshot.connections)
        # Filtered views are cheap to derive: only the whole directory is cached (per day, as
        # partnerships end on a date).
        return directories.narrow(self._browse(("directory", date.today()), build), region=region, issue=issue_id)

    def search(self, text: str, *, limit: int = 20, public: bool = False) -> list[dict[str, Any]]:
        """Return elements whose name or id contains `text`, best matches first."""
        return browse.search(self.view_graph(public=public), text, limit=limit)

    def element(self, ref: str, *, public: bool = False) -> dict[str, Any]:
        """Return an element with all its properties and its neighbours grouped by relationship."""
        graph = self.view_graph(public=public)
        node = resolve(graph, ref)
        properties = {k: v for k, v in graph.nodes[node].items() if k not in ("kind", "name")}
        result: dict[str, Any] = {**browse.describe_node(graph, node), "properties": properties,
                                  "degree": graph.degree(node), **browse.neighbourhood(graph, node)}
        if graph.nodes[node]["kind"] == "partner" and not public:
            result["holders"] = holders(graph, node)  # ordered and with affiliates, as `holders` gives them
        return result

    def facets(self, *, public: bool = False) -> dict[str, list[Any]]:
        """Return the issues, regions and statuses the graph can be filtered by."""
        return self._browse(("facets", public), lambda: browse.facets(self.view_graph(public=public)))

    def ego_graph(self, center: str | None = None, *, depth: int = 1, limit: int = 500,
                  kinds: Iterable[str] = (), issue: str | None = None, region: str | None = None,
                  status: str | None = None, size_by: str | None = None, public: bool = False,
                  physics_limit: int = 300) -> dict[str, Any]:
        """Return the nodes and edges around `center` (or the whole graph), filtered and capped.

        Above `physics_limit` nodes every node carries x/y from a server layout, so the browser
        draws it at once instead of simulating physics. A graph small enough to be shown whole
        (`browse.WHOLE_LAYOUT_LIMIT` nodes) is laid out once per store version and every view
        takes its positions from that layout; larger graphs lay out each view (cached per node set).
        """
        if limit < 1:
            raise PartnergraphError("limit must be at least 1")
        graph = self.view_graph(public=public)
        kinds = tuple(Kind.parse(k).slug for k in kinds)
        centre = resolve(graph, center) if center else None
        issue_id = resolve(graph, issue) if issue else None
        keep = browse.node_filter(graph, kinds=kinds, issue=issue_id, region=region, status=status)
        view = nx.subgraph_view(graph, filter_node=lambda n: n == centre or keep(n))
        if centre is not None:
            chosen, total = browse.ego_nodes(view, centre, depth, limit)
        else:
            chosen, total = browse.busiest_nodes(view, limit)
        sub = view.subgraph(chosen)
        scores: dict[str, float] = {}
        if size_by:
            scores = self._browse(("scores", size_by, public), lambda: centrality(graph, size_by))
        positions: dict[str, tuple[float, float]] = {}
        if len(chosen) > physics_limit:
            if graph.number_of_nodes() <= browse.WHOLE_LAYOUT_LIMIT:
                # One layout for every view and filter: computed once, and a filtered or
                # expanded view keeps each element where it was (the picture stays familiar).
                whole = self._browse(("whole layout", public), lambda: browse.layout(graph))
                positions = {n: whole[n] for n in chosen}
            else:
                key = ("layout", public, hash(frozenset(chosen)), len(chosen))
                positions = self._browse(key, lambda: browse.layout(sub))
        nodes = []
        for n in chosen:
            entry: dict[str, Any] = {**browse.describe_node(graph, n), "degree": graph.degree(n)}
            if n in positions:
                entry["x"], entry["y"] = positions[n]
            if size_by:
                entry["score"] = scores.get(n, 0.0)
            nodes.append(entry)
        truncated = total > len(chosen)
        where = f"within {depth} step{'s' if depth > 1 else ''} of {graph.nodes[centre]['name']}" if centre else "in the graph"
        message = (f"Showing {len(chosen):,} of {total:,} elements {where}: the best connected first. "
                   "Narrow it with the filters, a smaller depth or a centre.") if truncated else None
        return {"center": browse.describe_node(graph, centre) if centre else None, "depth": depth if centre else None,
                "nodes": nodes, "edges": browse.edge_summaries(sub), "total": total, "truncated": truncated,
                "message": message, "physics": not positions, "size_by": size_by}


def demo_rows() -> tuple[list[Row], list[Row]]:
    """Return the demo network shipped with partnergraph as import rows."""
    from partnergraph.io.demo import demo_network
    from partnergraph.model import Location

    elements, connections = demo_network()
    return ([Row(v, Location("demo:elements", i + 1)) for i, v in enumerate(elements)],
            [Row(v, Location("demo:connections", i + 1)) for i, v in enumerate(connections)])


def generate(people: int, ties: int, seed: int, folder: Path) -> dict[str, int]:
    """Write a synthetic network in the import format to `folder`; return its size."""
    from partnergraph.io.generate import generate_network

    if people < 1 or ties < 0:
        raise PartnergraphError("--people must be at least 1 and --ties at least 0")
    if folder.exists() and not folder.is_dir():
        raise PartnergraphError(f"{folder}: exists and is not a folder")
    try:
        elements, connections = generate_network(people, ties, seed=seed)
    except ValueError as exc:  # sizes the generator cannot honour, e.g. more ties than pairs
        raise PartnergraphError(str(exc)) from None
    exporting.write_csv_folder(folder, elements, connections)
    return {"elements": len(elements), "connections": len(connections)}
