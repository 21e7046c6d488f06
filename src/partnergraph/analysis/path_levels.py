"""Hop-shortest paths: a bidirectional breadth-first search over the path index, by whole levels.

`fewest_hops` expands the smaller side one whole level at a time; within a level each person
keeps the cheapest way to reach them, so among equally short chains the warmest is exact. The
level that makes the two sides touch is the last, and only the people where they meet are
recorded on it: where they meet across an organisation is found without walking it (see
`_Reached`). Hops, passages and ends are those of `partnergraph.analysis.path_search`, whose
sides, ends and chains this module shares.
"""

from __future__ import annotations

from dataclasses import replace

from partnergraph.analysis.path_index import PathIndex
from partnergraph.analysis.path_search import (
    INF,
    Found,
    Rules,
    _chain,
    _ends,
    _passable,
    _Side,
    any_passage,
    attachment_allowed,
)


def _entries(index: PathIndex, rules: Rules, side: _Side,
             frontier: list[int]) -> dict[int, list[tuple[float, int, int]]]:
    """Return, per organisation, the ways the frontier enters it: (cost, rank, attachment), cheapest first."""
    entries: dict[int, list[tuple[float, int, int]]] = {}
    dist, penalty, side_cost, att_org, att_rank = side.dist, rules.penalty, rules.costs.side, index.att_org, index.att_rank
    any_kind, banned = any_passage(rules), rules.banned
    for u in frontier:
        base = dist[u] + (penalty(u) / 2 if penalty else 0.0)
        for a in index.person_atts[u]:
            if (att_org[a] not in banned and side_cost[a] < INF) if any_kind else attachment_allowed(
                    index, rules, a, passage=True):
                entries.setdefault(att_org[a], []).append((base + side_cost[a], att_rank[a], a))
    for entered in entries.values():
        entered.sort()
    return entries


def _expand_level(index: PathIndex, rules: Rules, side: _Side, hops: dict[int, int], frontier: list[int],
                  from_source: bool, other_hops: dict[int, int], other_at: _Reached) -> list[int]:
    """Return the next level of a breadth-first side, with the cheapest way to reach each person.

    If the level touches the other side, it is the last: only the people where the two sides
    meet are recorded and returned, and organisations are not walked member by member (only
    the other side's people among their members are looked at, from `other_at`: see `_Reached`).
    """
    level = hops[frontier[0]] + 1
    costs, banned, banned_steps, penalty = rules.costs, rules.banned, rules.banned_steps, rules.penalty
    tie_cost, side_cost, tie_current = costs.tie, costs.side, index.tie_current
    att_person, att_holds = index.att_person, index.att_holds
    att_start, att_end, knows, current = index.att_start, index.att_end, index.knows, rules.current
    source_people = side.source if banned_steps and from_source else ()
    sources = rules.sources if banned_steps and not from_source else ()
    dist, prev = side.dist, side.prev
    reached: dict[int, float] = {}
    met: dict[int, tuple[float, tuple]] = {}
    if rules.ties:
        for u in frontier:
            base = dist[u] + (penalty(u) / 2 if penalty else 0.0)
            guard = u in source_people
            for v, tie in knows[u]:
                if v in hops or v in banned or (current and not tie_current[tie]):
                    continue
                if (guard and (u, v) in banned_steps) or (v in sources and (v, u) in banned_steps):
                    continue
                cost = base + tie_cost[tie] + (penalty(v) / 2 if penalty else 0.0)
                if v in other_hops:
                    if cost < met.get(v, (INF,))[0]:
                        met[v] = (cost, (u, ("tie", tie, -1)))
                elif not met and cost < reached.get(v, INF):
                    reached[v] = cost
                    prev[v] = (u, ("tie", tie, -1))
    entries = _entries(index, rules, side, frontier)
    other_at.prepare(index, side, entries)
    for org, entered in entries.items():
        for b in other_at.at(index, side, org):
            v = att_person[b]
            if v in hops or not attachment_allowed(index, rules, b, passage=True):
                continue
            for key, _, a in entered:  # cheapest first: the first that may pass is the best
                u = att_person[a]
                if u == v or (att_holds[a] and att_holds[b]) or att_start[b] > att_end[a] or att_start[a] > att_end[b]:
                    continue
                if (u in source_people and (u, v) in banned_steps) or (v in sources and (v, u) in banned_steps):
                    continue
                cost = key + side_cost[b] + (penalty(v) / 2 if penalty else 0.0)
                if cost < met.get(v, (INF,))[0]:
                    met[v] = (cost, (u, ("pass", a, b)))
                break
    if met:
        for v, (cost, step) in met.items():
            dist[v] = cost
            prev[v] = step
            hops[v] = level
        return list(met)
    for org, entered in entries.items():
        remaining = side.remaining.get(org)
        if remaining is None:
            remaining = _passable(index, rules, org)
        for key, _, a in entered:
            if not remaining:
                break
            entered_by, holder, start, end = att_person[a], att_holds[a], att_start[a], att_end[a]
            guard = entered_by in source_people
            kept = []
            for b in remaining:
                v = att_person[b]
                if v in hops:
                    continue
                if (holder and att_holds[b]) or att_start[b] > end or start > att_end[b] or v == entered_by:
                    kept.append(b)  # not reachable from this entrant; maybe from a later one
                    continue
                if (guard and (entered_by, v) in banned_steps) or (
                        v in sources and (v, entered_by) in banned_steps):
                    kept.append(b)
                    continue
                cost = key + side_cost[b] + (penalty(v) / 2 if penalty else 0.0)
                if cost < reached.get(v, INF):
                    reached[v] = cost
                    prev[v] = (entered_by, ("pass", a, b))
            remaining = kept
        side.remaining[org] = remaining
    for v, cost in reached.items():
        dist[v] = cost
        hops[v] = level
    return list(reached)


class _Reached:
    """Per organisation (or event), the attachments of the people one side of `fewest_hops` has reached.

    The other side looks here for where the two meet across an organisation, without walking a
    conference of thousands to find the few. Two ways give the same lists (in the
    organisation's order): a map filled with the attachments of every person this side
    reaches, or a scan of the organisations the other side enters. Each level takes the cheaper:
    filling the map costs per person reached since it was last filled, scanning costs per
    attachment of the organisations entered (left to walk, when a walk has begun there).
    """

    def __init__(self, hops: dict[int, int], first: list[int]):
        self.hops = hops
        self.by_org: dict[int, list[int]] = {}
        self.pending: list[list[int]] = [first]  # levels reached since the map was last filled
        self.scan = False

    def prepare(self, index: PathIndex, other: _Side, entries: dict[int, list]) -> None:
        """Choose how to answer `at` for the organisations of `entries`, which the other side enters."""
        waiting = sum(len(people) for people in self.pending) * _ATTACHMENTS_PER_PERSON
        if not waiting:
            self.scan = False
            return
        org_atts, remaining = index.org_atts, other.remaining
        scan = 0
        for org in entries:
            scan += len(remaining.get(org) or org_atts[org])
            if scan > waiting:
                break
        self.scan = scan <= waiting
        if not self.scan:
            self._fill(index)

    def at(self, index: PathIndex, other: _Side, org: int) -> list[int]:
        """Return the attachments of `org` of the people this side has reached, in the organisation's order."""
        if self.scan:
            hops, att_person = self.hops, index.att_person
            listed = other.remaining.get(org) or index.org_atts[org]
            return [b for b in listed if att_person[b] in hops]
        return sorted(self.by_org.get(org, ()), key=index.att_rank.__getitem__)

    def _fill(self, index: PathIndex) -> None:
        att_org, person_atts, by_org = index.att_org, index.person_atts, self.by_org
        for people in self.pending:
            for person in people:
                for a in person_atts[person]:
                    found = by_org.get(att_org[a])
                    if found is None:
                        by_org[att_org[a]] = [a]
                    else:
                        found.append(a)
        self.pending.clear()


_ATTACHMENTS_PER_PERSON = 3  # about the average: what filling the map costs per person, against a scan


def fewest_hops(index: PathIndex, rules: Rules, source: int, targets: list[int],
                max_hops: int | None = None) -> Found | None:
    """Return the chain with the fewest hops (the warmest of those), or None.

    A bidirectional breadth-first search by whole levels, expanding the smaller side; within a
    level each person keeps the cheapest way to reach them, so among equally short chains the
    warmest is found exactly. Its `weight` counts `rules.hop` per hop plus the cost.
    """
    forward = _Side(_ends(index, rules, [source]), index.node_rank)
    backward = _Side(_ends(index, rules, targets), index.node_rank)
    if not forward.dist or not backward.dist:
        return None
    rules = replace(rules, sources=forward.source)
    hops_f = {p: int(forward.prev[p][1] is not None) for p in forward.dist}
    hops_b = {p: int(backward.prev[p][1] is not None) for p in backward.dist}
    frontier_f, frontier_b = list(forward.dist), list(backward.dist)
    depth_f = max(hops_f.values())
    depth_b = max(hops_b.values())
    # Where the two sides may meet across an organisation: see `_Reached`.
    at_f, at_b = _Reached(hops_f, frontier_f), _Reached(hops_b, frontier_b)
    new, new_hops, other_hops = frontier_f, hops_f, hops_b
    while True:
        best: tuple[int, float] | None = None
        meet = -1
        for v in new:
            if v in other_hops:
                found = (new_hops[v] + other_hops[v], forward.dist[v] + backward.dist[v])
                if best is None or found < best:
                    best, meet = found, v
        if best is not None:
            if max_hops is not None and best[0] > max_hops:
                return None
            return _chain(index, forward, backward, meet, best[0] * rules.hop + best[1])
        if not frontier_f or not frontier_b:
            return None
        if max_hops is not None and depth_f + depth_b >= max_hops:
            return None
        if len(frontier_f) <= len(frontier_b):
            frontier_f = new = _expand_level(index, rules, forward, hops_f, frontier_f, True, hops_b, at_b)
            at_f.pending.append(new)
            depth_f += 1
            new_hops, other_hops = hops_f, hops_b
        else:
            frontier_b = new = _expand_level(index, rules, backward, hops_b, frontier_b, False, hops_f, at_f)
            at_b.pending.append(new)
            depth_b += 1
            new_hops, other_hops = hops_b, hops_f
