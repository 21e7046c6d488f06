"""Shared fixtures: a hand-made network, and a fresh store of each kind for contract tests.

Tests that take `db_url` (or `workspace`, `small`, `cli`) run once on the embedded store and
once on a real Neo4j. The Neo4j is the one `scripts/neo4j-local` runs; this file starts it when
it is not running (and stops it again afterwards). Point PARTNERGRAPH_TEST_NEO4J at another
server to use that instead; deselect with `-m "not neo4j"` on a machine without Java.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.config import Settings
from partnergraph.services import Workspace, accounts
from partnergraph.store.neo4j import Neo4jStore

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SMALL = DATA / "small"
NEO4J_URL = os.environ.get("PARTNERGRAPH_TEST_NEO4J", "bolt://127.0.0.1:7687")
NEO4J_PASSWORD = os.environ.get("NEO4J_PASSWORD", "partnergraph")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        uses_server = "neo4j_server" in getattr(item, "fixturenames", ())
        if uses_server or (callspec and callspec.params.get("db_url") == "neo4j"):
            item.add_marker(pytest.mark.neo4j)


def _reachable() -> bool:
    store = Neo4jStore(NEO4J_URL, password=NEO4J_PASSWORD)
    try:
        store.version()
        return True
    except Exception:
        return False
    finally:
        store.close()


@pytest.fixture(scope="session")
def neo4j_server():
    """Return the URL of a running Neo4j, starting the local one if needed."""
    started = False
    if not _reachable():
        if "PARTNERGRAPH_TEST_NEO4J" in os.environ:
            pytest.fail(f"PARTNERGRAPH_TEST_NEO4J={NEO4J_URL} is not reachable")
        subprocess.run([str(ROOT / "scripts" / "neo4j-local"), "start"], check=True, timeout=600,
                       env={**os.environ, "NEO4J_PASSWORD": NEO4J_PASSWORD})
        started = True
    yield NEO4J_URL
    if started:
        subprocess.run([str(ROOT / "scripts" / "neo4j-local"), "stop"], check=False, timeout=120)


@pytest.fixture(params=["sqlite", "neo4j"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of a fresh, empty store of each kind."""
    if request.param == "sqlite":
        return str(tmp_path / "graph.db")
    url = request.getfixturevalue("neo4j_server")
    with Neo4jStore(url, password=NEO4J_PASSWORD) as store:
        store.clear()
    return url


def settings_for(db_url: str, **changes: Any) -> Settings:
    """Return settings that open the store at `db_url` (with any other settings changed)."""
    return Settings(db=db_url, neo4j_password=NEO4J_PASSWORD, **changes)


@pytest.fixture
def workspace(db_url: str, tmp_path: Path):
    """Return a workspace on a fresh store (files derived from a Neo4j store kept in a temporary folder)."""
    with Workspace.open(settings_for(db_url, cache_dir=tmp_path / "cache")) as ws:
        yield ws


@pytest.fixture
def small(workspace: Workspace) -> Workspace:
    """Return a workspace holding the hand-made network of tests/data/small."""
    workspace.data.import_path(SMALL)
    return workspace


class Cli:
    """Run the partnergraph command line in-process against one store."""

    def __init__(self, db: str, cache_dir: Path | None = None):
        self.db = db
        env = {"NEO4J_PASSWORD": NEO4J_PASSWORD}
        if cache_dir is not None:
            env["PARTNERGRAPH_CACHE_DIR"] = str(cache_dir)
        self.runner = CliRunner(env=env)

    def __call__(self, *args: str):
        return self.runner.invoke(main, ["--db", self.db, *args], catch_exceptions=False)


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> Cli:
    """Return a runner of CLI commands against a fresh store."""
    return Cli(db_url, tmp_path / "cache")


def file_digest(path: Path) -> str:
    """Return a hash of a file and its WAL, to prove that nothing was written."""
    digest = hashlib.sha256()
    for part in (path, Path(f"{path}-wal")):
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()


# -- signed-in viewers ----------------------------------------------------------------------------

PASSWORD = "correct horse battery"  # the password of every account sign_in creates


def csrf_from(page: Any) -> str:
    """Return the CSRF token in a page (a test client response or HTML): form field or meta tag."""
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: Any, workspace_or_store: Any, role: str, name: str | None = None) -> accounts.Account:
    """Sign `client` in through the real /login form as `name` (default: the role's name) with `role`.

    Creates the account (password PASSWORD) if it does not exist yet.
    """
    store = getattr(workspace_or_store, "store", workspace_or_store)
    name = name or role
    account = store.get_account(name) or accounts.Accounts(store).create_account(name, PASSWORD, role)
    form = client.get("/login")
    answer = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": csrf_from(form),
                                         "next": "/"})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return account


@pytest.fixture
def auth_app(small: Workspace, db_url: str):
    """Return a private viewer (sign-in required, no anonymous reading) on the small network."""
    from partnergraph.viewer import create_app

    app = create_app(settings_for(db_url, secret_key="test secret key, not for production"))
    yield app
    app.extensions["partnergraph"].close()


@pytest.fixture
def viewer_client(auth_app, small: Workspace):
    """Return a test client of `auth_app` signed in as "viewer" (role viewer)."""
    client = auth_app.test_client()
    sign_in(client, small, "viewer")
    return client


@pytest.fixture
def editor_client(auth_app, small: Workspace):
    """Return a test client of `auth_app` signed in as "editor" (role editor)."""
    client = auth_app.test_client()
    sign_in(client, small, "editor")
    return client


@pytest.fixture
def admin_client(auth_app, small: Workspace):
    """Return a test client of `auth_app` signed in as "admin" (role admin)."""
    client = auth_app.test_client()
    sign_in(client, small, "admin")
    return client


# -- a real browser ---------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """Return Debian's chromium, headless, driven by Playwright (skip without them)."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium: apt-get install chromium")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()
# -- partner conferences --------------------------------------------------------------------------

EVENTS_NETWORK = DATA / "events" / "network.json"  # drawn in tests/data/events/README.md


@pytest.fixture
def events_cli(cli: Cli) -> Cli:
    """Return a CLI runner against a fresh store holding the hand-made conference network."""
    done = cli("import", str(EVENTS_NETWORK))
    assert done.exit_code == 0, done.output
    return cli
