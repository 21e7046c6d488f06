"""Backups and restores on both stores, and imports that are interrupted or have to wait."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import NEO4J_PASSWORD, SMALL, settings_for
from partnergraph.model import Location, PartnergraphError, Row
from partnergraph.services import Workspace, generate


def test_a_backup_restores_into_an_empty_store_exactly(small, tmp_path):
    header = small.data.backup(tmp_path / "backup.json")
    assert header["elements"] == 15 and header["connections"] == 22 and len(header["sha256"]) == 64
    before = small.data.export("json", tmp_path / "before.json")
    with Workspace.open(settings_for(str(tmp_path / "other.db"))) as other:
        restored = other.data.restore(tmp_path / "backup.json")
        other.data.export("json", tmp_path / "after.json")
    assert restored["sha256"] == header["sha256"] and before["elements"] == 15
    assert (tmp_path / "before.json").read_bytes() == (tmp_path / "after.json").read_bytes()


def test_a_restore_replaces_everything_the_store_held(small, tmp_path):
    small.data.backup(tmp_path / "backup.json")
    extra = {"id": "zed", "kind": "contact", "name": "Zed"}
    small.data.import_rows([Row(extra, Location("extra.csv", 2))], [])
    assert small.questions.overview()["Contact"] == 7
    small.data.restore(tmp_path / "backup.json")
    assert small.questions.overview()["Contact"] == 6 and small.store.get("zed") is None


def test_a_damaged_backup_is_refused_and_nothing_changes(small, tmp_path):
    small.data.backup(tmp_path / "backup.json")
    text = (tmp_path / "backup.json").read_text().replace("Creative Commons", "Creative Commoners")
    (tmp_path / "damaged.json").write_text(text)
    version = small.store.version()
    with pytest.raises(PartnergraphError, match="does not match its SHA-256"):
        small.data.restore(tmp_path / "damaged.json")
    assert small.store.version() == version and small.store.get("cc").name == "Creative Commons"


def test_a_backup_from_a_newer_schema_is_refused_with_a_clear_message(small, tmp_path):
    small.data.backup(tmp_path / "backup.json")
    document = json.loads((tmp_path / "backup.json").read_text())
    document["backup"]["schema"] = 99
    (tmp_path / "newer.json").write_text(json.dumps(document))
    with pytest.raises(PartnergraphError, match="newer partnergraph .backup schema 99"):
        small.data.restore(tmp_path / "newer.json")
    (tmp_path / "export.json").write_text(json.dumps({k: v for k, v in document.items() if k != "backup"}))
    with pytest.raises(PartnergraphError, match="no backup header"):
        small.data.restore(tmp_path / "export.json")
    assert small.questions.overview()["Contact"] == 6


def test_backup_and_restore_from_the_command_line(cli, tmp_path):
    assert cli("import", str(SMALL)).exit_code == 0
    made = cli("backup", str(tmp_path / "b.json"))
    assert made.exit_code == 0 and made.output.startswith("backed up 15 elements and 22 connections")
    # Without --yes and with nobody to answer, a restore asks, gets no answer and changes nothing.
    assert cli("restore", str(tmp_path / "b.json")).exit_code == 1
    done = cli("restore", str(tmp_path / "b.json"), "--yes")
    assert done.exit_code == 0 and "(sha256 verified)" in done.output
    (tmp_path / "junk.json").write_text("{not json")
    junk = cli("restore", str(tmp_path / "junk.json"), "--yes")
    assert junk.exit_code == 1 and junk.output.startswith("error: ") and junk.output.count("\n") == 1


@pytest.mark.slow
def test_an_import_killed_halfway_leaves_the_store_as_it_was(db_url, tmp_path):
    generate(20_000, 80_000, 3, tmp_path / "big")
    with Workspace.open(settings_for(db_url)) as workspace:
        workspace.data.import_path(SMALL)
        before = workspace.store.snapshot()
    env = {**os.environ, "NEO4J_PASSWORD": NEO4J_PASSWORD}
    process = subprocess.Popen([sys.executable, "-m", "partnergraph", "--db", db_url, "import", str(tmp_path / "big")],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True)
    assert process.stderr is not None
    for line in process.stderr:  # "checking N rows...", then "writing" as the write transaction begins
        if line.startswith("writing"):
            break
    time.sleep(0.5)
    assert process.poll() is None, "the import finished before it could be killed; use more rows"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with Workspace.open(settings_for(db_url)) as workspace:
        after = workspace.store.snapshot()
    assert (after.elements, after.connections) == (before.elements, before.connections)


def test_an_import_waits_for_another_writer_instead_of_failing(tmp_path):
    db = tmp_path / "busy.db"
    with Workspace.open(settings_for(str(db))) as workspace:
        workspace.data.import_path(SMALL)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    outcome: list[object] = []

    def importing() -> None:
        with Workspace.open(settings_for(str(db))) as workspace:
            row = Row({"id": "zed", "kind": "contact", "name": "Zed"}, Location("zed.csv", 2))
            outcome.append(workspace.data.import_rows([row], []))

    worker = threading.Thread(target=importing)
    worker.start()
    time.sleep(1.0)
    assert worker.is_alive() and not outcome  # still waiting for the lock, not failed
    blocker.execute("COMMIT")
    blocker.close()
    worker.join(timeout=60)
    assert outcome and outcome[0].elements_created == 1
    with Workspace.open(settings_for(str(db))) as workspace:
        assert workspace.store.get("zed") is not None
    assert Path(db).exists()
