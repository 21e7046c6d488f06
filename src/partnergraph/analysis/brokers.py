"""Brokers: people whose ties hold the network together, and what would be lost without them.

Reachability here runs over relationships between people and organisations (KNOWS, HOLDS,
MEMBER_OF): an affiliate reaches a partner through its members' ties. Issues, events (attendance
is personal data, and a conference is no one's tie) and formal partnerships between organisations
are not ties anyone can use to make an introduction.

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
from partnergraph.analysis.words import plural
from partnergraph.model import UnknownNode
from partnergraph.schema import ORGANISATION_SLUGS, PATH_ROLES, PATH_TYPES

# The ties people can use are those introduction paths use (partnergraph.schema), less attendance:
# an event is no one's tie to keep (two of thousands at a conference need not know each other),
# and attendance is personal data.
TIE_TYPES = tuple(t for t in PATH_TYPES if PATH_ROLES[t] != "attendance")
_NOT_TIED = ("issue", "event")  # kinds that are never a node of the tie graph
ORGANISATION_KINDS = ORGANISATION_SLUGS


def tie_graph(graph: nx.Graph, types: tuple[str, ...] = TIE_TYPES) -> nx.Graph:
    """Return a read-only view of people and organisations joined by the ties people can use."""
    allowed = set(types)

    def keep_node(n: str) -> bool:
        return graph.nodes[n]["kind"] not in _NOT_TIED

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


# What a cut point or a bridge costs, from the sizes of the pieces it leaves: (elements, partners,
# affiliates) per piece. Before, every affiliate of the component reached every partner of it;
# after, only those of its own piece. The reported numbers and the sentences come from the same
# pieces (`_unreachable`), and tests/test_analytics.py checks that the two agree.
Piece = tuple[int, int, int]


def _losses(pieces: list[Piece]) -> tuple[int, int, int, int]:
    """Return (elements cut off, partners some affiliate no longer reaches, affiliates affected, lost pairs)."""
    affiliates, partners = sum(p[2] for p in pieces), sum(p[1] for p in pieces)
    lost_partners = sum(p[1] for p in pieces if affiliates - p[2] > 0)
    affected = sum(p[2] for p in pieces if partners - p[1] > 0)
    pairs = sum(p[2] * (partners - p[1]) for p in pieces)
    elements = sum(sorted((p[0] for p in pieces), reverse=True)[1:])  # everything but the largest piece
    return elements, lost_partners, affected, pairs


def _weight(graph: nx.Graph, nodes: Iterable[str]) -> Piece:
    kinds = [graph.nodes[n]["kind"] for n in nodes]
    return len(kinds), kinds.count("partner"), kinds.count("affiliate")


def _add(a: Piece, b: Piece, sign: int = 1) -> Piece:
    return a[0] + sign * b[0], a[1] + sign * b[1], a[2] + sign * b[2]


def _cut_off_sizes(ties: nx.Graph) -> dict[str, tuple[int, int, int, int]]:
    """Return, per articulation point, what its removal costs (see `_losses`).

    One pass over the block-cut tree (biconnected blocks joined at cut points), so that large
    networks with thousands of cut points are answered in linear time.
    """
    result: dict[str, tuple[int, int, int, int]] = {}
    for component in nx.connected_components(ties):
        if len(component) < 3:
            continue
        sub = ties.subgraph(component)
        blocks = [set(b) for b in nx.biconnected_components(sub)]
        cuts = set(nx.articulation_points(sub))
        if not cuts:
            continue
        tree = nx.Graph()
        weight: dict[Any, Piece] = {}
        for i, block in enumerate(blocks):
            weight[("b", i)] = _weight(ties, block - cuts)
            for c in block & cuts:
                tree.add_edge(("b", i), ("c", c))
        for c in cuts:
            weight[("c", c)] = _weight(ties, [c])
        root = next(iter(tree))
        below: dict[Any, Piece] = {}
        parent = {root: None}
        order = list(nx.dfs_preorder_nodes(tree, root))
        for node in order:
            for nb in tree[node]:
                if nb not in parent:
                    parent[nb] = node
        for node in reversed(order):
            size = weight[node]
            for nb in tree[node]:
                if parent.get(nb) == node:
                    size = _add(size, below[nb])
            below[node] = size
        total = below[root]
        for node in order:
            if node[0] != "c":
                continue
            pieces = [below[nb] for nb in tree[node] if parent.get(nb) == node]
            if parent[node] is not None:
                pieces.append(_add(total, below[node], -1))
            result[node[1]] = _losses(pieces)
    return result


def consequences(graph: nx.Graph, removed: str) -> dict[str, Any]:
    """Return what `removed` leaving would cut off: partners each affiliate could no longer reach.

    The answer lists the pieces its component falls into without it, and for every affiliate the
    partners it reached before and would not reach after.
    """
    if removed not in graph:
        raise UnknownNode(f"no element with id {removed!r}")
    return _consequences(graph, tie_graph(graph), removed)


def _unreachable(graph: nx.Graph, pieces: list[set[str]]) -> list[dict[str, Any]]:
    """Return, for every affiliate in `pieces`, the partners of the other pieces (it reached them all before)."""
    piece_of = {n: i for i, p in enumerate(pieces) for n in p}
    all_partners = set(_partners(graph, set(piece_of)))
    found = []
    for affiliate in sorted(n for n in piece_of if graph.nodes[n]["kind"] == "affiliate"):
        lost = sorted(all_partners - pieces[piece_of[affiliate]])
        if lost:
            found.append({"affiliate": node_summary(graph, affiliate),
                          "partners": [node_summary(graph, p) for p in lost]})
    return found


def _consequences(graph: nx.Graph, ties: nx.Graph, removed: str) -> dict[str, Any]:
    if removed not in ties:
        return {"pieces": [], "unreachable": []}
    component = nx.node_connected_component(ties, removed) - {removed}
    rest = nx.subgraph_view(ties, filter_node=lambda n: n != removed and n in component)
    pieces = sorted((set(p) for p in nx.connected_components(rest)), key=lambda p: (-len(p), min(p)))
    return {
        "pieces": [{"size": len(p), "partners": [node_summary(graph, n) for n in _partners(graph, p)]} for p in pieces],
        "unreachable": _unreachable(graph, pieces),
    }


def _counted(names: list[str], shown: int, noun: str) -> str:
    """Return the first `shown` names, and how many more of `noun` there are."""
    text = ", ".join(names[:shown])
    return text + (f" and {plural(len(names) - shown, 'more ' + noun)}" if len(names) > shown else "")


def loss_numbers(unreachable: list[dict[str, Any]]) -> dict[str, int]:
    """Return the counts of what is lost: partners some affiliate no longer reaches, affiliates affected, pairs."""
    return {"cut_off_partners": len({p["id"] for entry in unreachable for p in entry["partners"]}),
            "affiliates_affected": len(unreachable),
            "lost_pairs": sum(len(entry["partners"]) for entry in unreachable)}


def loss_sentence(without: str, unreachable: list[dict[str, Any]]) -> str:
    """Return what is lost without something, in one sentence whose counts are those of `loss_numbers`.

    Affiliates that lose the same partners are named together; when several groups lose different
    partners, the sentence opens with the totals.
    """
    if not unreachable:
        return f"without {without}, every affiliate still reaches every partner it reached before"
    groups: dict[tuple[str, ...], list[str]] = {}
    for entry in unreachable:
        key = tuple(p["name"] for p in entry["partners"])
        groups.setdefault(key, []).append(entry["affiliate"]["name"])
    ordered = sorted(groups.items(), key=lambda g: (-len(g[0]), g[0]))
    if len(ordered) == 1:
        [(partners, affiliates)] = ordered
        verb = "becomes" if len(partners) == 1 else "become"
        return (f"without {without}, {_counted(list(partners), 5, 'partner')} {verb} unreachable from "
                f"{_counted(affiliates, 3, 'affiliate')}")
    counts = loss_numbers(unreachable)
    parts = [f"{_counted(list(partners), 5, 'partner')} from {_counted(affiliates, 3, 'affiliate')}"
             for partners, affiliates in ordered]
    return (f"without {without}, {plural(counts['cut_off_partners'], 'partner')} "
            f"{'becomes' if counts['cut_off_partners'] == 1 else 'become'} unreachable from "
            f"{plural(counts['affiliates_affected'], 'affiliate')}: " + "; ".join(parts))


def cut_points(graph: nx.Graph, *, kind: str | None = "contact", top: int | None = 10) -> list[dict[str, Any]]:
    """Return the articulation points of `kind`, those losing most affiliate-partner pairs first, with consequences.

    Each names the partners each affiliate would no longer reach (`unreachable`), their counts
    (`loss_numbers`) and one sentence saying so (`why`), all from the same pieces.
    """
    ties = nx.Graph(tie_graph(graph))  # a plain copy: walking nested filtered views is slow at scale
    sizes = _cut_off_sizes(ties)
    ranked = sorted(((n, s) for n, s in sizes.items() if kind is None or graph.nodes[n]["kind"] == kind),
                    key=lambda item: (-item[1][3], -item[1][1], -item[1][0], item[0]))
    result = []
    for node, (elements, *_) in ranked[:top] if top is not None else ranked:
        found = _consequences(graph, ties, node)["unreachable"]
        result.append({**node_summary(graph, node), "cut_off_elements": elements, **loss_numbers(found),
                       "unreachable": found, "why": loss_sentence(graph.nodes[node]["name"], found)})
    return result


def bridges(graph: nx.Graph, *, top: int | None = 10) -> list[dict[str, Any]]:
    """Return the ties whose loss splits the network, those losing most affiliate-partner pairs first.

    Each bridge names the side it cuts off (the smaller side) and the partners on it, and like a
    cut point what each affiliate would no longer reach, with its counts and sentence. Side sizes
    come from one depth-first pass (a bridge is a tree edge; its child's side is the subtree), so
    only the bridges reported are walked again.
    """
    ties = nx.Graph(tie_graph(graph))
    sizes: dict[tuple[str, str], tuple[tuple[int, int, int, int], str, set[str]]] = {}
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
        below = {n: _weight(ties, [n]) for n in component}
        for node in reversed(order[1:]):
            below[parent[node]] = _add(below[parent[node]], below[node])
        total = below[root]
        for u, v in found:
            child = v if parent.get(v) == u else u
            inside, outside = below[child], _add(total, below[child], -1)
            # The cut-off side is the smaller one: the child's subtree, or everything else.
            at = child if inside[0] <= outside[0] else (u if child == v else v)
            sizes[(u, v)] = (_losses([inside, outside]), at, component)
    ranked = sorted(sizes.items(), key=lambda item: (-item[1][0][3], -item[1][0][1], -item[1][0][0],
                                                     tuple(sorted(item[0]))))
    result = []
    for (u, v), ((elements, *_), at, component) in ranked[:top] if top is not None else ranked:
        side = _side(ties, at, u if at == v else v)
        other = component - side
        a, b = sorted((u, v))
        types = sorted({r["type"] for r in graph.edges[u, v]["relations"] if r["type"] in TIE_TYPES})
        lost = _unreachable(graph, [side, other])
        tie = f"the tie between {graph.nodes[a]['name']} and {graph.nodes[b]['name']}"
        result.append({"from": node_summary(graph, a), "to": node_summary(graph, b), "types": types,
                       "cut_off_side": node_summary(graph, at), "cut_off_elements": elements,
                       "cut_off_partners": [node_summary(graph, p) for p in _partners(graph, side)],
                       **{k: n for k, n in loss_numbers(lost).items() if k != "cut_off_partners"},
                       "partners_lost": loss_numbers(lost)["cut_off_partners"],
                       "unreachable": lost, "why": loss_sentence(tie, lost)})
    return result


def _side(ties: nx.Graph, start: str, beyond: str) -> set[str]:
    """Return what `start` still reaches once its bridge to `beyond` is gone (a plain search: views are slow)."""
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        for nb in ties[node]:
            if nb not in seen and not (node == start and nb == beyond):
                seen.add(nb)
                todo.append(nb)
    return seen


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
