"""The compact form of the analysis graph that introduction paths search.

Searching the NetworkX graph directly would treat an organisation as a node like any other, so
two people who were members ten years apart would seem to know each other through it. The index
keeps what a search needs, as integers and flat lists:

- people, numbered, with their personal ties (KNOWS: the types whose path role in
  `partnergraph.schema` is "tie");
- *attachments* (role "attachment"): every membership (MEMBER_OF) and every held relationship
  (HOLDS) of a person to an organisation, with its period as month numbers, so that passing through an organisation can
  check that the two people were there at the same time;
- attendances (role "attendance": ATTENDS) as a third flavour of attachment, the event standing
  for the organisation and the event's dates for the period, so that a conference of thousands
  is crossed like an organisation, never as a clique. Whether someone attended depends on the
  day asked about (`analysis.attendance`), so it lives with the costs: an attendance that is
  only registered or planned that day costs infinity, and no search uses it;
- costs per attachment and per tie, computed for one day (recency depends on it) and cached.

The index is built once per analysis graph and kept on the graph; recorded edits update it in
place (`partnergraph.analysis.path_index_edits`), so it is never built again while the graph
lives. Its *base fields* are plain lists and dicts of numbers, strings and the graph's relation
dicts (what a saved index holds); `derive` computes everything else from them (the id -> number
map and the ranks), so an index loaded from a file calls `derive` once and is ready.

Numbers are never reused: a removed node, tie or attachment leaves a tombstone (its kind or
relation None, out of every list), and an added one takes the next number. So that answers do
not depend on the order of edits, whatever a search does "first" among equals follows the order
a fresh build gives: `node_order` and `att_order` list the live nodes and attachments in that
order (nodes by id; attachments as the graph's edges are walked), every per-node list keeps it,
and the ranks (positions in those orders) break ties between equal costs. After a fresh build
a number is its own rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.attendance import attended
from partnergraph.analysis.warmth import arrival_cost, co_attendance_cost, month_number, side_cost, tie_cost
from partnergraph.schema import HOP_ROLES, PATH_ROLES, RelType

# An attachment with no start began "always"; one with no end continues.
EARLIEST = -(10**9)
LATEST = 10**9
INF = float("inf")  # the cost of an attendance that made no hop that day (registered or planned)
_EVENT = "event"


@dataclass
class Costs:
    """The warmth costs of every tie and attachment as of one day.

    An attendance's side is half its event's co-attendance cost, or INF when the person did not
    attend (as of that day); its arrival is always INF, since an event is never a path's end.
    """

    tie: list[float]
    side: list[float]
    arrival: list[float]
    # Per event, the attendances of those who went (as of that day), in the event's order: what a
    # passage through the event walks.
    went: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class PathIndex:
    """People, organisations, personal ties and attachments of one analysis graph.

    Base fields first (plain lists and dicts: what a saved index holds), then the fields
    `derive` computes from them.
    """

    ids: list[str] = field(default_factory=list)
    kinds: list[str | None] = field(default_factory=list)  # None: a removed node
    # Personal ties: per node, (other person, tie number); per tie, its relation (None: removed)
    # and whether it lasts.
    knows: list[list[tuple[int, int]]] = field(default_factory=list)
    tie_relation: list[dict[str, Any] | None] = field(default_factory=list)
    tie_current: list[bool] = field(default_factory=list)
    # Attachments: per attachment, who, to which organisation, HOLDS or not, period, relation (None: removed).
    att_person: list[int] = field(default_factory=list)
    att_org: list[int] = field(default_factory=list)
    att_holds: list[bool] = field(default_factory=list)
    att_start: list[int] = field(default_factory=list)
    att_end: list[int] = field(default_factory=list)
    att_relation: list[dict[str, Any] | None] = field(default_factory=list)
    # Whether an attachment is an attendance (its "organisation" an event), and each attended event's dates.
    att_event: list[bool] = field(default_factory=list)
    events: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Attachments per person and per organisation, in `att_order`.
    person_atts: list[list[int]] = field(default_factory=list)
    org_atts: list[list[int]] = field(default_factory=list)
    # Issue ids each organisation works on.
    org_issues: dict[int, set[str]] = field(default_factory=dict)
    # The live nodes and attachments in the order a fresh build numbers them (see the module's doc).
    node_order: list[int] = field(default_factory=list)
    att_order: list[int] = field(default_factory=list)
    # Derived (`derive`): id -> number, and each node's and attachment's position in the orders above.
    number: dict[str, int] = field(default_factory=dict)
    node_rank: list[int] = field(default_factory=list)
    att_rank: list[int] = field(default_factory=list)
    _costs: dict[date, Costs] = field(default_factory=dict)

    def costs(self, today: date) -> Costs:
        """Return the costs of every tie and attachment as of `today` (cached per day)."""
        found = self._costs.get(today)
        if found is None:
            event = self.att_event
            found = Costs(
                tie=[INF if r is None else tie_cost(r, today) for r in self.tie_relation],
                side=[INF if event[a] or r is None else side_cost(r, today) for a, r in enumerate(self.att_relation)],
                arrival=[INF if event[a] or r is None else arrival_cost(r, today)
                         for a, r in enumerate(self.att_relation)],
            )
            for node in self.events:
                self._event_costs(found, node, today)
            self._costs = {today: found}  # one day at a time: questions are asked about today
        return found

    def _event_costs(self, costs: Costs, node: int, today: date) -> None:
        """Set the side costs of one event's attendances as of `today`: who went, and how big it was."""
        event, relations = self.events[node], self.att_relation
        went = [a for a in self.org_atts[node] if attended(relations[a], event, today)]
        half = co_attendance_cost(len(went), event, today) / 2
        for a in self.org_atts[node]:
            costs.side[a] = INF
        for a in went:
            costs.side[a] = half
        costs.went[node] = went

    def refresh(self, relation: dict[str, Any]) -> bool:
        """Recompute the cached costs of one tie or attachment whose properties changed in place.

        Relationships the index does not hold (partnerships, issues) need nothing. Return False
        when a tie or attachment is not found in the index (the caller then drops every cost).
        """
        role = PATH_ROLES[relation["type"]]
        if role not in HOP_ROLES:
            return True
        person = self.number.get(relation["from"])
        if person is None:
            return False
        if role == "tie":
            for _, tie in self.knows[person]:
                if self.tie_relation[tie] is relation:
                    for day, costs in self._costs.items():
                        costs.tie[tie] = tie_cost(relation, day)
                    return True
        else:
            for attachment in self.person_atts[person]:
                if self.att_relation[attachment] is relation:
                    for day, costs in self._costs.items():
                        if self.att_event[attachment]:
                            # A status moves who went, so the event's size: all its attendances.
                            self._event_costs(costs, self.att_org[attachment], day)
                        else:
                            costs.side[attachment] = side_cost(relation, day)
                            costs.arrival[attachment] = arrival_cost(relation, day)
                    return True
        return False

    def derive(self) -> None:
        """Compute the derived fields from the base fields (after a build, a load or a structural edit)."""
        self.number = {node: n for n, node in enumerate(self.ids) if self.kinds[n] is not None}
        self.derive_ranks()

    def derive_ranks(self) -> None:
        """Compute each live node's and attachment's rank from `node_order` and `att_order` (-1: removed)."""
        self.node_rank = _ranks(self.node_order, len(self.ids))
        self.att_rank = _ranks(self.att_order, len(self.att_person))

    def forget_costs(self) -> None:
        """Drop the cached costs, to be computed again on the next question."""
        self._costs = {}

    def is_current(self, attachment: int) -> bool:
        """Return whether an attachment has no end date."""
        return self.att_end[attachment] == LATEST

    def overlap(self, a: int, b: int) -> bool:
        """Return whether two attachments' periods share at least one month."""
        return self.att_start[a] <= self.att_end[b] and self.att_start[b] <= self.att_end[a]


def _ranks(order: list[int], size: int) -> list[int]:
    ranks = [-1] * size
    for rank, item in enumerate(order):
        ranks[item] = rank
    return ranks


def _add_attachment(index: PathIndex, person: int, org: int, relation: dict[str, Any],
                    event: dict[str, Any] | None = None) -> int:
    """Add an attachment at the end of the index's lists and return its number."""
    number = len(index.att_person)
    index.att_person.append(person)
    index.att_org.append(org)
    index.att_holds.append(relation["type"] == RelType.HOLDS)
    index.att_event.append(event is not None)
    # An attendance's period is its event's: everyone there was there at the same time.
    since, until = ("since", "until") if event is None else ("start", "end")
    dates = relation if event is None else event
    start, end = month_number(dates.get(since)), month_number(dates.get(until))
    index.att_start.append(EARLIEST if start is None else start)
    index.att_end.append(LATEST if end is None else end)
    index.att_relation.append(relation)
    index.person_atts[person].append(number)
    index.org_atts[org].append(number)
    return number


def build_path_index(graph: nx.Graph) -> PathIndex:
    """Return the path index of an analysis graph (see `partnergraph.analysis.graph`)."""
    index = PathIndex()
    for node, kind in graph.nodes(data="kind"):
        index.number[node] = len(index.ids)
        index.ids.append(node)
        index.kinds.append(kind)
    n = len(index.ids)
    index.knows = [[] for _ in range(n)]
    index.person_atts = [[] for _ in range(n)]
    index.org_atts = [[] for _ in range(n)]
    number, kinds, roles = index.number, index.kinds, PATH_ROLES
    for u, v, relations in graph.edges(data="relations"):
        for relation in relations:
            role = roles[relation["type"]]
            if role == "tie":
                a, b = number[u], number[v]
                tie = len(index.tie_relation)
                index.tie_relation.append(relation)
                index.tie_current.append(not relation.get("until"))
                index.knows[a].append((b, tie))
                index.knows[b].append((a, tie))
            elif role == "attachment":
                _add_attachment(index, number[relation["from"]], number[relation["to"]], relation)
            elif role == "attendance":
                person, event = number[relation["from"]], number[relation["to"]]
                dates = index.events.get(event)
                if dates is None:
                    data = graph.nodes[relation["to"]]
                    dates = index.events[event] = {"start": data.get("start"), "end": data.get("end")}
                _add_attachment(index, person, event, relation, dates)
            elif role == "topic":
                org, issue = (u, v) if kinds[number[v]] == "issue" else (v, u)
                if kinds[number[org]] != _EVENT:  # an event's topics make nobody work on an issue
                    index.org_issues.setdefault(number[org], set()).add(issue)
    index.node_order = list(range(n))
    index.att_order = list(range(len(index.att_person)))
    index.derive_ranks()
    return index


def path_index(graph: nx.Graph) -> PathIndex:
    """Return the path index of `graph`, building it on first use and keeping it on the graph."""
    found = graph.graph.get("path_index")
    if found is None:
        found = graph.graph["path_index"] = build_path_index(graph)
    return found
