"""Stores keep the graph; `open_store` picks one from a URL (docs/stores.md, "Store URLs")."""

from __future__ import annotations

from partnergraph.config import Settings
from partnergraph.model import StoreError
from partnergraph.records import Progress, WriteStats
from partnergraph.store.base import GraphStore, Snapshot

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")

__all__ = ["GraphStore", "Progress", "Snapshot", "WriteStats", "open_store", "is_neo4j_url"]


def is_neo4j_url(url: str) -> bool:
    """Return whether `url` selects the Neo4j store."""
    return url.split("://", 1)[0].lower() in NEO4J_SCHEMES if "://" in url else False


def open_store(settings: Settings) -> GraphStore:
    """Return the store that `settings.db` selects: a file path or sqlite:/// URL, or Neo4j."""
    url = settings.db
    if is_neo4j_url(url):
        from partnergraph.store.neo4j import Neo4jStore

        return Neo4jStore(url, user=settings.neo4j_user, password=settings.neo4j_password,
                          database=settings.neo4j_database, retry_seconds=settings.neo4j_retry_seconds,
                          import_batch=settings.neo4j_import_batch)
    from partnergraph.store.sqlite import SqliteStore

    if url.startswith("sqlite://"):
        path = url[len("sqlite://"):]
        # sqlite:///relative.db and sqlite:////absolute.db, as in SQLAlchemy.
        path = path[1:] if path.startswith("/") else path
        if not path:
            raise StoreError(f"{url}: no database file in the URL")
        return SqliteStore(path)
    if "://" in url:
        raise StoreError(f"{url}: unsupported store URL (use a file path, sqlite:///PATH, neo4j:// or bolt://)")
    return SqliteStore(url)
