"""Import uploads: the one large body the viewer takes, for the import page and `POST /api/import`.

Only the suffix of the client's file name is used (to pick the reader), never the name as a
path; the upload goes through a private temporary file, and problems name the file the editor
chose (with its sheet: ``partners.xlsx[Partners 2026]:7``).

The import page previews first (docs/viewer.md#importing-a-spreadsheet): the upload is kept under
a secret token, bound to the account that sent it, until it is confirmed or an hour has passed.
Any server process can preview or confirm it (the file is on this machine's disk, not in one
process's memory). Confirming previews again with the decisions taken and applies that plan if
the store has not changed since the preview that was shown; otherwise the page shows the new
preview.

Writing runs as a job in a background thread, over its own connection to the store
(`Imports.detached`), so that the app's one workspace keeps answering reads and `/healthz` while a
large file is written. The import page follows the job (`/edit/import/job/<job>`); `POST
/api/import` waits for it. Temporary files are named ``partnergraph-upload-<pid>-*``: at
start-up those of processes that no longer run (a killed server) are removed.
"""

from __future__ import annotations

import dataclasses
import json
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

from partnergraph.model import PartnergraphError
from partnergraph.records import ChangeNote
from partnergraph.services.data import write_template
from partnergraph.services.edit_checks import ValidationError, import_note
from partnergraph.services.imports import ImportOptions, ImportPlan, Imports
from partnergraph.viewer.auth import actor
from partnergraph.viewer.common import ViewerState, state

MAX_UPLOAD = 16 * 1024 * 1024  # bytes of one request: an import file of some 100,000 rows
UPLOAD_SUFFIXES = (".csv", ".json", ".xlsx")
TEMPLATE_NAME = "partnergraph-template.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMP_PREFIX = "partnergraph-upload-"  # then the pid of the process that wrote it, and a random part
WAIT_ON_PAGE = 2.0  # seconds the import page waits for a job before showing its progress page
JOBS_KEPT = 100  # finished jobs remembered per process, for their pages
LEFTOVER_AGE = 3600  # seconds after which an upload (previewed, never confirmed) is a leftover
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
            stale = ((match and not _running(int(match.group(1))))
                     or time.time() - path.stat().st_mtime > LEFTOVER_AGE)
            if stale:
                path.unlink()
                removed.append(path.name)
        except OSError:
            continue  # gone meanwhile, or not ours to remove
    if removed:
        log.info("removed %d upload files left by a server that stopped: %s", len(removed), ", ".join(removed))
    return removed


def upload_suffix(upload: FileStorage | None) -> str:
    """Return the upload's suffix (.csv, .json or .xlsx), or raise a ValidationError on the field `file`."""
    name = (upload.filename or "") if upload else ""
    # Only the suffix of the client's name is used (to pick the reader), never the name as a path.
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if not name or suffix not in UPLOAD_SUFFIXES:
        raise ValidationError({"file": ["choose a .csv, .xlsx or .json file"]})
    return suffix


@dataclasses.dataclass(frozen=True)
class Upload:
    """An uploaded file kept for its preview and confirmation, and what the editor said about it."""

    token: str
    path: Path
    file: str  # the name the editor chose, for messages
    owner: str
    source: str
    comment: str
    from_affiliate: str

    def options(self, decisions: dict[tuple[str, str], str] | None = None, on_duplicate: str | None = None
                ) -> ImportOptions:
        return ImportOptions(decisions=decisions or {}, on_duplicate=on_duplicate or None,
                             from_affiliate=self.from_affiliate or None)

    def note(self) -> ChangeNote:
        note = import_note(self.owner, self.source, self.comment)
        return dataclasses.replace(note, comment=note.comment or f"uploaded {self.file}")

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.path.with_name(self.path.name + ".meta").unlink(missing_ok=True)


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def save_upload(upload: FileStorage | None, source: str, comment: str, from_affiliate: str = "") -> Upload:
    """Keep an upload in a private temporary file under a secret token; check the note first."""
    suffix = upload_suffix(upload)
    assert upload is not None
    import_note(actor(), source, comment)  # a missing provenance is refused before anything is kept
    remove_leftovers()
    token = secrets.token_urlsafe(24)
    handle, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-{token}-", suffix=suffix)
    kept = Upload(token, Path(temp), secure_filename(upload.filename or "") or f"upload{suffix}", actor(),
                  source, comment, from_affiliate.strip())
    try:
        with os.fdopen(handle, "wb") as out:
            upload.save(out)
        meta = {k: v for k, v in dataclasses.asdict(kept).items() if k not in ("path", "token")}
        with os.fdopen(os.open(f"{temp}.meta", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            json.dump(meta, out)
    except BaseException:
        kept.discard()
        raise
    return kept


def find_upload(token: str) -> Upload | None:
    """Return the upload kept under `token` if the signed-in account sent it, else None."""
    if not _TOKEN.match(token):
        return None
    for path in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*-{token}-*"):
        if path.suffix not in UPLOAD_SUFFIXES or path.is_symlink() or path.stat().st_uid != os.getuid():
            continue
        try:
            meta = json.loads(path.with_name(path.name + ".meta").read_text())
        except (OSError, ValueError):
            return None
        if meta.get("owner") != actor():
            return None
        return Upload(token, path, **meta)
    return None


def preview(imports: Imports, upload: Upload, decisions: dict[tuple[str, str], str] | None = None) -> ImportPlan:
    """Return what importing the upload would do; raise its problems naming the editor's file."""
    return imports.preview(upload.path, upload.options(decisions), shown_name=upload.file)


class StoreChanged(PartnergraphError):
    """Raise when the store changed between a preview and its confirmation; the preview is shown again."""


@dataclasses.dataclass
class ImportJob:
    """One import being written (or written) in the background; its page shows `stage`, `done` of `total`."""

    id: str
    owner: str
    file: str  # the name the editor chose, for messages
    stage: str = "checking"
    done: int = 0
    total: int = 0
    started: float = dataclasses.field(default_factory=time.time)
    finished: float | None = None
    stats: dict[str, Any] | None = None
    report: dict[str, Any] | None = None
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


def start_import(upload: Upload, *, decisions: dict[tuple[str, str], str] | None = None,
                 on_duplicate: str | None = None, version: str | None = None) -> ImportJob:
    """Preview the upload again with `decisions` and write it in a background thread; return its job.

    With a `version` (the store version of the preview the editor confirmed), a store that changed
    since fails the job with `StoreChanged` and writes nothing.
    """
    started = ImportJob(secrets.token_urlsafe(16), actor(), upload.file)
    with _jobs_lock:
        finished = [j for j in _jobs.values() if not j.running]
        for old in sorted(finished, key=lambda j: j.started)[: max(0, len(_jobs) - JOBS_KEPT)]:
            del _jobs[old.id]
        _jobs[started.id] = started
    viewer = state()
    threading.Thread(target=_run, args=(started, viewer, upload, decisions, on_duplicate, version),
                     name=f"import-{started.id[:6]}", daemon=True).start()
    return started


def _run(job: ImportJob, viewer: ViewerState, upload: Upload, decisions: dict[tuple[str, str], str] | None,
         on_duplicate: str | None, version: str | None) -> None:
    try:
        # Its own connection: the app's workspace (and its lock) stays free for reads meanwhile.
        with viewer.ws.imports.detached() as imports:
            plan = imports.preview(upload.path, upload.options(decisions, on_duplicate), shown_name=upload.file)
            if version is not None and plan.version != version:
                raise StoreChanged("the directory changed since this preview; here is the preview again")
            job.report = plan.report
            stats = imports.apply(plan, upload.note(), job.progress("writing", len(plan.dataset.elements)
                                                                    + len(plan.dataset.connections)))
            job.stats = dataclasses.asdict(stats)
    except PartnergraphError as exc:
        job.error = exc  # the preview names the editor's file, never our temporary one
    except Exception:
        log.exception("import of %s failed", job.file)
        job.crashed = True
    finally:
        if job.error is None or not isinstance(job.error, StoreChanged):
            upload.discard()
        job.finished = time.time()
        job.event.set()


def import_upload(upload: FileStorage | None, source: str, comment: str, *, from_affiliate: str = "",
                  on_duplicate: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Import an uploaded file without a preview page (the API), waiting for it; return its counts and report."""
    kept = save_upload(upload, source, comment, from_affiliate)
    started = start_import(kept, on_duplicate=on_duplicate)
    started.event.wait()
    stats = started.result()
    return stats, started.report or {}


def template_response() -> Response:
    """Return the import template workbook as a download (docs/import-format.md#the-template)."""
    import io

    body = io.BytesIO()
    write_template(body)
    return Response(body.getvalue(), mimetype=XLSX_TYPE,
                    headers={"Content-Disposition": f"attachment; filename={TEMPLATE_NAME}"})
