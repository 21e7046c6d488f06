"""The public directory: public partners by region, issue, type and offer, each with role-based routes in;
and the public partner events (public events organised by a public partner or affiliate).

Built only from what `partnergraph.services.privacy.public_view` lets through (the caller
passes that), so it can hold nothing that may not be published: no people, no personal data, no notes, no organisation not marked public.
A route in is a team, never a person: "Contact the partnerships team of <affiliate>" for every
public affiliate that partners with the partner formally, has its contact of record, or has
people who hold the relationship (the caller computes those routes on the whole graph and passes
affiliate ids and counts only). The shape is documented in docs/json-api.md#the-public-directory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from partnergraph.analysis.org_types import type_key
from partnergraph.model import Connection, Element, Kind, RelType
from partnergraph.schema import OFFERS, type_label

NO_REGION = "No region given"
# The facts of a partner that the directory shows, besides id and name.
PUBLIC_FACTS = ("type", "country", "region", "status")
# What a partnership offers and what the partner looks for (`;` lists, public when the partner is).
PUBLIC_LISTS = ("offers", "looks_for")
# The facts of a public event that the directory shows, besides id, name, website, issues and organisers.
EVENT_FACTS = ("start", "end", "country", "region")
# Why a route leads to an affiliate (analysis.contact_of_record.VIA), said to the public.
_REASONS = {"partnership": "partners formally", "contact_of_record": "contact of record"}


def safe_url(value: Any) -> str | None:
    """Return `value` if it is an http(s) URL with a host, else None (a `javascript:` URL never becomes a link)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def _current(props: dict[str, Any], today: str) -> bool:
    # An ended partnership is no route in; an end date still to come (or this month) is.
    until = props.get("until")
    return not until or str(until) >= today[:len(str(until))]


def _reason(via: str, people: int) -> str:
    if via in _REASONS:
        return _REASONS[via]
    return f"{people} {'person holds' if people == 1 else 'people hold'} it"


def _route(affiliate: Element, via: str = "partnership", people: int = 0) -> dict[str, Any]:
    email = affiliate.props.get("public_email")
    return {"team": "partnerships", "affiliate": {"id": affiliate.id, "name": affiliate.name},
            "text": f"Contact the partnerships team of {affiliate.name}",
            "via": via, "reason": _reason(via, people),
            "email": email if isinstance(email, str) and email else None,
            "url": safe_url(affiliate.props.get("website"))}


def offer_key(text: str) -> str:
    """Return how offers compare: case and surrounding spaces aside."""
    return " ".join(text.casefold().split())


_OFFER_SPELLING = {offer_key(o): o for o in OFFERS}


def public_directory(elements: Iterable[Element], connections: Iterable[Connection], *,
                     today: date | None = None,
                     routes: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> dict[str, Any]:
    """Return the public directory of a public graph: every public partner, grouped by region and by issue.

    `elements` and `connections` must be a public view (`partnergraph.services.privacy.public_view`).
    `routes` maps a partner's id to its routes as `analysis.contact_of_record.routes` gives them
    (affiliate ids, how, how many people); a route to an affiliate not in the public view is
    dropped. Without `routes`, only current formal partnerships route.

    Every public partner appears with its public facts (type and its label, country, region,
    status, a website only when it is an http(s) URL), what it offers and looks for, the issues it
    works on or partners on, and its routes in. `by_region` and `by_issue` group the partners'
    ids; `regions`, `issues`, `types` and `offers` list every value the filters of `narrow` can take.
    """
    today_text = (today or date.today()).isoformat()
    kept, links = list(elements), list(connections)
    by_id = {e.id: e for e in kept}
    issues = {e.id: e for e in kept if e.kind is Kind.ISSUE}
    partner_issues: dict[str, set[str]] = {e.id: set() for e in kept if e.kind is Kind.PARTNER}
    routed: dict[str, list[dict[str, Any]]] = {p: [] for p in partner_issues}
    for link in links:
        if link.type is RelType.WORKS_ON and link.source in partner_issues and link.target in issues:
            partner_issues[link.source].add(link.target)
        elif link.type is RelType.PARTNERS_WITH and link.target in partner_issues and _current(link.props, today_text):
            if routes is None:
                routed[link.target].append(_route(by_id[link.source]))
            partner_issues[link.target].update(i for i in link.props.get("issues") or () if i in issues)
    for pid, found in (routes or {}).items():
        if pid in routed:
            routed[pid].extend(_route(by_id[r["affiliate"]], r["via"], r.get("people", 0)) for r in found
                               if r["affiliate"] in by_id and by_id[r["affiliate"]].kind is Kind.AFFILIATE)

    partners = []
    for pid in sorted(partner_issues, key=lambda p: (by_id[p].name.casefold(), p)):
        e = by_id[pid]
        entry: dict[str, Any] = {"id": pid, "name": e.name, "kind": "partner"}
        entry.update({k: e.props[k] for k in PUBLIC_FACTS if e.props.get(k) not in (None, "")})
        if entry.get("type"):
            entry["type_label"] = type_label(entry["type"])
        entry.update({k: list(e.props.get(k) or ()) for k in PUBLIC_LISTS})
        entry["website"] = safe_url(e.props.get("website"))
        entry["issues"] = [{"id": i, "name": issues[i].name}
                           for i in sorted(partner_issues[pid], key=lambda i: (issues[i].name.casefold(), i))]
        entry["routes"] = routed[pid] if routes is not None else sorted(
            routed[pid], key=lambda r: (r["affiliate"]["name"].casefold(), r["affiliate"]["id"]))
        partners.append(entry)
    issue_list = [{"id": i, "name": issues[i].name} for i in sorted(issues, key=lambda i: (issues[i].name.casefold(), i))]
    regions = sorted({p.get("region") or NO_REGION for p in partners}, key=str.casefold)
    types: dict[str, str] = {}
    offers: dict[str, str] = {}
    for p in partners:
        if p.get("type"):
            types.setdefault(type_key(p["type"]), p["type_label"])
        for offer in p["offers"]:
            offers.setdefault(offer_key(offer), _OFFER_SPELLING.get(offer_key(offer), offer))
    type_list = [{"value": k, "label": types[k]} for k in sorted(types, key=lambda k: (types[k].casefold(), k))]
    events = public_events(kept, links, today=today_text)
    regions = sorted(set(regions) | {e.get("region") or NO_REGION for e in events}, key=str.casefold)
    return _grouped({"filters": {"region": None, "issue": None, "type": None, "offers": None}, "regions": regions,
                     "issues": issue_list, "types": type_list, "offers": sorted(offers.values(), key=str.casefold),
                     "partners": partners, "events": events})


def public_events(elements: Iterable[Element], connections: Iterable[Connection], *, today: str) -> list[dict[str, Any]]:
    """Return the public partner events of a public view: public events organised by a public partner or affiliate.

    Each with its dates, place, website (http(s) only), issues and organisers, and whether it is
    still `upcoming` on `today` (its last day not yet past); earliest first, undated last. Never
    who attends: attendance is personal, and a public view holds none.
    """
    by_id = {e.id: e for e in elements}
    organisers: dict[str, list[Element]] = {}
    topics: dict[str, list[Element]] = {}
    for link in connections:
        source, target = by_id.get(link.source), by_id.get(link.target)
        if source is None or target is None or target.kind not in (Kind.EVENT, Kind.ISSUE):
            continue
        if link.type is RelType.ORGANISES and source.kind in (Kind.PARTNER, Kind.AFFILIATE) and target.kind is Kind.EVENT:
            organisers.setdefault(target.id, []).append(source)
        elif link.type is RelType.WORKS_ON and source.kind is Kind.EVENT and target.kind is Kind.ISSUE:
            topics.setdefault(source.id, []).append(target)
    found = []
    for eid, orgs in organisers.items():
        event = by_id[eid]
        entry: dict[str, Any] = {"id": eid, "name": event.name, "kind": "event"}
        entry.update({k: event.props[k] for k in EVENT_FACTS if event.props.get(k) not in (None, "")})
        last = str(entry.get("end") or entry.get("start") or "")
        entry["upcoming"] = bool(last) and last >= today[:len(last)]
        entry["website"] = safe_url(event.props.get("website"))
        entry["issues"] = [{"id": i.id, "name": i.name} for i in sorted(topics.get(eid, ()), key=lambda i: (i.name.casefold(), i.id))]
        entry["organisers"] = [{"id": o.id, "name": o.name, "kind": o.kind.slug}
                               for o in sorted(orgs, key=lambda o: (o.name.casefold(), o.id))]
        found.append(entry)
    return sorted(found, key=lambda e: (not e.get("start"), str(e.get("start") or ""), e["name"].casefold(), e["id"]))


def narrow(directory: dict[str, Any], *, region: str | None = None, issue: str | None = None,
           type: str | None = None, offers: str | None = None) -> dict[str, Any]:
    """Return the directory with only the partners of `region` (a name), working on `issue` (an id),
    of organisation `type` (any spelling of the vocabulary, or an unknown type as written) and
    offering `offers` (case-insensitively)."""
    wanted_type = type_key(type) if type else None
    wanted_offer = offer_key(offers) if offers else None
    partners = [p for p in directory["partners"]
                if (region is None or (p.get("region") or NO_REGION) == region)
                and (issue is None or any(i["id"] == issue for i in p["issues"]))
                and (wanted_type is None or (bool(p.get("type")) and type_key(p["type"]) == wanted_type))
                and (wanted_offer is None or any(offer_key(o) == wanted_offer for o in p["offers"]))]
    shown_offer = _OFFER_SPELLING.get(wanted_offer, offers.strip()) if offers and wanted_offer else None
    filters = {"region": region, "issue": issue, "type": wanted_type, "offers": shown_offer}
    # Events are narrowed by region and issue; type and offers describe partners, not events.
    events = [e for e in directory.get("events", ())
              if (region is None or (e.get("region") or NO_REGION) == region)
              and (issue is None or any(i["id"] == issue for i in e["issues"]))]
    return _grouped({**directory, "filters": filters, "partners": partners, "events": events})


def _grouped(directory: dict[str, Any]) -> dict[str, Any]:
    by_region: dict[str, list[str]] = {}
    by_issue: dict[str, list[str]] = {}
    for entry in directory["partners"]:
        by_region.setdefault(entry.get("region") or NO_REGION, []).append(entry["id"])
        for i in entry["issues"]:
            by_issue.setdefault(i["id"], []).append(entry["id"])
    return {**directory,
            "by_region": [{"region": r, "partners": by_region[r]} for r in sorted(by_region, key=str.casefold)],
            "by_issue": [{"issue": i, "partners": by_issue[i["id"]]} for i in directory["issues"] if i["id"] in by_issue]}
