"""The viewer while its database fails: a real Neo4j stopped and started again under a live app."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace

import pytest

from conftest import NEO4J_PASSWORD, ROOT, SMALL, settings_for
from partnergraph.config import from_env
from partnergraph.model import PartnergraphError
from partnergraph.services import Workspace
from partnergraph.viewer import create_app

API_REQUESTS = ("/api/holders/lib", "/api/search?q=li", "/api/path?from=ana&to=lib",
                "/api/graph?center=cai", "/api/nodes/cc")


def test_the_neo4j_retry_time_comes_from_the_environment():
    assert from_env({}).neo4j_retry_seconds == 15.0
    assert from_env({"NEO4J_RETRY_SECONDS": "2.5"}).neo4j_retry_seconds == 2.5
    for wrong in ("soon", "-1", "nan"):
        with pytest.raises(PartnergraphError, match="NEO4J_RETRY_SECONDS must be a number of seconds"):
            from_env({"NEO4J_RETRY_SECONDS": wrong})


@pytest.mark.slow
@pytest.mark.neo4j
def test_the_viewer_answers_503_while_neo4j_is_down_and_serves_again_once_it_is_back(neo4j_server):
    script = str(ROOT / "scripts" / "neo4j-local")
    # A short retry so that the outage is reported within seconds (the default waits 15 s).
    settings = replace(settings_for(neo4j_server, anonymous_read=True), neo4j_retry_seconds=2)
    with Workspace.open(settings) as workspace:
        workspace.store.clear()
        workspace.data.import_path(SMALL)
    app = create_app(settings)
    client = app.test_client()
    try:
        answers = {url: client.get(url) for url in API_REQUESTS}
        assert {url: r.status_code for url, r in answers.items()} == dict.fromkeys(API_REQUESTS, 200)
        holders = [h["id"] for h in answers["/api/holders/lib"].get_json()["holders"]]
        assert holders == ["eli", "ben"]

        subprocess.run([script, "stop"], check=True, timeout=120)
        try:
            # Even views the app has cached ask the store for its version first, so none answers stale data.
            for url in (*API_REQUESTS, "/healthz"):
                response = client.get(url)
                assert response.status_code == 503, url
                assert response.is_json and "Neo4j is not reachable" in response.get_json()["error"], url
            page = client.get("/partners/lib")
            assert page.status_code == 503 and "Neo4j is not reachable" in page.get_data(as_text=True)
        finally:
            subprocess.run([script, "start"], check=True, timeout=600,
                           env={**os.environ, "NEO4J_PASSWORD": NEO4J_PASSWORD})

        # The same app, not recreated, serves again.
        assert client.get("/healthz").get_json()["status"] == "ok"
        again = client.get("/api/holders/lib")
        assert again.status_code == 200 and [h["id"] for h in again.get_json()["holders"]] == holders
        assert all(client.get(url).status_code == 200 for url in API_REQUESTS)
    finally:
        app.extensions["partnergraph"].close()
