"""Read any file an import accepts: the import format, or lists as people keep them (docs/import-format.md).

- The import format (a CSV folder, a `.json` file, a workbook with sheets Elements and
  Connections) reads as `io.reader.read_rows` reads it; then dates and strengths the model would
  refuse are read forgivingly (`io.values`), each change reported.
- A single `.csv` file, or each other sheet of a workbook, is recognised from its headers as a
  partner list, a people list, an event list or an attendance list (`io.headers`) and turned into
  import rows with references by name or id (`io.lists`).

Everything unreadable is a problem, all or nothing (`ImportFailed`); a column that is not
imported is a warning, and `ReadOptions.strict` makes warnings problems.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from partnergraph.io import reader
from partnergraph.io.headers import IGNORE, Columns, check_mapping, expected_headers, fold, recognise
from partnergraph.io.headers import load_mapping as load_mapping
from partnergraph.io.headers import save_mapping as save_mapping
from partnergraph.io.lists import list_rows
from partnergraph.io.tables import Table, read_csv_table, read_workbook_tables
from partnergraph.io.values import Normaliser, normalise_full_row
from partnergraph.model import ImportFailed, Location, PartnergraphError, Problem, Row

FULL, LISTS = "full", "lists"
_FULL_SHEETS = ("elements", "connections")
_FULL_NORMALISED = ("since", "until", "last_contact", "strength")  # connection columns read forgivingly
_FULL_ELEMENT_NORMALISED = ("start", "end")  # element columns read forgivingly
SHAPES_HELP = ("a CSV folder (elements.csv, connections.csv), a .json file or an .xlsx workbook with sheets "
               "Elements and Connections; or a partner, people, event or attendance list as you keep it: one "
               ".csv file, or an .xlsx workbook whose sheets are such lists")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file: extra header mappings, the order of numeric dates, and whether warnings are problems."""

    mapping: Mapping[str, str] = field(default_factory=dict)  # header as the user wrote it -> field
    date_order: Literal["dmy", "mdy"] | None = None
    strict: bool = False


@dataclass
class SourceRows:
    """The rows a file holds, in the import format with references by name or id, and what reading them did."""

    shape: str  # "full", "partners", "people", "events", "attendance", or "lists" (a workbook of several sheets)
    element_rows: list[Row]
    connection_rows: list[Row]
    mapping: dict[str, str]  # header as written -> field, for every sheet read as a list ({} for the full format)
    normalised: list[dict[str, Any]]  # {"where", "column", "value", "as"}
    warnings: list[str]  # one line each: "file: message"


def read_source(path: str | Path, options: ReadOptions = ReadOptions()) -> SourceRows:
    """Return the rows of the file at `path`, whatever its shape, or raise ImportFailed listing every problem."""
    path = Path(path)
    check_mapping(options.mapping)
    if options.date_order not in (None, "dmy", "mdy"):
        raise PartnergraphError(f"date order {options.date_order!r}: give dmy or mdy")
    if not path.exists():
        raise PartnergraphError(f"{path}: no such file or folder")
    normaliser = Normaliser(options.date_order)
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == ".json":
        elements, connections = reader.read_rows(path)
        elements = [_full_row(r, normaliser, _FULL_ELEMENT_NORMALISED) for r in elements]
        connections = [_full_row(r, normaliser) for r in connections]
        return _finish(FULL, elements, connections, [], {}, normaliser, options)
    if suffix == ".csv":
        table = read_csv_table(path)
        if table is None:
            raise ImportFailed([Problem(Location(str(path), 1), "file is empty")])
        if {"id", "kind", "name"} <= {h.lower() for h in table.header}:  # an elements.csv of the import format
            elements = [_full_row(r, normaliser, _FULL_ELEMENT_NORMALISED)
                        for r in reader._read_csv(path, reader.ELEMENT_REQUIRED)]
            return _finish(FULL, elements, [], [], {}, normaliser, options)
        return _lists(path, [table], [], [], normaliser, options, full_present=False)
    if suffix == ".xlsx":
        names, tables = read_workbook_tables(path, skip=_FULL_SHEETS)
        full = any(name.strip().lower() in _FULL_SHEETS for name in names)
        elements, connections = [], []
        if full:
            try:
                elements, connections = reader.read_rows(path)
            except ImportFailed as exc:  # all or nothing, but every problem of every sheet at once
                normaliser.problems.extend(exc.problems)
        return _lists(path, tables, elements, connections, normaliser, options, full_present=full)
    raise PartnergraphError(f"{path}: unsupported import file ({SHAPES_HELP})")


def _lists(path: Path, tables: list[Table], elements: list[Row], connections: list[Row], normaliser: Normaliser,
           options: ReadOptions, *, full_present: bool) -> SourceRows:
    elements = [_full_row(r, normaliser, _FULL_ELEMENT_NORMALISED) for r in elements]
    connections = [_full_row(r, normaliser) for r in connections]
    mapping: dict[str, str] = {}
    notes: list[Problem] = []
    shapes = []
    for table in tables:
        cols = recognise(table.header, options.mapping)
        if cols is None:
            if full_present:  # beside Elements and Connections, a sheet of other things (notes, a legend)
                notes.append(Problem(Location(str(path), 1), f"sheet {table.sheet!r} is not a partner, people, event "
                                                             f"or attendance list; it is not imported"))
            else:
                found = ", ".join(repr(h) for h in table.header if h)
                normaliser.problems.append(Problem(table.where(table.header_line), (
                    f"not a partner, people, event or attendance list: {expected_headers()} (headers found: {found})")))
            continue
        shapes.append(cols.shape)
        notes.extend(_column_warnings(table, cols))
        mapping.update({table.header[i]: f for i, f in sorted(cols.fields.items())})
        mapping.update({table.header[i]: IGNORE for i in cols.ignored})
        more_elements, more_connections = list_rows(table, cols, normaliser)
        elements.extend(more_elements)
        connections.extend(more_connections)
    if not tables and not full_present:
        normaliser.problems.append(Problem(Location(str(path), 1), "workbook has no sheet with data"))
    used = {fold(h) for table in tables for h in table.header}
    for header, target in options.mapping.items():
        if fold(header) not in used:
            notes.append(Problem(Location(str(path), 1), f"mapping '{header}={target}' matches no column"))
    shape = (FULL if not shapes else shapes[0] if len(shapes) == 1 and not full_present else LISTS)
    return _finish(shape, elements, connections, notes, mapping, normaliser, options)


def _column_warnings(table: Table, cols: Columns) -> list[Problem]:
    where = table.where(table.header_line)
    found = []
    for index in cols.unknown:
        header = table.header[index]
        found.append(Problem(where, f"column '{header}' is not imported (no field matches it; "
                                    f"--map '{header}=FIELD' imports it)"))
    for index, kept in cols.shadowed:
        header, target = table.header[index], cols.fields[kept]
        found.append(Problem(where, f"column '{header}' is not imported (column '{table.header[kept]}' is read as "
                                    f"{target}; --map '{header}=FIELD' imports it as another field)"))
    width = len(table.header)
    headless = sorted({i for _, cells in table.rows for i, v in enumerate(cells)
                       if (i >= width or not table.header[i]) and v is not None and str(v).strip()})
    for index in headless:
        found.append(Problem(where, f"column {_letter(index)} has no header; its cells are not imported"))
    return found


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _full_row(row: Row, normaliser: Normaliser, columns: tuple[str, ...] = _FULL_NORMALISED) -> Row:
    return Row(normalise_full_row(row.values, row.where, normaliser, columns), row.where)


def _finish(shape: str, elements: list[Row], connections: list[Row], notes: list[Problem], mapping: dict[str, str],
            normaliser: Normaliser, options: ReadOptions) -> SourceRows:
    notes = [*notes, *normaliser.warnings]
    problems = list(normaliser.problems)
    if options.strict:
        problems.extend(notes)
    if problems:
        problems.sort(key=lambda p: (p.where.file, p.where.line))
        raise ImportFailed(problems)
    return SourceRows(shape, elements, connections, mapping, normaliser.normalised,
                      [f"{n.where.file}: {n.message}" for n in notes])


__all__ = ["SHAPES_HELP", "ReadOptions", "SourceRows", "load_mapping", "read_source", "save_mapping"]
