"""Use cases shared by the CLI and the viewer: the one place that joins a store to the analyses.

A `Workspace` wraps one store. It builds the NetworkX analysis graph from the store's snapshot
once per store version and reuses it until a write changes the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from partnergraph.analysis.centrality import centrality, rank
from partnergraph.analysis.graph import build_graph, node_summary, resolve
from partnergraph.analysis.paths import introduction_paths
from partnergraph.analysis.relationships import STALE_MONTHS, holders, relationship_risks
from partnergraph.config import Settings
from partnergraph.io import export as exporting
from partnergraph.io.reader import read_rows
from partnergraph.model import Kind, NoPath, PartnergraphError, Row, parse_list, validate_dataset
from partnergraph.store import GraphStore, Progress, WriteStats, open_store

# Called as a stage of an import begins ("checking", then "writing") with its number of rows;
# returns a callback for rows done in that stage, or None.
ProgressFactory = Callable[[str, int], Progress | None]


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


class Workspace:
    """The use cases of partnergraph over one store."""

    def __init__(self, store: GraphStore):
        self.store = store
        self._graph: nx.Graph | None = None
        self._graph_version: str | None = None

    @classmethod
    def open(cls, settings: Settings) -> Workspace:
        """Return a workspace on the store that `settings` selects."""
        return cls(open_store(settings))

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- graph -----------------------------------------------------------------------------

    def graph(self) -> nx.Graph:
        """Return the analysis graph of the store's current version (cached per version)."""
        version = self.store.version()
        if self._graph is None or version != self._graph_version:
            snapshot = self.store.snapshot()
            self._graph = build_graph(snapshot.elements, snapshot.connections)
            self._graph_version = snapshot.version
        return self._graph

    # -- import and export -----------------------------------------------------------------

    def import_rows(self, element_rows: Sequence[Row], connection_rows: Sequence[Row],
                    progress: ProgressFactory | None = None) -> WriteStats:
        """Validate rows against the file and the store, then upsert all of them or none."""
        if progress:
            progress("checking", len(element_rows) + len(connection_rows))
        existing = self.store.existing_kinds(_referenced_ids(element_rows, connection_rows))
        dataset = validate_dataset(element_rows, connection_rows, existing)
        callback = progress("writing", len(dataset.elements) + len(dataset.connections)) if progress else None
        return self.store.upsert(dataset, callback)

    def import_path(self, path: Path, progress: ProgressFactory | None = None) -> WriteStats:
        """Import a CSV folder, JSON file or XLSX workbook; all of it or nothing."""
        element_rows, connection_rows = read_rows(path)
        return self.import_rows(element_rows, connection_rows, progress)

    def export(self, fmt: str, path: Path, *, public: bool = False) -> dict[str, int]:
        """Write the whole graph to `path`; return how many elements and connections were written."""
        snapshot = self.store.snapshot()
        elements, connections = snapshot.elements, snapshot.connections
        if public:
            elements, connections = exporting.public_view(elements, connections)
        exporting.export(elements, connections, fmt, path)
        return {"elements": len(elements), "connections": len(connections)}

    # -- questions -------------------------------------------------------------------------

    def holders(self, partner_ref: str) -> dict[str, Any]:
        """Return a partner and the people who hold its relationship, with warnings."""
        graph = self.graph()
        partner = resolve(graph, partner_ref)
        found = holders(graph, partner)
        warnings = []
        if not found:
            warnings.append("nobody holds this relationship")
        elif len(found) == 1:
            warnings.append(f"this partnership hangs on one person: {found[0]['name']}")
        summary = {**node_summary(graph, partner), "status": graph.nodes[partner].get("status")}
        return {"partner": summary, "holders": found, "warnings": warnings}

    def path(self, source_ref: str, target_ref: str, *, warm: bool = False, k: int = 1,
             max_hops: int | None = None, avoid: Iterable[str] = ()) -> dict[str, Any]:
        """Return up to `k` introduction paths; no path gives an empty list, not an error."""
        if k < 1:
            raise PartnergraphError("-k must be at least 1")
        if max_hops is not None and max_hops < 1:
            raise PartnergraphError("--max-hops must be at least 1")
        graph = self.graph()
        source, target = resolve(graph, source_ref), resolve(graph, target_ref)
        avoided = [resolve(graph, ref) for ref in avoid]
        try:
            paths = introduction_paths(graph, source, target, k=k, warm=warm, max_hops=max_hops, avoid=avoided)
        except NoPath as exc:
            return {"from": node_summary(graph, source), "to": node_summary(graph, target),
                    "paths": [], "reason": str(exc)}
        return {"from": node_summary(graph, source), "to": node_summary(graph, target),
                "paths": [p.to_dict(graph) for p in paths]}

    def centrality(self, measure: str = "degree", *, kind: str | None = None, top: int | None = 10,
                   sample: int | None = None, seed: int | None = None) -> dict[str, Any]:
        """Return the top elements by a centrality measure, computed on the whole graph."""
        kind_slug = Kind.parse(kind).slug if kind else None
        if top is not None and top < 1:
            raise PartnergraphError("--top must be at least 1")
        graph = self.graph()
        scores = centrality(graph, measure, sample=sample, seed=seed)
        results = [{**node_summary(graph, n), "score": s} for n, s in rank(graph, scores, kind=kind_slug, top=top)]
        approximate = measure == "betweenness" and sample is not None and sample < graph.number_of_nodes()
        return {"measure": measure, "approximate": approximate,
                "kind": kind_slug, "results": results}

    def risks(self, *, today: date | None = None, stale_months: int = STALE_MONTHS) -> dict[str, Any]:
        """Return unheld and single-holder partners and stale ties."""
        today = today or date.today()
        found = relationship_risks(self.graph(), today=today, stale_months=stale_months)
        return {"as_of": today.isoformat(), "stale_months": stale_months, **found}

    def overview(self) -> dict[str, int]:
        """Return the number of elements per kind and connections per type."""
        return self.store.counts()


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
