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

`cold` answers some questions from the store's indexes without the analysis graph, for the
command line (`services.cold`).

The package loads its modules when first asked for a name (`Workspace` is in `services.workspace`),
so that a command importing one light module does not pay for them all.

Each question takes its options as one object from `services.options`; privacy rules live in
`services.privacy`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["DEMO_AFFILIATE", "Workspace", "demo_rows", "generate", "plural", "redact"]

# Where each name of the package lives; imported on first use (PEP 562).
_HOMES = {
    "Workspace": "partnergraph.services.workspace",
    "DEMO_AFFILIATE": "partnergraph.services.data",
    "demo_rows": "partnergraph.services.data",
    "generate": "partnergraph.services.data",
    "plural": "partnergraph.analysis.words",
    "redact": "partnergraph.services.privacy",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
