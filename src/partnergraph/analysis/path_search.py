"""Search the path index for the cheapest chain of people between two ends.

The search runs over people. One hop is a personal tie, or a passage through an organisation
between two people attached to it (members, or a holder and a member) whose periods overlap, or
through an event both attended (an attendance is an attachment to the event; see path_index). A
passage is searched in two halves: entering the organisation through one attachment is a state
of its own, and leaving it reaches every other attachment that overlaps. Because states leave in
order of cost, the first state of an organisation that reaches an attachment is the cheapest that
can: each attachment is reached through an organisation at most once per search, which keeps
passages through organisations of thousands of members cheap.

- `fewest_hops` (in `partnergraph.analysis.path_levels`): a bidirectional breadth-first search
  by whole levels, expanding the smaller side; each person keeps the cheapest way to reach them
  within their level, so among equally short chains the warmest is exact.
- `cheapest`: a bidirectional Dijkstra (one search from each end, stopping when the two cheapest
  open states together cost at least the best meeting found; a state that could never leave
  the heap before that is counted, not pushed).
- `cheapest_within`: exact under a hop limit (labels per hop count), for the rarer case where the
  warmest chain is too long.

Among equal costs, what comes first follows the index's ranks (a fresh build's order; see
path_index), so an index updated in place answers exactly as a rebuilt one.

Ends are sets: an organisation as an end stands for all of its attachments, entered at their
arrival cost. Everything here works on the integers of `PathIndex`; `paths` turns the result
into explained paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from heapq import heappop, heappush

from partnergraph.analysis.path_index import Costs, PathIndex

INF = float("inf")

# A step of a found chain, from one person to the next (or to an organisation end):
#   ("tie", tie number, -1)                          a personal tie
#   ("pass", entered attachment, left attachment)    through an organisation
#   ("end", attachment, -1)                          between a person and the organisation at an end
Step = tuple[str, int, int]


@dataclass
class Rules:
    """What a search may use, and what each hop costs."""

    costs: Costs
    hop: float = 0.0  # added per hop: large to rank by hop count first, tiny to break ties by length
    ties: bool = True  # KNOWS
    members: bool = True  # MEMBER_OF: co-membership, and arriving as a member
    holds: bool = True  # HOLDS: holder passages, and arriving as a holder
    attends: bool = True  # ATTENDS: co-attendance passages (never an end, never --current)
    current: bool = False  # only ties and attachments with no end date
    banned: frozenset[int] | set[int] = frozenset()  # people and organisations not to pass
    banned_steps: frozenset[tuple] | set[tuple] = frozenset()  # (person, next person) steps not to take
    penalty: Callable[[int], float] | None = None  # extra cost to pass a person (half on each side)
    sources: set[int] = field(default_factory=set)  # set by the search: people it starts from


@dataclass
class Found:
    """A chain: its people in order, the steps between them, and their total search weight."""

    people: list[int]
    steps: list[Step]
    weight: float
    start: int | None = None  # attachment the chain starts from when the start is an organisation
    finish: int | None = None  # attachment the chain ends through when the end is an organisation


def any_passage(rules: Rules) -> bool:
    """Return whether the rules allow every kind of passage, so that `attachment_allowed` for a
    passage from a person already reached comes down to: its organisation is not banned, and its
    side cost is finite (an attendance of someone who went; every membership and hold)."""
    return rules.members and rules.holds and rules.attends and not rules.current


def attachment_allowed(index: PathIndex, rules: Rules, a: int, *, passage: bool) -> bool:
    """Return whether the rules let a search use attachment `a` (in a passage, or at an end)."""
    if index.att_org[a] in rules.banned or index.att_person[a] in rules.banned:
        return False
    if index.att_event[a]:
        # Only as a passage, only by those who went (their side is finite that day), never --current.
        return passage and rules.attends and not rules.current and rules.costs.side[a] < INF
    if rules.current and not index.is_current(a):
        return False
    if index.att_holds[a]:
        # A holder passes only towards a member, so a passage needs memberships too.
        return rules.holds and (rules.members or not passage)
    return rules.members


def step_key(index: PathIndex, person: int, step: Step, other: int) -> tuple:
    """Return what identifies a step from `person`, for banning it in later searches.

    Steps between the same two people count as one, whatever relationship carries them: an
    alternative path must differ in its people, not only in the reason for a hop.
    """
    if step[0] == "end":
        return (person, "end", index.att_org[step[1]])
    return (person, other)


class _Side:
    """One direction of the bidirectional search."""

    __slots__ = ("dist", "prev", "heap", "done", "remaining", "source", "pruned")

    def __init__(self, starts: dict[int, tuple[float, int | None]], node_rank: list[int]):
        self.dist: dict[int, float] = {}
        self.prev: dict[int, tuple] = {}
        # (cost, rank, state): a state is a person (>= 0) or an attachment entered (-1 - number);
        # the rank breaks ties between equal costs in the order a fresh build numbers them.
        self.heap: list[tuple[float, int, int]] = []
        self.done: set[int] = set()
        self.remaining: dict[int, list[int]] = {}
        self.source: set[int] = set()
        self.pruned = 0  # states `cheapest` did not push, since they would never leave the heap
        for person, (cost, attachment) in starts.items():
            self.dist[person] = cost
            self.prev[person] = (None, ("end", attachment, -1)) if attachment is not None else (None, None)
            self.source.add(person)
            heappush(self.heap, (cost, node_rank[person], person))


def _starts(index: PathIndex, rules: Rules, end: int) -> dict[int, tuple[float, int | None]]:
    """Return the people a search starts from at `end`: a person at no cost, or an organisation's
    people at the cost of their last hop to it (without the per-hop weight)."""
    if index.kinds[end] == "contact":
        return {end: (0.0, None)}
    starts: dict[int, tuple[float, int | None]] = {}
    for a in index.org_atts[end]:
        if not attachment_allowed(index, rules, a, passage=False):
            continue
        person = index.att_person[a]
        if rules.banned_steps and (person, "end", end) in rules.banned_steps:
            continue
        # The person's passing penalty is paid half here and half on their next hop.
        cost = rules.costs.arrival[a] + (rules.penalty(person) / 2 if rules.penalty else 0.0)
        if cost < starts.get(person, (INF, None))[0]:
            starts[person] = (cost, a)
    return starts


def _ends(index: PathIndex, rules: Rules, ends: list[int], hop: float = 0.0) -> dict[int, tuple[float, int | None]]:
    merged: dict[int, tuple[float, int | None]] = {}
    for end in ends:
        for person, (cost, attachment) in _starts(index, rules, end).items():
            if attachment is not None:
                cost += hop
            if cost < merged.get(person, (INF, None))[0]:
                merged[person] = (cost, attachment)
    return merged


def cheapest(index: PathIndex, rules: Rules, source: int, targets: list[int]) -> Found | None:
    """Return the cheapest chain from `source` to any of `targets`, or None if there is none.

    `source` is a person or an organisation; each target is a person or an organisation.
    """
    forward = _Side(_ends(index, rules, [source], rules.hop), index.node_rank)
    backward = _Side(_ends(index, rules, targets, rules.hop), index.node_rank)
    if not forward.dist or not backward.dist:
        return None
    # The source's own steps may be banned (Yen's spur searches); remember who the source is.
    source_people = forward.source
    best = INF
    meet = -1
    for person, cost in forward.dist.items():
        if person in backward.dist and cost + backward.dist[person] < best:
            best, meet = cost + backward.dist[person], person

    costs, hop, banned, banned_steps = rules.costs, rules.hop, rules.banned, rules.banned_steps
    half_hop = hop / 2
    penalty = rules.penalty
    knows, tie_cost, tie_current = index.knows, costs.tie, index.tie_current
    person_atts, att_person, att_org = index.person_atts, index.att_person, index.att_org
    att_holds, att_start, att_end, side_cost = index.att_holds, index.att_start, index.att_end, costs.side
    current, ties = rules.current, rules.ties
    node_rank, att_rank = index.node_rank, index.att_rank
    plain = not banned_steps and not current  # no tie to check before taking it
    any_kind = any_passage(rules)
    # The people a banned step from the source reaches: where the backward side must check ties.
    banned_back = {step[1] for step in banned_steps if len(step) == 2 and step[0] in source_people}
    # A banned person is never reached: counting them settled on both sides spares a second
    # lookup per tie and a filtered copy per organisation (`_passable`), with the same answers.
    for side in (forward, backward):
        side.done.update(b for b in banned if b not in side.dist)

    while forward.heap and backward.heap:
        if forward.heap[0][0] + backward.heap[0][0] >= best:
            break
        # Expand the side with fewer open states (counting those never pushed; see below).
        if len(forward.heap) + forward.pruned <= len(backward.heap) + backward.pruned:
            side, other = forward, backward
        else:
            side, other = backward, forward
        key, _, code = heappop(side.heap)
        dist, prev, heap = side.dist, side.prev, side.heap
        other_dist = other.dist
        from_source = side is forward
        # A state whose cost plus the other side's cheapest open state reaches `best` would never
        # leave the heap: the search stops first (the other side's cheapest only grows, `best`
        # only falls). So it is not pushed, only counted; everything else happens as if it were,
        # except that its way here is not kept unless it is the best meeting: a chain is read
        # through states that left the heap and the meeting, and the other side cannot later
        # meet it for less than `best` (all it reaches costs at least its cheapest open state).
        other_top = other.heap[0][0]
        limit = best - other_top
        pruned = side.pruned  # counted locally, stored once this state is expanded
        if code >= 0:
            u = code
            if u in side.done or key > dist[u]:
                continue
            side.done.add(u)
            pen_u = penalty(u) / 2 if penalty else 0.0
            guard = bool(banned_steps) and from_source and u in source_people
            base = key + hop  # the sums keep the order of the terms: the same floats as ever
            if not ties:
                neighbours = ()
            elif plain or not (current or guard or (not from_source and u in banned_back)):
                neighbours = knows[u]  # no banned step can start or end here
            else:  # end dates and banned steps, checked apart so that the common case's loop stays tight
                neighbours = [(v, tie) for v, tie in knows[u] if not (
                    (current and not tie_current[tie]) or (guard and (u, v) in banned_steps)
                    or (banned_steps and not from_source and v in source_people and (v, u) in banned_steps))]
            done = side.done
            for v, tie in neighbours:
                if v in done:
                    continue
                # Without a penalty both terms are 0.0, and adding 0.0 leaves a float as it is.
                nd = base + tie_cost[tie] + pen_u + penalty(v) / 2 if penalty else base + tie_cost[tie]
                if nd < dist.get(v, INF):
                    dist[v] = nd
                    if v in other_dist and nd + other_dist[v] < best:
                        best, meet = nd + other_dist[v], v
                        limit = best - other_top
                    elif nd >= limit:
                        pruned += 1  # never popped, never the meeting (see above): no way to keep
                        continue
                    prev[v] = (u, ("tie", tie, -1))
                    if nd < limit:
                        heappush(heap, (nd, node_rank[v], v))
                    else:
                        pruned += 1
            base = key + half_hop
            for a in person_atts[u]:
                if any_kind:
                    if att_org[a] in banned or side_cost[a] == INF:
                        continue
                elif not attachment_allowed(index, rules, a, passage=True):
                    continue
                nd = base + side_cost[a] + pen_u
                if nd < limit:
                    heappush(heap, (nd, -1 - att_rank[a], -1 - a))
                else:
                    pruned += 1
        else:
            a = -1 - code
            org, holder, entered_by = att_org[a], att_holds[a], att_person[a]
            start, end = att_start[a], att_end[a]
            remaining = side.remaining.get(org)
            if remaining is None:
                remaining = _passable(index, rules, org, people=False)
            guard = bool(banned_steps) and from_source and entered_by in source_people
            base = key + half_hop
            kept = []
            done = side.done
            # Whether a banned step may start or end here (else the loop skips both checks).
            check = guard or (not from_source and entered_by in banned_back)
            for b in remaining:
                v = att_person[b]
                if v == entered_by or v in done:
                    continue  # settled already: nothing through here can be cheaper
                if holder and att_holds[b]:
                    kept.append(b)  # two holders of one partner need not know each other
                    continue
                if att_start[b] > end or start > att_end[b]:
                    kept.append(b)  # not there at the same time; a later entrant may be
                    continue
                if check and ((guard and (entered_by, v) in banned_steps) or (
                        not from_source and v in source_people and (v, entered_by) in banned_steps)):
                    kept.append(b)
                    continue
                nd = base + side_cost[b] + penalty(v) / 2 if penalty else base + side_cost[b]
                if nd < dist.get(v, INF):
                    dist[v] = nd
                    if v in other_dist and nd + other_dist[v] < best:
                        best, meet = nd + other_dist[v], v
                        limit = best - other_top
                    elif nd >= limit:
                        pruned += 1
                        continue
                    prev[v] = (entered_by, ("pass", a, b))
                    if nd < limit:
                        heappush(heap, (nd, node_rank[v], v))
                    else:
                        pruned += 1
            side.remaining[org] = kept
        side.pruned = pruned
    if meet < 0:
        return None
    return _chain(index, forward, backward, meet, best)


def _passable(index: PathIndex, rules: Rules, org: int, *, people: bool = True) -> list[int]:
    """Return the attachments of `org` that a passage may use under `rules`.

    With `people` False, attachments of banned people stay in: for a caller that skips them.
    """
    banned = rules.banned
    if org in banned:
        return []
    # The common cases without a call per attachment (`attachment_allowed` says the same).
    if org in index.events:
        if not rules.attends or rules.current:
            return []
        attachments = rules.costs.went[org]  # who went, that day
    elif not rules.current and rules.members and rules.holds:
        attachments = index.org_atts[org]
    else:
        return [b for b in index.org_atts[org] if attachment_allowed(index, rules, b, passage=True)]
    return [b for b in attachments if index.att_person[b] not in banned] if banned and people else list(attachments)


def _walk(side: _Side, person: int) -> tuple[list[int], list[Step], int | None]:
    """Return the people and steps from the side's start to `person`, and its start attachment."""
    people = [person]
    steps: list[Step] = []
    attachment = None
    while True:
        before, step = side.prev[person]
        if before is None:
            if step is not None:
                attachment = step[1]
            break
        steps.append(step)
        people.append(before)
        person = before
    people.reverse()
    steps.reverse()
    return people, steps, attachment


def _flip(step: Step) -> Step:
    return ("pass", step[2], step[1]) if step[0] == "pass" else step


def _chain(index: PathIndex, forward: _Side, backward: _Side, meet: int, weight: float) -> Found:
    head, head_steps, start = _walk(forward, meet)
    tail, tail_steps, finish = _walk(backward, meet)
    people = head + tail[::-1][1:]
    steps = head_steps + [_flip(s) for s in reversed(tail_steps)]
    return Found(people, steps, weight, start, finish)


@dataclass(order=True)
class _Label:
    weight: float
    hops: int
    rank: int  # breaks ties as the heap of `cheapest` does (FINAL for a label at an end)
    code: int = field(compare=False)
    parent: _Label | None = field(compare=False, default=None)
    step: Step | None = field(compare=False, default=None)
    attachment: int | None = field(compare=False, default=None)


FINAL = -(10**12)  # the code of a label that has reached an end


def cheapest_within(index: PathIndex, rules: Rules, source: int, targets: list[int], max_hops: int) -> Found | None:
    """Return the cheapest chain of at most `max_hops` hops, or None.

    Exact: a person keeps every label that no label with fewer or as many hops and a lower or
    equal cost dominates. Slower than `cheapest`; used only when the hop limit binds.
    """
    finishes = _ends(index, rules, targets, rules.hop)
    costs, penalty, banned, hop = rules.costs, rules.penalty, rules.banned, rules.hop
    heap: list[_Label] = []
    for person, (cost, attachment) in _ends(index, rules, [source], rules.hop).items():
        heappush(heap, _Label(cost, 0 if attachment is None else 1, index.node_rank[person], person,
                              attachment=attachment))
    settled: dict[int, list[int]] = {}  # person -> hop counts of settled labels (cheapest first)
    remaining: dict[tuple[int, int], list[int]] = {}  # (organisation, hops) -> attachments not yet reached

    def dominated(person: int, hops: int) -> bool:
        # Labels settle in order of cost, so any settled label is at most as costly.
        return any(h <= hops for h in settled.get(person, ()))

    while heap:
        label = heappop(heap)
        if label.code == FINAL:
            return _unwind(label)
        if label.code >= 0:
            u = label.code
            if dominated(u, label.hops):
                continue
            settled.setdefault(u, []).append(label.hops)
            if u in finishes:
                cost, attachment = finishes[u]
                hops = label.hops + (0 if attachment is None else 1)
                if hops <= max_hops:
                    step = None if attachment is None else ("end", attachment, -1)
                    heappush(heap, _Label(label.weight + cost, hops, FINAL, FINAL, label, step))
            if label.hops >= max_hops:
                continue
            pen_u = penalty(u) / 2 if penalty else 0.0
            at_source = label.parent is None and bool(rules.banned_steps)
            for v, tie in index.knows[u] if rules.ties else ():
                if v in banned or (rules.current and not index.tie_current[tie]) or dominated(v, label.hops + 1):
                    continue
                if at_source and (u, v) in rules.banned_steps:
                    continue
                w = label.weight + hop + costs.tie[tie] + pen_u + (penalty(v) / 2 if penalty else 0.0)
                heappush(heap, _Label(w, label.hops + 1, index.node_rank[v], v, label, ("tie", tie, -1)))
            for a in index.person_atts[u]:
                if attachment_allowed(index, rules, a, passage=True):
                    heappush(heap, _Label(label.weight + hop / 2 + costs.side[a] + pen_u, label.hops,
                                          -1 - index.att_rank[a], -1 - a, label))
            continue
        a = -1 - label.code
        org, entered_by, hops = index.att_org[a], index.att_person[a], label.hops + 1
        todo = remaining.get((org, hops))
        if todo is None:
            todo = [b for b in index.org_atts[org] if attachment_allowed(index, rules, b, passage=True)]
        at_source = label.parent is not None and label.parent.parent is None and bool(rules.banned_steps)
        kept = []
        for b in todo:
            v = index.att_person[b]
            if v == entered_by or dominated(v, hops):
                continue
            if (index.att_holds[a] and index.att_holds[b]) or not index.overlap(a, b):
                kept.append(b)
                continue
            if at_source and (entered_by, v) in rules.banned_steps:
                kept.append(b)
                continue
            w = label.weight + hop / 2 + costs.side[b] + (penalty(v) / 2 if penalty else 0.0)
            heappush(heap, _Label(w, hops, index.node_rank[v], v, label.parent, ("pass", a, b)))
        remaining[(org, hops)] = kept
    return None


def _unwind(final: _Label) -> Found:
    finish = final.step[1] if final.step is not None else None
    people: list[int] = []
    steps: list[Step] = []
    start = None
    label = final.parent
    while label is not None:
        people.append(label.code)
        if label.step is not None:
            steps.append(label.step)
        start = label.attachment
        label = label.parent
    people.reverse()
    steps.reverse()
    return Found(people, steps, final.weight, start, finish)
