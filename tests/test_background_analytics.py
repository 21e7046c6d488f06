"""Long analytics run off the request path: "computing…" (202) first, then the answer the CLI gives.

The viewer hands betweenness, brokers, communities, metrics, risks and coverage to a background
job (`partnergraph.services.jobs`). To see a request find its result not ready on the small
network (where everything is ready within the grace period), the tests first give the one worker
a real job that waits on an event the test controls: the question asked next waits in the queue
behind it, exactly as it would behind a long betweenness on a large network.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Cli, settings_for
from partnergraph.model import Location, Row
from partnergraph.services import Workspace
from partnergraph.services.jobs import Jobs
from partnergraph.services.options import CentralityQuery, CommunitiesQuery, RisksQuery
from partnergraph.viewer import create_app

SECRET = "test secret key, not for production"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def app(small: Workspace, db_url: str) -> Iterator:
    """Return a viewer that anyone may read, on the small network."""
    made = create_app(settings_for(db_url, anonymous_read=True, secret_key=SECRET))
    yield made
    made.extensions["partnergraph"].close()


def jobs_of(app) -> Jobs:
    return app.extensions["partnergraph"].ws.jobs


def occupy(jobs: Jobs, gate: threading.Event) -> None:
    """Give each background worker of `jobs` a long job that lasts until `gate` is set."""
    for worker in range(jobs.workers):
        job = jobs.ask("a long analysis", ("busy", worker), lambda: gate.wait(30))
        while job.state == "queued":  # until a worker has taken it: what is asked next waits behind it
            job.done.wait(0.01)


@pytest.fixture
def busy(app) -> Iterator[threading.Event]:
    """Keep the app's background workers busy until the test sets the event it returns."""
    gate = threading.Event()
    occupy(jobs_of(app), gate)
    yield gate
    gate.set()


def test_an_analyst_asking_for_betweenness_while_it_computes_gets_202_then_the_cli_answer(app, busy, db_url):
    client = app.test_client()
    url = "/api/centrality?measure=betweenness&top=5"

    waiting = client.get(url)
    assert waiting.status_code == 202
    assert waiting.get_json()["status"] == "computing"
    assert waiting.get_json()["computing"] == "betweenness centrality"
    assert int(waiting.headers["Retry-After"]) == waiting.get_json()["retry_after"] >= 1
    head = client.head(url)
    assert head.status_code == 202 and head.headers["Retry-After"]

    busy.set()
    ready = client.get(url + "&wait=10")
    assert ready.status_code == 200
    printed = Cli(db_url)("centrality", "--measure", "betweenness", "--top", "5", "--json")
    assert printed.exit_code == 0, printed.output
    assert ready.get_json() == json.loads(printed.output)
    assert [r["id"] for r in ready.get_json()["results"]][:1] == ["wmde"]  # the best connected, on the small network
    assert client.head(url).status_code == 200


def test_an_analyst_sees_computing_on_the_analytics_page_then_the_table(app, busy):
    client = app.test_client()
    waiting = client.get("/analytics")
    html = waiting.get_data(as_text=True)
    assert waiting.status_code == 202 and waiting.headers["Retry-After"]
    assert "Computing betweenness centrality…" in html and 'id="centrality"' not in html
    assert "Computing relationships at risk…" in html
    assert '<noscript><meta http-equiv="refresh"' in html and "/static/poll.js" in html

    busy.set()
    Jobs.wait([jobs_of(app).question("risks", RisksQuery()), jobs_of(app).question("centrality", _analytics_query())], 10)
    shown = client.get("/analytics")
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert 'id="centrality"' in html and "Computing" not in html and "poll.js" not in html
    assert "Retry-After" not in shown.headers


def test_many_readers_asking_for_the_same_communities_at_once_start_one_job(app, busy):
    answers: list[int] = []

    def ask() -> None:
        answers.append(app.test_client().get("/api/communities").status_code)

    readers = [threading.Thread(target=ask) for _ in range(8)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert answers == [202] * 8
    assert jobs_of(app).started == jobs_of(app).workers + 1  # the workers' long jobs, and one for the communities

    busy.set()
    results = [app.test_client().get("/api/communities?wait=10").get_json() for _ in range(3)]
    assert results[0]["count"] >= 1 and results[0] == results[1] == results[2]
    assert jobs_of(app).started == jobs_of(app).workers + 1


def test_a_question_asked_before_an_edit_is_answered_on_the_newer_version(app, busy, small):
    client = app.test_client()
    assert client.get("/api/coverage").status_code == 202  # queued on the version before the edit
    small.data.import_rows([Row({"id": "p-new", "kind": "partner", "name": "New Partner", "region": "Europe",
                                 "status": "active", "issues": "copyright"}, Location("test", 2))], [])
    app.extensions["partnergraph"].ws.cache.snapshot()  # the viewer has moved to the new version
    busy.set()
    answer = client.get("/api/coverage?wait=10")
    assert answer.status_code == 200
    assert any("p-new" in cell["partners"] for cell in answer.get_json()["matrix"])


def test_a_failing_analysis_shows_one_line_not_a_500(app, busy):
    # The page's and the API's question, asked first by a job that fails as a crashed kernel would.
    def crash() -> None:
        raise RuntimeError("the compiled kernel ran out of memory\n(and a second line)")
    for query in (_analytics_query(), CentralityQuery("betweenness", top=10, personal=False)):
        jobs_of(app).ask("betweenness centrality", ("centrality", query), crash)
    busy.set()
    client = app.test_client()
    page = client.get("/analytics")
    assert page.status_code == 503
    line = "betweenness centrality could not be computed: the compiled kernel ran out of memory (and a second line)"
    assert line in page.get_data(as_text=True) and "Traceback" not in page.get_data(as_text=True)
    answer = client.get("/api/centrality?measure=betweenness&wait=5")
    assert answer.status_code == 503
    assert answer.get_json()["error"] == line and answer.get_json()["status"] == "failed"
    assert int(answer.headers["Retry-After"]) >= 1


def test_a_full_queue_says_busy_and_a_later_request_asks_again(small):
    jobs = Jobs(small.cache, small.questions, queue_size=1)
    gate = threading.Event()
    occupy(jobs, gate)
    queued = jobs.question("risks", RisksQuery())
    refused = jobs.question("communities", CommunitiesQuery())
    assert queued.computing and refused.failed
    assert "busy" in refused.problem and refused.retry_after() <= 5
    gate.set()
    Jobs.wait([queued], 10)
    assert queued.ready and queued.value()["as_of"]


def test_the_cli_stays_synchronous(db_url, small):
    printed = Cli(db_url)("communities", "--json")
    assert printed.exit_code == 0 and json.loads(printed.output)["count"] >= 1
    assert small.jobs.started == 0  # no thread, no job: the CLI computes in the command


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")
def test_in_a_browser_the_analytics_page_says_computing_then_shows_the_table_by_itself(app, busy, browser):
    from test_browser import checked_page, serve

    served = serve(app)
    base = next(served)
    try:
        pages = checked_page(browser, base)
        page = next(pages)
        page.goto("/analytics")
        computing = page.locator(".computing").first
        assert "Computing betweenness centrality" in computing.inner_text()
        busy.set()
        page.locator("#centrality tbody tr").first.wait_for(timeout=15_000)  # poll.js reloads once it is ready
        assert page.locator(".computing").count() == 0
        assert "Ben" in page.locator("#centrality").inner_text()
        next(pages, None)  # closes the page and checks it logged no error and stayed on 127.0.0.1
    finally:
        next(served, None)


def _analytics_query() -> CentralityQuery:
    """Return the question /analytics asks for an anonymous reader by default."""
    return CentralityQuery("betweenness", top=20, personal=False)

