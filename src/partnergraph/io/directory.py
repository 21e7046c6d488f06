"""The public directory: public partners by region and by issue, each with role-based routes in.

Built only from what `partnergraph.services.privacy.public_view` lets through (the caller
passes that), so it can hold nothing that may not be published: no people, no personal data, no notes, no organisation not marked public.
A route in is a team, never a person: "Contact the partnerships team of <affiliate>" for every
public affiliate that currently partners with the partner.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from partnergraph.model import Connection, Element, Kind, RelType

NO_REGION = "No region given"
# The facts of a partner that the directory shows, besides id and name.
PUBLIC_FACTS = ("type", "country", "region", "status")


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


def _route(affiliate: Element) -> dict[str, Any]:
    return {"team": "partnerships", "affiliate": {"id": affiliate.id, "name": affiliate.name},
            "text": f"Contact the partnerships team of {affiliate.name}",
            "url": safe_url(affiliate.props.get("website"))}


def public_directory(elements: Iterable[Element], connections: Iterable[Connection], *,
                     today: date | None = None) -> dict[str, Any]:
    """Return the public directory of a public graph: every public partner, grouped by region and by issue.

    `elements` and `connections` must be a public view (`partnergraph.services.privacy.public_view`).

    Every public partner appears with its public facts (type, country, region, status, a website
    only when it is an http(s) URL), the issues it works on or partners on, and its routes in.
    `by_region` and `by_issue` group the partners' ids; `regions` and `issues` list every value
    the filters of `narrow` can take.
    """
    today_text = (today or date.today()).isoformat()
    kept, links = list(elements), list(connections)
    by_id = {e.id: e for e in kept}
    issues = {e.id: e for e in kept if e.kind is Kind.ISSUE}
    partner_issues: dict[str, set[str]] = {e.id: set() for e in kept if e.kind is Kind.PARTNER}
    routes: dict[str, list[dict[str, Any]]] = {p: [] for p in partner_issues}
    for link in links:
        if link.type is RelType.WORKS_ON and link.source in partner_issues and link.target in issues:
            partner_issues[link.source].add(link.target)
        elif link.type is RelType.PARTNERS_WITH and link.target in partner_issues and _current(link.props, today_text):
            routes[link.target].append(_route(by_id[link.source]))
            partner_issues[link.target].update(i for i in link.props.get("issues") or () if i in issues)

    partners = []
    for pid in sorted(partner_issues, key=lambda p: (by_id[p].name.casefold(), p)):
        e = by_id[pid]
        entry: dict[str, Any] = {"id": pid, "name": e.name, "kind": "partner"}
        entry.update({k: e.props[k] for k in PUBLIC_FACTS if e.props.get(k) not in (None, "")})
        entry["website"] = safe_url(e.props.get("website"))
        entry["issues"] = [{"id": i, "name": issues[i].name}
                           for i in sorted(partner_issues[pid], key=lambda i: (issues[i].name.casefold(), i))]
        entry["routes"] = sorted(routes[pid], key=lambda r: (r["affiliate"]["name"].casefold(), r["affiliate"]["id"]))
        partners.append(entry)
    issue_list = [{"id": i, "name": issues[i].name} for i in sorted(issues, key=lambda i: (issues[i].name.casefold(), i))]
    regions = sorted({p.get("region") or NO_REGION for p in partners}, key=str.casefold)
    return _grouped({"filters": {"region": None, "issue": None}, "regions": regions, "issues": issue_list,
                     "partners": partners})


def narrow(directory: dict[str, Any], *, region: str | None = None, issue: str | None = None) -> dict[str, Any]:
    """Return the directory with only the partners of `region` (a name) and working on `issue` (an id)."""
    partners = [p for p in directory["partners"]
                if (region is None or (p.get("region") or NO_REGION) == region)
                and (issue is None or any(i["id"] == issue for i in p["issues"]))]
    return _grouped({**directory, "filters": {"region": region, "issue": issue}, "partners": partners})


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
