"""Who holds which relationship, and which relationships are at risk."""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.graph import node_summary, relations
from partnergraph.model import UnknownNode, WrongKind

STALE_MONTHS = 12


def holders(graph: nx.Graph, partner: str) -> list[dict[str, Any]]:
    """Return the people who hold the relationship with `partner`, strongest and freshest first.

    Each holder is a dict with id, name, strength, since, last_contact, source and the
    affiliates the person is a member of.
    """
    if partner not in graph:
        raise UnknownNode(f"no element with id {partner!r}")
    if graph.nodes[partner]["kind"] != "partner":
        raise WrongKind(f"{partner!r} is a {graph.nodes[partner]['kind']}, not a partner")
    result = []
    for person in graph.neighbors(partner):
        for held in relations(graph, person, partner, "HOLDS"):
            affiliates = [
                node_summary(graph, org) for org in sorted(graph.neighbors(person))
                if graph.nodes[org]["kind"] == "affiliate" and relations(graph, person, org, "MEMBER_OF")
            ]
            result.append({
                **node_summary(graph, person),
                "strength": held.get("strength"),
                "since": held.get("since"),
                "last_contact": held.get("last_contact"),
                "source": held.get("source"),
                "affiliates": affiliates,
            })
    result.sort(key=lambda h: (-(h["strength"] or 0), _negated(h["last_contact"]), h["id"]))
    return result


def _negated(day: str | None) -> str:
    # Sort newest dates first while keeping missing dates last.
    return "".join(chr(0x7F - ord(c)) for c in day) if day else "\x7f"


def months_since(day: str, today: date) -> int:
    """Return the whole months from the month of `day` (ISO, YYYY-MM[-DD]) to `today`'s."""
    year, month = int(day[:4]), int(day[5:7])
    return (today.year * 12 + today.month) - (year * 12 + month)


def relationship_risks(
    graph: nx.Graph,
    *,
    today: date | None = None,
    stale_months: int = STALE_MONTHS,
) -> dict[str, list[dict[str, Any]]]:
    """Return partners held by nobody or by one person, and ties with no contact for too long.

    A tie (KNOWS or HOLDS) is stale when its last contact is more than `stale_months` months
    before `today`; ties with no recorded last contact are not judged.
    """
    today = today or date.today()
    unheld, single = [], []
    for node, kind in sorted(graph.nodes(data="kind")):
        if kind != "partner":
            continue
        held_by = sorted(p for p in graph.neighbors(node) if relations(graph, p, node, "HOLDS"))
        entry = {**node_summary(graph, node), "status": graph.nodes[node].get("status"), "holders": len(held_by)}
        if not held_by:
            unheld.append(entry)
        elif len(held_by) == 1:
            single.append({**entry, "holder": node_summary(graph, held_by[0])})
    stale = []
    for _, _, data in graph.edges(data=True):
        for r in data["relations"]:
            if r["type"] in ("KNOWS", "HOLDS") and r.get("last_contact"):
                months = months_since(r["last_contact"], today)
                if months > stale_months:
                    stale.append({"from": node_summary(graph, r["from"]), "to": node_summary(graph, r["to"]),
                                  "type": r["type"], "last_contact": r["last_contact"], "months": months,
                                  "strength": r.get("strength")})
    stale.sort(key=lambda s: (-s["months"], s["from"]["id"], s["to"]["id"]))
    return {"unheld_partners": unheld, "single_holder_partners": single, "stale_ties": stale}
