"""Answers that may still be computing: the API's 202 and the pages' "computing…" (docs/json-api.md).

The long analytics run as background jobs (`partnergraph.services.jobs`). A request waits for
its jobs a short grace period (or, in the API, `?wait=SECONDS`) and then answers what is ready:
the result as always, or "computing…" with a `Retry-After` header, which the page's script
(`web/static/poll.js`) follows until the result is there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import jsonify, make_response, render_template

from partnergraph.model import PartnergraphError
from partnergraph.services.jobs import GRACE, MAX_WAIT, Job, Jobs
from partnergraph.viewer.common import float_arg, text_arg


def wait_arg() -> float | None:
    """Return how long the request may wait for a result: `?wait=SECONDS` (0 to MAX_WAIT), or None (as pages do)."""
    if text_arg("wait") is None:
        return None
    seconds = float_arg("wait", GRACE)
    if not 0 <= seconds <= MAX_WAIT:
        raise PartnergraphError(f"wait must be between 0 and {MAX_WAIT:g} seconds")
    return seconds


def json_answer(job: Job) -> Any:
    """Answer a job in the API: its result (200), or 202 "computing", or 503 with the one line it failed with."""
    seconds = wait_arg()
    if seconds is None:
        Jobs.settle([job])
    else:
        Jobs.wait([job], seconds)
    if job.ready or job.failed:
        value = job.value()  # a user error is raised here, and answered as usual (400, 404, 503)
        if job.ready:
            return jsonify(value)
    response = make_response(jsonify(job.status()), 503 if job.failed else 202)
    response.headers["Retry-After"] = str(job.retry_after())
    return response


def computing_page(template: str, jobs: Mapping[str, Job | None], **context: Any) -> Any:
    """Render a page with parts that may still be computing: 202 and "computing…" for those, polled.

    Each job's result is given to the template under the job's name (None until it is ready, or
    without a job), and the jobs themselves as `jobs` (the `pending` macro says what is computed
    and since when, or the one line a job failed with).
    """
    Jobs.settle(jobs.values())
    results = {}
    for name, job in jobs.items():
        results[name] = job.value() if job is not None and (job.ready or job.failed) else None
    waiting = [job for job in jobs.values() if job is not None and not job.ready]
    retry = min((job.retry_after() for job in waiting), default=None)
    computing = any(job.computing for job in waiting)
    body = render_template(template, jobs=jobs, refresh_after=retry if computing else None, **results, **context)
    response = make_response(body, 202 if computing else 503 if waiting else 200)
    if retry is not None:
        response.headers["Retry-After"] = str(retry)
    return response
