"""Load the Cypher statements of cypher/: one statement per file, named verb_noun.cypher."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from partnergraph.config import package_root


def cypher_dir() -> Path:
    """Return the folder that holds the Cypher files (checkout or installed package)."""
    return package_root() / "cypher"


@cache
def query(name: str) -> str:
    """Return the statement stored in cypher/`name`.cypher, e.g. ``read/get_element``."""
    path = cypher_dir() / f"{name}.cypher"
    if not path.is_file():
        raise FileNotFoundError(f"no Cypher statement {name!r} at {path}")
    return path.read_text(encoding="utf-8")


def all_names() -> list[str]:
    """Return the names of every statement under cypher/, for the test that each is used."""
    root = cypher_dir()
    return sorted(str(p.relative_to(root).with_suffix("")) for p in root.rglob("*.cypher"))
