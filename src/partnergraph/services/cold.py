"""Answers for a process that starts cold: read from the store's indexes, never the whole graph.

The command line runs one question per process, so the analysis graph of `GraphCache` would be
built for each (tens of seconds at 100,000 people). The questions that look at a few elements
read just those instead: the store gives the neighbourhood of the elements asked about
(`GraphStore.neighbourhood`, by indexed reads), `build_graph` makes the small graph of it, and
the same analysis functions answer on it. Each neighbourhood reaches every element and
connection its analysis reads, so the answer is the whole graph's, to the byte
(tests/test_cold.py compares them for every partner).

Names are looked up as everywhere (`analysis.lookup`): an exact id or name through the store's
indexes, anything more forgiving through the name index of every element, kept in a file
beside the store for its version (`services.store_files`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.contact_of_record import contacts_of_record, routes
from partnergraph.analysis.folding import Candidate
from partnergraph.analysis.graph import build_graph, node_summary, resolve
from partnergraph.analysis.lookup import NameIndex
from partnergraph.analysis.relationships import holder_warnings, holders
from partnergraph.config import Settings
from partnergraph.io import directory as directories
from partnergraph.model import Kind, RelType
from partnergraph.schema import PERSONAL_TYPES
from partnergraph.services.cache import GraphCache
from partnergraph.services.options import HoldersQuery, PathQuery
from partnergraph.services.privacy import public_view
from partnergraph.services.store_files import StoreFiles
from partnergraph.store import GraphStore, open_store
from partnergraph.store.base import Hop

_CONTACTS = frozenset({Kind.CONTACT})
# A partner's holders: its connections, then each person's memberships (their affiliates).
HOLDERS_HOPS = (Hop(), Hop(kinds=_CONTACTS, types=frozenset({RelType.MEMBER_OF})))
# A partner's routes in: partnerships and holds, then the holders' memberships.
ROUTES_HOPS = (Hop(types=frozenset({RelType.PARTNERS_WITH, RelType.HOLDS})),
               Hop(kinds=_CONTACTS, types=frozenset({RelType.MEMBER_OF})))
# What a public view can hold: every type no person is an end of and that is not personal.
PUBLIC_TYPES = frozenset(rel for rel in RelType if Kind.CONTACT not in (*rel.spec.froms, *rel.spec.tos)
                         and rel.value not in PERSONAL_TYPES)
NAMES_FILE, COUNTS_FILE = "names", "counts"


def holders_answer(graph: nx.Graph, partner: str, query: HoldersQuery) -> dict[str, Any]:
    """Return `holders` as the JSON API and the CLI give it, computed on `graph`."""
    found = holders(graph, partner, today=query.today, stale_months=query.stale_months)
    summary = {**node_summary(graph, partner), "status": graph.nodes[partner].get("status")}
    return {"partner": summary, "contact_of_record": contacts_of_record(graph, partner, today=query.today),
            "holders": found, "warnings": holder_warnings(found, stale_months=query.stale_months)}


class ColdAnswers:
    """Questions answered from the store's indexes and the files kept beside it."""

    def __init__(self, store: GraphStore, files: StoreFiles):
        self.store = store
        self.files = files
        self._names: tuple[str, NameIndex] | None = None  # the name index of one version

    @classmethod
    def open(cls, settings: Settings) -> ColdAnswers:
        """Return the cold answers of the store `settings` selects (without a whole `Workspace`)."""
        store = open_store(settings)
        return cls(store, StoreFiles(store, settings.cache_dir))

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    @property
    def url(self) -> str:
        """Return the URL of the store, for messages."""
        return self.store.url

    def counts(self) -> dict[str, int]:
        """Return the number of elements per kind and connections per type (`Questions.overview`).

        Counting a million connections takes the embedded store half a second: the counts are
        kept in a file per version, like the indexes.
        """
        version = self.store.version()
        kept = self.files.load(COUNTS_FILE, version)
        if kept is not None:
            return dict(zip(kept["names"].tolist(), kept["counts"].tolist(), strict=True))
        found = self.store.counts()
        self.files.save(COUNTS_FILE, version, {"names": list(found), "counts": list(found.values())})
        return found

    def name_index(self) -> NameIndex:
        """Return the name index of the store's current version: from its file, or read and kept for next time."""
        version = self.store.version()
        if self._names is not None and self._names[0] == version:
            return self._names[1]  # one question resolves several names: read the file once
        kept = self.files.load(NAMES_FILE, version)
        if kept is not None:
            index = NameIndex.from_arrays(kept)
        else:
            index = NameIndex.from_candidates(Candidate(key, kind, name or "", aliases)
                                              for key, kind, name, aliases in self.store.names())
            self.files.save(NAMES_FILE, version, index.to_arrays())
        self._names = (version, index)
        return index

    def resolve(self, ref: str) -> str:
        """Return the id of the one element `ref` names, by the rules of `analysis.graph.resolve`."""
        if self.store.get(ref) is not None:
            return ref
        named = self.store.find_by_name(ref)
        if len(named) == 1:
            return named[0].id
        if named:
            index = NameIndex.from_candidates(Candidate(e.id, e.kind, e.name) for e in named)
            return index.only(ref, sorted(e.id for e in named))
        return self.name_index().lookup(ref)

    def holders(self, query: HoldersQuery) -> dict[str, Any]:
        """Return what `Questions.holders` returns, from the partner's neighbourhood alone."""
        partner = self.resolve(query.partner)
        around = self.store.neighbourhood([partner], HOLDERS_HOPS)
        return holders_answer(build_graph(around.elements, around.connections), partner, query)

    def path(self, query: PathQuery) -> dict[str, Any]:
        """Return what `Questions.path` returns, searching the path index kept beside the store.

        Without a file for the store's version, the index is built from the whole graph (as
        the viewer builds it), kept for the next run, and the question answered on that graph.
        """
        from partnergraph.services import path_answers as answers  # the path search's imports: only for `path`

        version = self.store.version()
        kept = self.files.load(answers.PATHS_FILE, version)
        day = query.today or date.today()
        if kept is None:
            cache = GraphCache(self.store)
            graph = cache.path_graph()
            self.files.save(answers.PATHS_FILE, cache.version or version,
                            answers.index_lists(graph.graph["path_index"], day))
            return answers.path_answer(graph, query, lambda ref: resolve(graph, ref))
        index = answers.index_from_lists(kept)
        refs = [query.source, *([query.target] if query.target is not None else []), *query.avoid,
                *(ref for ref in (query.via_issue, query.to_issue) if ref)]
        names = {ref: self.resolve(ref) for ref in refs}
        graph = answers.store_graph(self.store, *answers.question_elements(self.store, list(names.values())))
        graph.graph["path_index"] = index
        kept_day = date.fromordinal(int(kept["day"][0]))  # the day of the costs kept with it
        found = answers.path_answer(graph, query, names.__getitem__)
        if query.today is None and kept_day != day:
            # A new day: keep today's costs, so that the next question today computes none.
            self.files.save(answers.PATHS_FILE, version, answers.index_lists(index, day))
        evidence = {id(r): r for p in found["paths"] for hop in p["hops"] for r in hop["evidence"]}
        if not evidence:
            return found
        # Explained from every property of what the paths rest on: ask again, on the same costs.
        answers.complete(self.store, list(evidence.values()))
        return answers.path_answer(graph, query, names.__getitem__)

    def directory(self, *, region: str | None = None, issue: str | None = None, type: str | None = None,
                  offers: str | None = None) -> dict[str, Any]:
        """Return what `Browse.directory` returns, from the organisations, issues and events and the partners' holders.

        The public view needs no person: every element but people, and the connections between
        them. The routes need each public partner's partnerships and holds, and the holders'
        memberships.
        """
        today = date.today()
        others = self.store.ids_of([kind for kind in Kind if kind is not Kind.CONTACT])
        found = self.store.neighbourhood(others, (Hop(types=PUBLIC_TYPES),))
        elements, connections = public_view(found.elements, found.connections)
        issue_id = resolve(build_graph(elements, connections), issue) if issue else None
        partners = [e.id for e in elements if e.kind is Kind.PARTNER]
        around = self.store.neighbourhood(partners, ROUTES_HOPS)
        graph = build_graph(around.elements, around.connections)
        ways = {p: routes(graph, p, today=today) for p in partners}
        whole = directories.public_directory(elements, connections, today=today, routes=ways)
        return directories.narrow(whole, region=region, issue=issue_id, type=type, offers=offers)
