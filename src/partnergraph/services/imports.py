"""Bring a spreadsheet in: preview an import, decide its possible duplicates, apply exactly what was previewed.

The contract is docs/import-format.md ("Bring your spreadsheet", "Duplicates", "Preview"). `preview`:

1. reads the file in any shape (`io.sources.read_source`): rows of the import format whose references
   (holders, organisations, issues) may be names;
2. gives every row an id: its own, else the element its name names (name or alias, case- and
   accent-insensitively), else a new readable slug;
3. finds possible duplicates among the elements it would create (`analysis.matching`), in the file and
   against the store, and applies the decisions given;
4. validates the rows (`model.validate_dataset`) and compares them with the store: new, updated, unchanged;
5. adds the data-quality warnings.

`apply` writes the plan in one transaction, or nothing while a possible duplicate is undecided.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import networkx as nx

from partnergraph.io.sources import ReadOptions, load_mapping, read_source, save_mapping
from partnergraph.model import Element, ImportFailed, Location, PartnergraphError, Row
from partnergraph.records import ChangeNote, Progress, WriteStats
from partnergraph.services.data import detached_store
from partnergraph.services.import_plan import DECISIONS, ImportOptions, ImportPlan, Planner
from partnergraph.store import GraphStore

__all__ = ["DECISIONS", "ImportOptions", "ImportPlan", "Imports", "UndecidedDuplicates", "load_mapping",
           "read_decisions", "save_mapping"]

_SHAPES = {"partners": "partner list", "people": "people list", "events": "event list",
           "attendance": "attendance list", "lists": "lists", "full": "import"}


class UndecidedDuplicates(PartnergraphError):
    """Raise when an import found possible duplicates and was told nothing about them; nothing was written."""

    def __init__(self, pairs: Sequence[Mapping[str, Any]]):
        self.pairs = list(pairs)
        noun = "possible duplicate" if len(pairs) == 1 else "possible duplicates"
        super().__init__(
            f"{len(pairs)} {noun} to decide; nothing was changed. Decide all with --on-duplicate merge|separate, "
            "or one by one with --decisions FILE.csv (columns incoming, existing, decision: merge or separate)")


def read_decisions(path: Path) -> dict[tuple[str, str], str]:
    """Return the decisions of a CSV file with columns incoming, existing, decision (merge or separate)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PartnergraphError(f"{path}: cannot read decisions ({exc})") from None
    found: dict[tuple[str, str], str] = {}
    for line, row in enumerate(rows, start=2):
        incoming, existing = (row.get("incoming") or "").strip(), (row.get("existing") or "").strip()
        decision = (row.get("decision") or "").strip().lower()
        if not incoming or decision not in DECISIONS:
            raise PartnergraphError(f"{path}:{line}: expected columns incoming, existing, decision "
                                    f"(merge or separate), got {dict(row)!r}")
        found[(incoming, existing)] = decision
    return found


class Imports:
    """Previews and applies imports of any shape into one store."""

    def __init__(self, store: GraphStore, graph: Callable[[], nx.Graph] | None = None):
        self.store = store
        self.graph = graph  # the store's analysis graph (for the contact-of-record check), when there is one

    @contextmanager
    def detached(self) -> Iterator[Imports]:
        """Yield Imports over a connection of its own to the same store, for a background job."""
        with detached_store(self.store) as store:
            yield Imports(store, self.graph)

    def preview(self, path: Path, options: ImportOptions | None = None, *, shown_name: str | None = None,
                progress: Callable[[str, int], Progress | None] | None = None) -> ImportPlan:
        """Return what importing `path` would do, without writing anything; raise `ImportFailed` on problems.

        `shown_name` is the file's name as its owner knows it (an upload's), used in every message,
        location and provenance instead of the path read.
        """
        options = options or ImportOptions()
        name = shown_name or Path(path).name
        try:
            read = read_source(path, ReadOptions(mapping=dict(options.mapping), date_order=options.date_order,
                                                 strict=options.strict))
        except ImportFailed as exc:
            if shown_name is None:
                raise
            raise ImportFailed([replace(p, where=Location(_renamed(p.where.file, path, name), p.where.line))
                                for p in exc.problems]) from None
        except PartnergraphError as exc:  # a file refused as a whole names the path it was read from
            if shown_name is None or _renamed(str(exc), path, name) == str(exc):
                raise
            raise PartnergraphError(_renamed(str(exc), path, name)) from None
        if shown_name is not None:
            read = replace(read, warnings=[_renamed(w, path, name) for w in read.warnings],
                           normalised=[{**n, "where": _renamed(str(n.get("where", "")), path, name)}
                                       for n in read.normalised],
                           element_rows=[Row(r.values, Location(_renamed(r.where.file, path, name), r.where.line))
                                         for r in read.element_rows],
                           connection_rows=[Row(r.values, Location(_renamed(r.where.file, path, name), r.where.line))
                                            for r in read.connection_rows])
        if progress is not None:  # a large file: say what is happening before the checks begin
            progress("checking", len(read.element_rows) + len(read.connection_rows))
        with self.store.stream() as rows:
            version = rows.version
            existing = {element.id: element for element in rows.elements}
        planner = Planner(self.store, existing, version, read, options, self.graph)
        planner.file_name = name
        return planner.plan()

    def apply(self, plan: ImportPlan, note: ChangeNote, progress: Progress | None = None) -> WriteStats:
        """Write a previewed plan in one transaction, with its provenance; refuse while a duplicate is undecided.

        What the import creates gets `first_import`, and what it creates or changes `last_import`
        (unless its rows state them: an export read back keeps its own).
        """
        if plan.undecided:
            raise UndecidedDuplicates(plan.undecided)
        affiliate = self.store.get(plan.affiliate) if plan.affiliate else None
        text = provenance_text(plan.report["shape"], plan.file_name, note.author, note.at,
                               affiliate.name if affiliate else None)
        for item in (*plan.dataset.elements, *plan.dataset.connections):
            key = item.id if isinstance(item, Element) else item.key
            if key in plan.new:
                item.props.setdefault("first_import", text)
            item.props.setdefault("last_import", text)
        summary = {**note.summary, "shape": plan.report["shape"]}
        if plan.affiliate:
            summary["affiliate"] = plan.affiliate
        return self.store.upsert(plan.dataset, progress, note=replace(note, summary=summary))


def _renamed(text: str, path: Path, name: str) -> str:
    return text.replace(str(path), name).replace(Path(path).name, name)


def provenance_text(plan_shape: str, file_name: str, author: str, at: str, affiliate_name: str | None) -> str:
    """Return the provenance an import writes on what it states: whose list, which file, who, when."""
    what = _SHAPES.get(plan_shape, "import")
    owner = f"{affiliate_name}'s {what}" if affiliate_name else what
    return f"{owner} ({file_name}), imported by {author} on {at[:10]}"

