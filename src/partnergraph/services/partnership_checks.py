"""Checks of partnership facts that read beyond the one row being saved: the contact of record, organisation types.

Edits (`services.editing`) and imports (`services.data`) call these beside the field checks of
`services.edit_checks`: one contact of record per partner and affiliate (docs/analytics.md#contact-of-record),
refused as a field error or a problem naming the row; an organisation type outside the
vocabulary (docs/import-format.md#vocabularies), kept with a notice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import networkx as nx

from partnergraph.analysis.contact_of_record import Clash, clashes
from partnergraph.analysis.graph import build_graph, relations
from partnergraph.model import Connection, Element, Location, Problem, RelType, Row, parse_list
from partnergraph.schema import ORGANISATION_TYPES, ORGANISATIONS, canonical_type
from partnergraph.store import GraphStore

# -- the contact of record (docs/analytics.md#contact-of-record) -----------------------------------

def _clash_message(names: Mapping[str, str], clash: Clash) -> str:
    def name(i: str) -> str:
        return f"{names.get(i, i)} ({i})"
    already = (f"{name(clash.other)} is already the contact of record of {name(clash.partner)} "
               f"for {name(clash.affiliate)}")
    if clash.change.type is RelType.HOLDS:
        return f"{already}: a partner has one per affiliate; unset theirs first"
    return (f"{name(clash.person)} is the contact of record of {name(clash.partner)}, and {already}: "
            "a partner has one per affiliate; unset one first")


def _clash_field(clash: Clash) -> str:
    return "primary" if clash.change.type is RelType.HOLDS else "to"


def contact_of_record_errors(store: GraphStore, conn: Connection) -> dict[str, list[str]]:
    """Return the field errors of an edit that makes a second contact of record for one partner and affiliate.

    A HOLDS marked `primary`, or a membership that brings a contact of record to an affiliate.
    The rule reads only the partners' holders and their memberships, so they are read alone.
    """
    if conn.type is RelType.HOLDS and conn.props.get("primary") is True:
        partners = {conn.target}
    elif conn.type is RelType.MEMBER_OF:
        partners = {c.target for c in store.connections_of(conn.source)
                    if c.type is RelType.HOLDS and c.props.get("primary") is True}
    else:
        return {}
    if not partners:
        return {}
    around: dict[tuple[str, str, str], Connection] = {}
    for partner in sorted(partners):
        around.update((c.key, c) for c in store.connections_of(partner))
    people = {c.source for c in around.values() if c.type is RelType.HOLDS} | {conn.source}
    for person in sorted(people):
        around.update((c.key, c) for c in store.connections_of(person) if c.type is RelType.MEMBER_OF)
    ids = {end for key in around for end in key[:2]} | {conn.source, conn.target}
    kinds = store.existing_kinds(ids)
    graph = build_graph((Element(i, k, i) for i, k in kinds.items()),
                        (c for key, c in around.items() if key != conn.key))
    found = clashes(graph, [conn])
    errors: dict[str, list[str]] = {}
    wanted = {i for c in found for i in (c.person, c.partner, c.affiliate, c.other)}
    names = {e.id: e.name for e in (store.get(i) for i in sorted(wanted)) if e is not None}
    for clash in found:
        errors.setdefault(_clash_field(clash), []).append(_clash_message(names, clash))
    return errors


def import_record_problems(graph: nx.Graph, elements: Sequence[Element], connections: Sequence[Connection],
                           element_rows: Iterable[Row], connection_rows: Iterable[Row]) -> list[Problem]:
    """Return a problem per imported row that makes a second contact of record for one partner and affiliate.

    `graph` is the store before the import; imported properties are laid over the stored ones,
    as the stores' upsert does. A membership from an element's `member_of` is blamed on that row.
    """
    changed = []
    for c in connections:
        if c.type in (RelType.HOLDS, RelType.MEMBER_OF):
            before = relations(graph, c.source, c.target, c.type) if graph.has_edge(c.source, c.target) else []
            stored = next((r for r in before if r["from"] == c.source), {})
            props = {k: v for k, v in stored.items() if k not in ("type", "from", "to")}
            changed.append(Connection(c.source, c.target, c.type, {**props, **c.props}))
    kinds = {e.id: e.kind.slug for e in elements}
    found = clashes(graph, changed, kinds=kinds)
    if not found:
        return []
    # Where each connection was stated, and in which column: an explicit row wins, as in the import.
    where: dict[tuple[str, str, str], tuple[Location, str]] = {}
    for row in element_rows:
        member = str(row.values.get("id", "")).strip()
        for org in parse_list(row.values.get("member_of") or ""):
            where.setdefault((member, org, RelType.MEMBER_OF.value), (row.where, "member_of"))
    for row in connection_rows:
        key = (str(row.values.get("from", "")).strip(), str(row.values.get("to", "")).strip(),
               str(row.values.get("type", "")).strip().upper())
        where[key] = (row.where, "primary" if key[2] == RelType.HOLDS.value else "to")
    names = {e.id: e.name for e in elements}
    for clash in found:
        for i in (clash.person, clash.partner, clash.affiliate, clash.other):
            if i not in names and i in graph:
                names[i] = graph.nodes[i].get("name", i)
    problems = []
    for clash in found:
        at, column = where.get(clash.change.key, (Location("import", 1), _clash_field(clash)))
        problems.append(Problem(at, f"column '{column}': {_clash_message(names, clash)}", column))
    return problems


# -- organisation types (docs/import-format.md#vocabularies) ----------------------------------------

def type_notices(element: Element) -> list[str]:
    """Return the notices an edit of `element` shows without refusing it: an organisation type outside the vocabulary."""
    value = element.props.get("type")
    if element.kind not in ORGANISATIONS or not isinstance(value, str) or canonical_type(value) is not None:
        return []
    return [f"type {value!r} is not in the vocabulary ({', '.join(ORGANISATION_TYPES)}): it is kept as written, "
            "but the directory's type filter and the type labels do not know it"]

