"""Browse the analysis graph: search by name, an element with its neighbours, ego networks, layouts.

Pure functions on the NetworkX graph of `partnergraph.analysis.graph`, used by the viewer through
`partnergraph.services`. Nothing here knows about HTTP or stores.
"""

from __future__ import annotations

import bisect
import math
import random
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx
import numpy as np

try:  # igraph is a dependency (the compiled centrality kernels); NetworkX stays the fallback
    import igraph
except ImportError:  # pragma: no cover - exercised only without igraph installed
    igraph = None

from partnergraph.analysis.graph import node_summary
from partnergraph.analysis.org_types import type_key
from partnergraph.model import PartnergraphError, RelType
from partnergraph.schema import ORGANISATION_SLUGS, SECTIONS, canonical_type, section_keys

# Where a relationship sends its neighbour, seen from the element: (type, element is the source).
# The keys are the same for every kind, so the JSON of /api/nodes is predictable. Both come from
# each type's sections in partnergraph.schema (SECTIONS: all keys, in its table order).
_SECTIONS = section_keys()

# What a node carries to the viewer besides id, name and kind (an event's dates too).
_NODE_FIELDS = ("type", "region", "country", "status", "start", "end")
MAX_DEPTH = 3


def describe_node(graph: nx.Graph, node: str) -> dict[str, Any]:
    """Return the id, name, kind and the short properties (type, region, country, status, start, end) of a node."""
    data = graph.nodes[node]
    found = node_summary(graph, node)
    for name in _NODE_FIELDS:
        if data.get(name) not in (None, ""):
            found[name] = data[name]
    return found


def _lowered(text: str) -> str:
    """Return `text` case-folded and without accents, as search compares it."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _listed(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value not in (None, "") else []


def _folded_names(graph: nx.Graph) -> list[tuple[str, str, str, str, str, str]]:
    """Return what search compares for every node, built once per graph.

    (folded name, folded id, id, folded aliases, folded offers and looks-for, folded type); lists
    are joined with a newline, which no needle holds.
    """
    found = graph.graph.get("folded_names")
    if found is None:
        found = graph.graph["folded_names"] = [_folded(node, data) for node, data in graph.nodes(data=True)]
    return found


def carry_folded_names(old: nx.Graph, new: nx.Graph, changed: Iterable[str]) -> None:
    """Give `new` (`old` after edits of the nodes `changed`) what search compares, folding only those again.

    The entries are in node order, which is id order: each changed node's entry is found by
    bisection and replaced, removed or inserted. If the count does not match in the end (a node
    appeared that no edit named), nothing is carried and search folds every node when asked.
    """
    found = old.graph.get("folded_names")
    if found is None or "folded_names" in new.graph:
        return
    entries, nodes = list(found), new._node
    for node in sorted(set(changed)):
        at = bisect.bisect_left(entries, node, key=_entry_id)
        present = at < len(entries) and entries[at][2] == node
        if node in nodes:
            entry = _folded(node, nodes[node])
            if present:
                entries[at] = entry
            else:
                entries.insert(at, entry)
        elif present:
            del entries[at]
    if len(entries) == len(nodes):
        new.graph["folded_names"] = entries


def _entry_id(entry: tuple[str, ...]) -> str:
    return entry[2]


def _folded(node: str, data: dict[str, Any]) -> tuple[str, str, str, str, str, str]:
    return (_lowered(data.get("name", "")), node.casefold(), node,
            "\n".join(map(_lowered, _listed(data.get("aliases")))),
            "\n".join(map(_lowered, _listed(data.get("offers")) + _listed(data.get("looks_for")))),
            _lowered(str(data.get("type") or "")))


def _candidates(graph: nx.Graph, needle: str, types: set[str]) -> list[int]:
    """Return the positions of the entries whose text holds `needle` or whose type is one of `types`.

    All the entries' searched text is one string, kept with the graph (fields and entries apart
    by a newline, which no needle holds): `str.find` scans it in C and jumps to the next entry
    after each hit, instead of a Python test per node (100,000 of them: 25 ms a search).
    """
    found = graph.graph.get("search_text")
    if found is None:
        entries = _folded_names(graph)
        texts = ["\n".join((e[0], e[1], e[3], e[4])) for e in entries]
        starts, at = [], 0
        for text in texts:
            starts.append(at)
            at += len(text) + 1
        by_type: dict[str, list[int]] = {}
        for position, entry in enumerate(entries):
            by_type.setdefault(entry[5], []).append(position)
        found = graph.graph["search_text"] = ("\n".join(texts), starts, by_type)
    text, starts, by_type = found
    hits: set[int] = set()
    at = text.find(needle)
    while at != -1:
        entry = bisect.bisect_right(starts, at) - 1
        hits.add(entry)
        at = text.find(needle, starts[entry + 1]) if entry + 1 < len(starts) else -1
    for kind in types:
        hits.update(by_type.get(kind, ()))
    return sorted(hits)


def search(graph: nx.Graph, text: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Return the elements whose name, id, alias, offers or type match `text` (case and accents aside), best first.

    An exact name or id comes first, then names starting with the text, then names with a word
    starting with it, then any other name or id containing it; then elements with an alias
    containing it; then those whose type is it (or the vocabulary type it spells: "library" is
    "glam") or whose offers or what they look for contain it. Ties in alphabetical order of name.
    """
    needle = _lowered(text.strip())
    if not needle or "\n" in needle:
        return []
    kind_of = canonical_type(needle)
    types = {needle, kind_of} if kind_of else {needle}
    ranked: list[tuple[int, str, str]] = []
    entries = _folded_names(graph)
    for at in _candidates(graph, needle, types):
        folded, folded_id, node, aliases, offers, kind = entries[at]
        if needle in folded or needle in folded_id:
            if folded == needle or folded_id == needle:
                rank = 0
            elif folded.startswith(needle):
                rank = 1
            elif any(word.startswith(needle) for word in folded.split()):
                rank = 2
            else:
                rank = 3
        elif aliases and needle in aliases:
            rank = 4
        elif kind in types or (offers and needle in offers):
            rank = 5
        else:
            continue
        ranked.append((rank, folded, node))
    ranked.sort()
    return [describe_node(graph, node) for _, _, node in ranked[:limit]]


def neighbourhood(graph: nx.Graph, node: str) -> dict[str, list[dict[str, Any]]]:
    """Return the neighbours of `node` grouped by how they relate to it (see SECTIONS).

    Each entry is the neighbour (as `describe_node`) with the relationship's properties under
    `relation`; the strongest and most recent ties come first, then by name.
    """
    sections: dict[str, list[dict[str, Any]]] = {key: [] for key in SECTIONS}
    for other in graph.neighbors(node):
        for relation in graph.edges[node, other]["relations"]:
            key = _SECTIONS.get((relation["type"], relation["from"] == node))
            if key is None:
                continue
            props = {k: v for k, v in relation.items() if k not in ("type", "from", "to")}
            sections[key].append({**describe_node(graph, other), "relation": props})
    for entries in sections.values():
        entries.sort(key=lambda e: (-(e["relation"].get("strength") or 0),
                                    _newest_first(e["relation"].get("last_contact")), e["name"].casefold(), e["id"]))
    return {key: entries for key, entries in sections.items() if entries}


def _newest_first(day: str | None) -> str:
    # Missing dates sort last; present ones newest first.
    return "".join(chr(0x7F - ord(c)) for c in day) if day else "\x7f"


def node_filter(graph: nx.Graph, *, kinds: Iterable[str] = (), issue: str | None = None,
                region: str | None = None, status: str | None = None,
                type: str | None = None) -> Callable[[str], bool]:
    """Return a predicate keeping the nodes that pass every filter given.

    `kinds` keeps only those kinds. `region` keeps elements of that region (issues have none and
    stay). `status` keeps partners of that status (other kinds stay). `type` keeps organisations
    of that type, read against the vocabulary (`schema.canonical_type`: "library" is "glam");
    people and issues stay. `issue` keeps that issue,
    the organisations working on it or partnering on it, and the people of those organisations.
    """
    wanted_kinds = set(kinds)
    wanted_type = type_key(type) if type else None
    on_issue: set[str] | None = None
    if issue:
        on_issue = {issue}
        for org in graph.neighbors(issue) if issue in graph else ():
            on_issue.add(org)
        for u, v, data in graph.edges(data=True):
            for r in data["relations"]:
                if r["type"] == RelType.PARTNERS_WITH and issue in (r.get("issues") or []):
                    on_issue.update((u, v))
        for org in list(on_issue):
            if graph.nodes[org]["kind"] in ORGANISATION_SLUGS:
                on_issue.update(p for p in graph.neighbors(org) if graph.nodes[p]["kind"] == "contact")

    def keep(node: str) -> bool:
        data = graph.nodes[node]
        if wanted_kinds and data["kind"] not in wanted_kinds:
            return False
        if region and data.get("region") and data["region"] != region:
            return False
        if region and not data.get("region") and data["kind"] != "issue":
            return False
        if status and data["kind"] == "partner" and data.get("status") != status:
            return False
        if wanted_type and data["kind"] in ORGANISATION_SLUGS and type_key(data.get("type") or "") != wanted_type:
            return False
        return on_issue is None or node in on_issue
    return keep


def ego_nodes(graph: nx.Graph, center: str, depth: int, limit: int) -> tuple[list[str], int]:
    """Return the nodes within `depth` steps of `center` (nearest first, at most `limit`) and how many there are."""
    if not 1 <= depth <= MAX_DEPTH:
        raise PartnergraphError(f"depth must be between 1 and {MAX_DEPTH}")
    distances = nx.single_source_shortest_path_length(graph, center, cutoff=depth)
    # Nearest first; within a ring the best connected first, so a cap keeps the informative part.
    ordered = sorted(distances, key=lambda n: (distances[n], -graph.degree(n), n))
    return ordered[:limit], len(ordered)


def busiest_nodes(graph: nx.Graph, limit: int) -> tuple[list[str], int]:
    """Return the `limit` best connected nodes of `graph` and how many nodes it has."""
    ordered = sorted(graph.nodes, key=lambda n: (-graph.degree(n), n))
    return ordered[:limit], len(ordered)


def edge_summaries(graph: nx.Graph) -> list[dict[str, Any]]:
    """Return one entry per edge: its ends, relationship types and strongest tie strength."""
    edges = []
    for u, v, data in graph.edges(data=True):
        types = sorted({r["type"] for r in data["relations"]})
        strengths = [r["strength"] for r in data["relations"] if r.get("strength")]
        edges.append({"from": u, "to": v, "types": types, "strength": max(strengths) if strengths else None})
    edges.sort(key=lambda e: (e["from"], e["to"]))
    return edges


# Force-directed layout budget: Fruchterman-Reingold without a grid costs n^2 per iteration. The
# full 500 iterations up to 600 nodes; above that fewer, so that a 2,000-node view stays near a
# second (the cooling schedule still runs to the end, just in coarser steps).
LAYOUT_ITERATIONS = 500
# Graphs up to this many nodes (the viewer's largest view) are laid out whole, once per version.
WHOLE_LAYOUT_LIMIT = 2000
LAYOUT_MIN_ITERATIONS = 60
_LAYOUT_WORK = 600 * 600 * LAYOUT_ITERATIONS


def layout(graph: nx.Graph, *, seed: int = 1, grid: bool = False) -> dict[str, tuple[float, float]]:
    """Return positions in screen units for every node (a seeded force-directed layout).

    The same graph gives the same positions in every process and on either store: nodes are
    taken in sorted order and every random choice comes from `seed`. Runs igraph's compiled
    Fruchterman-Reingold (about 0.1 s for 500 nodes; NetworkX's takes seconds above 500 nodes,
    where it switches to a per-node loop), or NetworkX's when igraph is missing. `grid`: igraph's
    grid approximation of the repulsion (near-linear per iteration instead of quadratic), for
    whole graphs far larger than any view (the picture a GEXF export of them carries).
    """
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    nodes = sorted(graph)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    if igraph is None:  # pragma: no cover - exercised only without igraph installed
        spring = nx.spring_layout(graph.subgraph(nodes), seed=seed, iterations=60)
        coords = np.array([spring[v] for v in nodes])
    else:
        index = {v: i for i, v in enumerate(nodes)}
        # Sorted edges too: the forces are summed in edge order, and floating point remembers it.
        edges = sorted({tuple(sorted((index[u], index[v]))) for u, v in graph.edges() if u != v})
        g = igraph.Graph(n=n, edges=edges, directed=False)
        rng = np.random.default_rng(seed)
        start = rng.uniform(-1.0, 1.0, size=(n, 2)) * math.sqrt(n) / 2
        iterations = max(LAYOUT_MIN_ITERATIONS, min(LAYOUT_ITERATIONS, _LAYOUT_WORK // (n * n)))
        # igraph draws from Python's `random` module (only to separate coincident nodes); a seeded
        # generator for this call keeps the result reproducible without touching the global one.
        igraph.set_random_number_generator(random.Random(seed))
        try:
            found = g.layout_fruchterman_reingold(niter=iterations, seed=start.tolist(),
                                                  grid="grid" if grid else "nogrid")
        finally:
            igraph.set_random_number_generator(random)
        coords = np.array(found.coords, dtype=float)
    # Centre the bounding box and make its longer side 80 * sqrt(n) units: the density on screen,
    # and so the zoom at which the viewer fits it and which labels it shows, stays similar.
    low, high = coords.min(axis=0), coords.max(axis=0)
    coords -= (low + high) / 2
    extent = float((high - low).max()) / 2 or 1.0
    coords *= 40.0 * math.sqrt(n) / extent
    return {v: (round(float(x), 1), round(float(y), 1)) for v, (x, y) in zip(nodes, coords, strict=True)}


def facets(graph: nx.Graph) -> dict[str, list[Any]]:
    """Return the values the viewer can filter on: issues, regions and partner statuses present."""
    issues = sorted((node_summary(graph, n) for n, k in graph.nodes(data="kind") if k == "issue"),
                    key=lambda s: s["name"].casefold())
    regions = sorted({r for _, r in graph.nodes(data="region") if r})
    statuses = sorted({d.get("status") for _, d in graph.nodes(data=True) if d["kind"] == "partner" and d.get("status")})
    return {"issues": issues, "regions": regions, "statuses": statuses}
