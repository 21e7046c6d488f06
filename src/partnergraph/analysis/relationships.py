"""Who holds which relationship, and which relationships are at risk."""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.graph import node_summary, relations
from partnergraph.analysis.warmth import tie_cost
from partnergraph.model import RelType, UnknownNode, WrongKind

STALE_MONTHS = 12
# More partnerships than this on one person: too many to keep warm, and a loss if they leave.
OVERLOAD = 5


def holders(
    graph: nx.Graph,
    partner: str,
    *,
    today: date | None = None,
    stale_months: int = STALE_MONTHS,
) -> list[dict[str, Any]]:
    """Return the people who hold the relationship with `partner`, strongest and freshest first.

    Each holder is a dict with id, name, strength, since, until, last_contact, source, the
    affiliates the person is a member of, `months_since_contact`, `stale` (no contact for over
    `stale_months` months, or the hold has ended), and `warmth`, the cost of asking them
    (see `partnergraph.analysis.warmth`; lower is warmer).
    """
    if partner not in graph:
        raise UnknownNode(f"no element with id {partner!r}")
    if graph.nodes[partner]["kind"] != "partner":
        raise WrongKind(f"{partner!r} is a {graph.nodes[partner]['kind']}, not a partner")
    today = today or date.today()
    result = []
    for person in graph.neighbors(partner):
        for held in relations(graph, person, partner, RelType.HOLDS):
            affiliates = [
                node_summary(graph, org) for org in sorted(graph.neighbors(person))
                if graph.nodes[org]["kind"] == "affiliate" and relations(graph, person, org, RelType.MEMBER_OF)
            ]
            last = held.get("last_contact")
            months = months_since(last, today) if last else None
            result.append({
                **node_summary(graph, person),
                "strength": held.get("strength"),
                "since": held.get("since"),
                "until": held.get("until"),
                "last_contact": last,
                "source": held.get("source"),
                "affiliates": affiliates,
                "months_since_contact": months,
                "stale": is_stale(held, today, stale_months),
                "warmth": round(tie_cost(held, today), 3),
            })
    result.sort(key=lambda h: (bool(h["until"]), -(h["strength"] or 0), _negated(h["last_contact"]), h["id"]))
    return result


def is_stale(held: dict[str, Any], today: date, stale_months: int = STALE_MONTHS) -> bool:
    """Return whether a HOLDS tie is stale: it has ended, or its last contact is over `stale_months` months before `today`."""
    last = held.get("last_contact")
    return bool(held.get("until")) or (bool(last) and months_since(last, today) > stale_months)


def holder_warnings(found: list[dict[str, Any]], *, stale_months: int = STALE_MONTHS) -> list[str]:
    """Return what is fragile about a partnership, given its `holders`."""
    current = [h for h in found if not h["until"]]
    if not found:
        return ["nobody holds this relationship"]
    if not current:
        return ["every hold on this relationship has ended"]
    warnings = []
    if len(current) == 1:
        warnings.append(f"this partnership hangs on one person: {current[0]['name']}")
    if all(h["stale"] for h in current):
        latest = max((h["last_contact"] for h in current if h["last_contact"]), default=None)
        warnings.append(f"it hangs only on stale ties: no contact for over {stale_months} months"
                        + (f" (last: {latest})" if latest else ""))
    return warnings


def _negated(day: str | None) -> str:
    # Sort newest dates first while keeping missing dates last.
    return "".join(chr(0x7F - ord(c)) for c in day) if day else "\x7f"


def months_since(day: str, today: date) -> int:
    """Return the whole months from the month of `day` (ISO, YYYY[-MM[-DD]]; a year alone is its January) to `today`'s."""
    year, month = int(day[:4]), (int(day[5:7]) if len(day) >= 7 else 1)
    return (today.year * 12 + today.month) - (year * 12 + month)


def relationship_risks(
    graph: nx.Graph,
    *,
    today: date | None = None,
    stale_months: int = STALE_MONTHS,
    overload: int = OVERLOAD,
) -> dict[str, list[dict[str, Any]]]:
    """Return partners held by nobody or by one person, overloaded holders, stale ties, dormant partners.

    A tie (KNOWS or HOLDS) is stale when its last contact is more than `stale_months` months
    before `today`; ties with no recorded last contact are not judged. A holder is overloaded when
    they hold more than `overload` partnerships. A partner is dormant when its status says so, or
    when it has holders and every one of their ties to it is stale (contact lapsed).
    """
    today = today or date.today()
    unheld, single = [], []
    for node, kind in sorted(graph.nodes(data="kind")):
        if kind != "partner":
            continue
        held_by = sorted(p for p in graph.neighbors(node) if relations(graph, p, node, RelType.HOLDS))
        entry = {**node_summary(graph, node), "status": graph.nodes[node].get("status"), "holders": len(held_by)}
        if not held_by:
            unheld.append(entry)
        elif len(held_by) == 1:
            single.append({**entry, "holder": node_summary(graph, held_by[0])})
    stale = []
    for _, _, data in graph.edges(data=True):
        for r in data["relations"]:
            if r["type"] in (RelType.KNOWS, RelType.HOLDS) and r.get("last_contact"):
                months = months_since(r["last_contact"], today)
                if months > stale_months:
                    stale.append({"from": node_summary(graph, r["from"]), "to": node_summary(graph, r["to"]),
                                  "type": r["type"], "last_contact": r["last_contact"], "months": months,
                                  "strength": r.get("strength")})
    stale.sort(key=lambda s: (-s["months"], s["from"]["id"], s["to"]["id"]))
    return {"unheld_partners": unheld, "single_holder_partners": single, "stale_ties": stale,
            "overloaded_holders": _overloaded(graph, overload),
            "dormant_partners": _dormant(graph, stale)}


def _overloaded(graph: nx.Graph, overload: int) -> list[dict[str, Any]]:
    found = []
    for person, kind in graph.nodes(data="kind"):
        if kind != "contact":
            continue
        held = sorted(p for p in graph.neighbors(person) if relations(graph, person, p, RelType.HOLDS))
        if len(held) > overload:
            single = [p for p in held if sum(1 for h in graph.neighbors(p) if relations(graph, h, p, RelType.HOLDS)) == 1]
            found.append({**node_summary(graph, person), "holds": len(held),
                          "partners": [node_summary(graph, p) for p in held],
                          "held_by_them_alone": [node_summary(graph, p) for p in single]})
    found.sort(key=lambda h: (-h["holds"], h["id"]))
    return found


def _dormant(graph: nx.Graph, stale: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lapsed = {(s["from"]["id"], s["to"]["id"]) for s in stale if s["type"] == RelType.HOLDS}
    found = []
    for partner, kind in sorted(graph.nodes(data="kind")):
        if kind != "partner":
            continue
        status = graph.nodes[partner].get("status")
        held = [(h, partner) for h in sorted(graph.neighbors(partner)) if relations(graph, h, partner, RelType.HOLDS)]
        if status == "dormant":
            reason = "status is dormant"
        elif held and all(pair in lapsed for pair in held):
            reason = "every holder's last contact is stale"
        else:
            continue
        found.append({**node_summary(graph, partner), "status": status, "holders": len(held), "reason": reason})
    return found
