"""The `partnergraph` command line: parse, call services, print. Nothing else lives here.

The group `main` and its error handling are here; the commands live by area in `imports`,
`data`, `questions`, `criteria`, `directory`, `events`, `users` and `serve`, and what they share in `common`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from partnergraph import config
from partnergraph.cli import criteria, data, directory, events, imports, questions, serve, users
from partnergraph.model import ImportFailed, PartnergraphError
from partnergraph.services.options import ConflictingOptions, InvalidOption


def _flag(param: str, ctx: click.Context) -> str:
    """Return how the running command spells an option (`--max-hops`, `-k`, `FROM`), by its parameter name."""
    sub = ctx.command.get_command(ctx, ctx.invoked_subcommand) if ctx.invoked_subcommand else None
    for spec in getattr(sub, "params", ()):
        if spec.name == param:
            return spec.opts[0] if isinstance(spec, click.Option) else spec.human_readable_name
    return "--" + param.replace("_", "-")


class PartnergraphGroup(click.Group):
    """A click group that turns user errors into one line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ImportFailed as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except ConflictingOptions as exc:
            click.echo(f"error: {_flag(exc.param, ctx)} {exc.problem}", err=True)
            sys.exit(1)
        except InvalidOption as exc:
            # A value out of its option's bounds is a usage error, phrased with the flag's name.
            raise click.UsageError(f"{_flag(exc.param, ctx)} {exc.problem}", ctx) from None
        except PartnergraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except UnicodeError as exc:
            # Text no store can hold, e.g. a lone surrogate (a \ud800 escape) in a JSON file; the
            # store's transaction rolled back. Escaped: the terminal could not print it either.
            problem = str(exc).encode("ascii", "backslashreplace").decode()
            click.echo(f"error: the input is not valid Unicode text: {problem}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            # The reader (e.g. `| head`) went away: stop quietly, as Python's docs advise.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)


@click.group(cls=PartnergraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="URL", default=None,
              help="Store: a file path or sqlite:///PATH (embedded, default ./partnergraph.db), "
                   "or neo4j:// / bolt:// for Neo4j. Default: $PARTNERGRAPH_DB.")
@click.version_option(package_name="partnergraph")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """Explore who knows whom across an advocacy network: partners, affiliates, contacts, issues.

    Start with `partnergraph demo`, or `partnergraph import SHEET.xlsx` to bring the spreadsheet you keep.

    Elements are named by id or by name: in any case and without accents, by an alias, or by a
    unique beginning ("Nordic"); a name that matches nothing gets the three closest as "did you mean".
    """
    ctx.obj = config.from_env().with_db(db)


for _command in (
    imports.import_command, data.export_command, data.metrics_command, data.backup, data.restore,
    data.generate_command, data.template_command,
    questions.holders, questions.path, questions.centrality_command, questions.risks, questions.brokers_command,
    questions.without_command, questions.communities_command, questions.coverage_command,
    criteria.criteria_command, criteria.suggest_command, questions.info,
    directory.directory,
    events.events_command, events.briefing_command, events.attendance_command,
    serve.demo, serve.serve,
    users.user_group,
):
    main.add_command(_command)
del _command
