"""The briefing for one person at one event: whom to meet, why they matter, and who can introduce you.

The partners present (`event_presence`) come in order of what meeting them is worth
(`events.partner_value`, with the person's issues: those of their affiliates). Each says why it
matters (held by nobody, held by one person, stale, prospective, shared issues, organising), and
for each of its people at the event, or for the organisation itself when none of them is there,
the warmest introduction from the person (`paths.introduction_paths`, warm). Other people at the
event are preferred as introducers: passing anyone else costs `paths.PREFER_PENALTY` more, so an
attendee wins over someone not there of equal or slightly better warmth. The introducer is the
last person on the path before the one to meet (or, for an organisation, the person who leads
into it), and the briefing says whether they will be at the event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.event_presence import NEED_WORDS, Attendee, issues_of, memberships, presence, require
from partnergraph.analysis.events import PartnerFacts, event_fields, partner_value
from partnergraph.analysis.graph import node_summary
from partnergraph.analysis.paths import Path, introduction_paths
from partnergraph.analysis.relationships import STALE_MONTHS
from partnergraph.analysis.warmth import warmth_word
from partnergraph.model import NoPath

# Introductions are searched for at most this many people and organisations, the most worth
# meeting first; the others are listed without one (`searched: false`).
INTRODUCTIONS = 5


def briefing(graph: nx.Graph, event: str, person: str, *, today: date | None = None,
             stale_months: int = STALE_MONTHS, introductions: int = INTRODUCTIONS,
             countries: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return whom `person` should meet at `event`, why, and the warmest introduction to each.

    `graph` must be the analysis graph (its path index is built when first needed). The answer:
    `event` (its fields), `for` (the person, their affiliates and their status at the event, if
    any), `as_of`, and `partners`: each partner present with `why` (sentences), `needs`,
    `shared_issues`, `organises`, `value`, its `people` at the event (each with an
    `introduction`) and an `introduction` to the organisation itself when none of its people is
    there. An introduction without a path says why in `no_path`; `countries` (code -> name)
    names events' countries in co-attendance hops.
    Raises `UnknownNode` / `WrongKind` unless `event` is an event and `person` a contact.
    """
    require(graph, event, "event")
    require(graph, person, "contact")
    today = today or date.today()
    members = memberships(graph)
    there = presence(graph, event, today=today, members=members)
    at_event = {a.id: a for a in there.attendees}
    mine = members.of(person, "affiliate", today)
    focus = set().union(*(issues_of(graph, a) for a in mine)) if mine else set()
    facts = PartnerFacts(graph, today, stale_months)
    partners = []
    for partner, people in there.partners.items():
        shared = sorted(facts.issues(partner) & focus)
        wanted = facts.needs(partner)
        partners.append({**node_summary(graph, partner), "status": graph.nodes[partner].get("status"),
                         "organises": partner in there.organisers, "needs": wanted, "shared_issues": shared,
                         "value": round(partner_value(wanted, focused=bool(mine), on_issues=bool(shared)), 3),
                         "why": _why(graph, wanted, shared, partner in there.organisers, people),
                         "people": [{**node_summary(graph, a.id), "role": a.role, "status": a.status}
                                    for a in people if a.id != person],
                         "introduction": None})
    partners.sort(key=lambda p: (-p["value"], str(p["name"]), p["id"]))
    budget = introductions
    for entry in partners:
        for target in entry["people"] or [entry]:
            if budget <= 0:
                target["searched"] = False
                continue
            budget -= 1
            target["introduction"] = _introduction(graph, person, target["id"], at_event, today, countries)
    you = at_event.get(person)
    return {"event": event_fields(graph, event, there), "as_of": today.isoformat(),
            "for": {**node_summary(graph, person), "affiliates": [node_summary(graph, a) for a in mine],
                    "status": you.status if you else None, "role": you.role if you else None},
            "partners": partners}


def _why(graph: nx.Graph, needs: list[str], shared: list[str], organises: bool, people: list[Attendee]) -> list[str]:
    found = [f"the partnership is {NEED_WORDS[n]}" if n != "prospective" else "a prospective partner" for n in needs]
    if shared:
        found.append("shares your issues: " + ", ".join(str(graph.nodes[i].get("name")) for i in shared))
    if organises:
        found.append("organises the event")
    speakers = [a for a in people if a.role == "speaker"]
    if speakers:
        found.append(", ".join(str(graph.nodes[a.id].get("name")) for a in speakers) + " speaks")
    return found


def _introduction(graph: nx.Graph, person: str, target: str, at_event: dict[str, Attendee],
                  today: date, countries: Mapping[str, str] | None) -> dict[str, Any] | None:
    if target == person:
        return None
    try:
        path = introduction_paths(graph, person, target, warm=True, prefer=at_event, today=today,
                                   countries=countries)[0]
    except NoPath as exc:
        return {"introducer": None, "direct": False, "no_path": str(exc)}
    between = [n for n in path.nodes[1:] if n != target and graph.nodes[n].get("kind") == "contact"]
    introducer = None
    if between:
        who = between[-1]
        there = at_event.get(who)
        introducer = {**node_summary(graph, who), "attends": there is not None,
                      "status": there.status if there else None}
    shown = path.to_dict(graph)
    return {"introducer": introducer, "direct": introducer is None, "say": _say(graph, target, path, introducer),
            "cost": shown["cost"], "warmth": shown["warmth"], "length": path.length, "path": shown}


def _say(graph: nx.Graph, target: str, path: Path, introducer: dict[str, Any] | None) -> str:
    name = graph.nodes[target].get("name")
    warmth = warmth_word(path.cost)
    if introducer is None:
        return f"you know {name} directly ({warmth})"
    where = "also at the event" if introducer["attends"] else "not at the event"
    return f"ask {introducer['name']} ({where}) to introduce you to {name}: {warmth}, {path.length} hops"
