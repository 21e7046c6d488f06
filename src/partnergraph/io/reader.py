"""Read the import format (docs/import-format.md) from a CSV folder, a JSON file or an XLSX workbook.

Readers only turn files into `Row`s that remember their file and line; `model.validate_dataset`
decides whether the rows make sense. File-level problems (missing, empty, not UTF-8, missing
columns, malformed JSON) raise `ImportFailed` with the same ``file:line: message`` form.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from partnergraph.io.export import restore_cell
from partnergraph.model import ImportFailed, Location, PartnergraphError, Problem, Row

ELEMENT_REQUIRED = ("id", "kind", "name")
# Notes may be long; the csv module's default limit of 128 KiB per cell would stop them.
csv.field_size_limit(16 * 1024 * 1024)
CONNECTION_REQUIRED = ("from", "to", "type")
_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace


def read_rows(path: str | Path) -> tuple[list[Row], list[Row]]:
    """Return the element rows and connection rows stored at `path`."""
    path = Path(path)
    if not path.exists():
        raise PartnergraphError(f"{path}: no such file or folder")
    if path.is_dir():
        return _read_csv_folder(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _read_json(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        raise PartnergraphError(f"{path}: give the folder that holds elements.csv and connections.csv")
    raise PartnergraphError(f"{path}: unsupported import file (a folder of CSV files, .json or .xlsx)")


def decode_text(path: Path) -> str:
    """Return a text file's content as UTF-8 (a BOM aside), or raise `ImportFailed` naming the file."""
    data = path.read_bytes()
    if not data.strip():
        raise ImportFailed([Problem(Location(str(path), 1), "file is empty")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed([Problem(Location(str(path), line), "file is not valid UTF-8")]) from None
    if not text.strip():  # e.g. only a byte-order mark
        raise ImportFailed([Problem(Location(str(path), 1), "file is empty")])
    return text


def _check_columns(header: list[str], required: tuple[str, ...], where: Location) -> list[Problem]:
    missing = [c for c in required if c not in header]
    if missing:
        return [Problem(where, f"missing column: {', '.join(missing)}")]
    return []


def _read_csv(path: Path, required: tuple[str, ...]) -> list[Row]:
    text = decode_text(path)
    # newline="" lets the csv module alone decide what ends a row (not U+2028 inside a cell).
    reader = StrictCsv(path, text)
    try:
        header = [h.strip().lower() for h in next(reader)]
        problems = _check_columns(header, required, Location(str(path), 1))
        if problems:
            raise ImportFailed(problems)
        return _csv_rows(path, reader, header)
    except csv.Error as exc:
        raise ImportFailed([Problem(Location(str(path), reader.line_num), f"not readable as CSV ({exc})")]) from None


def _csv_rows(path: Path, reader: Any, header: list[str]) -> list[Row]:
    problems: list[Problem] = []
    rows: list[Row] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            problems.append(Problem(Location(str(path), line), f"{len(values)} values but {len(header)} columns"))
            continue
        # An export wrote a formula-like cell with a leading quote (io.export.neutralise_cell).
        cells = {h: restore_cell(v) for h, v in zip(header, values, strict=False)}
        rows.append(Row(cells, Location(str(path), line)))
    if problems:
        raise ImportFailed(problems)
    return rows


class StrictCsv:
    """A csv reader in strict mode: a malformed file (an unterminated quote, text after a closing
    quote) is refused with the line its row starts on, instead of silently merging rows into a cell."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self._reader = csv.reader(io.StringIO(text, newline=""), strict=True)

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> StrictCsv:
        return self

    def __next__(self) -> list[str]:
        start = self._reader.line_num + 1
        try:
            return next(self._reader)
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                message = f"not readable as CSV: a quoted cell that starts in the row on line {start} is never closed"
            else:
                message = f"not readable as CSV ({exc}) in the row starting on line {start}"
            raise ImportFailed([Problem(Location(str(self.path), start), message)]) from None


def _read_csv_folder(folder: Path) -> tuple[list[Row], list[Row]]:
    elements_file, connections_file = folder / "elements.csv", folder / "connections.csv"
    if not elements_file.exists():
        raise PartnergraphError(f"{folder}: no elements.csv in this folder")
    problems: list[Problem] = []
    results: list[list[Row]] = []
    for file, required in ((elements_file, ELEMENT_REQUIRED), (connections_file, CONNECTION_REQUIRED)):
        if file is connections_file and not file.exists():
            results.append([])
            continue
        try:
            results.append(_read_csv(file, required))
        except ImportFailed as exc:
            problems.extend(exc.problems)
            results.append([])
    if problems:
        raise ImportFailed(problems)
    return results[0], results[1]


def _read_json(path: Path) -> tuple[list[Row], list[Row]]:
    document, lines = _parse_json(path, decode_text(path))
    if not isinstance(document, dict) or "elements" not in document:
        raise ImportFailed([Problem(Location(str(path), 1), 'expected an object {"elements": [...], "connections": [...]}')])
    return _json_rows(path, document, lines)


def read_json_document(path: Path) -> tuple[Any, list[Row], list[Row]]:
    """Return a JSON file's whole document with its element and connection rows, reading the text once.

    A backup reads its header from the document; problems are those of `read_rows`.
    """
    document, lines = _parse_json(path, decode_text(path))
    if not isinstance(document, dict) or "elements" not in document:
        raise ImportFailed([Problem(Location(str(path), 1), 'expected an object {"elements": [...], "connections": [...]}')])
    return (document, *_json_rows(path, document, lines))


def _json_rows(path: Path, document: dict[str, Any], lines: dict[str, list[int]]) -> tuple[list[Row], list[Row]]:
    result: list[list[Row]] = []
    problems: list[Problem] = []
    for section in ("elements", "connections"):
        items = document.get(section) or []
        if not isinstance(items, list):
            problems.append(Problem(Location(str(path), 1), f"'{section}' must be a list"))
            result.append([])
            continue
        rows = []
        section_lines = lines[section] if len(lines[section]) == len(items) else []
        for index, item in enumerate(items):
            where = Location(str(path), section_lines[index] if section_lines else 1)
            if not isinstance(item, dict):
                problems.append(Problem(where, f"{section}[{index}] must be an object"))
                continue
            rows.append(Row({str(k).lower(): v for k, v in item.items()}, where))
        result.append(rows)
    if problems:
        raise ImportFailed(problems)
    return result[0], result[1]


class _NotSimple(Exception):
    """The text is not a plain top-level object; the json module reads it and names what is wrong."""


def _parse_json(path: Path, text: str) -> tuple[Any, dict[str, list[int]]]:
    """Return the document and the line each item of `elements`/`connections` starts on, in linear time.

    One pass of the decoder over the top-level object (each item decoded by the C scanner, the
    line counted from the previous item's, not from the start of the text). Anything unusual
    (malformed, a top-level value that is not an object) is left to `json.loads`, so that every
    message stays the json module's, with its line.
    """
    try:
        return _scan_json(text)
    except (_NotSimple, json.JSONDecodeError, RecursionError, IndexError, ValueError):
        pass
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed([Problem(Location(str(path), exc.lineno), f"invalid JSON: {exc.msg}")]) from None
    except RecursionError:
        raise ImportFailed([Problem(Location(str(path), 1), "invalid JSON: nested too deeply")]) from None
    except ValueError as exc:  # not a JSONDecodeError: an integer of over 4300 digits (Python's int limit)
        raise ImportFailed([Problem(Location(str(path), 1), f"invalid JSON: {exc}")]) from None
    return document, {"elements": [], "connections": []}  # not an object of lists: problems name line 1


def _scan_json(text: str) -> tuple[dict[str, Any], dict[str, list[int]]]:
    decode = json.JSONDecoder().raw_decode
    lines: dict[str, list[int]] = {"elements": [], "connections": []}
    document: dict[str, Any] = {}
    line, counted = 1, 0  # the line at offset `counted`

    def line_at(offset: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, offset)
        counted = offset
        return line

    i = _skip(text, 0)
    if text[i] != "{":
        raise _NotSimple
    i = _skip(text, i + 1)
    if text[i] != "}":
        while True:
            if text[i] != '"':
                raise _NotSimple
            key, i = json.decoder.scanstring(text, i + 1)
            i = _skip(text, i)
            if text[i] != ":":
                raise _NotSimple
            i = _skip(text, i + 1)
            if key in lines and text[i] == "[":
                items: list[Any] = []
                starts: list[int] = []
                i = _skip(text, i + 1)
                if text[i] != "]":
                    while True:
                        starts.append(line_at(i))
                        item, i = decode(text, i)
                        items.append(item)
                        i = _skip(text, i)
                        if text[i] == "]":
                            break
                        if text[i] != ",":
                            raise _NotSimple
                        i = _skip(text, i + 1)
                i += 1
                document[key], lines[key] = items, starts
            else:
                document[key], i = decode(text, i)
                if key in lines:
                    lines[key] = []
            i = _skip(text, i)
            if text[i] == "}":
                break
            if text[i] != ",":
                raise _NotSimple
            i = _skip(text, i + 1)
    if _skip(text, i + 1) != len(text):
        raise _NotSimple
    return document, lines


def _skip(text: str, i: int) -> int:
    return _WHITESPACE.match(text, i).end()  # type: ignore[union-attr]  # matches the empty string too


# Bounds on a workbook, checked before openpyxl reads it (docs/security.md#bounded-input): a small
# compressed file may declare millions of cells, or expand its XML many times over.
XLSX_MAX_ROWS = 200_000  # per sheet, header included
XLSX_MAX_COLUMNS = 64
XLSX_MAX_SHARED_STRINGS = 2_000_000
XLSX_MAX_UNCOMPRESSED = 256 * 1024 * 1024  # bytes of all parts together
XLSX_MAX_PARTS = 1_000
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')
_SHARED_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\buniqueCount="(\d+)"')


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def check_xlsx(path: Path) -> None:
    """Refuse a workbook whose size, declared dimensions, shared strings or XML declarations exceed
    the bounds, before openpyxl parses any of it; one problem naming the file."""
    import zipfile

    def refuse(message: str) -> ImportFailed:
        return ImportFailed([Problem(Location(str(path), 1), message)])

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > XLSX_MAX_PARTS:
                raise refuse(f"workbook has {len(parts):,} parts; at most {XLSX_MAX_PARTS:,} are read")
            size = sum(part.file_size for part in parts)
            if size > XLSX_MAX_UNCOMPRESSED:
                raise refuse(f"workbook expands to {size:,} bytes; at most {XLSX_MAX_UNCOMPRESSED:,} are read")
            for part in parts:
                if part.filename.endswith((".xml", ".rels", ".vml")):
                    _check_xml_part(archive, part, refuse)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, NotImplementedError, RuntimeError) as exc:
        raise refuse(f"not a readable .xlsx workbook ({exc})") from None


def _check_xml_part(archive: Any, part: Any, refuse: Callable[[str], ImportFailed]) -> None:
    """Stream one XML part: no DTD nor entity declaration (entity expansion), declared sizes within bounds."""
    head = b""
    tail = b""
    read = 0
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(1024 * 1024)
            if not chunk:
                break
            read += len(chunk)
            if read > XLSX_MAX_UNCOMPRESSED:  # the sizes in the directory may lie
                raise refuse(f"part {part.filename} expands beyond {XLSX_MAX_UNCOMPRESSED:,} bytes")
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise refuse(f"part {part.filename} declares a DTD or entities, which a workbook never needs")
            tail = window[-16:]
            if len(head) < 4096:
                head += chunk[: 4096 - len(head)]
    name = part.filename.lower()
    if name.startswith("xl/worksheets/"):
        found = _DIMENSION.search(head)
        if found and found.group(4):
            rows = int(found.group(4))
            columns = _column_number(found.group(3).decode())
            if rows > XLSX_MAX_ROWS:
                raise refuse(f"sheet {part.filename} declares {rows:,} rows; at most {XLSX_MAX_ROWS:,} are read")
            if columns > XLSX_MAX_COLUMNS:
                raise refuse(f"sheet {part.filename} declares {columns:,} columns; at most {XLSX_MAX_COLUMNS} are read")
    elif name == "xl/sharedstrings.xml":
        found = _SHARED_COUNT.search(head)
        if found and int(found.group(1)) > XLSX_MAX_SHARED_STRINGS:
            raise refuse(f"workbook declares {int(found.group(1)):,} shared strings; "
                         f"at most {XLSX_MAX_SHARED_STRINGS:,} are read")


def _read_xlsx(path: Path) -> tuple[list[Row], list[Row]]:
    import zipfile
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook

    check_xlsx(path)
    unreadable = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, ParseError)  # ParseError: e.g. an undefined entity
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except unreadable as exc:
        raise ImportFailed([Problem(Location(str(path), 1), f"not a readable .xlsx workbook ({exc})")]) from None
    try:
        return _xlsx_rows(path, workbook)
    except unreadable as exc:
        raise ImportFailed([Problem(Location(str(path), 1), f"not a readable .xlsx workbook ({exc})")]) from None
    finally:
        workbook.close()


def _xlsx_rows(path: Path, workbook: Any) -> tuple[list[Row], list[Row]]:
    sheets = {name.lower(): name for name in workbook.sheetnames}
    problems: list[Problem] = []
    result: list[list[Row]] = []
    for sheet, required in (("elements", ELEMENT_REQUIRED), ("connections", CONNECTION_REQUIRED)):
        file = f"{path}[{sheet.capitalize()}]"
        if sheet not in sheets:
            if sheet == "elements":
                problems.append(Problem(Location(str(path), 1), "no sheet named Elements"))
            result.append([])
            continue
        rows_iter = workbook[sheets[sheet]].iter_rows(values_only=True)
        header_row = next(rows_iter, None)
        if header_row is None:
            problems.append(Problem(Location(file, 1), "sheet is empty"))
            result.append([])
            continue
        header = [str(h).strip().lower() if h is not None else "" for h in header_row]
        column_problems = _check_columns(header, required, Location(file, 1))
        if column_problems:
            problems.extend(column_problems)
            result.append([])
            continue
        rows = []
        if len(header_row) > XLSX_MAX_COLUMNS:
            raise ImportFailed([Problem(Location(file, 1), f"row has {len(header_row):,} columns; at most {XLSX_MAX_COLUMNS} are read")])
        for line, values in enumerate(rows_iter, start=2):
            check_sheet_row(file, line, values)  # bounded as it streams too: declared dimensions may lie
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            cells = {h: cell_value(v) for h, v in zip(header, values, strict=False) if h}
            rows.append(Row(cells, Location(file, line)))
        result.append(rows)
    if problems:
        raise ImportFailed(problems)
    return result[0], result[1]


def check_sheet_row(file: str, line: int, values: Sequence[Any]) -> None:
    """Raise `ImportFailed` for a workbook row beyond what is read (docs/security.md#bounded-input)."""
    if line > XLSX_MAX_ROWS or len(values) > XLSX_MAX_COLUMNS:
        message = (f"sheet has more than {XLSX_MAX_ROWS:,} rows; at most {XLSX_MAX_ROWS:,} are read"
                   if line > XLSX_MAX_ROWS else
                   f"row has {len(values):,} columns; at most {XLSX_MAX_COLUMNS} are read")
        raise ImportFailed([Problem(Location(file, line), message)])


def cell_value(value: Any) -> Any:
    """Return a workbook cell as the readers take it: empty as "", dates as ISO text, 4.0 as "4"."""
    # Spreadsheets turn dates into datetimes and 4 into 4.0; give validators the ISO text.
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value
