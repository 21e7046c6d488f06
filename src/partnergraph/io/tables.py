"""Read the sheets of a list as tables: a header as the user wrote it, then rows that remember their line.

A single `.csv` file is one table; a workbook gives one table per sheet. Header rows may follow
blank rows; blank rows are skipped. The same bounds as the import format's readers apply
(docs/security.md#bounded-input), and a CSV cell that an export neutralised (`'=...`) is read back
as the export's `restore_cell` says (docs/import-format.md#formulas-and-unusual-characters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnergraph.io.export import restore_cell
from partnergraph.io.reader import StrictCsv, cell_value, check_sheet_row, check_xlsx, decode_text
from partnergraph.model import ImportFailed, Location, Problem


@dataclass
class Table:
    """One sheet: where it is (``sheet.csv`` or ``book.xlsx[Sheet]``), its header and its non-blank rows."""

    file: str
    sheet: str | None  # the sheet's name in a workbook; None for a CSV file
    header: list[str]  # as written, stripped
    header_line: int
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (line, cells)

    def where(self, line: int) -> Location:
        return Location(self.file, line)


def _blank(values: list[Any] | tuple[Any, ...]) -> bool:
    return all(v is None or str(v).strip() == "" for v in values)


def _table(file: str, sheet: str | None, numbered: Any) -> Table | None:
    """Return the table of (line, cells) pairs: the first non-blank row is its header; None if all are blank."""
    table: Table | None = None
    for line, values in numbered:
        if _blank(values):
            continue
        if table is None:
            header = ["" if h is None else str(cell_value(h)).strip() for h in values]
            while header and not header[-1]:
                header.pop()
            table = Table(file, sheet, header, line)
            continue
        table.rows.append((line, list(values)))
    return table


def read_csv_table(path: Path) -> Table | None:
    """Return the table of one CSV file (UTF-8), or None if it holds only blank rows."""
    reader = StrictCsv(path, decode_text(path))

    def numbered() -> Any:
        for values in reader:
            # An export wrote a formula-like cell with a leading quote (io.export.neutralise_cell).
            yield reader.line_num, [restore_cell(v) for v in values]

    # Cells beyond the header are not an error in a list: they are reported as headerless columns.
    return _table(str(path), None, numbered())


def read_workbook_tables(path: Path, skip: tuple[str, ...] = ()) -> tuple[list[str], list[Table]]:
    """Return the names of a workbook's sheets, and one table per non-blank sheet except those named in
    `skip` (lower case; sheet names compare case-insensitively)."""
    import zipfile
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook

    check_xlsx(path)
    unreadable = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, ParseError)

    def refuse(exc: Exception) -> ImportFailed:
        return ImportFailed([Problem(Location(str(path), 1), f"not a readable .xlsx workbook ({exc})")])

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except unreadable as exc:
        raise refuse(exc) from None
    try:
        tables = []
        for name in workbook.sheetnames:
            if name.strip().lower() in skip:
                continue
            file = f"{path}[{name}]"
            table = _table(file, name, _bounded(file, workbook[name].iter_rows(values_only=True)))
            if table is not None:
                tables.append(table)
        return list(workbook.sheetnames), tables
    except unreadable as exc:
        raise refuse(exc) from None
    finally:
        workbook.close()


def _bounded(file: str, rows: Any) -> Any:
    # Bounded as it streams: the declared dimensions may be absent or lie.
    for line, values in enumerate(rows, start=1):
        check_sheet_row(file, line, values)
        yield line, values
