"""Say in plain words why a relationship lets one person reach another."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx


def _details(relation: Mapping[str, Any]) -> str:
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


def describe(graph: nx.Graph, relation: Mapping[str, Any]) -> str:
    """Return one sentence stating a relationship, with its evidence in brackets."""
    a = graph.nodes[relation["from"]]["name"]
    b = graph.nodes[relation["to"]]["name"]
    verb = {
        "KNOWS": "knows",
        "HOLDS": "holds the relationship with",
        "MEMBER_OF": "is a member of" if relation.get("until") is None else "was a member of",
        "PARTNERS_WITH": "partners with",
        "WORKS_ON": "works on",
    }[relation["type"]]
    return f"{a} {verb} {b}{_details(relation)}"
