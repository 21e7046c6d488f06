"""Brokers: people whose ties hold the network together, and what would be lost without them.

Reachability here runs over relationships between people and organisations (KNOWS, HOLDS,
MEMBER_OF): an affiliate reaches a partner through its members' ties. Issues and formal
partnerships between organisations are not ties anyone can use to make an introduction.

- **Structural holes** (Burt): a person's *effective size* is the number of their contacts minus
  the redundancy among them; *constraint* is high when all contacts know each other (no
  brokerage) and low when the person bridges otherwise separate contacts.
- **Cut points**: articulation points (a person whose absence splits the network) and bridges
  (a tie whose loss does), each with the partners and organisations it would cut off.
- **Connectors**: people whose ties span several regions or issues.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

import networkx as nx

from partnergraph.analysis.graph import node_summary
from partnergraph.model import UnknownNode
from partnergraph.schema import ORGANISATION_SLUGS, PATH_TYPES

TIE_TYPES = PATH_TYPES  # the ties people can use are those introduction paths use (partnergraph.schema)
ORGANISATION_KINDS = ORGANISATION_SLUGS


def tie_graph(graph: nx.Graph, types: tuple[str, ...] = TIE_TYPES) -> nx.Graph:
    """Return a read-only view of people and organisations joined by the ties people can use."""
    allowed = set(types)

    def keep_node(n: str) -> bool:
        return graph.nodes[n]["kind"] != "issue"

    def keep_edge(u: str, v: str) -> bool:
        return any(r["type"] in allowed for r in graph.edges[u, v]["relations"])

    return nx.subgraph_view(graph, filter_node=keep_node, filter_edge=keep_edge)


def burt(graph: nx.Graph, nodes: Iterable[Any] | None = None) -> dict[Any, tuple[float, float]]:
    """Return (constraint, effective size) of `nodes` (all when None) of an unweighted graph.

    The values of `nx.constraint` and `nx.effective_size`, computed from neighbour-set
    intersections: NetworkX re-sums a neighbour's whole neighbourhood for every pair, which takes
    hours when people are members of organisations with thousands of members. An isolated node
    has NaN for both, as in NetworkX.
    """
    adjacency = {n: set(graph[n]) - {n} for n in graph}
    result = {}
    for v in graph if nodes is None else nodes:
        around = adjacency[v]
        d = len(around)
        if d == 0:
            result[v] = (math.nan, math.nan)
            continue
        constraint, shared = 0.0, 0
        for j in around:
            common = around & adjacency[j]  # the contacts of v that j also knows
            shared += len(common)
            indirect = sum(1 / len(adjacency[q]) for q in common)
            constraint += ((1 + indirect) / d) ** 2
        # `shared` counts each tie among v's contacts twice: effective size = d - 2t/d.
        result[v] = (constraint, d - shared / d)
    return result


def structural_holes(graph: nx.Graph, *, kind: str | None = "contact") -> dict[str, dict[str, float | None]]:
    """Return Burt's constraint and effective size of every node of `kind` (all nodes when None).

    Computed on the tie graph, unweighted; an isolated person has neither (None).
    """
    ties = nx.Graph(tie_graph(graph))
    nodes = [n for n in ties if kind is None or ties.nodes[n]["kind"] == kind]
    return {n: {"constraint": None if math.isnan(c) else c, "effective_size": None if math.isnan(e) else e}
            for n, (c, e) in burt(ties, nodes).items()}


def _partners(graph: nx.Graph, nodes: set[str]) -> list[str]:
    return sorted(n for n in nodes if graph.nodes[n]["kind"] == "partner")


def _cut_off_sizes(ties: nx.Graph) -> dict[str, tuple[int, int]]:
    """Return, per articulation point, the elements and partners its removal cuts from the largest piece.

    One pass over the block-cut tree (biconnected blocks joined at cut points), so that large
    networks with thousands of cut points are answered in linear time.
    """
    result: dict[str, tuple[int, int]] = {}
    for component in nx.connected_components(ties):
        if len(component) < 3:
            continue
        sub = ties.subgraph(component)
        blocks = [set(b) for b in nx.biconnected_components(sub)]
        cuts = set(nx.articulation_points(sub))
        if not cuts:
            continue
        tree = nx.Graph()
        weight: dict[Any, tuple[int, int]] = {}
        for i, block in enumerate(blocks):
            own = block - cuts
            weight[("b", i)] = (len(own), sum(1 for n in own if ties.nodes[n]["kind"] == "partner"))
            for c in block & cuts:
                tree.add_edge(("b", i), ("c", c))
        for c in cuts:
            weight[("c", c)] = (1, int(ties.nodes[c]["kind"] == "partner"))
        root = next(iter(tree))
        below: dict[Any, tuple[int, int]] = {}
        parent = {root: None}
        order = list(nx.dfs_preorder_nodes(tree, root))
        for node in order:
            for nb in tree[node]:
                if nb not in parent:
                    parent[nb] = node
        for node in reversed(order):
            size, partners = weight[node]
            for nb in tree[node]:
                if parent.get(nb) == node:
                    size, partners = size + below[nb][0], partners + below[nb][1]
            below[node] = (size, partners)
        total = below[root]
        for node in order:
            if node[0] != "c":
                continue
            pieces = [below[nb] for nb in tree[node] if parent.get(nb) == node]
            if parent[node] is not None:
                pieces.append((total[0] - below[node][0], total[1] - below[node][1]))
            pieces.sort(reverse=True)
            lost = pieces[1:]  # everything but the largest piece
            result[node[1]] = (sum(p[0] for p in lost), sum(p[1] for p in lost))
    return result


def consequences(graph: nx.Graph, removed: str) -> dict[str, Any]:
    """Return what `removed` leaving would cut off: partners each affiliate could no longer reach.

    The answer lists the pieces its component falls into without it, and for every affiliate the
    partners it reached before and would not reach after.
    """
    if removed not in graph:
        raise UnknownNode(f"no element with id {removed!r}")
    return _consequences(graph, tie_graph(graph), removed)


def _consequences(graph: nx.Graph, ties: nx.Graph, removed: str) -> dict[str, Any]:
    if removed not in ties:
        return {"pieces": [], "unreachable": []}
    component = nx.node_connected_component(ties, removed) - {removed}
    rest = nx.subgraph_view(ties, filter_node=lambda n: n != removed and n in component)
    pieces = sorted((set(p) for p in nx.connected_components(rest)), key=lambda p: (-len(p), min(p)))
    piece_of = {n: i for i, p in enumerate(pieces) for n in p}
    all_partners = set(_partners(graph, component))
    unreachable = []
    for affiliate in sorted(n for n in component if graph.nodes[n]["kind"] == "affiliate"):
        lost = sorted(all_partners - pieces[piece_of[affiliate]])
        if lost:
            unreachable.append({"affiliate": node_summary(graph, affiliate),
                                "partners": [node_summary(graph, p) for p in lost]})
    return {
        "pieces": [{"size": len(p), "partners": [node_summary(graph, n) for n in _partners(graph, p)]} for p in pieces],
        "unreachable": unreachable,
    }


def _sentence(graph: nx.Graph, removed: str, unreachable: list[dict[str, Any]]) -> str:
    name = graph.nodes[removed]["name"]
    if not unreachable:
        return f"without {name}, every affiliate still reaches every partner it reached before"
    # Affiliates that lose the same partners are named together.
    groups: dict[tuple[str, ...], list[str]] = {}
    for entry in unreachable:
        key = tuple(p["name"] for p in entry["partners"])
        groups.setdefault(key, []).append(entry["affiliate"]["name"])
    parts = []
    for partners, affiliates in sorted(groups.items(), key=lambda g: (-len(g[0]), g[0])):
        shown = ", ".join(partners[:5]) + (f" and {len(partners) - 5} more" if len(partners) > 5 else "")
        who = ", ".join(affiliates[:3]) + (f" and {len(affiliates) - 3} more affiliates" if len(affiliates) > 3 else "")
        verb = "becomes" if len(partners) == 1 else "become"
        parts.append(f"{shown} {verb} unreachable from {who}")
    return f"without {name}, " + "; ".join(parts)


def cut_points(graph: nx.Graph, *, kind: str | None = "contact", top: int | None = 10) -> list[dict[str, Any]]:
    """Return the articulation points of `kind`, those cutting off most partners first, with consequences."""
    ties = nx.Graph(tie_graph(graph))  # a plain copy: walking nested filtered views is slow at scale
    sizes = _cut_off_sizes(ties)
    ranked = sorted(((n, s) for n, s in sizes.items() if kind is None or graph.nodes[n]["kind"] == kind),
                    key=lambda item: (-item[1][1], -item[1][0], item[0]))
    result = []
    for node, (elements, partners) in ranked[:top] if top is not None else ranked:
        found = _consequences(graph, ties, node)
        result.append({**node_summary(graph, node), "cut_off_elements": elements, "cut_off_partners": partners,
                       "unreachable": found["unreachable"], "why": _sentence(graph, node, found["unreachable"])})
    return result


def bridges(graph: nx.Graph, *, top: int | None = 10) -> list[dict[str, Any]]:
    """Return the ties whose loss splits the network, those cutting off most partners first.

    Each bridge names the side it cuts off (the smaller side) and the partners on it. Side sizes
    come from one depth-first pass (a bridge is a tree edge; its child's side is the subtree), so
    only the bridges reported are walked again to list their partners.
    """
    ties = nx.Graph(tie_graph(graph))
    is_partner = {n: int(graph.nodes[n]["kind"] == "partner") for n in ties}
    sizes: dict[tuple[str, str], tuple[int, int, int, str]] = {}
    for component in nx.connected_components(ties):
        if len(component) < 2:
            continue
        sub = ties.subgraph(component)
        found = list(nx.bridges(sub))
        if not found:
            continue
        root = min(component)
        parent: dict[str, str] = {}
        order = [root]
        for p, c in nx.dfs_edges(sub, root):
            parent[c] = p
            order.append(c)
        below = {n: (1, is_partner[n]) for n in component}
        for node in reversed(order[1:]):
            up = parent[node]
            below[up] = (below[up][0] + below[node][0], below[up][1] + below[node][1])
        total = below[root]
        for u, v in found:
            child = v if parent.get(v) == u else u
            inside, outside = below[child], (total[0] - below[child][0], total[1] - below[child][1])
            # The cut-off side is the smaller one: the child's subtree, or everything else.
            small, at = (inside, child) if inside[0] <= outside[0] else (outside, u if child == v else v)
            sizes[(u, v)] = (small[1], small[0], len(component), at)
    ranked = sorted(sizes.items(), key=lambda item: (-item[1][0], -item[1][1], tuple(sorted(item[0]))))
    result = []
    for (u, v), (_, elements, _, at) in ranked[:top] if top is not None else ranked:
        side = set(nx.node_connected_component(
            nx.subgraph_view(ties, filter_edge=lambda x, y, u=u, v=v: {x, y} != {u, v}), at))
        a, b = sorted((u, v))
        types = sorted({r["type"] for r in graph.edges[u, v]["relations"] if r["type"] in TIE_TYPES})
        result.append({"from": node_summary(graph, a), "to": node_summary(graph, b), "types": types,
                       "cut_off_side": node_summary(graph, at), "cut_off_elements": elements,
                       "cut_off_partners": [node_summary(graph, p) for p in _partners(graph, side)]})
    return result


def organisation_issues(graph: nx.Graph, organisation: str) -> set[str]:
    """Return the issues an organisation works on."""
    return {n for n in graph.neighbors(organisation) if graph.nodes[n]["kind"] == "issue"}


def connectors(graph: nx.Graph, *, top: int | None = 10) -> dict[str, list[dict[str, Any]]]:
    """Return the people whose ties span most regions, and those spanning most issues.

    A person's regions are their own and those of everyone and every organisation they are tied
    to; their issues are those of the organisations they are members of or hold.
    """
    ties = tie_graph(graph)
    # An organisation has many members: look its issues up once, not once per member.
    org_issues = {o: organisation_issues(graph, o) for o, k in graph.nodes(data="kind") if k in ORGANISATION_KINDS}
    by_region, by_issue = [], []
    for person in sorted(n for n in ties if graph.nodes[n]["kind"] == "contact"):
        regions: Counter[str] = Counter()
        issues: Counter[str] = Counter()
        own = graph.nodes[person].get("region")
        if own:
            regions[own] += 1
        for other in ties.neighbors(person):
            region = graph.nodes[other].get("region")
            if region:
                regions[region] += 1
            if graph.nodes[other]["kind"] in ORGANISATION_KINDS:
                for issue in org_issues[other]:
                    issues[issue] += 1
        entry = node_summary(graph, person)
        if len(regions) > 1:
            by_region.append({**entry, "regions": sorted(regions), "count": len(regions)})
        if len(issues) > 1:
            by_issue.append({**entry, "issues": [node_summary(graph, i) for i in sorted(issues)], "count": len(issues)})
    by_region.sort(key=lambda e: (-e["count"], e["id"]))
    by_issue.sort(key=lambda e: (-e["count"], e["id"]))
    return {"regions": by_region[:top] if top is not None else by_region,
            "issues": by_issue[:top] if top is not None else by_issue}
