"""Recorded edits applied to a path index in place, so that it is never built again.

`analysis.graph.update_graph` changes the analysis graph edit by edit and tells an `IndexEdits`
what changed: a node came or went, a relationship came or went, a relationship's properties or
an event's dates changed. The index then holds what `build_path_index` would derive from the
changed graph, with two differences that no answer can see (see `path_index`): what was removed
stays as a tombstone, and what was added takes the next number. Its lists keep a fresh build's
order, which `finish` restores once per batch for what the batch touched:

- nodes are in id order (`node_order`);
- ties and attachments are in the order a build walks the graph's edges: by the edge's first
  node, then the edge's first relationship key (the neighbour order `update_graph` keeps),
  then the relationship's own key. Adding or removing one relationship on an edge can move the
  others on that edge, so `finish` places every index entry of a touched edge again.

The costs cached for a day follow: an added tie or attachment gets its cost, a removed one
costs infinity, and an event whose attendance or dates changed has all its costs computed again.
"""

from __future__ import annotations

import bisect
from typing import Any

import networkx as nx

from partnergraph.analysis.path_index import EARLIEST, INF, LATEST, PathIndex, _add_attachment
from partnergraph.analysis.warmth import arrival_cost, month_number, side_cost, tie_cost
from partnergraph.schema import PATH_ROLES

_EVENT = "event"


def _key(relation: dict[str, Any]) -> tuple[str, str, str]:
    return (relation["from"], relation["to"], relation["type"])


class IndexEdits:
    """One batch of edits to a path index; call `finish` after the last."""

    def __init__(self, index: PathIndex, graph: nx.Graph):
        self.index, self.graph = index, graph
        self.edges: set[tuple[str, str]] = set()  # edges whose relationships changed
        self.reordered_nodes = False

    # -- nodes ---------------------------------------------------------------------------------

    def node_added(self, node: str, kind: str) -> None:
        """Give a new element a number (the next one) and its place in id order."""
        index = self.index
        if node in index.number:
            return
        n = len(index.ids)
        index.ids.append(node)
        index.kinds.append(kind)
        index.knows.append([])
        index.person_atts.append([])
        index.org_atts.append([])
        index.number[node] = n
        bisect.insort(index.node_order, n, key=index.ids.__getitem__)
        self.reordered_nodes = True

    def node_removed(self, node: str) -> None:
        """Leave a removed element as a tombstone (its connections went before it)."""
        index = self.index
        n = index.number.pop(node, None)
        if n is None:
            return
        for other, tie in list(index.knows[n]):
            self._drop_tie(n, other, tie)
        for a in list(index.person_atts[n]) + list(index.org_atts[n]):
            self._drop_attachment(a)
        index.kinds[n] = None
        index.events.pop(n, None)
        index.org_issues.pop(n, None)
        index.node_order.remove(n)
        self.reordered_nodes = True

    def event_dates(self, node: str, props: dict[str, Any]) -> None:
        """Move an event's attendances to its new dates, and compute its costs again."""
        index = self.index
        n = index.number.get(node)
        if n is None or n not in index.events:
            return
        # A new dict, never a change to the old one: a fork of the index may share it (analysis.fork).
        dates = index.events[n] = {"start": props.get("start"), "end": props.get("end")}
        start, end = month_number(dates["start"]), month_number(dates["end"])
        for a in index.org_atts[n]:
            index.att_start[a] = EARLIEST if start is None else start
            index.att_end[a] = LATEST if end is None else end
        self._event_costs(n)

    # -- relationships -------------------------------------------------------------------------

    def relation_added(self, relation: dict[str, Any]) -> None:
        """Add a relationship the graph has just gained (the graph's own dict)."""
        index, role = self.index, PATH_ROLES[relation["type"]]
        u, v = relation["from"], relation["to"]
        if role is None or u not in index.number or v not in index.number:
            return
        self.edges.add((u, v))
        a, b = index.number[u], index.number[v]
        if role == "tie":
            tie = len(index.tie_relation)
            index.tie_relation.append(relation)
            index.tie_current.append(not relation.get("until"))
            index.knows[a].append((b, tie))
            index.knows[b].append((a, tie))
            for day, costs in index._costs.items():
                costs.tie.append(tie_cost(relation, day))
        elif role == "topic":
            org, issue = (a, v) if index.kinds[b] == "issue" else (b, u)
            if index.kinds[org] != _EVENT:  # an event's topics make nobody work on an issue
                index.org_issues[org] = index.org_issues.get(org, set()) | {issue}  # a new set, as the dates
        elif role == "attachment":
            _add_attachment(index, a, b, relation)
            for day, costs in index._costs.items():
                costs.side.append(side_cost(relation, day))
                costs.arrival.append(arrival_cost(relation, day))
        else:  # an attendance: the event's dates are its period
            dates = index.events.get(b)
            if dates is None:
                data = self.graph.nodes[v]
                dates = index.events[b] = {"start": data.get("start"), "end": data.get("end")}
            _add_attachment(index, a, b, relation, dates)
            for costs in index._costs.values():
                costs.side.append(INF)
                costs.arrival.append(INF)
            self._event_costs(b)

    def relation_removed(self, u: str, v: str, rel: str) -> None:
        """Remove the relationship `rel` from `u` to `v`, which the graph has just lost."""
        index, role = self.index, PATH_ROLES[rel]
        if role is None or u not in index.number or v not in index.number:
            return
        self.edges.add((u, v))
        a, b = index.number[u], index.number[v]
        key = (u, v, rel)
        if role == "tie":
            for other, tie in index.knows[a]:
                if _key(index.tie_relation[tie]) == key:
                    self._drop_tie(a, other, tie)
                    return
        elif role == "topic":
            org, issue = (a, v) if index.kinds[b] == "issue" else (b, u)
            issues = index.org_issues.get(org, set()) - {issue}
            if issues:
                index.org_issues[org] = issues
            else:
                index.org_issues.pop(org, None)
        else:
            for att in index.person_atts[a]:
                if _key(index.att_relation[att]) == key:
                    self._drop_attachment(att)
                    return

    def relation_changed(self, relation: dict[str, Any]) -> None:
        """Follow a relationship whose properties changed in place (the same dict): period and costs."""
        index, role = self.index, PATH_ROLES[relation["type"]]
        person = index.number.get(relation["from"])
        if role not in ("tie", "attachment") or person is None:
            if not index.refresh(relation):
                index.forget_costs()
            return
        if role == "tie":
            for _, tie in index.knows[person]:
                if index.tie_relation[tie] is relation:
                    index.tie_current[tie] = not relation.get("until")
        else:
            for a in index.person_atts[person]:
                if index.att_relation[a] is relation:
                    start, end = month_number(relation.get("since")), month_number(relation.get("until"))
                    index.att_start[a] = EARLIEST if start is None else start
                    index.att_end[a] = LATEST if end is None else end
        if not index.refresh(relation):
            index.forget_costs()

    # -- the end of a batch --------------------------------------------------------------------

    def finish(self) -> None:
        """Put what the batch touched back in a fresh build's order, and compute the ranks again."""
        index, adjacency = self.index, self.graph._adj
        moved: list[int] = []
        tie_ends: set[int] = set()
        for u, v in self.edges:
            a, b = index.number.get(u), index.number.get(v)
            if a is None or b is None:
                continue
            tie_ends.update((a, b))
            moved.extend(att for att in index.person_atts[a] + index.person_atts[b]
                         if index.att_org[att] in (a, b))
        if not moved and not tie_ends and not self.reordered_nodes:
            return

        def edge_order(relation: dict[str, Any]) -> tuple:
            # Where a build meets this relationship: edges by their first node, then by their
            # first relationship (a node's neighbour order), then the relationships of the edge.
            u, v = relation["from"], relation["to"]
            first = min(map(_key, adjacency[u][v]["relations"]))
            return (min(u, v), first, _key(relation))

        if moved:
            moved_set = set(moved)
            index.att_order[:] = [a for a in index.att_order if a not in moved_set]
            for a in sorted(moved_set):
                bisect.insort(index.att_order, a, key=lambda att: edge_order(index.att_relation[att]))
        index.derive_ranks()
        rank = index.att_rank.__getitem__
        for a in set(moved):
            index.person_atts[index.att_person[a]].sort(key=rank)
            index.org_atts[index.att_org[a]].sort(key=rank)
        for event in {index.att_org[a] for a in moved if index.att_event[a]}:
            self._event_costs(event)  # who went, in the event's new order
        for n in tie_ends:
            index.knows[n].sort(key=lambda entry: edge_order(index.tie_relation[entry[1]]))
        self.edges.clear()
        self.reordered_nodes = False

    # -- helpers -------------------------------------------------------------------------------

    def _drop_tie(self, a: int, b: int, tie: int) -> None:
        index = self.index
        index.knows[a].remove((b, tie))
        if a != b:
            index.knows[b].remove((a, tie))
        index.tie_relation[tie] = None
        for costs in index._costs.values():
            costs.tie[tie] = INF

    def _drop_attachment(self, a: int) -> None:
        index = self.index
        person, org = index.att_person[a], index.att_org[a]
        index.person_atts[person].remove(a)
        index.org_atts[org].remove(a)
        index.att_order.remove(a)
        index.att_relation[a] = None
        for costs in index._costs.values():
            costs.side[a] = costs.arrival[a] = INF
        if index.att_event[a]:
            if index.org_atts[org]:
                self._event_costs(org)
            else:  # a build keeps attended events only
                del index.events[org]
                for costs in index._costs.values():
                    costs.went.pop(org, None)

    def _event_costs(self, node: int) -> None:
        index = self.index
        for day, costs in index._costs.items():
            index._event_costs(costs, node, day)
