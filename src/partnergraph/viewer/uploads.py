"""Import uploads: the one large body the viewer takes, for the import page and `POST /api/import`.

Only the suffix of the client's file name is used (to pick the reader), never the name as a
path; the upload goes through a private temporary file, and problems name the file the editor
chose.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from partnergraph.model import ImportFailed, Location
from partnergraph.services.edit_checks import ValidationError, import_note
from partnergraph.viewer.auth import actor
from partnergraph.viewer.common import state

MAX_UPLOAD = 16 * 1024 * 1024  # bytes of one request: an import file of some 100,000 rows
UPLOAD_SUFFIXES = (".json", ".xlsx")


def configure(setup: Any) -> None:
    """Cap every request of the app at MAX_UPLOAD bytes (413 beyond), unless the app sets its own cap."""
    if setup.app.config.get("MAX_CONTENT_LENGTH") is None:
        setup.app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD


def upload_suffix(upload: FileStorage | None) -> str:
    """Return the upload's suffix (.json or .xlsx), or raise a ValidationError on the field `file`."""
    name = (upload.filename or "") if upload else ""
    # Only the suffix of the client's name is used (to pick the reader), never the name as a path.
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if not name or suffix not in UPLOAD_SUFFIXES:
        raise ValidationError({"file": ["choose a .json or .xlsx import file"]})
    return suffix


def import_upload(upload: FileStorage | None, source: str, comment: str) -> dict[str, Any]:
    """Import an uploaded file through a private temporary file; return the counts."""
    suffix = upload_suffix(upload)
    assert upload is not None
    note = import_note(actor(), source, comment)
    shown_name = secure_filename(upload.filename or "") or f"upload{suffix}"
    handle, temp = tempfile.mkstemp(prefix="partnergraph-upload-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            upload.save(out)
        note = dataclasses.replace(note, comment=note.comment or f"uploaded {shown_name}")
        with state().workspace() as ws:
            try:
                stats = ws.data.import_path(Path(temp), note=note)
            except ImportFailed as exc:
                # Problems name the file the editor chose, not our temporary one.
                raise ImportFailed([dataclasses.replace(p, where=Location(shown_name, p.where.line))
                                    for p in exc.problems]) from None
    finally:
        Path(temp).unlink(missing_ok=True)
    return dataclasses.asdict(stats)
