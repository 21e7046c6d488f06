"""Introduction paths as the API and the CLI give them, on the whole graph or on a path index kept in a file.

`path_answer` is the one shape of a path answer (`Questions.path` and the cold command line
both call it). `PathFiles` keeps a store's path index in a file beside it (`services.store_files`)
and answers from it without the analysis graph: the search needs only the index, and the
explanation of what it found only a few elements and relationships, read from the store then.

A kept index holds the index's base fields as flat lists of numbers and text (never a pickle).
Its relationships are kept as what the costs read (type, ends, strength, dates, status), made
into dicts when first used; the costs of the day the file was written are kept too, so a
question about that day computes none. Before the answer is explained, the relationships the
paths found rest on get every property from the store, in place, and the question is asked
again: the same search on the same costs finds the same paths, now explained in full, so the
answer is the whole graph's, to the byte (tests/test_cold.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.graph import build_graph, node_summary
from partnergraph.analysis.path_index import Costs, PathIndex
from partnergraph.analysis.path_reasons import ranking_reasons
from partnergraph.analysis.paths import introduction_paths
from partnergraph.io.countries import EVERYDAY_NAMES
from partnergraph.model import Kind, NoPath, RelType
from partnergraph.schema import PATH_TYPES
from partnergraph.services.options import PathQuery
from partnergraph.services.privacy import PRIVATE_CONNECTION_PROPERTIES, impersonal_path_types
from partnergraph.store import GraphStore
from partnergraph.store.base import Hop

PATHS_FILE = "paths"
# The properties of a tie, membership, hold or attendance that its costs read (analysis.warmth,
# analysis.attendance); a kept index holds these of each, and the rest only when explained.
COST_FIELDS = ("strength", "since", "until", "last_contact", "status")
# The relationship types a kept index names by number.
TYPE_NAMES = tuple(rel.value for rel in RelType)
# A question's partners are read with the issues they work on.
TOPICS = Hop(kinds=frozenset({Kind.PARTNER}), types=frozenset({RelType.WORKS_ON}))


def path_answer(graph: nx.Graph, query: PathQuery, resolve: Callable[[str], str]) -> dict[str, Any]:
    """Return up to `k` introduction paths on `graph` (names resolved by `resolve`); no path is an empty list."""
    source = resolve(query.source)
    target = resolve(query.target) if query.target is not None else None
    to_issue = resolve(query.to_issue) if query.to_issue else None
    options: dict[str, Any] = {
        "k": query.k, "warm": query.warm, "max_hops": query.max_hops, "current": query.current,
        "overlap": query.overlap, "avoid": [resolve(ref) for ref in query.avoid],
        "via_issue": resolve(query.via_issue) if query.via_issue else None,
        "to_issue": to_issue, "to_region": query.to_region, "today": query.today, "countries": EVERYDAY_NAMES,
    }
    types = list(query.types) if query.types is not None else list(PATH_TYPES)
    if not query.personal:
        # Attendance is personal data: a reader who may not see it gets no hop that rests on it.
        types = impersonal_path_types(types)
    to = node_summary(graph, target) if target is not None else {"issue": to_issue, "region": query.to_region}
    if not types:
        return {"from": node_summary(graph, source), "to": to, "paths": [],
                "reason": "the relationship types asked for are personal data, for signed-in readers only"}
    options["types"] = types
    try:
        paths = introduction_paths(graph, source, target, **options)
    except NoPath as exc:
        return {"from": node_summary(graph, source), "to": to, "paths": [], "reason": str(exc)}
    hidden = () if query.personal else PRIVATE_CONNECTION_PROPERTIES
    reasons = ranking_reasons(paths, warm=query.warm, today=query.today)
    return {"from": node_summary(graph, source), "to": to,
            "paths": [{**p.to_dict(graph, hidden=hidden), "rank_reason": reason}
                      for p, reason in zip(paths, reasons, strict=True)]}


class _Relations(Sequence[dict[str, Any]]):
    """The relationships of a kept index, each made into a dict when first used (and the same dict after)."""

    def __init__(self, types: Sequence[int], starts: Sequence[int], ends: Sequence[int], ids: Sequence[str],
                 fields: Sequence[str], names: Sequence[str]):
        self._types, self._starts, self._ends, self._ids, self._fields = types, starts, ends, ids, fields
        self._names = names
        self._made: list[dict[str, Any] | None] = [None] * len(types)

    def __len__(self) -> int:
        return len(self._types)

    def __getitem__(self, number: Any) -> Any:
        if isinstance(number, slice):
            return [self[i] for i in range(*number.indices(len(self)))]
        found = self._made[number]
        if found is None and self._types[number] >= 0:
            found = {"type": self._names[self._types[number]], "from": self._ids[self._starts[number]],
                     "to": self._ids[self._ends[number]]}
            fields = self._fields[number]
            if fields:
                found.update(json.loads(fields))
            self._made[number] = found
        return found

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self[i] for i in range(len(self)))


def _listed(items: Any) -> list[Any]:
    return items.tolist() if hasattr(items, "tolist") else list(items)


class _Nested(Sequence[list[Any]]):
    """Lists kept end to end (with each one's length): each is cut out when first asked for, the same list after."""

    def __init__(self, counts: Sequence[int], items: Sequence[Any], pairs: Sequence[Any] | None = None):
        import numpy

        self._starts = numpy.concatenate(([0], numpy.cumsum(counts, dtype=numpy.int64))).tolist()
        self._items, self._pairs = items, pairs
        self._made: dict[int, list[Any]] = {}

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, number: Any) -> Any:
        if isinstance(number, slice):
            return [self[i] for i in range(*number.indices(len(self)))]
        found = self._made.get(number)
        if found is None:
            start, end = self._starts[number], self._starts[number + 1]
            found = _listed(self._items[start:end])
            if self._pairs is not None:
                found = list(zip(found, _listed(self._pairs[start:end]), strict=True))
            self._made[number] = found
        return found

    def __iter__(self) -> Iterator[list[Any]]:
        return (self[i] for i in range(len(self)))


def _fields(relation: dict[str, Any] | None) -> str:
    if relation is None:
        return ""
    kept = {key: relation[key] for key in COST_FIELDS if key in relation}
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":")) if kept else ""


def _flat(lists: Sequence[Sequence[Any]]) -> tuple[list[int], list[Any]]:
    return [len(items) for items in lists], [item for items in lists for item in items]


def index_lists(index: PathIndex, day: date) -> dict[str, list[Any]]:
    """Return the base fields of `index`, and its costs as of `day`, as flat lists for a file."""
    costs = index.costs(day)
    knows_counts, knows = _flat(index.knows)
    person_counts, person_atts = _flat(index.person_atts)
    org_counts, org_atts = _flat(index.org_atts)
    number = {node: n for n, node in enumerate(index.ids)}
    events = sorted(index.events)
    issues = sorted(index.org_issues)
    issue_counts, issue_ids = _flat([sorted(index.org_issues[org]) for org in issues])
    ties = index.tie_relation
    went = sorted(costs.went)
    went_counts, went_atts = _flat([costs.went[event] for event in went])
    return {
        "day": [day.toordinal()],
        "ids": list(index.ids), "kinds": [kind or "" for kind in index.kinds],
        "knows_counts": knows_counts, "knows_other": [other for other, _ in knows], "knows_tie": [t for _, t in knows],
        "tie_type": [TYPE_NAMES.index(r["type"]) if r else -1 for r in ties],
        "tie_from": [number[r["from"]] if r else 0 for r in ties],
        "tie_to": [number[r["to"]] if r else 0 for r in ties],
        "tie_fields": [_fields(r) for r in ties], "tie_current": list(index.tie_current),
        "att_person": list(index.att_person), "att_org": list(index.att_org), "att_holds": list(index.att_holds),
        "att_start": list(index.att_start), "att_end": list(index.att_end), "att_event": list(index.att_event),
        "att_type": [TYPE_NAMES.index(r["type"]) if r else -1 for r in index.att_relation],
        "att_fields": [_fields(r) for r in index.att_relation],
        "event_nodes": events,
        "event_dates": [json.dumps([index.events[e].get("start"), index.events[e].get("end")]) for e in events],
        "person_counts": person_counts, "person_atts": person_atts,
        "org_counts": org_counts, "org_atts": org_atts,
        "issue_orgs": issues, "issue_counts": issue_counts, "issue_ids": issue_ids,
        "node_order": list(index.node_order), "att_order": list(index.att_order),
        "cost_tie": costs.tie, "cost_side": costs.side, "cost_arrival": costs.arrival,
        "went_events": went, "went_counts": went_counts, "went_atts": went_atts,
    }


def index_from_lists(kept: dict[str, Any]) -> PathIndex:
    """Return the index `index_lists` kept (as `StoreFiles.load` gives it), derived and with the kept day's costs.

    What a search reads of every node and attachment (kinds, periods, costs) is made into lists
    at once; each node's ties and attachments, and each relationship, only when the search
    reaches it.
    """
    def plain(name: str) -> list[Any]:
        return kept[name].tolist()

    ids, att_person, att_org = plain("ids"), plain("att_person"), plain("att_org")
    index = PathIndex(
        ids=ids, kinds=[kind or None for kind in plain("kinds")],
        knows=_Nested(kept["knows_counts"], kept["knows_other"], kept["knows_tie"]),
        tie_relation=_Relations(kept["tie_type"], kept["tie_from"], kept["tie_to"], ids, kept["tie_fields"],
                                TYPE_NAMES),
        tie_current=plain("tie_current"),
        att_person=att_person, att_org=att_org, att_holds=plain("att_holds"),
        att_start=plain("att_start"), att_end=plain("att_end"),
        att_relation=_Relations(kept["att_type"], att_person, att_org, ids, kept["att_fields"], TYPE_NAMES),
        att_event=plain("att_event"),
        events={node: dict(zip(("start", "end"), json.loads(dates), strict=True))
                for node, dates in zip(plain("event_nodes"), kept["event_dates"].tolist(), strict=True)},
        person_atts=_Nested(kept["person_counts"], kept["person_atts"]),
        org_atts=_Nested(kept["org_counts"], kept["org_atts"]),
        org_issues={org: set(found) for org, found in zip(
            plain("issue_orgs"), _Nested(kept["issue_counts"], kept["issue_ids"]), strict=True)},
        node_order=plain("node_order"), att_order=plain("att_order"),
    )
    index.derive()
    went = dict(zip(plain("went_events"), _Nested(kept["went_counts"], kept["went_atts"]), strict=True))
    index._costs = {date.fromordinal(int(kept["day"][0])): Costs(
        tie=plain("cost_tie"), side=plain("cost_side"), arrival=plain("cost_arrival"), went=went)}
    return index


class _StoreNodes(dict):
    """The nodes of a graph that reads an element from the store when first asked for it."""

    def __init__(self, store: GraphStore, adjacency: dict[str, Any]):
        super().__init__()
        self._store, self._adjacency = store, adjacency

    def __missing__(self, node: str) -> dict[str, Any]:
        element = self._store.get(node)
        if element is None:
            raise KeyError(node)
        attrs = build_graph([element], ()).nodes[node]
        self[node] = attrs
        self._adjacency.setdefault(node, {})
        return attrs


def store_graph(store: GraphStore, elements: Sequence[Any], connections: Sequence[Any]) -> nx.Graph:
    """Return the graph of `elements` and `connections` whose other nodes are read from the store when asked for.

    Only the nodes given are "in" it (`in`, iteration); asking for another one's attributes
    (`graph.nodes[x]`) reads it. What an explanation needs, without reading every element.
    """
    graph = build_graph(elements, connections)
    nodes = _StoreNodes(store, graph._adj)  # NetworkX internals: see analysis.graph's note on _node
    nodes.update(graph._node)
    graph._node = nodes
    return graph


def complete(store: GraphStore, relations: list[dict[str, Any]]) -> None:
    """Give relationships kept with their cost fields alone every property they have in the store, in place."""
    keys = {(r["from"], r["to"], r["type"]): r for r in relations}
    for key, conn in store.get_connections(keys).items():
        relation = keys[key]
        relation.clear()
        relation.update({"type": conn.type.value, "from": conn.source, "to": conn.target})
        relation.update(conn.props)


def question_elements(store: GraphStore, refs: Sequence[str]) -> tuple[list[Any], list[Any]]:
    """Return the elements a path question names and every partner, with the partners' issues (for --to-issue)."""
    found = store.neighbourhood([*refs, *store.ids_of([Kind.PARTNER])], (TOPICS,))
    return found.elements, found.connections
