"""Write the graph out: JSON (lossless), GraphML and GEXF (for NetworkX and Gephi), CSV (import format).

Every format writes elements and connections sorted by id, so that exporting the same graph
twice, from either store, gives byte-identical files.

Whatever a store holds, every export opens (docs/import-format.md#export):

- CSV: a cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
  carriage return) is written with a leading `'` (`neutralise_cell`); the reader takes it off
  again (`restore_cell`), so exporting, importing and exporting gives the same files;
- GraphML and GEXF: a character XML 1.0 forbids (controls other than tab, newline and carriage
  return; U+FFFE, U+FFFF; lone surrogates) is replaced by U+FFFD, the replacement character
  (`xml_safe`);
- JSON, CSV: a lone surrogate, which UTF-8 cannot hold, is written as the escape `\\udXXX` in JSON
  (read back as the same text) and replaced by U+FFFD in CSV.
"""

from __future__ import annotations

import csv
import json
import re
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

# What starts a formula in a spreadsheet (OWASP's list: = + - @, and tab and carriage return,
# which some spreadsheets strip before looking).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A cell of quotes then a formula start: the leading quote is the one an export added.
_QUOTED_FORMULA = re.compile(r"'*[=+\-@\t\r]")
# Characters XML 1.0 does not allow in a document, even escaped.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def neutralise_cell(text: str) -> str:
    """Return a CSV cell that no spreadsheet runs as a formula: `'` before a formula start.

    A cell that already is quotes followed by a formula start gets one more quote, so that
    `restore_cell`, which takes one off, gives back exactly the text that was exported.
    """
    return "'" + text if _QUOTED_FORMULA.match(text) else text


def restore_cell(text: str) -> str:
    """Return the text `neutralise_cell` was given: a leading `'` before (quotes and) a formula start goes."""
    return text[1:] if text.startswith("'") and _QUOTED_FORMULA.match(text, 1) else text


def xml_safe(value: Any) -> Any:
    """Return text with every character XML 1.0 forbids replaced by U+FFFD; other values as they are."""
    return _NOT_XML.sub(REPLACEMENT, value) if isinstance(value, str) else value


def utf8_safe(text: str) -> str:
    """Return text UTF-8 can encode: a lone surrogate becomes U+FFFD."""
    return _SURROGATE.sub(REPLACEMENT, text)


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
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    # Lone surrogates only occur inside strings; as escapes they read back as the same text.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


def csv_cell(value: Any) -> str:
    """Return a value as a safe CSV cell: numbers as they are, text neutralised and UTF-8 safe."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # a number is never a formula (and -0.5 must stay a number)
    return neutralise_cell(utf8_safe(_cell(value)))


def to_networkx(elements: Iterable[Element], connections: Iterable[Connection]) -> nx.MultiDiGraph:
    """Return a MultiDiGraph with properties as flat attributes, as GraphML and GEXF need them.

    Every text is `xml_safe`: characters XML 1.0 forbids are replaced by U+FFFD.
    """
    elements, connections = _sorted(elements, connections)
    graph = nx.MultiDiGraph()
    for e in elements:
        attrs = {xml_safe(k): xml_safe(_cell(v) if isinstance(v, list) else v) for k, v in e.props.items()}
        name = xml_safe(e.name)
        graph.add_node(xml_safe(e.id), **attrs, kind=e.kind.slug, name=name, label=name)
    for c in connections:
        attrs = {xml_safe(k): xml_safe(_cell(v) if isinstance(v, list) else v) for k, v in c.props.items()}
        # GEXF reserves an edge's `type` (directed/undirected), hence `relationship`.
        graph.add_edge(xml_safe(c.source), xml_safe(c.target), key=c.type.value, relationship=c.type.value,
                       label=c.type.value, **attrs)
    return graph


# GEXF reads a node's `start` and `end` as the spell it exists in (a dynamic graph, full dates
# only): an event's dates are written as plain attributes under these names instead.
GEXF_RENAMED = {"start": "event_start", "end": "event_end"}


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """Write a graph of `to_networkx` as GEXF, a static graph whatever its nodes' properties."""
    for _, attrs in graph.nodes(data=True):
        for name, renamed in GEXF_RENAMED.items():
            if name in attrs:
                attrs[renamed] = attrs.pop(name)
    nx.write_gexf(graph, path)


def write_csv_folder(folder: Path, elements: Iterable[dict[str, Any]], connections: Iterable[dict[str, Any]]) -> None:
    """Write `elements.csv` and `connections.csv` in the import format into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns, rows in (("elements.csv", ELEMENT_COLUMNS, elements), ("connections.csv", CONNECTION_COLUMNS, connections)):
        with open(folder / name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([csv_cell(row.get(c)) for c in columns])


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
        write_gexf(to_networkx(elements, connections), path)
