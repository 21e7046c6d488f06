"""Write per-element metrics: CSV or JSON tables, or GraphML/GEXF graphs carrying them as node attributes."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from partnergraph.io.export import csv_cell, to_networkx, utf8_safe, write_gexf, xml_safe
from partnergraph.model import Connection, Element, PartnergraphError

METRIC_FORMATS = ("csv", "json", "graphml", "gexf")


def write_metrics(path: Path, fmt: str, table: Mapping[str, Mapping[str, Any]], columns: Sequence[str],
                  elements: Iterable[Element], connections: Iterable[Connection]) -> None:
    """Write `table` (node -> metric -> value) to `path` in `fmt`.

    CSV and JSON hold one row per element (id, kind, name, then `columns`), CSV with text that a
    spreadsheet would read as a formula behind a `'` (as `partnergraph export` writes it); GraphML and GEXF hold
    the whole graph, as `partnergraph export` writes it, with every metric as a node attribute
    (a metric that does not apply to an element is left out of its attributes).
    """
    if fmt not in METRIC_FORMATS:
        raise PartnergraphError(f"unknown format {fmt!r} (expected one of {', '.join(METRIC_FORMATS)})")
    if not path.parent.exists():
        raise PartnergraphError(f"{path}: folder {path.parent} does not exist")
    elements = sorted(elements, key=lambda e: e.id)
    rows = [{"id": e.id, "kind": e.kind.slug, "name": e.name, **{c: table.get(e.id, {}).get(c) for c in columns}}
            for e in elements]
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["id", "kind", "name", *columns])
            for row in rows:
                # Text neutralised as the CSV export does it (no formulas); numbers as they are.
                writer.writerow([csv_cell(row[c]) for c in ("id", "kind", "name", *columns)])
    elif fmt == "json":
        text = json.dumps({"columns": list(columns), "elements": rows}, ensure_ascii=False, indent=2) + "\n"
        path.write_text(utf8_safe(text), encoding="utf-8")
    else:
        graph = to_networkx(elements, connections)
        for row in rows:
            graph.nodes[xml_safe(row["id"])].update({c: xml_safe(row[c]) for c in columns if row[c] is not None})
        (nx.write_graphml if fmt == "graphml" else write_gexf)(graph, path)
