"""Say in plain words why a relationship lets one person reach another."""

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
