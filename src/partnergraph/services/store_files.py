"""Files derived from a store and kept between runs, keyed by the store's identity and version.

A command that starts cold would otherwise read the whole store to answer one question: the
forgiving name lookup needs every name, an introduction path the whole path index. These are
kept in files instead, beside an embedded store's file (`partnergraph.db.names.npz`) or, for
Neo4j, under the cache folder in one folder per server and database (`Settings.cache_dir`).

A file holds lists of numbers and of text as numpy arrays in the .npz format (a list of text is
its UTF-8 bytes and each text's length), read with `allow_pickle=False`: loading one can never
run code. It is written to a temporary file in the
same folder and renamed over the old one, so a reader sees the old file or the new one, never
half of one. A file made for another database or version is not used (the caller rebuilds and
saves it again); one that cannot be read is ignored with a warning.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from partnergraph.store import GraphStore, is_neo4j_url

log = logging.getLogger("partnergraph")
# Bumped whenever what a file holds changes: an older file is then rebuilt, not misread.
FORMAT = 4
_KEY = "__key__"
_TEXT, _LENGTHS = ".text", ".lengths"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text) or "_"


def files_base(store: GraphStore, cache_dir: Path | None) -> Path | None:
    """Return the path every derived file of `store` starts with, or None when none is kept.

    An embedded store: its own file's path (`x.db` gives `x.db.names.npz`). Neo4j: the cache
    folder, then the server and the database (`neo4j/127.0.0.1_7687/neo4j/`).
    """
    if is_neo4j_url(store.url):
        if cache_dir is None:
            return None
        parts = urlsplit(store.url)
        server = _safe(f"{parts.hostname or 'localhost'}_{parts.port or 7687}")
        database = _safe(getattr(store, "database", None) or "default")
        return cache_dir / "neo4j" / server / database / "store"
    path = getattr(store, "path", None)
    return Path(path) if path is not None else None


class StoreFiles:
    """The derived files of one store: load one if it was made for this database and version, save one."""

    def __init__(self, store: GraphStore, cache_dir: Path | None):
        self.store = store
        self.base = files_base(store, cache_dir)
        self._identity: str | None = None

    def path(self, name: str) -> Path | None:
        """Return where the file `name` is kept, or None when this store keeps none."""
        return None if self.base is None else self.base.with_name(f"{self.base.name}.{name}.npz")

    def _key(self, version: str) -> str:
        if self._identity is None:
            self._identity = self.store.identity()
        return f"{FORMAT}:{self._identity}:{version}"

    def load(self, name: str, version: str) -> dict[str, Any] | None:
        """Return the lists of file `name` if it was made for this database at `version`, else None.

        Lists of numbers come back as numpy arrays, lists of text as `Texts` (cut out when read).

        A file that cannot be read (damaged, not ours) is ignored with a warning.
        """
        import numpy  # here: only commands that keep files pay for it

        path = self.path(name)
        if path is None or not path.is_file():
            return None
        try:
            with numpy.load(path, allow_pickle=False) as data:
                if _KEY not in data.files or str(data[_KEY]) != self._key(version):
                    return None
                found: dict[str, list[Any]] = {}
                for key in data.files:
                    if key.endswith(_LENGTHS):
                        found[key[:-len(_LENGTHS)]] = _texts(data[key[:-len(_LENGTHS)] + _TEXT], data[key])
                    elif key != _KEY and not key.endswith(_TEXT):
                        found[key] = data[key]
                return found
        except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            log.warning("warning: ignoring %s, which cannot be read (%s); it will be made again", path, exc)
            return None

    def save(self, name: str, version: str, lists: Mapping[str, list[Any]]) -> None:
        """Write file `name` for this database at `version`, atomically; a folder that refuses is only a warning.

        Each list holds numbers (ints, floats or bools, one type) or text.
        """
        import numpy

        path = self.path(name)
        if path is None:
            return
        arrays: dict[str, Any] = {_KEY: numpy.array(self._key(version))}
        for key, values in lists.items():
            if values and isinstance(values[0], str):
                arrays[key + _TEXT] = numpy.frombuffer("".join(values).encode("utf-8"), dtype=numpy.uint8)
                arrays[key + _LENGTHS] = numpy.array([len(v) for v in values], dtype=numpy.int64)
            else:
                arrays[key] = numpy.array(values)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    numpy.savez(out, **arrays)
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as exc:
            log.warning("warning: could not keep %s (%s); the next run will make it again", path, exc)


class Texts(Sequence[str]):
    """Texts kept as one string and where each starts: each is cut out when asked for, none before."""

    def __init__(self, whole: str, starts: list[int]):
        self._whole, self._starts = whole, starts

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, number: Any) -> Any:
        if isinstance(number, slice):
            return [self[i] for i in range(*number.indices(len(self)))]
        if number < 0:
            number += len(self)
        return self._whole[self._starts[number]:self._starts[number + 1]]

    def tolist(self) -> list[str]:
        """Return every text, at once."""
        whole, starts = self._whole, self._starts
        return [whole[a:b] for a, b in zip(starts[:-1], starts[1:], strict=True)]


def _texts(data: Any, lengths: Any) -> Texts:
    """Return the texts packed as UTF-8 bytes and their lengths (in characters)."""
    import numpy

    whole = data.tobytes().decode("utf-8")
    starts = numpy.concatenate(([0], numpy.cumsum(lengths))).tolist()
    if starts[-1] != len(whole):
        raise ValueError("the lengths of its texts do not add up")
    return Texts(whole, starts)
