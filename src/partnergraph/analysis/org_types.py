"""Organisation types as a facet: which organisations are of the types asked for.

A type is read against the vocabulary of `partnergraph.schema` (`canonical_type`: "Museum",
"GLAM" and "galleries, libraries, archives, museums" are all `glam`); a type outside the
vocabulary is kept as written and matched case-insensitively (docs/import-format.md, section
"Vocabularies").
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from partnergraph.model import PartnergraphError
from partnergraph.schema import ORGANISATION_SLUGS, ORGANISATION_TYPES, canonical_type


def type_key(text: object) -> str | None:
    """Return the type `text` stands for: the vocabulary's name, else the text folded; None when blank."""
    raw = " ".join(str(text or "").split())
    if not raw:
        return None
    return canonical_type(raw) or raw.casefold()


def organisation_type(graph: nx.Graph, node: str) -> str | None:
    """Return the type of an organisation, as `type_key` reads it (None for other kinds and untyped ones)."""
    data = graph.nodes[node]
    return type_key(data.get("type")) if data["kind"] in ORGANISATION_SLUGS else None


def wanted_types(graph: nx.Graph, types: Iterable[str]) -> set[str]:
    """Return the types asked for, as `type_key` reads them.

    Raises `PartnergraphError` for a type that is neither in the vocabulary nor on any
    organisation, naming the types in use.
    """
    wanted = {key for key in (type_key(t) for t in types) if key}
    in_use = {t for n in graph if (t := organisation_type(graph, n))}
    unknown = sorted(wanted - in_use - set(ORGANISATION_TYPES))
    if unknown:
        raise PartnergraphError(f"no organisation of type {unknown[0]!r} "
                                f"(types in use: {', '.join(sorted(in_use)) or 'none'})")
    return wanted


def of_types(graph: nx.Graph, types: Iterable[str]) -> set[str]:
    """Return the organisations whose type is one of `types` (see `wanted_types`)."""
    wanted = wanted_types(graph, types)
    return {n for n in graph if organisation_type(graph, n) in wanted}
