"""The use cases of partnergraph, by feature; the CLI and the viewer call nothing below this package.

A `Workspace` joins one store to the features that use it:

- `cache`: the analysis graph, built once per store version (`services.cache`);
- `questions`: holders, paths, centrality, risks, brokers and the other analyses (`services.questions`);
- `browse`: search, element pages, facets, the graph view, the public directory (`services.browse`);
- `data`: import, export, metrics files, backup and restore (`services.data`);
- `editing`: hand edits with history and revert (`services.editing`);
- `merges`: merging duplicates, previewed first (`services.merges`);
- `imports`: spreadsheets and import files, previewed, duplicates decided, then applied (`services.imports`);
- `accounts`: accounts, roles and API tokens (`services.accounts`);
- `reports`: a partner's dossier and the risks report, to print (`services.reports`);
- `sharing`: a view as a standalone HTML page, the layout GEXF and GraphML carry (`services.sharing`).
- `events`: which conference to attend, briefings, the attendance trend, event pages (`services.events`);
- `jobs`: long analytics computed in the background for the viewer, "computing…" meanwhile (`services.jobs`).

Each question takes its options as one object from `services.options`; privacy rules live in
`services.privacy`.
"""

from __future__ import annotations

from partnergraph.analysis.words import plural
from partnergraph.config import Settings
from partnergraph.records import ChangeNote
from partnergraph.services.accounts import Accounts
from partnergraph.services.browse import Browse
from partnergraph.services.cache import GraphCache
from partnergraph.services.data import DEMO_AFFILIATE, Data, demo_rows, generate
from partnergraph.services.edit_checks import make_note
from partnergraph.services.editing import Editing
from partnergraph.services.events import Events
from partnergraph.services.imports import Imports
from partnergraph.services.jobs import Jobs
from partnergraph.services.merges import Merges
from partnergraph.services.privacy import redact
from partnergraph.services.questions import Questions
from partnergraph.services.reports import Reports
from partnergraph.services.sharing import Sharing
from partnergraph.store import GraphStore, open_store

__all__ = ["DEMO_AFFILIATE", "Workspace", "demo_rows", "generate", "plural", "redact"]


class Workspace:
    """The features of partnergraph over one store."""

    def __init__(self, store: GraphStore, *, actor: str = "cli"):
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

    @classmethod
    def open(cls, settings: Settings) -> Workspace:
        """Return a workspace on the store that `settings` selects."""
        return cls(open_store(settings), actor=settings.actor)

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
