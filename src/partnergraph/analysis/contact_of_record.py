"""The contact of record, and the routes from a partner to the affiliates that hold it.

The contact of record of a partner is the person accountable for that partnership: a HOLDS tie
with `primary: true`. A partner has at most one per affiliate, the affiliate of a person being
each affiliate they are a current member of (docs/analytics.md#contact-of-record). A tie that has
ended (an `until` in the past) no longer makes anyone the contact of record: it is history.

The routes say through which affiliates the public can reach the people who hold a partnership,
without naming them (docs/viewer.md#the-public-directory).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

import networkx as nx

from partnergraph.analysis.graph import node_summary, relations
from partnergraph.analysis.relationships import months_since  # the one staleness rule of holders and risks
from partnergraph.model import Connection, RelType, UnknownNode, WrongKind

# How a partner is routed to an affiliate, strongest first: a formal partnership, the affiliate's
# contact of record, or people of the affiliate who hold the relationship.
VIA = ("partnership", "contact_of_record", "holders")


def current(relation: dict[str, Any], today: date | None = None) -> bool:
    """Return whether a relationship has not ended: no `until`, or one not before `today` at its precision."""
    until = relation.get("until")
    if not until:
        return True
    today_text = (today or date.today()).isoformat()
    return str(until) >= today_text[:len(str(until))]


def affiliates_of(graph: nx.Graph, person: str, *, today: date | None = None) -> list[str]:
    """Return the ids of the affiliates `person` is a current member of, sorted."""
    nodes = graph.nodes
    return sorted(org for org, data in graph.adj[person].items()
                  if nodes[org].get("kind") == "affiliate"
                  and any(r["type"] == RelType.MEMBER_OF and current(r, today) for r in data["relations"]))


def _primary(relation: dict[str, Any]) -> bool:
    return relation.get("primary") is True


def contacts_of_record(graph: nx.Graph, partner: str, *, today: date | None = None,
                       ended: bool = False) -> list[dict[str, Any]]:
    """Return the contacts of record of `partner`: one entry per person and affiliate they are of record for.

    Each entry is `{"id", "name", "affiliate"}`, `affiliate` being the id of an affiliate the
    person is a current member of, or None when they belong to none. With `ended`, ties that have
    ended count too (each entry then says `ended`). Sorted by affiliate, then person.
    """
    if partner not in graph:
        raise UnknownNode(f"no element with id {partner!r}")
    if graph.nodes[partner].get("kind") != "partner":
        raise WrongKind(f"{partner!r} is a {graph.nodes[partner].get('kind')}, not a partner")
    found = []
    for person in graph.neighbors(partner):
        for held in relations(graph, person, partner, RelType.HOLDS):
            if not _primary(held) or held.get("from") != person:
                continue
            is_current = current(held, today)
            if not is_current and not ended:
                continue
            person_name = graph.nodes[person]["name"]
            for affiliate in affiliates_of(graph, person, today=today) or [None]:
                entry: dict[str, Any] = {"id": person, "name": person_name, "affiliate": affiliate}
                if ended:
                    entry["ended"] = not is_current
                found.append(entry)
    found.sort(key=lambda c: (c["affiliate"] is None, c["affiliate"] or "", c["id"]))
    return found


class Clash(NamedTuple):
    """A second contact of record for one partner and affiliate, and the change that would make it."""

    change: Connection  # the HOLDS that marks `person`, or the MEMBER_OF that brings them to `affiliate`
    person: str
    partner: str
    affiliate: str
    other: str  # who is of record for that partner and affiliate already


def clashes(graph: nx.Graph, changed: Iterable[Connection], *,
            today: date | None = None, kinds: Mapping[str, str] | None = None) -> list[Clash]:
    """Return the contacts of record that `changed` would put beside another one of the same affiliate.

    `graph` is the state before; `changed` are connections as they would be after (their whole
    properties), HOLDS and MEMBER_OF alike: a HOLDS marked `primary`, or a membership that brings
    a contact of record to an affiliate that has one for the same partner. In the order of
    `changed`; a clashing pair is reported once. `kinds` gives the kind (slug) of elements
    not in `graph` yet (an import's new affiliates).
    """
    kinds = kinds or {}
    changed = list(changed)
    after: dict[tuple[str, str, str], dict[str, Any]] = {c.key: c.props for c in changed}
    joined: dict[str, set[str]] = {}  # person -> organisations of changed memberships
    holding: dict[str, set[str]] = {}  # partner -> people of changed holds
    held_by: dict[str, set[str]] = {}  # person -> partners of changed holds
    for c in changed:
        if c.type is RelType.MEMBER_OF:
            joined.setdefault(c.source, set()).add(c.target)
        elif c.type is RelType.HOLDS:
            holding.setdefault(c.target, set()).add(c.source)
            held_by.setdefault(c.source, set()).add(c.target)
    known: dict[str, set[str]] = {}  # person -> their affiliates after the change, as asked

    def state(person: str, org: str, rel: RelType) -> list[dict[str, Any]]:
        key = (person, org, rel.value)
        if key in after:
            return [after[key]]
        if not graph.has_edge(person, org):
            return []
        return [r for r in relations(graph, person, org, rel) if r.get("from", person) == person]

    def affiliates(person: str) -> set[str]:
        if person not in known:
            orgs = set(graph.adj[person]) if person in graph else set()
            orgs.update(joined.get(person, ()))
            known[person] = {org for org in orgs
                             if (graph.nodes[org].get("kind") if org in graph else kinds.get(org)) == "affiliate"
                             and any(current(r, today) for r in state(person, org, RelType.MEMBER_OF))}
        return known[person]

    def of_record(person: str, partner: str) -> bool:
        return any(_primary(r) and current(r, today) for r in state(person, partner, RelType.HOLDS))

    found: list[Clash] = []
    seen: set[tuple[str, str, str]] = set()

    def check(conn: Connection, person: str, partner: str, within: set[str]) -> None:
        others = set(graph.adj[partner]) if partner in graph else set()
        others.update(holding.get(partner, ()))
        others.discard(person)
        for other in sorted(others):
            if not of_record(other, partner):
                continue
            for affiliate in sorted(within & affiliates(other)):
                pair = (partner, affiliate, min(person, other) + "\0" + max(person, other))
                if pair not in seen:
                    seen.add(pair)
                    found.append(Clash(conn, person, partner, affiliate, other))

    for conn in changed:
        if conn.type is RelType.HOLDS and _primary(conn.props) and current(conn.props, today):
            check(conn, conn.source, conn.target, affiliates(conn.source))
        elif conn.type is RelType.MEMBER_OF and current(conn.props, today) and conn.target in affiliates(conn.source):
            # Joining an affiliate makes someone's contacts of record count for it too.
            person = conn.source
            held = set(graph.adj[person]) if person in graph else set()
            held.update(held_by.get(person, ()))
            for partner in sorted(held):
                if (graph.nodes[partner].get("kind") if partner in graph else kinds.get(partner)) == "partner" \
                        and of_record(person, partner):
                    check(conn, person, partner, {conn.target})
    return found


def routes(graph: nx.Graph, partner: str, *, today: date | None = None) -> list[dict[str, Any]]:
    """Return the affiliates through which `partner` can be reached, one route each, strongest first.

    A route is `{"affiliate": id, "via": ..., "people": n}`: `via` is "partnership" (a current
    PARTNERS_WITH), "contact_of_record" (a current member of the affiliate is the partner's
    contact of record) or "holders" (current members hold the relationship); `people` counts the
    affiliate's current members who hold it (no one is named). Ended ties and memberships do not
    route.
    """
    if partner not in graph:
        raise UnknownNode(f"no element with id {partner!r}")
    best: dict[str, int] = {}
    people: dict[str, set[str]] = {}
    for other, data in graph.adj[partner].items():
        kind = graph.nodes[other].get("kind")
        for rel in data["relations"]:
            if not current(rel, today):
                continue
            if kind == "affiliate" and rel["type"] == RelType.PARTNERS_WITH:
                best[other] = min(best.get(other, 0), 0)
            elif kind == "contact" and rel["type"] == RelType.HOLDS:
                via = 1 if _primary(rel) else 2
                for affiliate in affiliates_of(graph, other, today=today):
                    best[affiliate] = min(best.get(affiliate, via), via)
                    people.setdefault(affiliate, set()).add(other)
    found = [{"affiliate": a, "via": VIA[v], "people": len(people.get(a, ()))} for a, v in best.items()]
    found.sort(key=lambda r: (VIA.index(r["via"]), -r["people"], r["affiliate"]))
    return found


def record_risks(graph: nx.Graph, *, today: date | None = None,
                 stale_months: int) -> dict[str, list[dict[str, Any]]]:
    """Return partners with no contact of record, and contacts of record whose tie is stale or ended.

    A tie is stale by the rule of `holders`: no contact for over `stale_months` months. An ended
    contact of record is listed only while no current one of the same affiliate replaces it.
    """
    today = today or date.today()
    missing, lapsed = [], []
    for partner, kind in sorted(graph.nodes(data="kind")):
        if kind != "partner":
            continue
        found = contacts_of_record(graph, partner, today=today, ended=True)
        live = {c["affiliate"] for c in found if not c["ended"]}
        if not live:
            missing.append({**node_summary(graph, partner), "status": graph.nodes[partner].get("status")})
        for c in found:
            held = next(r for r in relations(graph, c["id"], partner, RelType.HOLDS) if _primary(r))
            last = held.get("last_contact")
            months = months_since(last, today) if last else None
            if c["ended"] and c["affiliate"] in live:
                continue
            if c["ended"] or (months is not None and months > stale_months):
                lapsed.append({"partner": node_summary(graph, partner), "contact": node_summary(graph, c["id"]),
                               "affiliate": c["affiliate"], "last_contact": last, "months": months,
                               "until": held.get("until"), "reason": "ended" if c["ended"] else "stale"})
    return {"no_contact_of_record": missing, "lapsed_contacts_of_record": lapsed}
