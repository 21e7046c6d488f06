"""The import pages: upload a spreadsheet or an import file, preview it, decide its duplicates, confirm.

The flow and its rules are in docs/viewer.md#importing-a-spreadsheet; the work is the imports service's
(`services.imports`), the keeping of uploads and the background writing `viewer.uploads`'.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from partnergraph.model import ImportFailed, PartnergraphError
from partnergraph.services import plural
from partnergraph.services.edit_checks import PROVENANCE, ValidationError
from partnergraph.services.imports import DECISIONS, UndecidedDuplicates
from partnergraph.viewer import uploads
from partnergraph.viewer.auth import require_role
from partnergraph.viewer.common import private_only, state

imports = Blueprint("imports", __name__)


@imports.before_request
def _private() -> None:
    private_only()


def _page(status: int = 200, **context: Any) -> Any:
    defaults: dict[str, Any] = {"values": {}, "errors": {}, "problems": [], "message": "", "stats": None,
                                "job": None, "plan": None, "upload": None, "decisions": {}}
    return render_template("edit_import.html", **{**defaults, **context}), status


@imports.route("/edit/import", methods=["GET", "POST"])
@require_role("editor")
def upload() -> Any:
    """The upload form; a file sent is kept and its preview shown next."""
    if request.method != "POST":
        return _page()
    try:
        kept = uploads.save_upload(request.files.get("file"), request.form.get(PROVENANCE, ""),
                                   request.form.get("comment", ""), request.form.get("from_affiliate", ""))
    except ValidationError as exc:
        return _page(400, values=request.form.to_dict(), errors=exc.errors)
    return redirect(url_for("imports.preview", token=kept.token), 303)


def _decisions() -> dict[tuple[str, str], str]:
    """Return the decisions of the preview form: pair n has incoming-n, existing-n and decision-n."""
    found: dict[tuple[str, str], str] = {}
    for key, value in request.form.items():
        if key.startswith("decision-") and value in DECISIONS:
            n = key.removeprefix("decision-")
            found[(request.form.get(f"incoming-{n}", ""), request.form.get(f"existing-{n}", ""))] = value
    return found


def _preview_page(upload: uploads.Upload, decisions: dict[tuple[str, str], str], status: int = 200,
                  message: str = "") -> Any:
    try:
        plan = uploads.preview(state().ws.imports, upload, decisions)
    except ImportFailed as exc:
        upload.discard()
        return _page(400, problems=[str(p) for p in exc.problems], message=str(exc))
    except PartnergraphError as exc:
        upload.discard()
        return _page(400, errors={"file": [str(exc)]})
    chosen = {(p["incoming"], p["existing"]): p["decision"] for p in plan.report["possible_duplicates"]}
    return _page(status, plan=plan, upload=upload, decisions=chosen, message=message)


@imports.route("/edit/import/preview/<token>", methods=["GET", "POST"])
@require_role("editor")
def preview(token: str) -> Any:
    """The preview of a kept upload; confirming it writes exactly what was previewed."""
    kept = uploads.find_upload(token)
    if kept is None:
        abort(404, description="no such upload: uploads are kept for an hour, for the account that sent them")
    decisions = _decisions()
    if request.method != "POST":
        return _preview_page(kept, decisions)
    version = request.form.get("version", "")
    try:
        plan = uploads.preview(state().ws.imports, kept, decisions)
    except PartnergraphError:
        return _preview_page(kept, decisions, 400)
    if plan.version != version:
        return _preview_page(kept, decisions, 409, "The directory changed since your preview: here is the "
                                                   "preview again. Check it, then confirm.")
    if plan.undecided:  # not an error: the page asks for the decisions still missing
        waiting = plural(len(plan.undecided), "possible duplicate")
        verb = "is" if len(plan.undecided) == 1 else "are"
        return _preview_page(kept, decisions, 200, f"{waiting} {verb} still undecided: choose merge or keep "
                                                   "separate for each.")
    started = uploads.start_import(kept, decisions=decisions, version=version)
    if not started.event.wait(uploads.WAIT_ON_PAGE):
        return redirect(url_for("imports.upload_job", job_id=started.id), 303)
    return _result(started, kept)


@imports.get("/edit/import/template.xlsx")
@require_role("editor")
def template() -> Any:
    """The import template workbook, to fill in and upload (GET and HEAD)."""
    return uploads.template_response()


@imports.get("/edit/import/<job_id>")
@require_role("editor")
def upload_job(job_id: str) -> Any:
    """The page of an import being written in the background: its progress, then its result."""
    found = uploads.job(job_id)
    if found is None:
        abort(404, description="no such import (imports are remembered until the server restarts)")
    if found.running:
        return _page(job=found)
    return _result(found, None)


def _result(found: uploads.ImportJob, kept: uploads.Upload | None) -> Any:
    try:
        stats = found.result()
    except (uploads.StoreChanged, UndecidedDuplicates) as exc:
        if kept is None:
            flash(str(exc), "error")
            return _page(409, errors={"": [str(exc)]})
        return _preview_page(kept, _decisions(), 409, str(exc))
    except ImportFailed as exc:
        return _page(400, problems=[str(p) for p in exc.problems], message=str(exc))
    except PartnergraphError as exc:
        return _page(400, errors={"file": [str(exc)]})
    return _page(stats=stats, report=found.report)
