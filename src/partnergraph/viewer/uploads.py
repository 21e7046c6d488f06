"""Import uploads: the one large body the viewer takes, for the import page and `POST /api/import`.

Only the suffix of the client's file name is used (to pick the reader), never the name as a
path; the upload goes through a private temporary file, and problems name the file the editor
chose.

An import runs as a job in a background thread, over its own connection to the store
(`Data.detached`), so that the app's one workspace keeps answering reads and `/healthz` while a
large file is read, checked and written. The import page follows the job (`/edit/import/<job>`);
`POST /api/import` waits for it and answers as before. Temporary files are named
``partnergraph-upload-<pid>-*``: at start-up those of processes that no longer run (a killed
server) are removed.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from pathlib import Path, PurePosixPath
from typing import Any

from flask import Response
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from partnergraph.model import ImportFailed, Location, PartnergraphError
from partnergraph.records import ChangeNote
from partnergraph.services.data import write_template
from partnergraph.services.edit_checks import ValidationError, import_note
from partnergraph.viewer.auth import actor
from partnergraph.viewer.common import ViewerState, state

MAX_UPLOAD = 16 * 1024 * 1024  # bytes of one request: an import file of some 100,000 rows
UPLOAD_SUFFIXES = (".json", ".xlsx")
TEMPLATE_NAME = "partnergraph-template.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMP_PREFIX = "partnergraph-upload-"  # then the pid of the process that wrote it, and a random part
WAIT_ON_PAGE = 2.0  # seconds the import page waits for a job before showing its progress page
JOBS_KEPT = 100  # finished jobs remembered per process, for their pages
LEFTOVER_AGE = 3600  # seconds after which an upload file of the older, pid-less form is a leftover
_PID = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")

log = logging.getLogger(__name__)


def configure(setup: Any) -> None:
    """Cap every request of the app at MAX_UPLOAD bytes (413 beyond), unless the app sets its own cap;
    remove the upload files a killed server left behind."""
    if setup.app.config.get("MAX_CONTENT_LENGTH") is None:
        setup.app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD
    remove_leftovers()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


def remove_leftovers(folder: Path | None = None) -> list[str]:
    """Remove upload files of processes that no longer run (and pid-less ones over an hour old); return their names.

    Files of a running process (this one included) are in use and stay.
    """
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    for path in folder.glob(TEMP_PREFIX + "*"):
        try:
            if not path.is_file() or path.is_symlink() or path.stat().st_uid != os.getuid():
                continue
            match = _PID.match(path.name)
            stale = (not _running(int(match.group(1))) if match
                     else time.time() - path.stat().st_mtime > LEFTOVER_AGE)
            if stale:
                path.unlink()
                removed.append(path.name)
        except OSError:
            continue  # gone meanwhile, or not ours to remove
    if removed:
        log.info("removed %d upload files left by a server that stopped: %s", len(removed), ", ".join(removed))
    return removed


def upload_suffix(upload: FileStorage | None) -> str:
    """Return the upload's suffix (.json or .xlsx), or raise a ValidationError on the field `file`."""
    name = (upload.filename or "") if upload else ""
    # Only the suffix of the client's name is used (to pick the reader), never the name as a path.
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if not name or suffix not in UPLOAD_SUFFIXES:
        raise ValidationError({"file": ["choose a .json or .xlsx import file"]})
    return suffix


@dataclasses.dataclass
class ImportJob:
    """One import running (or run) in the background; its page shows `stage`, `done` of `total`."""

    id: str
    owner: str
    file: str  # the name the editor chose, for messages
    stage: str = "reading"
    done: int = 0
    total: int = 0
    started: float = dataclasses.field(default_factory=time.time)
    finished: float | None = None
    stats: dict[str, Any] | None = None
    error: PartnergraphError | None = None
    crashed: bool = False
    event: threading.Event = dataclasses.field(default_factory=threading.Event, repr=False)

    @property
    def running(self) -> bool:
        return not self.event.is_set()

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0

    def progress(self, stage: str, total: int) -> Any:
        self.stage, self.done, self.total = stage, 0, total

        def advance(rows: int) -> None:
            self.done += rows
        return advance

    def result(self) -> dict[str, Any]:
        """Return the counts of a finished job, or raise what it failed with."""
        if self.crashed:
            raise RuntimeError("the import failed unexpectedly: the server log has the details")
        if self.error is not None:
            raise self.error
        assert self.stats is not None
        return self.stats


_jobs: dict[str, ImportJob] = {}
_jobs_lock = threading.Lock()


def job(job_id: str) -> ImportJob | None:
    """Return the job `job_id` if the signed-in account started it (ids are secret, and checked)."""
    with _jobs_lock:
        found = _jobs.get(job_id)
    return found if found is not None and found.owner == actor() else None


def start_import(upload: FileStorage | None, source: str, comment: str) -> ImportJob:
    """Save an upload to a private temporary file and import it in a background thread; return its job."""
    suffix = upload_suffix(upload)
    assert upload is not None
    note = import_note(actor(), source, comment)
    shown_name = secure_filename(upload.filename or "") or f"upload{suffix}"
    handle, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            upload.save(out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    note = dataclasses.replace(note, comment=note.comment or f"uploaded {shown_name}")
    started = ImportJob(secrets.token_urlsafe(16), actor(), shown_name)
    with _jobs_lock:
        finished = [j for j in _jobs.values() if not j.running]
        for old in sorted(finished, key=lambda j: j.started)[: max(0, len(_jobs) - JOBS_KEPT)]:
            del _jobs[old.id]
        _jobs[started.id] = started
    viewer = state()
    threading.Thread(target=_run, args=(started, viewer, Path(temp), note), name=f"import-{started.id[:6]}",
                     daemon=True).start()
    return started


def _run(job: ImportJob, viewer: ViewerState, temp: Path, note: ChangeNote) -> None:
    try:
        # Its own connection: the app's workspace (and its lock) stays free for reads meanwhile.
        with viewer.ws.data.detached() as data:
            job.stats = dataclasses.asdict(data.import_path(temp, job.progress, note=note))
    except ImportFailed as exc:
        # Problems name the file the editor chose, not our temporary one.
        job.error = ImportFailed([dataclasses.replace(p, where=Location(job.file, p.where.line))
                                  for p in exc.problems])
    except PartnergraphError as exc:
        job.error = PartnergraphError(str(exc).replace(str(temp), job.file))
    except Exception:
        log.exception("import of %s failed", job.file)
        job.crashed = True
    finally:
        temp.unlink(missing_ok=True)
        job.finished = time.time()
        job.event.set()


def import_upload(upload: FileStorage | None, source: str, comment: str) -> dict[str, Any]:
    """Import an uploaded file (in the background, waiting for it); return the counts."""
    started = start_import(upload, source, comment)
    started.event.wait()
    return started.result()


def template_response() -> Response:
    """Return the import template workbook as a download (docs/import-format.md#the-template)."""
    import io

    body = io.BytesIO()
    write_template(body)
    return Response(body.getvalue(), mimetype=XLSX_TYPE,
                    headers={"Content-Disposition": f"attachment; filename={TEMPLATE_NAME}"})
