"""Say in plain words why a relationship lets one person reach another (a tie, an organisation, an event)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import networkx as nx

from partnergraph.schema import RELATIONSHIPS, RelType


def _details(relation: Mapping[str, Any], hidden: Collection[str] = ()) -> str:
    relation = {k: v for k, v in relation.items() if k not in hidden}
    parts = []
    if relation.get("role"):
        parts.append(str(relation["role"]))
    if relation.get("strength"):
        parts.append(f"strength {relation['strength']}")
    since, until = relation.get("since"), relation.get("until")
    if since and until:
        parts.append(f"{since} to {until}")
    elif since:
        parts.append(f"since {since}")
    elif until:
        parts.append(f"until {until}")
    if relation.get("last_contact"):
        parts.append(f"last contact {relation['last_contact']}")
    if relation.get("source"):
        parts.append(f"source: {relation['source']}")
    return f" ({', '.join(parts)})" if parts else ""


def describe(graph: nx.Graph, relation: Mapping[str, Any], *, hidden: Collection[str] = ()) -> str:
    """Return one sentence stating a relationship, with its evidence in brackets (less the `hidden` properties)."""
    a = graph.nodes[relation["from"]]["name"]
    b = graph.nodes[relation["to"]]["name"]
    verb = RELATIONSHIPS[relation["type"]].verb_for(relation)
    return f"{a} {verb} {b}{_details(relation, hidden)}"


def _period(start: str | None, end: str | None) -> str:
    if start and end:
        return f"{start} to {end}"
    if start:
        return f"since {start}"
    if end:
        return f"until {end}"
    return ""


def _later(a: str | None, b: str | None) -> str | None:
    return max(a, b) if a and b else None


def _earlier(a: str | None, b: str | None) -> str | None:
    if a and b:
        return min(a, b)
    return a or b


def describe_tie(graph: nx.Graph, person: str, other: str, relation: Mapping[str, Any], *,
                 hidden: Collection[str] = ()) -> str:
    """Return one sentence stating a personal tie (KNOWS) of `person` and `other`, in the order a path walks it."""
    verb = RELATIONSHIPS[relation["type"]].verb
    return f"{graph.nodes[person]['name']} {verb} {graph.nodes[other]['name']}{_details(relation, hidden)}"


def describe_passage(graph: nx.Graph, entered: Mapping[str, Any], left: Mapping[str, Any], *,
                     hidden: Collection[str] = ()) -> str:
    """Return one sentence saying how two people know each other through one organisation.

    `entered` and `left` are the two attachments (MEMBER_OF or HOLDS) of the people, in the
    order a path walks them; the sentence names the time both were there.
    """
    a = graph.nodes[entered["from"]]["name"]
    b = graph.nodes[left["from"]]["name"]
    org = graph.nodes[entered["to"]]["name"]
    both_since = _later(entered.get("since"), left.get("since"))
    both_until = _earlier(entered.get("until"), left.get("until"))
    period = _period(both_since, both_until)
    sources = sorted({str(r["source"]) for r in (entered, left) if r.get("source")}) if "source" not in hidden else []
    extra = [period] if period else []
    if sources:
        extra.append("source: " + "; ".join(sources))
    if entered["type"] == RelType.MEMBER_OF and left["type"] == RelType.MEMBER_OF:
        verb = "are both members of" if both_until is None else "were both members of"
        return f"{a} and {b} {verb} {org}" + (f" ({', '.join(extra)})" if extra else "")
    holder, member = (entered, left) if entered["type"] == RelType.HOLDS else (left, entered)
    holder_name = graph.nodes[holder["from"]]["name"]
    member_name = graph.nodes[member["from"]]["name"]
    member_verb = "is a member" if member.get("until") is None else "was a member"
    return (f"{holder_name} {RELATIONSHIPS[RelType.HOLDS].verb} {org}{_details(holder, hidden)}, "
            f"where {member_name} {member_verb}{_details(member, hidden)}")


# How a co-attendance hop says the part someone played, by ATTENDS role ("Mara spoke"); a plain
# attendee is not mentioned.
_ROLE_WORDS = {"speaker": "spoke", "organiser": "organised it", "exhibitor": "exhibited"}


def date_range(start: str | None, end: str | None) -> str:
    """Return an event's dates compactly: "2025-03-10 to 12", "2025-03-30 to 04-02", or one date."""
    if not start or not end or start == end:
        return start or end or ""
    first, last = start.split("-"), end.split("-")
    same = 0
    if len(first) == len(last):
        while same < len(last) - 1 and first[same] == last[same]:
            same += 1
    return f"{start} to {'-'.join(last[same:])}"


def event_place(event: Mapping[str, Any], countries: Mapping[str, str] | None = None) -> str:
    """Return where an event was: its country's name (from `countries`, code -> name), else its region, else its country as written."""
    country = str(event.get("country") or "").strip()
    named = countries.get(country.upper()) if countries and country else None
    return named or str(event.get("region") or "").strip() or country


def describe_attendance(graph: nx.Graph, entered: Mapping[str, Any], left: Mapping[str, Any], *,
                        countries: Mapping[str, str] | None = None, hidden: Collection[str] = ()) -> str:
    """Return one sentence saying that two people both attended one event, in the order a path walks them.

    "Mara Ek and Uri Vos both attended RightsSummit 2025 (Belgium, 2025-03-10 to 12; Mara spoke)":
    the place and dates of the event, then the part either played, then the sources (less `hidden`).
    """
    a, b = graph.nodes[entered["from"]], graph.nodes[left["from"]]
    event = graph.nodes[entered["to"]]
    facts = ", ".join(x for x in (event_place(event, countries), date_range(event.get("start"), event.get("end"))) if x)
    parts = [facts] if facts else []
    if "role" not in hidden:
        played: dict[str, list[str]] = {}
        for person, relation in ((a, entered), (b, left)):
            words = _ROLE_WORDS.get(str(relation.get("role") or "").lower())
            if words:
                played.setdefault(words, []).append(str(person["name"]).split()[0])
        parts += [f"{' and '.join(names)} {words}" for words, names in played.items()]
    if "source" not in hidden:
        sources = sorted({str(r["source"]) for r in (entered, left) if r.get("source")})
        if sources:
            parts.append("source: " + ", ".join(sources))
    details = f" ({'; '.join(parts)})" if parts else ""
    return f"{a['name']} and {b['name']} both attended {event['name']}{details}"
