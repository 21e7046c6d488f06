"""What only the Neo4j store has to get right: its Cypher files, failures, and moving data over."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import NEO4J_PASSWORD, ROOT, SMALL, settings_for
from partnergraph.cli import main
from partnergraph.config import Settings
from partnergraph.model import StoreUnavailable
from partnergraph.services import Workspace
from partnergraph.services.options import PathQuery
from partnergraph.store import is_neo4j_url, open_store
from partnergraph.store.cypher import all_names, query
from partnergraph.store.neo4j import Neo4jStore, split_credentials
from test_staged_imports import _kill_mid_import, _staging_left

SOURCES = "\n".join(p.read_text() for p in (ROOT / "src" / "partnergraph").rglob("*.py"))


@pytest.mark.parametrize("name", all_names())
def test_every_cypher_file_loads_holds_one_statement_and_is_used(name):
    text = query(name)
    code = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//")).strip()
    assert code, f"{name} is empty"
    assert ";" not in code.rstrip(";"), f"{name} holds more than one statement"
    assert re.fullmatch(r"[a-z]+_[a-z_]+", name.split("/")[-1]), f"{name} is not verb_noun"
    short = name.split("/")[-1]
    assert f'"{name}"' in SOURCES or f'"{short}"' in SOURCES, f"{name} is not used by the code"


def test_cypher_takes_parameters_only():
    for name in all_names():
        assert "{{" not in query(name) and "%s" not in query(name)
    # No statement is built by formatting strings in the Neo4j store.
    for module in ("neo4j.py", "neo4j_import.py"):
        store_code = (ROOT / "src" / "partnergraph" / "store" / module).read_text()
        assert not re.search(r"(f\"|f'|\.format\().*(MATCH|MERGE|CREATE|DELETE)", store_code)


def test_urls_select_neo4j_and_hide_passwords():
    assert is_neo4j_url("neo4j+s://db.example:7687") and is_neo4j_url("bolt://x")
    assert not is_neo4j_url("sqlite:///x.db")
    assert split_credentials("bolt://ana:s%40cret@127.0.0.1:7687") == ("bolt://127.0.0.1:7687", "ana", "s@cret")
    store = open_store(Settings(db="bolt://ana:secret@127.0.0.1:1"))
    assert store.url == "bolt://127.0.0.1:1" and store.user == "ana"
    store.close()


def run_cli(*args: str, password: str = NEO4J_PASSWORD):
    return CliRunner(env={"NEO4J_PASSWORD": password}).invoke(main, list(args))


@pytest.mark.neo4j
def test_an_unreachable_neo4j_fails_every_command_with_one_line(tmp_path):
    for args in (["info"], ["holders", "x"], ["path", "a", "b"], ["centrality"], ["risks"],
                 ["import", str(SMALL)], ["export", "--format", "json", "-o", str(tmp_path / "x.json")]):
        result = run_cli("--db", "bolt://127.0.0.1:1", *args)
        assert result.exit_code == 1, (args, result.output)
        assert re.fullmatch(r"error: bolt://127\.0\.0\.1:1: Neo4j is not reachable \(.+\)\n", result.output), result.output
    assert not (tmp_path / "x.json").exists()


@pytest.mark.neo4j
def test_a_wrong_password_names_the_url_and_the_user(neo4j_server):
    result = run_cli("--db", neo4j_server, "info", password="not-the-password")
    assert result.exit_code == 1
    assert result.output == f"error: {neo4j_server}: Neo4j refused the credentials of user 'neo4j'\n"


@pytest.mark.neo4j
def test_a_missing_database_is_named(neo4j_server):
    result = CliRunner(env={"NEO4J_PASSWORD": NEO4J_PASSWORD, "NEO4J_DATABASE": "nosuchdb"}).invoke(
        main, ["--db", neo4j_server, "info"])
    assert result.exit_code == 1
    assert result.output == f"error: {neo4j_server} (database 'nosuchdb'): Neo4j has no database 'nosuchdb'\n"


@pytest.mark.neo4j
def test_a_real_process_against_stopped_neo4j_prints_no_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "partnergraph", "--db", "neo4j://127.0.0.1:1", "risks"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("error: neo4j://127.0.0.1:1: Neo4j is not reachable")
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


@pytest.mark.neo4j
def test_moving_a_graph_between_stores_and_back_is_lossless(neo4j_server, tmp_path):
    with Neo4jStore(neo4j_server, password=NEO4J_PASSWORD) as store:
        store.clear()
    embedded = settings_for(str(tmp_path / "a.db"))
    with Workspace.open(embedded) as first:
        first.data.import_path(SMALL)
        first.data.export("json", tmp_path / "from-sqlite.json")
    with Workspace.open(settings_for(neo4j_server)) as neo:
        neo.data.import_path(tmp_path / "from-sqlite.json")
        neo.data.export("json", tmp_path / "from-neo4j.json")
    assert (tmp_path / "from-sqlite.json").read_bytes() == (tmp_path / "from-neo4j.json").read_bytes()
    with Workspace.open(settings_for(str(tmp_path / "b.db"))) as back:
        back.data.import_path(tmp_path / "from-neo4j.json")
        back.data.export("json", tmp_path / "back.json")
    assert (tmp_path / "back.json").read_bytes() == (tmp_path / "from-sqlite.json").read_bytes()


@pytest.mark.neo4j
def test_an_import_that_fails_inside_neo4j_changes_nothing(neo4j_server):
    from partnergraph.model import Connection, Dataset, Element, Kind, RelType
    from partnergraph.store import StoreError

    with Neo4jStore(neo4j_server, password=NEO4J_PASSWORD) as store:
        store.clear()
        version = store.version()
        # An element whose property Neo4j cannot store (a map) fails after earlier rows were sent.
        dataset = Dataset([Element("ok", Kind.CONTACT, "Ok"), Element("bad", Kind.CONTACT, "Bad", {"notes": {"a": 1}})],
                          [Connection("ok", "bad", RelType.KNOWS)])
        with pytest.raises(StoreError):
            store.upsert(dataset)
        assert store.get("ok") is None and store.version() == version


@pytest.mark.slow
def test_the_store_fails_clearly_while_neo4j_is_down_and_recovers_when_it_is_back(neo4j_server):
    script = str(ROOT / "scripts" / "neo4j-local")
    env = {"NEO4J_PASSWORD": NEO4J_PASSWORD}
    with Workspace.open(settings_for(neo4j_server)) as workspace:
        workspace.store.clear()
        workspace.data.import_path(SMALL)
    store = Neo4jStore(neo4j_server, password=NEO4J_PASSWORD, retry_seconds=2)
    try:
        assert store.counts()["Contact"] == 6
        _kill_mid_import(neo4j_server)  # what it staged outlives the restart, and is swept after it
        subprocess.run([script, "stop"], check=True, timeout=120)
        try:
            with pytest.raises(StoreUnavailable, match="Neo4j is not reachable"):
                store.counts()
        finally:
            subprocess.run([script, "start"], check=True, timeout=600, env={**os.environ, **env})
        assert store.counts()["Contact"] == 6  # the same store object, no restart of its user
    finally:
        store.close()
    with Neo4jStore(neo4j_server, password=NEO4J_PASSWORD) as fresh:
        assert fresh.counts()["Contact"] == 6
    assert _staging_left(neo4j_server) == {}


def test_a_routing_url_sends_reads_and_writes_through_the_drivers_routing(neo4j_server):
    # neo4j:// asks the server for a routing table: writes go to the leader, reads to readers
    # (here one server is both), as with a cluster or Aura.
    url = neo4j_server.replace("bolt://", "neo4j://")
    with Workspace.open(settings_for(url)) as workspace:
        workspace.store.clear()
        workspace.data.import_path(SMALL)
        assert workspace.questions.overview()["Contact"] == 6
        assert [n["id"] for n in workspace.questions.path(PathQuery("ana", "cc"))["paths"][0]["nodes"]] == ["ana", "cai", "cc"]
