"""Backups: the whole graph in one JSON file that names its schema and the hash of its content.

A backup is the lossless JSON export (so `partnergraph import` reads it too) with a `backup`
header: the schema it was written with, when, how many elements and connections, and the SHA-256
of its content. The hash is computed over a canonical form (sorted, compact JSON), so the same
graph hashes the same whichever store it came from; a restore recomputes it from the file before
writing anything and from the store after, and both must match.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from partnergraph.io.export import to_json
from partnergraph.io.reader import read_json_document
from partnergraph.model import Connection, Dataset, Element, ImportFailed, PartnergraphError, validate_dataset

# The data model a backup holds; a restore refuses anything newer than it knows.
BACKUP_SCHEMA = 1


def content_digest(elements: Iterable[Element], connections: Iterable[Connection]) -> str:
    """Return the SHA-256 of a graph's content, independent of order and of the store."""
    canonical = {
        "elements": sorted((e.to_dict() for e in elements), key=lambda d: d["id"]),
        "connections": sorted((c.to_dict() for c in connections), key=lambda d: (d["from"], d["to"], d["type"])),
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_backup(path: Path, elements: list[Element], connections: list[Connection], *, source: str) -> dict[str, Any]:
    """Write a backup of the graph to `path` (replacing it only once fully written); return its header."""
    header = {
        "schema": BACKUP_SCHEMA,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source,
        "elements": len(elements),
        "connections": len(connections),
        "sha256": content_digest(elements, connections),
    }
    document = json.loads(to_json(elements, connections))
    text = json.dumps({"backup": header, **document}, ensure_ascii=False, indent=2) + "\n"
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)  # a crash leaves the old backup or the new one, never half of one
    return header


def read_backup(path: Path) -> tuple[Dataset, dict[str, Any]]:
    """Return the graph in a backup and its header, after checking its schema and hash."""
    # The text is read and decoded once, in linear time, with the line of every row (io.reader).
    try:
        document, element_rows, connection_rows = read_json_document(Path(path))
    except OSError as exc:
        raise PartnergraphError(f"{path}: not a partnergraph backup ({exc})") from None
    except ImportFailed as exc:
        first = exc.problems[0]
        if "expected an object" in first.message:
            raise PartnergraphError(f"{path}: not a partnergraph backup (no backup header); use `import` for exports") from None
        if first.message.startswith(("invalid JSON", "file is")):  # not JSON at all: one line, as before
            raise PartnergraphError(f"{path}: not a partnergraph backup ({first.message} on line {first.where.line})") from None
        raise
    header = document.get("backup")
    if not isinstance(header, dict) or not {"schema", "sha256"} <= header.keys():
        raise PartnergraphError(f"{path}: not a partnergraph backup (no backup header); use `import` for exports")
    schema = header["schema"]
    if not isinstance(schema, int) or schema > BACKUP_SCHEMA:
        raise PartnergraphError(f"{path}: written by a newer partnergraph (backup schema {schema}, this version "
                                f"reads up to {BACKUP_SCHEMA}); upgrade partnergraph to restore it")
    dataset = validate_dataset(element_rows, connection_rows, {})
    digest = content_digest(dataset.elements, dataset.connections)
    if digest != header["sha256"]:
        raise PartnergraphError(f"{path}: content does not match its SHA-256 (file damaged or edited); nothing restored")
    return dataset, header
