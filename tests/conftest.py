"""Shared fixtures: a hand-made network and a fresh store of each kind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.config import Settings
from partnergraph.services import Workspace

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small"
STORES = ["sqlite"]


@pytest.fixture(params=STORES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of a fresh, empty store of each kind."""
    return str(tmp_path / "graph.db")


@pytest.fixture
def workspace(db_url: str):
    """Return a workspace on a fresh store."""
    with Workspace.open(Settings(db=db_url)) as ws:
        yield ws


@pytest.fixture
def small(workspace: Workspace) -> Workspace:
    """Return a workspace holding the hand-made network of tests/data/small."""
    workspace.import_path(SMALL)
    return workspace


class Cli:
    """Run the partnergraph command line in-process against one store."""

    def __init__(self, db: str):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str):
        return self.runner.invoke(main, ["--db", self.db, *args], catch_exceptions=False)


@pytest.fixture
def cli(db_url: str) -> Cli:
    """Return a runner of CLI commands against a fresh store."""
    return Cli(db_url)


def file_digest(path: Path) -> str:
    """Return a hash of a file and its WAL, to prove that nothing was written."""
    digest = hashlib.sha256()
    for part in (path, Path(f"{path}-wal")):
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()
