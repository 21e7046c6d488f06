"""Coverage: on which issue, in which region, the movement has active partners, and where it has none."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from partnergraph.analysis.graph import node_summary
from partnergraph.analysis.org_types import of_types, wanted_types
from partnergraph.schema import ORGANISATION_SLUGS


def _regions(graph: nx.Graph) -> list[str]:
    return sorted({str(r) for n, r in graph.nodes(data="region")
                   if r and graph.nodes[n]["kind"] in ORGANISATION_SLUGS})


def coverage(graph: nx.Graph, *, statuses: Iterable[str] = ("active",),
             regions: Iterable[str] | None = None, types: Iterable[str] = ()) -> dict[str, Any]:
    """Return the issue x region matrix of partners (of `statuses`) working on each issue, and the gaps.

    Regions are those of the graph's organisations unless `regions` lists them. A partner counts
    for an issue when it WORKS_ON it. With `types`, only partners of those organisation types
    count (`org_types.of_types`: "museum" finds the `glam` ones). Each gap names the affiliates
    of that region working on the issue (they could look for a partner there) and the partners
    of other statuses (of those types) that exist.
    """
    wanted = {s.casefold() for s in statuses}
    types = list(types)
    typed = of_types(graph, types) if types else None
    region_list = sorted(set(regions)) if regions is not None else _regions(graph)
    issues = sorted(n for n, k in graph.nodes(data="kind") if k == "issue")
    cells, gaps = [], []
    for issue in issues:
        row: dict[str, dict[str, list[str]]] = {r: {"partner": [], "other": [], "affiliate": []} for r in region_list}
        for org in graph.neighbors(issue):
            data = graph.nodes[org]
            region = data.get("region")
            if region not in row:
                continue
            if data["kind"] == "affiliate":
                row[region]["affiliate"].append(org)
            elif data["kind"] == "partner" and (typed is None or org in typed):
                active = str(data.get("status") or "").casefold() in wanted
                row[region]["partner" if active else "other"].append(org)
        for region in region_list:
            found = {k: sorted(v) for k, v in row[region].items()}
            cells.append({"issue": issue, "region": region, "count": len(found["partner"]), "partners": found["partner"]})
            if not found["partner"]:
                gaps.append({"issue": node_summary(graph, issue), "region": region,
                             "affiliates_here": [node_summary(graph, a) for a in found["affiliate"]],
                             "other_partners_here": [{**node_summary(graph, p), "status": graph.nodes[p].get("status")}
                                                     for p in found["other"]]})
    return {"statuses": sorted(wanted), "types": sorted(wanted_types(graph, types)),
            "issues": [node_summary(graph, i) for i in issues], "regions": region_list, "matrix": cells, "gaps": gaps}
