"""Long analytics off the request path: background jobs, one per question, options and store version.

Betweenness, brokers, communities, metrics, risks and coverage take seconds to minutes on a large
network (docs/benchmarks.md, "Analytics off the request path"). The viewer asks for them here
instead of computing them in the request: `Jobs.ask` returns at once with a `Job` that is either
ready (its result), failed (one line) or still computing (what, and since when), and the page or
API answers "computing…" until a later request finds it ready.

- One job per (question, options, store version): the job itself is a memo of the analysis
  snapshot it was asked on (`GraphSnapshot.memo`), so it is made once however many requests ask
  at once, its result is kept as long as that version is current, and it goes with the snapshot.
- The job runs on that snapshot (`GraphCache.pinned`), whatever was written meanwhile.
- Two background threads per process by default: analytics are CPU-bound Python, so more would
  only take turns with each other and with the requests, but with two a quick question (degree)
  is not stuck behind a betweenness of minutes. The queue is bounded; a job that finds it full
  fails with "busy" and is tried again by a later request. A queued job whose version was
  superseded before its turn is dropped (asked again on the newer snapshot). The job threads
  hand the GIL to requests every millisecond (`SWITCH_INTERVAL`): readers meanwhile stay fast.
- A failure is kept for `RETRY_FAILED` seconds (every request in between is told the same one
  line), then tried again. A user error (an unknown issue, a store that does not answer) is
  raised to the request that reads the job, as if it had computed the question itself.

The CLI never comes here: it answers synchronously.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from partnergraph.model import PartnergraphError
from partnergraph.services.cache import GraphCache, GraphSnapshot
from partnergraph.services.questions import Questions

# A result ready within this many seconds is answered directly: small networks never flash "computing…".
GRACE = 0.5
# On a network of at most this many elements a request waits for a running job up to SMALL_WAIT
# seconds (every analysis there takes well under that): the demo and small teams never see
# "computing…", however loaded the machine, unless the job queues behind others.
SMALL_NETWORK = 5_000
SMALL_WAIT = 10.0
# The longest a client may ask a request to wait for a result (`?wait=SECONDS`).
MAX_WAIT = 30.0
# Background threads per process.
WORKERS = 2
# How long a job thread may keep the GIL while a request thread waits for it (seconds).
SWITCH_INTERVAL = 0.001
# Jobs waiting for the worker at most; more fail with "busy" until the queue drains.
QUEUE_SIZE = 16
# Seconds a failure is shown before a request tries the job again; a full queue, sooner.
RETRY_FAILED = 60.0
BUSY_RETRY = 5.0

log = logging.getLogger(__name__)


# The questions that count as long (measured at 20k and 100k people: docs/benchmarks.md), each
# with how it is named while it is computed ("betweenness centrality").
LONG_QUESTIONS: dict[str, Callable[[Any], str]] = {
    "centrality": lambda q: f"{q.measure} centrality",
    "risks": lambda q: "relationships at risk",
    "brokers": lambda q: "brokers (structural holes, cut points, bridges)",
    "communities": lambda q: "communities",
    "coverage": lambda q: "coverage",
}


class Busy(RuntimeError):
    """The queue of jobs is full: the job is tried again by a request a few seconds later."""


@dataclass(eq=False)
class Job:
    """One computation of one store version: queued, running, done or failed."""

    label: str
    version: str
    state: str = "new"
    since: float = 0.0  # when it was asked for (time.time())
    result: Any = None
    error: BaseException | None = None
    failed_at: float = 0.0
    done: threading.Event = field(default_factory=threading.Event, repr=False)
    compute: Callable[[], Any] | None = field(default=None, repr=False)
    snapshot: GraphSnapshot | None = field(default=None, repr=False)
    small: bool = False  # asked on a small network (SMALL_NETWORK)

    @property
    def ready(self) -> bool:
        """Return whether the result is there."""
        return self.state == "done"

    @property
    def failed(self) -> bool:
        """Return whether the computation failed."""
        return self.state == "failed"

    @property
    def computing(self) -> bool:
        """Return whether it waits for the worker or is being computed."""
        return self.state in ("queued", "running")

    def value(self) -> Any:
        """Return the result, or raise a user error the computation met (404, 400, 503 as usual)."""
        if isinstance(self.error, PartnergraphError):
            raise self.error
        return self.result

    @property
    def problem(self) -> str:
        """Return why it failed, in one line."""
        if self.error is None:
            return ""
        text = " ".join(str(self.error).split()) or type(self.error).__name__
        if isinstance(self.error, PartnergraphError):
            return text
        return f"{self.label} could not be computed: {text[:200]}"

    @property
    def elapsed(self) -> int:
        """Return the whole seconds since it was asked for."""
        return max(0, int(time.time() - self.since))

    @property
    def since_text(self) -> str:
        """Return when it was asked for, as a time of day in UTC ("10:42:03 UTC")."""
        return datetime.fromtimestamp(self.since, UTC).strftime("%H:%M:%S UTC")

    def retry_after(self, now: float | None = None) -> int:
        """Return the seconds to wait before asking again: short at first, longer for long jobs."""
        if self.failed:
            return max(1, round(self.failed_at + RETRY_FAILED - (now or time.time())))
        elapsed = (now or time.time()) - self.since
        return 1 if elapsed < 10 else 2 if elapsed < 60 else 5

    def status(self) -> dict[str, Any]:
        """Return the job as the API says it while it is not ready."""
        since = datetime.fromtimestamp(self.since, UTC).isoformat(timespec="seconds")
        if self.failed:
            return {"status": "failed", "error": self.problem, "computing": self.label, "since": since,
                    "retry_after": self.retry_after()}
        return {"status": "computing", "computing": self.label, "since": since, "retry_after": self.retry_after()}


class Jobs:
    """The background jobs of one process, over one store's analysis snapshots."""

    def __init__(self, cache: GraphCache, questions: Questions, *, workers: int = WORKERS, queue_size: int = QUEUE_SIZE):
        self.cache = cache
        self.questions = questions
        self.workers = workers
        self.started = 0  # jobs handed to the worker so far (single-flight is tested on it)
        self._queue: queue.Queue[Job] = queue.Queue(maxsize=queue_size)
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def question(self, name: str, query: Hashable) -> Job:
        """Return the job of one of the long questions (`LONG_QUESTIONS`) with its options."""
        ask = getattr(self.questions, name)
        return self.ask(LONG_QUESTIONS[name](query), (name, query), lambda: ask(query))

    def ask(self, label: str, key: Hashable, compute: Callable[[], Any]) -> Job:
        """Return the job computing `compute()` on this request's snapshot, starting it unless it is under way.

        `key` says what is computed (the same key asks for the same result); `label` says it to
        people. It returns at once: `wait` for it to be ready.
        """
        snapshot = self.cache.snapshot()
        job: Job = snapshot.memo("jobs", key, lambda: Job(label, snapshot.version,
                                                         small=snapshot.graph.number_of_nodes() <= SMALL_NETWORK))
        with self._lock:
            now = time.time()
            if job.state == "new" or (job.failed and now >= job.failed_at + RETRY_FAILED):
                job.state, job.since, job.error, job.compute, job.snapshot = "queued", now, None, compute, snapshot
                job.done.clear()
                try:
                    self._queue.put_nowait(job)
                except queue.Full:
                    self._finish(job, error=Busy(f"the server is busy with {self._queue.qsize()} other analyses"))
                else:
                    self.started += 1
                    self._start_workers()
        return job

    @staticmethod
    def wait(jobs: Iterable[Job | None], seconds: float = GRACE) -> None:
        """Wait until every job is done or failed, or `seconds` have passed (one deadline for all)."""
        deadline = time.monotonic() + max(0.0, min(seconds, MAX_WAIT))
        for job in jobs:
            if job is not None:
                job.done.wait(max(0.0, deadline - time.monotonic()))

    @classmethod
    def settle(cls, jobs: Iterable[Job | None]) -> None:
        """Wait as a request does: the grace period, and on a small network as long as its jobs run (SMALL_WAIT)."""
        jobs = [job for job in jobs if job is not None]
        cls.wait(jobs, GRACE)
        cls.wait([job for job in jobs if job.small and job.state == "running"], SMALL_WAIT - GRACE)

    def _start_workers(self) -> None:
        # Started on first use: a CLI process never asks, and never runs a thread.
        if not self._threads:
            # A request thread that gave up the GIL (to read a socket, the store) waits for a job
            # thread to hand it back: at most this long, instead of Python's 5 ms each time.
            sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        while len(self._threads) < self.workers:
            worker = threading.Thread(target=self._work, name=f"partnergraph-jobs-{len(self._threads)}", daemon=True)
            self._threads.append(worker)
            worker.start()

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if self.cache.version is not None and job.version != self.cache.version:
                # Superseded by a newer version before its turn (the team kept editing): whoever
                # still wants it asks again on the newer snapshot. Computing it would only delay that.
                with self._lock:
                    job.state, job.compute, job.snapshot = "new", None, None
                continue
            job.state = "running"
            assert job.compute is not None and job.snapshot is not None
            try:
                with self.cache.pinned(job.snapshot):
                    value = job.compute()
            except PartnergraphError as exc:  # the request's own mistake, or the store's: told as usual
                self._finish(job, error=exc)
            except Exception as exc:
                log.exception("background job %r failed", job.label)
                self._finish(job, error=exc)
            else:
                self._finish(job, result=value)

    def _finish(self, job: Job, *, result: Any = None, error: BaseException | None = None) -> None:
        job.result, job.error = result, error
        job.compute = job.snapshot = None  # the snapshot keeps the job; the job need not keep the snapshot
        if error is None:
            job.state = "done"
        else:
            # A user error is told to the requests that waited, then asked again (the store may be
            # back); being busy passes soon; anything else is kept for RETRY_FAILED seconds.
            keep = 0.0 if isinstance(error, PartnergraphError) else BUSY_RETRY if isinstance(error, Busy) else RETRY_FAILED
            job.failed_at = time.time() - RETRY_FAILED + keep  # before the state: `ask` reads them unlocked
            job.state = "failed"
        job.done.set()
