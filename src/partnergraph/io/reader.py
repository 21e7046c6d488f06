"""Read the import format (docs/import-format.md) from a CSV folder, a JSON file or an XLSX workbook.

Readers only turn files into `Row`s that remember their file and line; `model.validate_dataset`
decides whether the rows make sense. File-level problems (missing, empty, not UTF-8, missing
columns, malformed JSON) raise `ImportFailed` with the same ``file:line: message`` form.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from partnergraph.model import ImportFailed, Location, PartnergraphError, Problem, Row

ELEMENT_REQUIRED = ("id", "kind", "name")
# Notes may be long; the csv module's default limit of 128 KiB per cell would stop them.
csv.field_size_limit(16 * 1024 * 1024)
CONNECTION_REQUIRED = ("from", "to", "type")


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


def _decode(path: Path) -> str:
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
    text = _decode(path)
    # newline="" lets the csv module alone decide what ends a row (not U+2028 inside a cell).
    reader = csv.reader(io.StringIO(text, newline=""))
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
        rows.append(Row(dict(zip(header, values, strict=False)), Location(str(path), line)))
    if problems:
        raise ImportFailed(problems)
    return rows


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


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _read_json(path: Path) -> tuple[list[Row], list[Row]]:
    text = _decode(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed([Problem(Location(str(path), exc.lineno), f"invalid JSON: {exc.msg}")]) from None
    except RecursionError:
        raise ImportFailed([Problem(Location(str(path), 1), "invalid JSON: nested too deeply")]) from None
    except ValueError as exc:  # not a JSONDecodeError: an integer of over 4300 digits (Python's int limit)
        raise ImportFailed([Problem(Location(str(path), 1), f"invalid JSON: {exc}")]) from None
    if not isinstance(document, dict) or "elements" not in document:
        raise ImportFailed([Problem(Location(str(path), 1), 'expected an object {"elements": [...], "connections": [...]}')])
    lines = _item_lines(text)
    result: list[list[Row]] = []
    problems: list[Problem] = []
    for section in ("elements", "connections"):
        items = document.get(section) or []
        if not isinstance(items, list):
            problems.append(Problem(Location(str(path), 1), f"'{section}' must be a list"))
            result.append([])
            continue
        rows = []
        for index, item in enumerate(items):
            where = Location(str(path), lines[section][index] if index < len(lines[section]) else 1)
            if not isinstance(item, dict):
                problems.append(Problem(where, f"{section}[{index}] must be an object"))
                continue
            rows.append(Row({str(k).lower(): v for k, v in item.items()}, where))
        result.append(rows)
    if problems:
        raise ImportFailed(problems)
    return result[0], result[1]


def _item_lines(text: str) -> dict[str, list[int]]:
    """Return the line on which each item of the top-level `elements`/`connections` lists starts."""
    decoder = json.JSONDecoder()
    lines: dict[str, list[int]] = {"elements": [], "connections": []}
    i = _skip(text, 0)
    if i >= len(text) or text[i] != "{":
        return lines
    i = _skip(text, i + 1)
    while i < len(text) and text[i] != "}":
        key, i = json.decoder.scanstring(text, i + 1)
        i = _skip(text, _skip(text, i) + 1)  # past the colon
        if key in lines and text[i] == "[":
            i = _skip(text, i + 1)
            while text[i] != "]":
                lines[key].append(_line_at(text, i))
                _, i = decoder.raw_decode(text, i)
                i = _skip(text, i)
                if text[i] == ",":
                    i = _skip(text, i + 1)
            i += 1
        else:
            _, i = decoder.raw_decode(text, i)
        i = _skip(text, i)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
    return lines


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _read_xlsx(path: Path) -> tuple[list[Row], list[Row]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFailed([Problem(Location(str(path), 1), f"not a readable .xlsx workbook ({exc})")]) from None
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
        for line, values in enumerate(rows_iter, start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            cells = {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
            rows.append(Row(cells, Location(file, line)))
        result.append(rows)
    workbook.close()
    if problems:
        raise ImportFailed(problems)
    return result[0], result[1]


def _cell(value: Any) -> Any:
    # Spreadsheets turn dates into datetimes and 4 into 4.0; give validators the ISO text.
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value
