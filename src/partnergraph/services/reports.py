"""Printable reports: a partner's dossier and the risks report, built once for the CLI and the viewer.

`Reports.partner` and `Reports.risks` return plain JSON-like data; `render` turns it into HTML or
Markdown (`partnergraph.io.reports`). Nothing here defines what is held, stale or at risk: it
asks `analysis.relationships` (holders, risks), `analysis.contact_of_record` (contacts of
record, routes) and the introduction paths. A reader who may not see personal data gets the
report through `privacy.redact`, with path sentences said without private tie properties.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.contact_of_record import affiliates_of, contacts_of_record, routes
from partnergraph.analysis.graph import node_summary, relations, resolve
from partnergraph.analysis.relationships import OVERLOAD, STALE_MONTHS, holder_warnings, holders, relationship_risks
from partnergraph.config import package_root
from partnergraph.io import reports as rendering
from partnergraph.model import RelType, WrongKind
from partnergraph.services import history as histories
from partnergraph.services.cache import GraphCache
from partnergraph.services.options import Options, PathQuery, bounded, choice
from partnergraph.services.privacy import redact
from partnergraph.services.questions import Questions
from partnergraph.store import GraphStore

FORMATS = rendering.FORMATS
HISTORY_LIMIT = 20  # the newest changes a dossier lists: a page, not the archive (the viewer has the rest)
PATHS_PER_AFFILIATE = 2  # the warmest and one alternative: a dossier fits on a page
NO_REGION = "No region"
# Stale personal ties (KNOWS) a region lists, oldest first; stale holds are always all listed. A
# printed page of a hundred lapsed acquaintances hides the partnerships; `risks` lists them all.
STALE_TIES_PER_REGION = 10
# The partner facts a dossier shows in its header, in this order (others stay on the element page).
PARTNER_FACTS = ("status", "type", "country", "region", "website", "public", "tags", "aliases")


@dataclass(frozen=True)
class PartnerReportQuery(Options):
    """A partner's dossier: whose people's paths to show (`source`: an affiliate), as of which day."""

    partner: str
    source: str | None = None
    today: date | None = None
    stale_months: int = bounded(STALE_MONTHS, 0)
    personal: bool = True


@dataclass(frozen=True)
class RisksReportQuery(Options):
    """The risks report, for one affiliate (`affiliate`) or the whole network."""

    affiliate: str | None = None
    today: date | None = None
    stale_months: int = bounded(STALE_MONTHS, 0)
    overload: int = bounded(OVERLOAD, 1)
    personal: bool = True


@dataclass(frozen=True)
class RenderQuery(Options):
    """How to print a report."""

    format: str = choice("html", FORMATS)


def render(report: dict[str, Any], query: RenderQuery) -> str:
    """Return a report (from `Reports.partner` or `Reports.risks`) as a standalone HTML page or Markdown."""
    return rendering.render(report, query.format, web=package_root() / "web")


def _affiliate(graph: nx.Graph, ref: str) -> str:
    node = resolve(graph, ref)
    if graph.nodes[node]["kind"] != "affiliate":
        raise WrongKind(f"{ref!r} is a {graph.nodes[node]['kind']}, not an affiliate")
    return node


def _partnering(graph: nx.Graph, partner: str) -> list[str]:
    """Return the affiliates with a partnership (any status) with `partner`, sorted."""
    return sorted(a for a in graph.neighbors(partner)
                  if graph.nodes[a]["kind"] == "affiliate" and relations(graph, a, partner, RelType.PARTNERS_WITH))


def _about(edit: dict[str, Any], partner: str) -> bool:
    if edit["what"] == "element":
        return edit["id"] == partner
    return partner in (edit["from"], edit["to"])


class Reports:
    """The partner dossier and the risks report over one store."""

    def __init__(self, store: GraphStore, cache: GraphCache, questions: Questions):
        self.store = store
        self.cache = cache
        self.questions = questions

    def _footer(self, today: date) -> dict[str, str]:
        # The store's URL never carries a password (the stores clean it), so it may be printed.
        return {"as_of": today.isoformat(), "store": self.store.url}

    def partner(self, query: PartnerReportQuery) -> dict[str, Any]:
        """Return a partner's dossier: facts, contacts of record, holders, affiliates, issues, offers, history, paths."""
        today = query.today or date.today()
        graph = self.cache.graph()
        node = resolve(graph, query.partner)
        if graph.nodes[node]["kind"] != "partner":
            raise WrongKind(f"{query.partner!r} is a {graph.nodes[node]['kind']}, not a partner")
        data = graph.nodes[node]
        found = holders(graph, node, today=today, stale_months=query.stale_months)
        records = [{**c, "affiliate_name": graph.nodes[c["affiliate"]]["name"] if c["affiliate"] else None}
                   for c in contacts_of_record(graph, node, today=today)]
        sources = [_affiliate(graph, query.source)] if query.source else _partnering(graph, node)
        report = {
            "report": "partner", **self._footer(today), "stale_months": query.stale_months,
            "partner": {**node_summary(graph, node), **{k: data[k] for k in PARTNER_FACTS if data.get(k) not in
                                                        (None, "", [])}, "notes": data.get("notes")},
            "offers": list(data.get("offers") or []), "looks_for": list(data.get("looks_for") or []),
            "contact_of_record": records, "holders": found,
            "warnings": holder_warnings(found, stale_months=query.stale_months),
            "affiliates": self._involved(graph, node, today),
            "issues": sorted((node_summary(graph, i) for i in graph.neighbors(node)
                              if graph.nodes[i]["kind"] == "issue"), key=lambda i: i["name"].casefold()),
            "history": self._history(node),
            "paths_from": [node_summary(graph, a) for a in sources],
            "paths": [self._paths(a, node, today, personal=query.personal) for a in sources],
        }
        return report if query.personal else redact(report)

    def _involved(self, graph: nx.Graph, partner: str, today: date) -> list[dict[str, Any]]:
        """Return the affiliates involved with `partner`: by partnership, contact of record or holders."""
        found = {r["affiliate"]: {**node_summary(graph, r["affiliate"]), "via": r["via"], "people": r["people"]}
                 for r in routes(graph, partner, today=today)}
        for affiliate in _partnering(graph, partner):
            entry = found.setdefault(affiliate, {**node_summary(graph, affiliate), "via": "partnership (ended)",
                                                 "people": 0})
            ties = relations(graph, affiliate, partner, RelType.PARTNERS_WITH)
            entry["partnership"] = {k: ties[0][k] for k in ("status", "since", "until") if ties[0].get(k)}
            entry["partnership"]["issues"] = [graph.nodes[i]["name"] if i in graph else i
                                              for i in ties[0].get("issues") or []]
        return list(found.values())

    def _history(self, partner: str) -> list[dict[str, Any]]:
        """Return the newest changes to the partner and its ties, and logged interactions, for people."""
        found = histories.history(self.store, partner, limit=HISTORY_LIMIT)
        names = found["names"]
        entries = []
        for change in found["changes"]:
            edits = []
            for edit in change["edits"]:
                if not _about(edit, partner):
                    continue  # an import's other rows: not this partner's story
                what = (edit["name"] if edit["what"] == "element" else
                        f"{names.get(edit['from'], edit['from'])} {edit['type']} {names.get(edit['to'], edit['to'])}")
                fields = [{**f, "before": _said(f["before"]), "after": _said(f["after"])} for f in edit["fields"]]
                edits.append({"op": edit["op"], "what": what, "fields": fields})
            entries.append({"seq": change["seq"], "at": change["at"], "author": change["author"],
                            "action": change["action"], "comment": change["comment"], "source": change["source"],
                            "edits": edits})
        return entries

    def _paths(self, source: str, target: str, today: date, *, personal: bool, avoid: tuple[str, ...] = (),
               k: int = PATHS_PER_AFFILIATE) -> dict[str, Any]:
        return self.questions.path(PathQuery(source=source, target=target, warm=True, k=k, avoid=avoid,
                                             today=today, personal=personal))

    def risks(self, query: RisksReportQuery) -> dict[str, Any]:
        """Return the partners at risk, stale ties and overloaded holders by region, each with a next step.

        Kept per store version: its next steps are a path search per partner at risk (seconds on
        a network of 20,000 people), and a print view is often loaded twice.
        """
        today = query.today or date.today()
        key = (query.affiliate, today, query.stale_months, query.overload, query.personal)
        return self.cache.memo("reports", key, lambda: self._risks(query, today))

    def _risks(self, query: RisksReportQuery, today: date) -> dict[str, Any]:
        graph = self.cache.graph()
        affiliate = _affiliate(graph, query.affiliate) if query.affiliate else None
        found = relationship_risks(graph, today=today, stale_months=query.stale_months, overload=query.overload)
        mine = self._scope(graph, affiliate, today)
        labels: dict[str, list[str]] = {}
        for key, label in (("unheld_partners", "held by nobody"), ("single_holder_partners", "held by one person"),
                           ("dormant_partners", "dormant")):
            for entry in found[key]:
                if mine is None or entry["id"] in mine:
                    text = label if key != "dormant_partners" else f"dormant ({entry['reason']})"
                    if key == "single_holder_partners":
                        text = f"held by one person: {entry['holder']['name']}"
                    labels.setdefault(entry["id"], []).append(text)
        regions: dict[str, dict[str, list[dict[str, Any]]]] = {}

        def region_of(node: str) -> dict[str, list[dict[str, Any]]]:
            name = graph.nodes[node].get("region") or NO_REGION
            return regions.setdefault(name, {"partners": [], "stale_ties": [], "more_stale_ties": 0,
                                             "overloaded_holders": []})

        for partner in sorted(labels, key=lambda p: (graph.nodes[p]["name"].casefold(), p)):
            region_of(partner)["partners"].append({
                **node_summary(graph, partner), "status": graph.nodes[partner].get("status"),
                "risks": labels[partner], "next_step": self._partner_step(graph, partner, affiliate, today, query)})
        # Lapsed holds first (partnerships), then personal ties; each longest without contact first.
        for tie in sorted(found["stale_ties"], key=lambda t: t["type"] != RelType.HOLDS):
            ends = (tie["from"]["id"], tie["to"]["id"])
            if mine is not None and not (set(ends) & mine):
                continue
            holds = tie["type"] == RelType.HOLDS
            here = region_of(ends[1] if holds else ends[0])
            if not holds and sum(t["type"] == RelType.KNOWS for t in here["stale_ties"]) >= STALE_TIES_PER_REGION:
                here["more_stale_ties"] = here.get("more_stale_ties", 0) + 1
                continue
            here["stale_ties"].append({**tie, "next_step": self._tie_step(graph, tie, today, query)})
        for person in found["overloaded_holders"]:
            if mine is not None and person["id"] not in mine:
                continue
            region_of(person["id"])["overloaded_holders"].append({**person, "next_step": self._handover(graph, person)})
        ordered = sorted(regions.items(), key=lambda item: (item[0] == NO_REGION, item[0].casefold()))
        report = {
            "report": "risks", **self._footer(today), "stale_months": query.stale_months, "overload": query.overload,
            "for": node_summary(graph, affiliate) if affiliate else None,
            "counts": {"partners": sum(len(r["partners"]) for _, r in ordered),
                       "stale_ties": sum(len(r["stale_ties"]) + r["more_stale_ties"] for _, r in ordered),
                       "overloaded_holders": sum(len(r["overloaded_holders"]) for _, r in ordered)},
            "regions": [{"region": name, **found_here} for name, found_here in ordered],
        }
        return report if query.personal else redact(report)

    def _scope(self, graph: nx.Graph, affiliate: str | None, today: date) -> set[str] | None:
        """Return the partners and people an affiliate's report covers (None: the whole network).

        Its partners (a partnership, or a route through its contact of record or holders) and
        its current members.
        """
        if affiliate is None:
            return None
        scope = set(_members(graph, affiliate, today))
        for node, kind in graph.nodes(data="kind"):
            if kind == "partner" and any(r["affiliate"] == affiliate for r in routes(graph, node, today=today)):
                scope.add(node)
        scope.update(p for p in graph.neighbors(affiliate) if graph.nodes[p]["kind"] == "partner"
                     and relations(graph, affiliate, p, RelType.PARTNERS_WITH))
        return scope

    def _partner_step(self, graph: nx.Graph, partner: str, affiliate: str | None, today: date,
                      query: RisksReportQuery) -> dict[str, Any]:
        """Return who could take a partner over and through whom: the warmest path from an affiliate's people.

        A path avoids the partner's current holders (they hold it already); when no affiliate's
        people reach it otherwise, the step says to ask a holder to bring in a colleague.
        """
        held = holders(graph, partner, today=today, stale_months=query.stale_months)
        current = [h for h in held if not h["until"]]
        sources = [affiliate] if affiliate else _partnering(graph, partner)
        if not sources:  # no partnership: the holders' own affiliates are the ones involved
            sources = sorted({a for h in current for a in affiliates_of(graph, h["id"], today=today)})
        avoid = tuple(h["id"] for h in current)
        best: dict[str, Any] | None = None
        for source in sources:
            found = self._paths(source, partner, today, personal=query.personal, avoid=avoid, k=1)
            for path in found["paths"]:
                if best is None or path["cost"] < best["cost"]:
                    best = path
        if best is not None:
            people = [n for n in best["nodes"] if n["kind"] == "contact"] or [best["nodes"][0]]
            who, through = people[0], people[1:]
            text = f"{who['name']} could take it on" + (
                f", introduced through {', '.join(p['name'] for p in through)}" if through else ", directly")
            return {"text": text, "who": who, "through": through, "warmth": best["warmth"], "path": best}
        if current:
            holder = current[0]
            where = ", ".join(a["name"] for a in holder["affiliates"]) or "their organisation"
            return {"text": f"Ask {holder['name']} to bring in a colleague from {where}", "who": None,
                    "through": [node_summary(graph, holder["id"])]}
        if not sources:
            return {"text": "No affiliate partners with it and nobody holds it: decide whether to revive or close it",
                    "who": None, "through": []}
        names = ", ".join(graph.nodes[s]["name"] for s in sources)
        return {"text": f"No one at {names} reaches it: look for an introduction", "who": None, "through": []}

    def _tie_step(self, graph: nx.Graph, tie: dict[str, Any], today: date,
                  query: RisksReportQuery) -> dict[str, Any]:
        """Return the next step on a stale tie: renew it, or let a fresher holder of the partner carry it."""
        person, other = tie["from"], tie["to"]
        if tie["type"] == RelType.HOLDS:
            fresh = [h for h in holders(graph, other["id"], today=today, stale_months=query.stale_months)
                     if not h["stale"] and h["id"] != person["id"]]
            if fresh:
                return {"text": f"{fresh[0]['name']} is in touch with {other['name']}: let them carry it, "
                                f"or {person['name']} renews contact", "who": node_summary(graph, fresh[0]["id"]),
                        "through": []}
        return {"text": f"{person['name']} to get back in touch with {other['name']}", "who": person, "through": []}

    def _handover(self, graph: nx.Graph, person: dict[str, Any]) -> dict[str, Any]:
        """Return the next step for an overloaded holder: hand over what they hold alone, to colleagues."""
        alone = person["held_by_them_alone"]
        where = ", ".join(graph.nodes[a]["name"] for a in affiliates_of(graph, person["id"])) or "their organisation"
        if not alone:
            return {"text": f"Share the load: bring colleagues from {where} into some of {person['name']}'s "
                            "partnerships", "who": None, "through": [person]}
        names = ", ".join(p["name"] for p in alone)
        return {"text": f"Hand over what {person['name']} holds alone ({names}) to colleagues from {where}",
                "who": None, "through": [person]}


def _said(value: Any) -> str:
    """Return a field's value as a report prints it: lists joined, yes/no, a dash for nothing."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _members(graph: nx.Graph, affiliate: str, today: date) -> list[str]:
    return [p for p in graph.neighbors(affiliate)
            if graph.nodes[p]["kind"] == "contact" and affiliate in affiliates_of(graph, p, today=today)]
