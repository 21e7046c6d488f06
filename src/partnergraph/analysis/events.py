"""Which conference to attend: events ranked by the partners present, each score with its reasons.

The rule (docs/events.md#which-conference-to-attend):

- each partner present (`event_presence`: organising, or with people at the event) is worth
  `PARTNER_VALUE`; for an affiliate, `ISSUE_VALUE` when the partner works on one of the
  affiliate's issues, plus `REGION_VALUE` when it is in the affiliate's region, and only
  `OTHER_VALUE` when neither;
- that value is multiplied by one plus the weight of each need of the partnership
  (`NEED_WEIGHTS`: held by nobody, held by one person, held only through stale ties, prospective);
- each of our people at the event (planning to go, registered, or for a past event, attended)
  adds `PERSON_VALUE`, at most `PEOPLE_VALUE_CAP` in all: someone to go with and to introduce you.

Also the event page (organisers, our attendees, the partners present and the gaps) and the
listing of the Events page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.event_presence import (
    NEED_WORDS,
    NEEDS,
    PAST,
    UPCOMING,
    Attendee,
    Presence,
    issues_of,
    memberships,
    partner_needs,
    presence,
    require,
    timing,
)
from partnergraph.analysis.graph import node_summary
from partnergraph.analysis.relationships import STALE_MONTHS
from partnergraph.analysis.words import plural
from partnergraph.model import PartnergraphError
from partnergraph.schema import RelType

_ORGANISES = RelType.ORGANISES.value  # a plain string, as the analysis graph's relations carry it
PARTNER_VALUE = 1.0
ISSUE_VALUE = 1.0
REGION_VALUE = 0.5
OTHER_VALUE = 0.25
NEED_WEIGHTS = {"unheld": 1.0, "single_holder": 0.5, "stale": 0.5, "prospective": 0.5}
PERSON_VALUE = 0.25
PEOPLE_VALUE_CAP = 1.0
# Reasons name at most this many elements, then say how many more.
NAMED = 3
WHEN = (UPCOMING, PAST)


def _folded(text: Any) -> str:
    return str(text or "").strip().casefold()


def _names(graph: nx.Graph, ids: Iterable[str]) -> str:
    ids = list(ids)
    shown = ", ".join(str(graph.nodes[i].get("name")) for i in ids[:NAMED])
    return shown + (f" and {len(ids) - NAMED} more" if len(ids) > NAMED else "")


def partner_value(needs: Iterable[str], *, focused: bool = False, on_issues: bool = False,
                  in_region: bool = False) -> float:
    """Return what meeting a partner present is worth: its relevance, times one plus its needs' weights.

    Relevance is `PARTNER_VALUE`, or when `focused` on an affiliate (or a person's affiliates) by
    its issues and region: `ISSUE_VALUE` on them, plus `REGION_VALUE` in it, `OTHER_VALUE` for neither.
    """
    if not focused:
        relevance = PARTNER_VALUE
    elif on_issues or in_region:
        relevance = (ISSUE_VALUE if on_issues else 0.0) + (REGION_VALUE if in_region else 0.0)
    else:
        relevance = OTHER_VALUE
    return relevance * (1 + sum(NEED_WEIGHTS[n] for n in needs))


class PartnerFacts:
    """What the questions read of each partner present (its needs, its issues), computed once per question."""

    def __init__(self, graph: nx.Graph, today: date, stale_months: int):
        self.graph, self.today, self.stale_months = graph, today, stale_months
        self._needs: dict[str, list[str]] = {}
        self._issues: dict[str, set[str]] = {}

    def needs(self, partner: str) -> list[str]:
        """Return what the partnership needs (`event_presence.partner_needs`)."""
        if partner not in self._needs:
            self._needs[partner] = partner_needs(self.graph, partner, today=self.today, stale_months=self.stale_months)
        return self._needs[partner]

    def issues(self, partner: str) -> set[str]:
        """Return the issues the partner works on, by id."""
        if partner not in self._issues:
            self._issues[partner] = issues_of(self.graph, partner)
        return self._issues[partner]


class EventDay:
    """What the questions of one day read of each event, made when first asked and kept on the graph.

    Per event: who is at it (`presence`), its fields and our people as answers list them; and
    what each partnership needs. Rankings for other affiliates, listings and event pages of the
    same day reuse them; `update_graph` drops them with any change, and a new day replaces them.
    """

    def __init__(self, graph: nx.Graph, today: date, stale_months: int, attendance: bool):
        self.graph, self.today, self.attendance = graph, today, attendance
        self.members = memberships(graph)
        self.facts = PartnerFacts(graph, today, stale_months)
        self._events: dict[str, tuple[Presence, dict[str, Any], list[dict[str, Any]]]] = {}

    def __call__(self, event: str) -> tuple[Presence, dict[str, Any], list[dict[str, Any]]]:
        """Return who is at `event`, its fields (`event_fields`) and our people there (`person_entry`)."""
        found = self._events.get(event)
        if found is None:
            there = presence(self.graph, event, today=self.today, members=self.members, attendance=self.attendance)
            found = self._events[event] = (there, event_fields(self.graph, event, there),
                                           [person_entry(self.graph, a) for a in there.ours])
        return found


def event_day(graph: nx.Graph, today: date, *, stale_months: int = STALE_MONTHS, attendance: bool = True) -> EventDay:
    """Return the `EventDay` of `today` kept on the graph (one day at a time, as the path costs are)."""
    days: dict[tuple[date, int, bool], EventDay] = graph.graph.setdefault("event_days", {})
    key = (today, stale_months, attendance)
    found = days.get(key)
    if found is None:
        for other in [k for k in days if k[0] != today]:
            del days[other]
        found = days[key] = EventDay(graph, today, stale_months, attendance)
    return found


def all_events(graph: nx.Graph) -> list[str]:
    """Return the ids of the graph's events, sorted (listed once per graph, kept on it)."""
    found = graph.graph.get("event_ids")
    if found is None:
        found = graph.graph["event_ids"] = sorted(n for n, kind in graph.nodes(data="kind") if kind == "event")
    return found


def selected(graph: nx.Graph, *, today: date, when: str | None = None, issue: str | None = None,
             region: str | None = None) -> list[str]:
    """Return the events that pass the filters, by id.

    `when`: upcoming or past as of `today`; `issue`: the event or one of its organisers works on
    it; `region`: the event's region or country (any case).
    """
    if issue is not None:
        require(graph, issue, "issue")
    wanted = _folded(region) if region else None
    found = []
    nodes = graph.nodes
    for node in all_events(graph):
        data = nodes[node]
        if when is not None and timing(data, today) != when:
            continue
        if wanted and wanted not in (_folded(data.get("region")), _folded(data.get("country"))):
            continue
        if issue is not None and issue not in issues_of(graph, node) and not any(
                issue in issues_of(graph, org) for org, edge in graph.adj[node].items()
                if any(r["type"] == _ORGANISES and r["to"] == node for r in edge["relations"])):
            continue
        found.append(node)
    return found


def event_fields(graph: nx.Graph, event: str, there: Presence) -> dict[str, Any]:
    """Return an event's id, name, dates, place, timing, issues and organisers, as listings show it."""
    data = graph.nodes[event]
    return {"id": event, "name": data.get("name"), "start": data.get("start"), "end": data.get("end"),
            "country": data.get("country"), "region": data.get("region"), "timing": there.timing,
            "issues": [node_summary(graph, i) for i in there.issues],
            "organisers": [node_summary(graph, o) for o in there.organisers]}


def person_entry(graph: nx.Graph, attendee: Attendee) -> dict[str, Any]:
    """Return one person at an event: id, name, role, status, and their affiliates (ids)."""
    return {**node_summary(graph, attendee.id), "role": attendee.role, "status": attendee.status,
            "affiliates": list(attendee.affiliates)}


def rank_events(
    graph: nx.Graph,
    *,
    affiliate: str | None = None,
    when: str | None = None,
    issue: str | None = None,
    region: str | None = None,
    today: date | None = None,
    stale_months: int = STALE_MONTHS,
    top: int | None = None,
    attendance: bool = True,
) -> list[dict[str, Any]]:
    """Return the events ranked by value (for `affiliate`, or by the partners present overall), best first.

    Each is a dict: the event's fields (`event_fields`), `score`, `reasons` (sentences), `partners`
    (each partner present: id, name, status, region, `organises`, `people` at the event,
    `on_issues` shared with the affiliate, `in_region`, `needs`, `value`) and `our_people` (each
    of our people at the event). Equal scores: earlier events first. Without `attendance`,
    nothing personal is read (partners count only by organising; `our_people` is empty).
    Raises `UnknownNode` / `WrongKind` for an affiliate or issue that is not one.
    """
    today = today or date.today()
    if when is not None and when not in WHEN:
        raise PartnergraphError(f"when must be one of {', '.join(WHEN)}")
    focus: set[str] = set()
    home = None
    if affiliate is not None:
        require(graph, affiliate, "affiliate")
        focus = issues_of(graph, affiliate)
        home = _folded(graph.nodes[affiliate].get("region")) or None
    day = event_day(graph, today, stale_months=stale_months, attendance=attendance)
    found = [_scored(graph, *day(event), affiliate, focus, home, day.facts)
             for event in selected(graph, today=today, when=when, issue=issue, region=region)]
    found.sort(key=lambda e: (-e["score"], str(e["start"] or "9999"), e["id"]))
    return found[:top] if top else found


def _scored(graph: nx.Graph, there: Presence, fields: dict[str, Any], ours_shown: list[dict[str, Any]],
            affiliate: str | None, focus: set[str], home: str | None, facts: PartnerFacts) -> dict[str, Any]:
    partners = []
    for partner, people in there.partners.items():
        data = graph.nodes[partner]
        shared = sorted(facts.issues(partner) & focus) if focus else []
        in_region = home is not None and _folded(data.get("region")) == home
        wanted = facts.needs(partner)
        value = partner_value(wanted, focused=affiliate is not None, on_issues=bool(shared), in_region=in_region)
        partners.append({**node_summary(graph, partner), "status": data.get("status"), "region": data.get("region"),
                         "organises": partner in there.organisers, "people": len(people), "on_issues": shared,
                         "in_region": in_region, "needs": list(wanted), "value": round(value, 3)})
    partners.sort(key=lambda p: (-p["value"], str(p["name"]), p["id"]))
    ours = there.ours
    score = sum(p["value"] for p in partners) + min(PEOPLE_VALUE_CAP, PERSON_VALUE * len(ours))
    return {**_fresh(fields), "score": round(score, 3),
            "reasons": _reasons(graph, partners, ours, there.timing, affiliate, focus),
            "partners": partners, "our_people": [{**p, "affiliates": list(p["affiliates"])} for p in ours_shown]}


def _fresh(fields: dict[str, Any]) -> dict[str, Any]:
    # The day's entries are kept for the next question: answers get copies that callers may change.
    return {**fields, "issues": [dict(i) for i in fields["issues"]],
            "organisers": [dict(o) for o in fields["organisers"]]}


def _reasons(graph: nx.Graph, partners: list[dict[str, Any]], ours: list[Attendee], when: str | None,
             affiliate: str | None, focus: set[str]) -> list[str]:
    reasons = []
    if not partners:
        reasons.append("no partners present")
    elif affiliate is None:
        reasons.append(f"{plural(len(partners), 'partner')} present ({_names(graph, [p['id'] for p in partners])})")
    else:
        on_issue = [p["id"] for p in partners if p["on_issues"]]
        in_region = [p["id"] for p in partners if p["in_region"]]
        others = [p["id"] for p in partners if not p["on_issues"] and not p["in_region"]]
        if on_issue:
            issues = sorted({i for p in partners for i in p["on_issues"]})
            topics = " or ".join(str(graph.nodes[i].get("name")) for i in issues)
            reasons.append(f"{plural(len(on_issue), 'partner')} on {topics} present ({_names(graph, on_issue)})")
        if in_region:
            where = graph.nodes[affiliate].get("region")
            reasons.append(f"{plural(len(in_region), 'partner')} in {where} present ({_names(graph, in_region)})")
        if others:
            reasons.append(f"{plural(len(others), 'other partner')} present ({_names(graph, others)})")
    for need in NEEDS:
        wanting = [p["id"] for p in partners if need in p["needs"]]
        if wanting:
            reasons.append(f"{len(wanting)} {NEED_WORDS[need]} ({_names(graph, wanting)})")
    if ours:
        verb = "attended" if when == PAST else "going (planned or registered)"
        mine = [a.id for a in ours if affiliate in a.affiliates] if affiliate else []
        also = f"; {len(mine)} of them from {graph.nodes[affiliate].get('name')}" if mine else ""
        reasons.append(f"{plural(len(ours), 'of our people', 'of our people')} {verb}: "
                       f"{_names(graph, [a.id for a in ours])}{also}")
    return reasons


def event_page(graph: nx.Graph, event: str, *, today: date | None = None,
               stale_months: int = STALE_MONTHS) -> dict[str, Any]:
    """Return what the event page shows: the event, organisers, our attendees, the partners present, the gaps.

    `partners` are the partners present (as in `rank_events`, with their people at the event
    listed); `gaps` are those among them whom nobody holds. Raises `UnknownNode` / `WrongKind`.
    """
    require(graph, event, "event")
    today = today or date.today()
    day = event_day(graph, today, stale_months=stale_months)
    there, fields, ours = day(event)
    scored = _scored(graph, there, fields, ours, None, set(), None, day.facts)
    people = {partner: [person_entry(graph, a) for a in found] for partner, found in there.partners.items()}
    partners = [{**p, "people": people[p["id"]]} for p in scored["partners"]]
    data = graph.nodes[event]
    return {"event": {**_fresh(fields), "website": data.get("website"), "attendees": len(there.attendees)},
            "organisers": [{**node_summary(graph, o), "partner_status": graph.nodes[o].get("status")}
                           for o in there.organisers],
            "our_attendees": scored["our_people"],
            "partners": partners,
            "gaps": [{**node_summary(graph, p["id"]), "people": p["people"]} for p in partners if "unheld" in p["needs"]],
            "reasons": scored["reasons"]}


def list_events(graph: nx.Graph, *, today: date | None = None, issue: str | None = None, region: str | None = None,
                affiliate: str | None = None, attendance: bool = True) -> dict[str, list[dict[str, Any]]]:
    """Return the events of the Events page: `upcoming` (soonest first), `past` (latest first), `undated`.

    Each is the event's fields (`event_fields`) and counts: `partners` present and, with
    `attendance`, `attendees` and `our_people` at it. `affiliate` keeps the events it organises
    or that its members are at (with `attendance`; otherwise only those it organises).
    """
    today = today or date.today()
    if affiliate is not None:
        require(graph, affiliate, "affiliate")
    day = event_day(graph, today, attendance=attendance)
    found: dict[str, list[dict[str, Any]]] = {UPCOMING: [], PAST: [], "undated": []}
    for event in selected(graph, today=today, issue=issue, region=region):
        there, fields, _ = day(event)
        if affiliate is not None and affiliate not in there.organisers and not any(
                affiliate in a.affiliates for a in there.attendees):
            continue
        entry = {**_fresh(fields), "partners": len(there.partners)}
        if attendance:
            entry.update(attendees=len(there.attendees), our_people=len(there.ours))
        found[there.timing or "undated"].append(entry)
    found[UPCOMING].sort(key=lambda e: (str(e["start"] or ""), e["id"]))
    found[PAST].sort(key=lambda e: (str(e["start"] or ""), e["id"]), reverse=True)
    return found
