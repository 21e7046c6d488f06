"""What the commands share: the workspace of the invocation, JSON output, the progress bar, options."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from partnergraph import config
from partnergraph.records import Progress
from partnergraph.schema import KIND_SLUGS

if TYPE_CHECKING:
    from partnergraph.services.cold import ColdAnswers
    from partnergraph.services.workspace import Workspace

# Below this many rows an import is quick enough that a progress bar would only flicker.
PROGRESS_THRESHOLD = 20_000
KINDS = KIND_SLUGS


def open_workspace(ctx: click.Context) -> Workspace:
    """Open the workspace on the store of this invocation; it closes when the command ends."""
    # Imported here: the whole workspace is slow to import, and some commands never need it.
    from partnergraph.services.workspace import Workspace

    settings: config.Settings = ctx.obj
    workspace = Workspace.open(settings)
    ctx.call_on_close(workspace.close)
    return workspace


def open_cold(ctx: click.Context) -> ColdAnswers:
    """Open the answers from the store's indexes (`services.cold`) for this invocation; they close when it ends."""
    from partnergraph.services.cold import ColdAnswers

    answers = ColdAnswers.open(ctx.obj)
    ctx.call_on_close(answers.close)
    return answers


def print_json(data: Any) -> None:
    """Print `data` as indented JSON, non-ASCII characters as they are."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def progress_bar(ctx: click.Context) -> Callable[[str, int], Progress | None]:
    """Return a progress factory for large imports: a bar on stderr while writing, a line before."""
    def factory(stage: str, total: int) -> Progress | None:
        if total < PROGRESS_THRESHOLD:
            return None
        if stage != "writing":
            click.echo(f"{stage} {total:,} rows...", err=True)
            return None
        bar = click.progressbar(length=total, label="writing", file=sys.stderr)
        bar.__enter__()
        ctx.call_on_close(lambda: bar.__exit__(None, None, None))
        return bar.update
    return factory


json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")

as_of_option = click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                            callback=lambda ctx, param, value: value.date() if value else None,
                            help="Judge recency and staleness as of this date (YYYY-MM-DD; default: today).")
stale_months_option = click.option("--stale-months", type=int, default=12, show_default=True,
                                   help="A tie or hold with no contact for longer than this is stale.")

type_option = click.option("--type", "types", multiple=True, metavar="TYPE",
                           help="Only organisations of this type (repeatable): ngo, glam, academic, ... or any "
                                "type in use; other spellings count (museum is glam).")
