"""Introduction paths: chains of people from an advocate to a person, an organisation or a question.

A hop is a personal tie (KNOWS); a co-membership, when two people were members of the same
organisation at overlapping times; a holder and a member, when one person holds a partner's
relationship and the other is a member of that partner (at overlapping times); or a co-attendance,
when both attended the same event (ATTENDS: personal data, so a caller whose reader may not see it
leaves ATTENDS out of `types`). Partnerships between organisations and issues are not ties between
people, so paths never use them.

A target can be a person; an organisation, reached through any of its members or anyone who holds
its relationship (the last hop says which); or a question, "anyone at a partner working on ISSUE in
REGION". Hop-shortest paths come first by default (equally short ones by warmth); with `warm`, the
warmest (see `partnergraph.analysis.warmth`), equally warm ones by length. Alternatives share no
person but the two ends, unless `overlap` asks for Yen's k shortest paths.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.explain import describe, describe_attendance, describe_passage, describe_tie
from partnergraph.analysis.graph import node_summary
from partnergraph.analysis.path_index import PathIndex, path_index
from partnergraph.analysis.path_levels import fewest_hops
from partnergraph.analysis.path_search import Found, Rules, Step, cheapest, cheapest_within, step_key
from partnergraph.analysis.warmth import warmth_word
from partnergraph.model import NoPath, PartnergraphError, RelType, UnknownNode, WrongKind
from partnergraph.schema import PATH_TYPES

# PATH_TYPES (from partnergraph.schema): the types hops may use, ties first, then attachments, then attendance.
# Hop-shortest search weighs each hop HOP plus its warmth cost: fewer hops always win (a path's
# costs add up to far less than one HOP), and among equally short paths the warmest wins.
HOP = 1_000_000.0
# Warm search adds this per hop, so that of two equally warm paths the shorter wins.
LENGTH_TIE_BREAK = 1e-6
# --via-issue: passing someone who does not work on the issue costs this much more.
VIA_ISSUE_PENALTY = 2.0
# prefer: passing someone not among the preferred introducers costs this much more (a briefing
# prefers people at the event: about one good recent tie's worth).
PREFER_PENALTY = 1.0
# Yen's algorithm: at most this many spur searches per path asked for.
MAX_SPURS = 60


@dataclass
class Hop:
    """One step of a path, with the relationships that justify it."""

    source: str
    target: str
    type: str
    why: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    cost: float = 0.0
    via: dict[str, str] | None = None
    # Says the hop again without some properties (explain's `hidden`), for readers who may not see them.
    say: Callable[[Collection[str]], str] | None = field(default=None, repr=False, compare=False)

    def to_dict(self, hidden: Collection[str] = ()) -> dict[str, Any]:
        """Return the hop in the JSON shape of docs/json-api.md (plus cost, via, evidence).

        With `hidden` properties, the sentence leaves them out (the evidence still lists them:
        redacting it is the caller's).
        """
        why = self.say(hidden) if hidden and self.say is not None else self.why
        found = {"from": self.source, "to": self.target, "type": self.type, "why": why,
                 "cost": round(self.cost, 3), "evidence": self.evidence}
        if self.via is not None:
            found["via"] = self.via
        return found


@dataclass
class Path:
    """A chain of elements from the start to the target, hop by hop."""

    nodes: list[str]
    hops: list[Hop]
    cost: float
    on_issue: list[str] | None = None

    @property
    def length(self) -> int:
        return len(self.hops)

    def to_dict(self, graph: nx.Graph, *, hidden: Collection[str] = ()) -> dict[str, Any]:
        """Return the path in the JSON shape of docs/json-api.md; hops say nothing of `hidden` properties."""
        found = {"nodes": [node_summary(graph, n) for n in self.nodes],
                 "hops": [h.to_dict(hidden) for h in self.hops], "length": self.length, "cost": round(self.cost, 3),
                 "warmth": warmth_word(self.cost)}
        if self.on_issue is not None:
            found["introducers_on_issue"] = self.on_issue
        return found


def _check_node(graph: nx.Graph, node: str, role: str, kinds: tuple[str, ...]) -> None:
    if node not in graph:
        raise UnknownNode(f"no element with id {node!r}")
    kind = graph.nodes[node]["kind"]
    if kind not in kinds:
        raise WrongKind(f"{node!r} is {'an' if kind[0] in 'aeiou' else 'a'} {kind}; {role} must be "
                        f"{' or '.join(kinds)}")


def question_targets(graph: nx.Graph, *, issue: str | None = None, region: str | None = None) -> list[str]:
    """Return the partners that work on `issue` and sit in `region` (a region name or country code)."""
    if issue is not None:
        _check_node(graph, issue, "to_issue", ("issue",))
    wanted = region.strip().casefold() if region else None
    found = []
    for node, data in graph.nodes(data=True):
        if data["kind"] != "partner":
            continue
        if issue is not None and not (graph.has_edge(node, issue) and any(
                r["type"] == RelType.WORKS_ON for r in graph.edges[node, issue]["relations"])):
            continue
        if wanted and wanted not in (str(data.get("region") or "").casefold(), str(data.get("country") or "").casefold()):
            continue
        found.append(node)
    return sorted(found)


class _Finder:
    """One question's search: the index, the rules and how to turn chains into paths."""

    def __init__(self, graph: nx.Graph, index: PathIndex, rules: Rules, source: int, targets: list[int],
                 max_hops: int | None, warm: bool, on_issue: set[int] | None,
                 countries: Mapping[str, str] | None = None):
        self.graph, self.index, self.rules, self.countries = graph, index, rules, countries
        self.source, self.targets = source, targets
        self.max_hops, self.warm, self.on_issue = max_hops, warm, on_issue
        self.ends = {n for n in [source, *targets] if index.kinds[n] == "contact"}

    def hops(self, found: Found) -> int:
        return len(found.steps) + (found.start is not None) + (found.finish is not None)

    def search(self, rules: Rules, source: int, limit: int | None) -> Found | None:
        if not self.warm:
            return fewest_hops(self.index, rules, source, self.targets, limit)
        found = cheapest(self.index, rules, source, self.targets)
        if found is None or limit is None or self.hops(found) <= limit:
            return found
        return cheapest_within(self.index, rules, source, self.targets, limit)

    # -- alternatives --------------------------------------------------------------------------

    def distinct(self, k: int) -> list[Found]:
        """Return up to k chains that share no person but the ends, best first."""
        found: list[Found] = []
        banned, banned_steps = set(self.rules.banned), set(self.rules.banned_steps)
        while len(found) < k:
            chain = self.search(replace(self.rules, banned=banned, banned_steps=banned_steps), self.source, self.max_hops)
            if chain is None:
                break
            found.append(chain)
            middle = set(chain.people) - self.ends
            if middle:
                banned |= middle
                continue
            # A direct chain (no one in between): ban its first step, or no other chain differs.
            first = chain.people[0]
            if chain.steps:
                banned_steps.add(step_key(self.index, first, chain.steps[0], chain.people[1]))
            elif chain.finish is not None:
                banned_steps.add((first, "end", self.index.att_org[chain.finish]))
            else:
                break
        return found

    def step_weight(self, person: int, step: Step, other: int) -> float:
        rules, costs = self.rules, self.rules.costs
        pen = (rules.penalty(person) + rules.penalty(other)) / 2 if rules.penalty else 0.0
        if step[0] == "tie":
            return rules.hop + costs.tie[step[1]] + pen
        return rules.hop + costs.side[step[1]] + costs.side[step[2]] + pen

    def end_weight(self, person: int, attachment: int | None) -> float:
        if attachment is None:
            return 0.0
        pen = self.rules.penalty(person) / 2 if self.rules.penalty else 0.0
        return self.rules.hop + self.rules.costs.arrival[attachment] + pen

    def yen(self, k: int) -> list[Found]:
        """Return up to k cheapest simple chains (Yen's algorithm); they may share people."""
        first = self.search(self.rules, self.source, self.max_hops)
        if first is None:
            return []
        accepted = [first]
        seen = {self.signature(first)}
        candidates: list[tuple[float, int, Found]] = []
        counter = 0
        while len(accepted) < k:
            last = accepted[-1]
            root_weight = self.end_weight(last.people[0], last.start)
            root_hops = int(last.start is not None)
            for j, spur in enumerate(last.people):
                if j > 0:
                    root_weight += self.step_weight(last.people[j - 1], last.steps[j - 1], spur)
                    root_hops += 1
                if counter > MAX_SPURS * k:
                    break
                root = last.people[: j + 1]
                banned_steps = set(self.rules.banned_steps)
                for chain in accepted:
                    if chain.people[: j + 1] == root and chain.start == last.start:
                        if len(chain.steps) > j:
                            banned_steps.add(step_key(self.index, spur, chain.steps[j], chain.people[j + 1]))
                        elif chain.finish is not None:
                            banned_steps.add((spur, "end", self.index.att_org[chain.finish]))
                rules = replace(self.rules, banned=set(self.rules.banned) | set(root[:-1]), banned_steps=banned_steps)
                limit = None if self.max_hops is None else self.max_hops - root_hops
                if limit is not None and limit < 0:
                    break
                counter += 1
                spur_chain = self.search(rules, spur, limit)
                if spur_chain is None:
                    continue
                chain = Found(root[:-1] + spur_chain.people, last.steps[:j] + spur_chain.steps,
                              root_weight + spur_chain.weight, last.start, spur_chain.finish)
                signature = self.signature(chain)
                if signature not in seen:
                    seen.add(signature)
                    heapq.heappush(candidates, (chain.weight, counter, chain))
            if not candidates:
                break
            accepted.append(heapq.heappop(candidates)[2])
        return accepted

    def signature(self, chain: Found) -> tuple:
        # Chains through the same people are the same alternative, whatever carries each hop.
        finish = None if chain.finish is None else self.index.att_org[chain.finish]
        return (tuple(chain.people), chain.start, finish)

    # -- explanations --------------------------------------------------------------------------

    def end_hop(self, attachment: int, *, from_org: bool) -> Hop:
        """Return the hop between an organisation at an end and the person attached to it."""
        index = self.index
        relation = index.att_relation[attachment]
        org, person = index.ids[index.att_org[attachment]], index.ids[index.att_person[attachment]]
        source, target = (org, person) if from_org else (person, org)
        graph = self.graph
        return Hop(source, target, relation["type"], describe(graph, relation), [relation],
                   self.rules.costs.arrival[attachment],
                   say=lambda hidden: describe(graph, relation, hidden=hidden))

    def path(self, chain: Found) -> Path:
        """Return a found chain as a `Path`, each hop explained."""
        index, graph, costs = self.index, self.graph, self.rules.costs
        ids = index.ids
        nodes: list[str] = []
        hops: list[Hop] = []
        if chain.start is not None:
            nodes.append(ids[index.att_org[chain.start]])
            hops.append(self.end_hop(chain.start, from_org=True))
        nodes.extend(ids[p] for p in chain.people)
        for u, step, v in zip(chain.people[:-1], chain.steps, chain.people[1:], strict=True):
            if step[0] == "tie":
                relation = index.tie_relation[step[1]]
                a, b = ids[u], ids[v]
                hops.append(Hop(a, b, relation["type"], describe_tie(graph, a, b, relation), [relation],
                                costs.tie[step[1]],
                                say=lambda hidden, a=a, b=b, r=relation: describe_tie(graph, a, b, r, hidden=hidden)))
            elif index.att_event[step[1]]:
                entered, left = index.att_relation[step[1]], index.att_relation[step[2]]
                event, names = ids[index.att_org[step[1]]], self.countries
                hops.append(Hop(ids[u], ids[v], RelType.ATTENDS.value,
                                describe_attendance(graph, entered, left, countries=names), [entered, left],
                                costs.side[step[1]] + costs.side[step[2]], node_summary(graph, event),
                                say=lambda hidden, e=entered, f=left, n=names: describe_attendance(
                                    graph, e, f, countries=n, hidden=hidden)))
            else:
                entered, left = index.att_relation[step[1]], index.att_relation[step[2]]
                both_members = entered["type"] == left["type"] == RelType.MEMBER_OF
                kind = (RelType.MEMBER_OF if both_members else RelType.HOLDS).value
                org = index.att_org[step[1]]
                hops.append(Hop(ids[u], ids[v], kind, describe_passage(graph, entered, left), [entered, left],
                                costs.side[step[1]] + costs.side[step[2]], node_summary(graph, ids[org]),
                                say=lambda hidden, e=entered, f=left: describe_passage(graph, e, f, hidden=hidden)))
        if chain.finish is not None:
            nodes.append(ids[index.att_org[chain.finish]])
            hops.append(self.end_hop(chain.finish, from_org=False))
        on_issue = None
        if self.on_issue is not None:
            on_issue = [ids[p] for p in chain.people if p in self.on_issue and p not in self.ends]
        return Path(nodes, hops, sum(h.cost for h in hops), on_issue)


def _working_on(graph: nx.Graph, index: PathIndex, issue: str) -> set[int]:
    """Return the people currently attached to an organisation that works on `issue`."""
    _check_node(graph, issue, "via_issue", ("issue",))
    orgs = [org for org, issues in index.org_issues.items() if issue in issues]
    return {index.att_person[a] for org in orgs for a in index.org_atts[org] if index.is_current(a)}


def introduction_paths(
    graph: nx.Graph,
    source: str,
    target: str | None = None,
    *,
    k: int = 1,
    warm: bool = False,
    max_hops: int | None = None,
    avoid: Iterable[str] = (),
    types: Iterable[str] = PATH_TYPES,
    current: bool = False,
    via_issue: str | None = None,
    to_issue: str | None = None,
    to_region: str | None = None,
    overlap: bool = False,
    today: date | None = None,
    countries: Mapping[str, str] | None = None,
    prefer: Collection[str] | None = None,
) -> list[Path]:
    """Return up to `k` introduction paths from `source` to `target`, best first.

    `target` is a person or an organisation; or leave it out and ask a question with `to_issue`
    and/or `to_region` (partners working on that issue, in that region). `types` limits the
    relationship types used; `current` uses only ties and memberships with no end date;
    `via_issue` prefers introducers who work on that issue; `avoid` lists people and
    organisations not to pass. `today` sets the day recency is measured from, and whether an
    attendance with no status counts as attended. `countries` (code -> name) names an event's
    country in co-attendance hops (else its region).
    A co-attendance (ATTENDS) is a hop only for `types` that include it, never with `current`.
    `prefer` lists the people to prefer as introducers: passing anyone else costs
    `PREFER_PENALTY` more (the paths' reported costs stay their hops' own).

    Raises `UnknownNode` for an id not in the graph, `WrongKind` for an issue as an end, and
    `NoPath` when nothing connects the two under the constraints.
    """
    if k < 1:
        raise PartnergraphError("k must be at least 1")
    if max_hops is not None and max_hops < 1:
        raise PartnergraphError("max_hops must be at least 1")
    allowed = {str(t).upper() for t in types}
    if not allowed or allowed - set(PATH_TYPES):
        raise PartnergraphError(f"types must be among {', '.join(PATH_TYPES)}, got {', '.join(sorted(allowed)) or 'none'}")
    ends = ("contact", "affiliate", "partner")
    _check_node(graph, source, "the start", ends)
    if target is not None and (to_issue is not None or to_region is not None):
        raise PartnergraphError("give a target or a question (to_issue and/or to_region), not both")
    if target is None:
        if to_issue is None and to_region is None:
            raise PartnergraphError("give a target, or to_issue and/or to_region")
        targets = question_targets(graph, issue=to_issue, region=to_region)
        if not targets:
            where = " and ".join(x for x in (f"working on {to_issue}" if to_issue else "",
                                             f"in {to_region}" if to_region else "") if x)
            raise NoPath(f"no partner {where}")
    else:
        _check_node(graph, target, "the target", ends)
        targets = [target]
    avoided = set(avoid)
    for node in avoided:
        if node not in graph:
            raise UnknownNode(f"no element with id {node!r}")
    for node in (source, *targets):
        if node in avoided:
            raise NoPath(f"{node!r} is both an end of the path and avoided")
    if source in targets:
        raise NoPath(f"{source!r} is both the start and the target")

    index = path_index(graph)
    number = index.number
    source_n, target_ns = number[source], [number[t] for t in targets]
    on_issue = _working_on(graph, index, via_issue) if via_issue is not None else None
    rules = Rules(
        costs=index.costs(today or date.today()),
        hop=LENGTH_TIE_BREAK if warm else HOP,
        ties=RelType.KNOWS in allowed,
        members=RelType.MEMBER_OF in allowed,
        holds=RelType.HOLDS in allowed,
        attends=RelType.ATTENDS in allowed,
        current=current,
        banned={number[n] for n in avoided},
    )
    finder = _Finder(graph, index, rules, source_n, target_ns, max_hops, warm, on_issue, countries)
    preferred = None if prefer is None else {number[p] for p in prefer if p in number}
    if on_issue is not None or preferred is not None:
        exempt = finder.ends

        def penalty(person: int) -> float:
            if person in exempt:
                return 0.0
            cost = 0.0 if on_issue is None or person in on_issue else VIA_ISSUE_PENALTY
            return cost + (0.0 if preferred is None or person in preferred else PREFER_PENALTY)

        finder.rules = rules = replace(rules, penalty=penalty)
    chains = finder.yen(k) if overlap else finder.distinct(k)
    if not chains:
        within = f" within {max_hops} hop{'s' if max_hops != 1 else ''}" if max_hops is not None else ""
        ends = " or ".join(repr(t) for t in targets[:3]) + (f" or {len(targets) - 3} more" if len(targets) > 3 else "")
        raise NoPath(f"no path from {source!r} to {ends}{within}")
    return [finder.path(chain) for chain in chains]
