"""`Workspace`: the features of partnergraph over one store (see the package's docstring)."""

from __future__ import annotations

from pathlib import Path

from partnergraph.config import Settings
from partnergraph.records import ChangeNote
from partnergraph.services.accounts import Accounts
from partnergraph.services.browse import Browse
from partnergraph.services.cache import GraphCache
from partnergraph.services.cold import ColdAnswers
from partnergraph.services.data import Data
from partnergraph.services.edit_checks import make_note
from partnergraph.services.editing import Editing
from partnergraph.services.events import Events
from partnergraph.services.imports import Imports
from partnergraph.services.jobs import Jobs
from partnergraph.services.merges import Merges
from partnergraph.services.questions import Questions
from partnergraph.services.reports import Reports
from partnergraph.services.sharing import Sharing
from partnergraph.services.store_files import StoreFiles
from partnergraph.store import GraphStore, open_store


class Workspace:
    """The features of partnergraph over one store."""

    def __init__(self, store: GraphStore, *, actor: str = "cli", cache_dir: Path | None = None):
        self.store = store
        self.actor = actor  # who is named in the history for imports and restores
        self.cache = GraphCache(store)
        self.browse = Browse(self.cache)
        self.questions = Questions(self.cache, self.browse)
        self.data = Data(store, self.questions)
        self.editing = Editing(store, names=self.cache.name_index)
        self.merges = Merges(store, names=self.cache.name_index)
        self.imports = Imports(store, self.cache.graph)
        self.accounts = Accounts(store)
        self.reports = Reports(store, self.cache, self.questions)
        self.sharing = Sharing(self.browse)
        self.events = Events(self.cache)
        self.jobs = Jobs(self.cache, self.questions)  # the viewer's long analytics; no thread until asked
        # For one-shot processes: answers from the store's indexes and the files kept beside it.
        self.cold = ColdAnswers(store, StoreFiles(store, cache_dir))

    @classmethod
    def open(cls, settings: Settings) -> Workspace:
        """Return a workspace on the store that `settings` selects."""
        return cls(open_store(settings), actor=settings.actor, cache_dir=settings.cache_dir)

    @property
    def url(self) -> str:
        """Return the URL of the store, for messages."""
        return self.store.url

    def version(self) -> str:
        """Return the store's current version (it changes with every write); proves the store answers."""
        return self.store.version()

    def note(self, action: str, *, source: str = "", comment: str = "") -> ChangeNote:
        """Return the history entry of a change this workspace's actor makes now (imports, restores)."""
        return make_note(self.actor, action, source, comment)

    def close(self) -> None:
        """Close the store (and stop the graph cache's background builder)."""
        self.cache.close()
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
