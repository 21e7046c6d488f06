"""The organisation-level overview: people folded into the links between the organisations they join.

The graph view opens on this picture (docs/viewer.md#the-graph): affiliates and partners, one
edge between two organisations when someone is currently a member or a holder of both ("3 people
link these"), or when they have a formal partnership (PARTNERS_WITH). Issues join only when
asked, by their WORKS_ON links. Pure functions on the analysis graph of
`partnergraph.analysis.graph`.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import networkx as nx

from partnergraph.schema import ORGANISATION_SLUGS, RELATIONSHIPS, RelType, types_with_role

# The relationships that put a person at an organisation (MEMBER_OF, HOLDS), in schema table
# order: a person both holding and a member of one organisation is shown by the first.
_ATTACHMENTS = types_with_role("attachment")
_FORMAL, _TOPIC = RelType.PARTNERS_WITH.value, RelType.WORKS_ON.value
_SUMMARY_FIELDS = ("type", "region", "country", "status")


def _current(relation: dict[str, Any]) -> bool:
    return not relation.get("until")


def _attachments(graph: nx.Graph, person: str, keep: Callable[[str], bool]) -> dict[str, str]:
    """Return the organisations `person` is currently attached to, with the type that attaches them."""
    found: dict[str, str] = {}
    for org in graph.neighbors(person):
        if graph.nodes[org].get("kind") not in ORGANISATION_SLUGS or not keep(org):
            continue
        types = {r["type"] for r in graph.edges[person, org]["relations"] if r["type"] in _ATTACHMENTS and _current(r)}
        for name in _ATTACHMENTS:
            if name in types:
                found[org] = name
                break
    return found


def organisation_overview(graph: nx.Graph, *, issues: bool = False,
                          keep: Callable[[str], bool] | None = None) -> nx.Graph:
    """Return the organisations of `graph` with people folded into the edges between them.

    Nodes are the affiliates and partners that `keep` accepts (and, with `issues`, the issues),
    with their name, kind, type, region, country and status, and `people`: how many people are
    currently attached to them (members or holders). An edge joins two organisations that

    - have a formal partnership (its `types` include PARTNERS_WITH, `partnership` holds the
      relationship's properties), and/or
    - share people: someone currently a member or holder of both. `people` maps each such person
      to the type that attaches them at each end (``{org: type name}``: a membership or a hold), and `types` include
      those attachment types.

    With `issues`, an organisation and an issue it works on are joined by a WORKS_ON edge.
    Ended memberships and holds (an `until`) do not link organisations. Every node gets `ties`:
    its number of edges in the overview.
    """
    accept = keep or (lambda node: True)
    kinds = set(ORGANISATION_SLUGS) | ({"issue"} if issues else set())
    overview = nx.Graph()
    for node, data in graph.nodes(data=True):
        if data.get("kind") in kinds and accept(node):
            attrs = {"name": data["name"], "kind": data["kind"], "people": 0}
            attrs.update({k: data[k] for k in _SUMMARY_FIELDS if data.get(k) not in (None, "")})
            overview.add_node(node, **attrs)

    def link(u: str, v: str) -> dict[str, Any]:
        if not overview.has_edge(u, v):
            overview.add_edge(u, v, types=set(), people={})
        return overview.edges[u, v]

    for node, kind in graph.nodes(data="kind"):
        if kind == "contact":
            attached = _attachments(graph, node, lambda org: org in overview)
            for org in attached:
                overview.nodes[org]["people"] += 1
            for u, v in combinations(sorted(attached), 2):
                edge = link(u, v)
                edge["people"][node] = {u: attached[u], v: attached[v]}
                edge["types"].update((attached[u], attached[v]))
        elif node in overview:
            for other in graph.neighbors(node):
                if other not in overview or other < node:
                    continue  # each pair once
                for relation in graph.edges[node, other]["relations"]:
                    if relation["type"] == _FORMAL or relation["type"] == _TOPIC:
                        edge = link(node, other)
                        edge["types"].add(relation["type"])
                        if relation["type"] == _FORMAL:
                            edge["partnership"] = {k: v for k, v in relation.items() if k not in ("type", "from", "to")}
    order = {spec.name: i for i, spec in enumerate(RELATIONSHIPS.values())}
    for _, _, data in overview.edges(data=True):
        data["types"] = sorted(data["types"], key=order.__getitem__)
    for node in overview:
        overview.nodes[node]["ties"] = overview.degree(node)
    return overview


def overview_communities(overview: nx.Graph, *, seed: int = 0) -> dict[str, int]:
    """Return a community number per node of an overview (Louvain, seeded; 0 is the largest community).

    Edges weigh one per person they fold plus two for a formal partnership, so organisations
    that share many people fall together.
    """
    weighted = nx.Graph()
    weighted.add_nodes_from(sorted(overview))
    for u, v, data in overview.edges(data=True):
        weighted.add_edge(u, v, weight=len(data["people"]) + (2 if _FORMAL in data["types"] else 0) or 1)
    found = nx.community.louvain_communities(weighted, weight="weight", seed=seed)
    ranked = sorted(found, key=lambda c: (-len(c), min(c)))
    return {node: number for number, members in enumerate(ranked) for node in members}
