"""Settings: the only place that reads environment variables."""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_DB = "partnergraph.db"
# Addresses that only this machine can reach: a viewer listening there needs no shared secret key.
LOCAL_HOSTS = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a run; built from the environment or passed in by tests."""

    db: str = DEFAULT_DB
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    # How long a Neo4j transaction is retried through a restart or a leader change before the
    # caller (the viewer answers 503) hears that Neo4j is unavailable.
    neo4j_retry_seconds: float = 15.0
    # Rows per staging transaction of a Neo4j import: the heap an import needs grows with it.
    neo4j_import_batch: int = 20_000
    # The viewer shows only the public directory: no people, no personal data (serve --public).
    public: bool = False
    # Signs the viewer's session cookies: PARTNERGRAPH_SECRET_KEY, never a default in the code.
    # None: the viewer makes a random key per process (sessions end when it restarts).
    secret_key: str | None = None
    # Whether visitors who are not signed in may read the (private) viewer.
    anonymous_read: bool = False
    # Session cookies marked Secure (sent over HTTPS only). Browsers treat http://127.0.0.1 and
    # http://localhost as secure, so this also works for a local viewer; turn it off only for a
    # viewer reached over plain HTTP on another host.
    secure_cookies: bool = True
    # A session ends this long after signing in.
    session_hours: float = 12.0
    # How many reverse proxies in front of the viewer set X-Forwarded-For/-Proto/-Host (0: none,
    # trust no such header): the client address of the sign-in limit and HTTPS detection.
    trusted_proxies: int = 0
    # Who runs the command line, for the audit entries of what it changes.
    actor: str = "cli"
    # Where the command line's own server listens (`serve`/`demo --host`). None: a WSGI server
    # such as gunicorn runs the app, perhaps in several workers, for whoever reaches it.
    listen_host: str | None = None
    # Where files derived from a Neo4j store are kept between runs (the name and path indexes
    # the command line loads instead of rebuilding); None: not kept. An embedded store keeps
    # them beside its file.
    cache_dir: Path | None = None

    @property
    def local_only(self) -> bool:
        """Return whether the viewer listens on this machine only (then a per-run secret key is enough)."""
        return self.listen_host is not None and self.listen_host.strip("[]").casefold() in LOCAL_HOSTS

    def with_db(self, db: str | None) -> Settings:
        """Return a copy with another store URL, or this one if `db` is None."""
        return self if db is None else replace(self, db=db)


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Return settings from PARTNERGRAPH_* and NEO4J_* environment variables."""
    env = os.environ if environ is None else environ
    return Settings(
        db=env.get("PARTNERGRAPH_DB") or DEFAULT_DB,
        neo4j_user=env.get("NEO4J_USER") or "neo4j",
        neo4j_password=env.get("NEO4J_PASSWORD") or None,
        neo4j_database=env.get("NEO4J_DATABASE") or None,
        neo4j_retry_seconds=_seconds(env, "NEO4J_RETRY_SECONDS", 15.0),
        neo4j_import_batch=int(_seconds(env, "NEO4J_IMPORT_BATCH", 20_000, unit="rows")) or 20_000,
        public=(env.get("PARTNERGRAPH_PUBLIC") or "").strip().lower() in ("1", "true", "yes", "on"),
        secret_key=env.get("PARTNERGRAPH_SECRET_KEY") or None,
        anonymous_read=_flag(env, "PARTNERGRAPH_ANONYMOUS_READ", False),
        secure_cookies=_flag(env, "PARTNERGRAPH_SECURE_COOKIES", True),
        session_hours=_seconds(env, "PARTNERGRAPH_SESSION_HOURS", 12.0, unit="hours") or 12.0,
        trusted_proxies=int(_seconds(env, "PARTNERGRAPH_TRUSTED_PROXIES", 0, unit="proxies")),
        actor=f"cli:{_user()}",
        cache_dir=_cache_dir(env),
    )


def _cache_dir(env: Mapping[str, str]) -> Path | None:
    """Return PARTNERGRAPH_CACHE_DIR, else partnergraph/ in the XDG cache folder (~/.cache by default)."""
    if env.get("PARTNERGRAPH_CACHE_DIR"):
        return Path(env["PARTNERGRAPH_CACHE_DIR"])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "partnergraph"
    try:
        return Path.home() / ".cache" / "partnergraph"
    except RuntimeError:  # no home folder to be found: keep nothing
        return None


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    from partnergraph.model import PartnergraphError

    raise PartnergraphError(f"{name} must be 1/true/yes/on or 0/false/no/off, not {raw!r}")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name at all (some containers): still say it was the CLI
        return "unknown"


def _seconds(env: Mapping[str, str], name: str, default: float, unit: str = "seconds") -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also refuses nan
        from partnergraph.model import PartnergraphError

        raise PartnergraphError(f"{name} must be a number of {unit} (0 or more), not {raw!r}")
    return value


def package_root() -> Path:
    """Return the folder holding `cypher/` and `web/`, in a checkout or an installed wheel."""
    here = Path(__file__).resolve().parent
    # Installed wheels carry the folders inside the package (force-include in pyproject.toml);
    # a checkout has them at the repository root, two levels up from src/partnergraph.
    for root in (here, here.parent.parent):
        if (root / "cypher").is_dir():
            return root
    return here
