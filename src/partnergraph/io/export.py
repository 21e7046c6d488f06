"""Write the graph out: JSON (lossless), GraphML and GEXF (for NetworkX and Gephi), CSV (import format).

Every format writes elements and connections sorted by id, so that exporting the same graph
twice, from either store, gives byte-identical files.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from partnergraph.model import (
    CONNECTION_COLUMNS,
    ELEMENT_COLUMNS,
    Connection,
    Element,
    PartnergraphError,
)

FORMATS = ("json", "graphml", "gexf", "csv")
def _sorted(elements: Iterable[Element], connections: Iterable[Connection]) -> tuple[list[Element], list[Connection]]:
    return sorted(elements, key=lambda e: e.id), sorted(connections, key=lambda c: c.key)


def _ordered(record: dict[str, Any], head: Sequence[str]) -> dict[str, Any]:
    # Fixed keys first, the rest alphabetically: stores may return properties in any order.
    rest = sorted(k for k in record if k not in head)
    return {k: record[k] for k in (*head, *rest) if k in record}


def to_json(elements: Iterable[Element], connections: Iterable[Connection]) -> str:
    """Return the lossless JSON document of the graph, in the import format."""
    elements, connections = _sorted(elements, connections)
    document = {
        "format": "partnergraph",
        "version": 1,
        "elements": [_ordered(e.to_dict(), ("id", "kind", "name")) for e in elements],
        "connections": [_ordered(c.to_dict(), ("from", "to", "type")) for c in connections],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


def to_networkx(elements: Iterable[Element], connections: Iterable[Connection]) -> nx.MultiDiGraph:
    """Return a MultiDiGraph with properties as flat attributes, as GraphML and GEXF need them."""
    elements, connections = _sorted(elements, connections)
    graph = nx.MultiDiGraph()
    for e in elements:
        attrs = {k: (_cell(v) if isinstance(v, list) else v) for k, v in e.props.items()}
        graph.add_node(e.id, **attrs, kind=e.kind.slug, name=e.name, label=e.name)
    for c in connections:
        attrs = {k: (_cell(v) if isinstance(v, list) else v) for k, v in c.props.items()}
        # GEXF reserves an edge's `type` (directed/undirected), hence `relationship`.
        graph.add_edge(c.source, c.target, key=c.type.value, relationship=c.type.value, label=c.type.value, **attrs)
    return graph


def write_csv_folder(folder: Path, elements: Iterable[dict[str, Any]], connections: Iterable[dict[str, Any]]) -> None:
    """Write `elements.csv` and `connections.csv` in the import format into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns, rows in (("elements.csv", ELEMENT_COLUMNS, elements), ("connections.csv", CONNECTION_COLUMNS, connections)):
        with open(folder / name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(c)) for c in columns])


def export(elements: Iterable[Element], connections: Iterable[Connection], fmt: str, path: Path) -> None:
    """Write the graph to `path` in format `fmt` (the caller picks what may be written)."""
    if fmt not in FORMATS:
        raise PartnergraphError(f"unknown export format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if fmt == "csv":
        if path.exists() and not path.is_dir():
            raise PartnergraphError(f"{path}: CSV export writes a folder, and this is a file")
        elements, connections = _sorted(elements, connections)
        write_csv_folder(path, (e.to_dict() for e in elements), (c.to_dict() for c in connections))
        return
    if not path.parent.exists():
        raise PartnergraphError(f"{path}: folder {path.parent} does not exist")
    if fmt == "json":
        path.write_text(to_json(elements, connections), encoding="utf-8")
    elif fmt == "graphml":
        nx.write_graphml(to_networkx(elements, connections), path)
    else:
        nx.write_gexf(to_networkx(elements, connections), path)
