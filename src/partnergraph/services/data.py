"""Data in and out: import, export, metrics files, backup and restore, the demo and synthetic networks."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from partnergraph.analysis import metrics as metrics_analysis
from partnergraph.io import backup as backups
from partnergraph.io import drawing
from partnergraph.io import export as exporting

# The demo affiliate whose people plan to go to a partner conference (what `demo` suggests asking).
from partnergraph.io.demo_events import UNHELD_AFFILIATE as DEMO_AFFILIATE
from partnergraph.io.export import FORMATS as EXPORT_FORMATS
from partnergraph.io.metrics import METRIC_FORMATS, write_metrics
from partnergraph.io.reader import read_rows
from partnergraph.io.sources import SHAPES_HELP
from partnergraph.io.template import write_template as _write_template
from partnergraph.model import (
    ImportFailed,
    Kind,
    Location,
    PartnergraphError,
    RelType,
    Row,
    parse_list,
    validate_dataset,
)
from partnergraph.records import ChangeNote, Progress, WriteStats
from partnergraph.services.options import MetricsQuery
from partnergraph.services.partnership_checks import import_record_problems
from partnergraph.services.privacy import public_view
from partnergraph.services.questions import Questions
from partnergraph.services.sharing import Sharing
from partnergraph.store import GraphStore

__all__ = ["DEMO_AFFILIATE", "EXPORT_FORMATS", "METRIC_FORMATS", "SHAPES_HELP", "Data", "ProgressFactory", "demo_rows", "generate",
           "write_template"]

# Called as a stage of an import begins ("checking", then "writing") with its number of rows;
# returns a callback for rows done in that stage, or None.
ProgressFactory = Callable[[str, int], Progress | None]


def _referenced_ids(element_rows: Sequence[Row], connection_rows: Sequence[Row]) -> set[str]:
    ids: set[str] = set()
    for row in element_rows:
        ids.add(str(row.values.get("id", "")).strip())
        for column in ("issues", "member_of"):
            value = row.values.get(column)
            if value:
                ids.update(parse_list(value))
    for row in connection_rows:
        ids.add(str(row.values.get("from", "")).strip())
        ids.add(str(row.values.get("to", "")).strip())
    ids.discard("")
    return ids


def demo_rows() -> tuple[list[Row], list[Row]]:
    """Return the demo network shipped with partnergraph as import rows."""
    from partnergraph.io.demo import demo_network

    elements, connections = demo_network()
    return ([Row(v, Location("demo:elements", i + 1)) for i, v in enumerate(elements)],
            [Row(v, Location("demo:connections", i + 1)) for i, v in enumerate(connections)])


def generate(people: int, ties: int, seed: int, folder: Path, events: int | None = None) -> dict[str, int]:
    """Write a synthetic network in the import format to `folder`; return its size.

    `events`: how many events (default: one per twenty people); 0 for none.
    """
    from partnergraph.io.generate import generate_network

    if people < 1:
        raise PartnergraphError("people must be at least 1")
    if ties < 0:
        raise PartnergraphError("ties must be at least 0")
    if events is not None and events < 0:
        raise PartnergraphError("events must be at least 0")
    if folder.exists() and not folder.is_dir():
        raise PartnergraphError(f"{folder}: exists and is not a folder")
    try:
        elements, connections = generate_network(people, ties, seed=seed, events=events)
    except ValueError as exc:  # sizes the generator cannot honour, e.g. more ties than pairs
        raise PartnergraphError(str(exc)) from None
    exporting.write_csv_folder(folder, elements, connections)
    return {"elements": len(elements), "connections": len(connections),
            "events": sum(row["kind"] == Kind.EVENT.slug for row in elements),
            "attendances": sum(row["type"] == RelType.ATTENDS.value for row in connections)}


@contextmanager
def detached_store(store: GraphStore) -> Iterator[GraphStore]:
    """Yield a connection of its own to the same store, for an import or restore in another thread
    while this one keeps answering reads (the viewer's background jobs).

    SQLite gets a second connection (WAL: readers go on while it writes); the Neo4j driver is
    thread-safe, with a session per call, so its store is shared.
    """
    from partnergraph.store.sqlite import SqliteStore

    if not isinstance(store, SqliteStore):
        yield store
        return
    own = SqliteStore(store.path)
    try:
        yield own
    finally:
        own.close()


def write_template(target: Path | IO[bytes]) -> None:
    """Write the import template workbook (docs/import-format.md#the-template) to an .xlsx path or a binary stream."""
    if isinstance(target, Path):
        if target.suffix.lower() != ".xlsx":
            raise PartnergraphError(f"{target}: the template is an .xlsx workbook; give a file name ending in .xlsx")
        if target.is_dir():
            raise PartnergraphError(f"{target}: is a folder")
        if not target.parent.is_dir():
            raise PartnergraphError(f"{target.parent}: no such folder")
    _write_template(target)


class Data:
    """Reading data into one store and writing it out."""

    def __init__(self, store: GraphStore, questions: Questions):
        self.store = store
        self.questions = questions

    @contextmanager
    def detached(self) -> Iterator[Data]:
        """Yield a Data over its own connection to the same store (see `detached_store`)."""
        with detached_store(self.store) as store:
            yield Data(store, self.questions) if store is not self.store else self

    def import_rows(self, element_rows: Sequence[Row], connection_rows: Sequence[Row],
                    progress: ProgressFactory | None = None, *, note: ChangeNote | None = None) -> WriteStats:
        """Validate rows against the file and the store, then upsert all of them or none.

        With a `note`, the import is recorded in the history (if it changed anything).
        """
        if progress:
            progress("checking", len(element_rows) + len(connection_rows))
        existing = self.store.existing_kinds(_referenced_ids(element_rows, connection_rows))
        dataset = validate_dataset(element_rows, connection_rows, existing)
        # The rule of one contact of record per partner and affiliate (docs/analytics.md#contact-of-record),
        # checked when the import sets one: only then is the store's graph read.
        if any(c.props.get("primary") is True for c in dataset.connections):
            problems = import_record_problems(self.questions.cache.graph(), dataset.elements, dataset.connections,
                                              element_rows, connection_rows)
            if problems:
                raise ImportFailed(problems)
        callback = progress("writing", len(dataset.elements) + len(dataset.connections)) if progress else None
        return self.store.upsert(dataset, callback, note=note)

    def import_path(self, path: Path, progress: ProgressFactory | None = None, *,
                    note: ChangeNote | None = None) -> WriteStats:
        """Import a CSV folder, JSON file or XLSX workbook (docs/import-format.md); all of it or nothing."""
        element_rows, connection_rows = read_rows(path)
        return self.import_rows(element_rows, connection_rows, progress, note=note)

    def load_demo(self, *, note: ChangeNote | None = None) -> WriteStats:
        """Load the demo network (idempotent, like any import)."""
        return self.import_rows(*demo_rows(), note=note)

    def _picture(self, fmt: str, layout: bool | None, *, public: bool) -> dict[str, dict[str, float]] | None:
        """Return the viewer's picture of the whole graph for a GraphML or GEXF file, or None (`layout`; default: GEXF)."""
        if layout is None:
            layout = fmt == "gexf"
        if not layout:
            return None
        if fmt not in ("graphml", "gexf"):
            raise PartnergraphError(f"layout applies to GraphML and GEXF files, not {fmt}")
        return drawing.picture(Sharing(self.questions.browse).whole_view(public=public))

    def export(self, fmt: str, path: Path, *, public: bool = False, layout: bool | None = None) -> dict[str, int]:
        """Write the whole graph to `path`; return how many elements and connections were written.

        `layout`: GraphML and GEXF carry the viewer's positions, kind colours and sizes (default: GEXF only).
        """
        picture = self._picture(fmt, layout, public=public)
        snapshot = self.store.snapshot()
        elements, connections = snapshot.elements, snapshot.connections
        if public:
            elements, connections = public_view(elements, connections)
        exporting.export(elements, connections, fmt, path, picture=picture)
        return {"elements": len(elements), "connections": len(connections)}

    def export_metrics(self, fmt: str, path: Path, query: MetricsQuery, *, layout: bool | None = None) -> dict[str, Any]:
        """Write every metric as CSV/JSON, or the graph with metrics as node attributes as GraphML/GEXF.

        `layout`: as for `export` (GraphML and GEXF carry the viewer's picture; default: GEXF only).
        """
        picture = self._picture(fmt, layout, public=False)
        table = self.questions.metrics(query)
        snapshot = self.store.snapshot()
        write_metrics(path, fmt, table, metrics_analysis.COLUMNS, snapshot.elements, snapshot.connections,
                      picture=picture)
        return {"elements": len(table), "columns": list(metrics_analysis.COLUMNS)}

    def backup(self, path: Path) -> dict[str, Any]:
        """Write the whole graph, read in one transaction, to a backup file; return its header."""
        snapshot = self.store.snapshot()
        return backups.write_backup(path, snapshot.elements, snapshot.connections, source=self.store.url)

    def restore(self, path: Path, progress: ProgressFactory | None = None, *,
                note: ChangeNote | None = None) -> dict[str, Any]:
        """Replace the whole graph with a backup's, all or nothing; check its hash before and after.

        With a `note`, the restore is recorded in the history (the history itself is not replaced).
        """
        dataset, header = backups.read_backup(path)
        callback = progress("writing", len(dataset.elements) + len(dataset.connections)) if progress else None
        self.store.replace(dataset, callback, note=note)
        snapshot = self.store.snapshot()
        if backups.content_digest(snapshot.elements, snapshot.connections) != header["sha256"]:
            raise PartnergraphError(f"{self.store.url}: after restoring, the store's content does not match "
                                    f"{path}'s SHA-256")
        return header
