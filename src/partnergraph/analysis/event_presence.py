"""Who is at an event: its organisers, the partners present, our people; and what each partner needs.

The shared reading of the events analyses (`events`, `briefing`, `attendance_trend`):

- An event is **upcoming** while its last day (its `end`, else its `start`) is not before the
  day asked about, and **past** after; an event without dates is neither.
- A person is **at** an event when they attended it (`analysis.attendance.attended`, the one
  reading of a status) or, while it is upcoming, when they are registered or plan to go.
- A **partner is present** when it organises the event, or when a person at it is a member of
  that partner on the event's first day.
- **Our people** are the contacts who are members of an affiliate (on the event's first day).
- What a partnership **needs** follows `analysis.relationships.holders`: held by nobody, held by
  one person, held only through stale ties; and a partner whose status is prospective.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.attendance import ATTENDED, attendance_status
from partnergraph.analysis.contact_of_record import current
from partnergraph.analysis.graph import name_index, resolve
from partnergraph.analysis.relationships import STALE_MONTHS, is_stale
from partnergraph.model import UnknownNode, WrongKind
from partnergraph.schema import Kind, RelType

UPCOMING, PAST = "upcoming", "past"
# What a partnership can need, in the order reasons name them.
NEEDS = ("unheld", "single_holder", "stale", "prospective")
NEED_WORDS = {"unheld": "held by nobody", "single_holder": "held by one person",
              "stale": "held only through stale ties", "prospective": "prospective"}

_ATTENDS, _ORGANISES, _MEMBER_OF, _WORKS_ON, _HOLDS = (RelType.ATTENDS.value, RelType.ORGANISES.value,
                                                       RelType.MEMBER_OF.value, RelType.WORKS_ON.value, RelType.HOLDS.value)


def day_of(text: str | None, fallback: date) -> date:
    """Return an ISO date of any precision (YYYY, YYYY-MM, YYYY-MM-DD) as its first day; `fallback` when empty."""
    if not text:
        return fallback
    text = str(text)
    return date(int(text[:4]), int(text[5:7]) if len(text) >= 7 else 1, int(text[8:10]) if len(text) >= 10 else 1)


def timing(data: dict[str, Any], today: date) -> str | None:
    """Return whether an event (its node data) is upcoming or past as of `today`; None without dates."""
    last = data.get("end") or data.get("start")
    if not last:
        return None
    last = str(last)
    return PAST if last < today.isoformat()[:len(last)] else UPCOMING


def find(graph: nx.Graph, ref: str, kind: Kind, needs: str) -> str:
    """Return the id of the element of `kind` that `ref` names, or raise `UnknownNode` / `WrongKind`.

    Names are looked up among elements of that kind first (so that "Summit" finds the event),
    then among all: an element of another kind is a `WrongKind` that says what `needs` it
    ("briefing needs an event, 'x' is a partner").
    """
    if ref in graph:
        found = ref
    else:
        index = name_index(graph)
        matches = index.matches(ref, (kind,))
        if matches:
            return index.only(ref, matches)
        found = resolve(graph, ref)
    actual = graph.nodes[found].get("kind")
    if actual != kind.slug:
        raise WrongKind(f"{needs}, {ref!r} is {_a(str(actual))}")
    return found


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


class Memberships:
    """Who is a member of which partner and which affiliate, read once per graph from the organisations' side."""

    def __init__(self) -> None:
        # person -> (organisation, its kind, the MEMBER_OF relation), for people with a dated end;
        # people whose memberships never end have their answer ready in `_fixed`.
        self._dated: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
        self._fixed: dict[str, tuple[list[str], list[str]]] = {}

    def add(self, person: str, org: str, kind: str, relation: dict[str, Any]) -> None:
        """Record that `person` is (or was) a member of `org`, of `kind` partner or affiliate."""
        if person in self._dated or relation.get("until"):
            entries = self._dated.setdefault(person, [])
            fixed = self._fixed.pop(person, None)
            if fixed is not None:
                entries += [(o, "partner", {}) for o in fixed[0]] + [(o, "affiliate", {}) for o in fixed[1]]
            entries.append((org, kind, relation))
            return
        partners, affiliates = self._fixed.setdefault(person, ([], []))
        found = partners if kind == "partner" else affiliates
        if org not in found:
            found.append(org)
            found.sort()

    def at(self, person: str, on: date) -> tuple[list[str], list[str]]:
        """Return the partners and the affiliates `person` is a member of on day `on` (sorted ids)."""
        fixed = self._fixed.get(person)
        if fixed is not None:
            return fixed
        entries = self._dated.get(person)
        if not entries:
            return [], []
        partners = sorted({org for org, kind, r in entries if kind == "partner" and current(r, on)})
        affiliates = sorted({org for org, kind, r in entries if kind == "affiliate" and current(r, on)})
        return partners, affiliates

    def of(self, person: str, kind: str, on: date) -> list[str]:
        """Return the organisations of `kind` (partner or affiliate) `person` is a member of on day `on`."""
        partners, affiliates = self.at(person, on)
        return list(partners if kind == "partner" else affiliates)


def memberships(graph: nx.Graph) -> Memberships:
    """Return who is a member of which partner and affiliate, read once per graph from the organisations' side.

    Kept on the graph (`update_graph` drops it with every change): reading the organisations'
    members is far cheaper than reading every attendee's neighbours.
    """
    found = graph.graph.get("event_memberships")
    if found is None:
        found = Memberships()
        nodes = graph.nodes
        for org, kind in graph.nodes(data="kind"):
            if kind not in ("partner", "affiliate"):
                continue
            for person, data in graph.adj[org].items():
                for relation in data["relations"]:
                    if relation["type"] == _MEMBER_OF and relation["from"] == person and nodes[person].get("kind") == "contact":
                        found.add(person, org, kind, relation)
        graph.graph["event_memberships"] = found
    return found


@dataclass(slots=True)
class Attendee:
    """A person at an event: their ATTENDS relationship read as of the day asked about."""

    id: str
    role: str | None
    status: str
    partners: list[str] = field(default_factory=list)  # partners they are a member of on the event's first day
    affiliates: list[str] = field(default_factory=list)  # affiliates they are a member of then


@dataclass(slots=True)
class Presence:
    """Who is at one event, as of one day."""

    event: str
    timing: str | None
    organisers: list[str]  # organisations that organise it, by id
    attendees: list[Attendee]  # the people at it (see the module's rule), by id
    partners: dict[str, list[Attendee]]  # partner present -> its people at the event (organisers too, maybe none)
    issues: list[str]  # the event's issues (WORKS_ON), by id
    ours: list[Attendee] = field(default_factory=list)  # our people at the event: attendees in an affiliate


def presence(graph: nx.Graph, event: str, *, today: date, members: Memberships | None = None,
             statuses: bool = False, attendance: bool = True) -> Presence:
    """Return who is at `event` as of `today`: organisers, attendees, partners present, its issues.

    With `statuses`, the attendees are everyone with an ATTENDS relationship whatever it says
    (a trend reads the status itself; partners are present only through the people at it);
    by default only the people at it. Without `attendance`, no ATTENDS is read at all (for
    readers who may not see personal data): partners are present only by organising.
    """
    members = members or memberships(graph)
    data = graph.nodes[event]
    when = timing(data, today)
    first = day_of(data.get("start"), today)
    nodes = graph.nodes
    organisers, issues, attendees = [], [], []
    for other, edge in graph.adj[event].items():
        for relation in edge["relations"]:
            kind = relation["type"]
            if kind == _ORGANISES and relation["to"] == event:
                organisers.append(other)
            elif kind == _WORKS_ON and relation["from"] == event:
                issues.append(other)
            elif kind == _ATTENDS and attendance and relation["to"] == event:
                status = attendance_status(relation, data, today)
                if statuses or status == ATTENDED or when != PAST:
                    partners_of, affiliates_of = members.at(other, first)
                    attendees.append(Attendee(other, relation.get("role"), status, partners_of, affiliates_of))
    attendees.sort(key=lambda a: a.id)
    partners: dict[str, list[Attendee]] = {org: [] for org in sorted(organisers) if nodes[org].get("kind") == "partner"}
    for attendee in attendees:
        if statuses and not (attendee.status == ATTENDED or when != PAST):
            continue
        for partner in attendee.partners:
            partners.setdefault(partner, []).append(attendee)
    return Presence(event, when, sorted(organisers), attendees, dict(sorted(partners.items())), sorted(issues),
                    [a for a in attendees if a.affiliates])


def partner_needs(graph: nx.Graph, partner: str, *, today: date, stale_months: int = STALE_MONTHS) -> list[str]:
    """Return what the partnership with `partner` needs (of `NEEDS`), by the rules of `holders` and `holder_warnings`.

    Held by nobody: no hold that has not ended; by one person: one; stale: every hold that has
    not ended is stale (`relationships.is_stale`); prospective: the partner's status.
    """
    live = [(person, relation) for person, edge in graph.adj[partner].items() for relation in edge["relations"]
            if relation["type"] == _HOLDS and relation["to"] == partner and not relation.get("until")]
    needs = []
    if not live:
        needs.append("unheld")
    elif len({person for person, _ in live}) == 1:
        needs.append("single_holder")
    if live and all(is_stale(relation, today, stale_months) for _, relation in live):
        needs.append("stale")
    if str(graph.nodes[partner].get("status") or "").lower() == "prospective":
        needs.append("prospective")
    return needs


def issues_of(graph: nx.Graph, node: str) -> set[str]:
    """Return the issues an organisation or event works on, by id."""
    return {other for other, edge in graph.adj[node].items()
            if any(r["type"] == _WORKS_ON and r["from"] == node for r in edge["relations"])}


def require(graph: nx.Graph, node: str, kind: str) -> None:
    """Raise `UnknownNode` or `WrongKind` unless `node` is an element of `kind`."""
    if node not in graph:
        raise UnknownNode(f"no element with id {node!r}")
    actual = graph.nodes[node].get("kind")
    if actual != kind:
        raise WrongKind(f"{node!r} is {_a(str(actual))}, not {_a(kind)}")
