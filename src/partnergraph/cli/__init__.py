"""The `partnergraph` command line: parse, call services, print. Nothing else lives here.

The group `main` and its error handling are here; the commands live by area in `imports`,
`data`, `questions`, `criteria`, `directory`, `events`, `users` and `serve`, and what they share in `common`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from importlib import import_module
from typing import Any

import click

from partnergraph import config
from partnergraph.model import ImportFailed, PartnergraphError
from partnergraph.services.options import ConflictingOptions, InvalidOption

# Each command, and the module of this package and the name it is defined under. A command's
# module is imported when the command runs (or is listed), not with the group: a question the
# store answers at once should not wait for the imports of every other command.
COMMANDS = {
    "import": ("imports", "import_command"), "export": ("data", "export_command"),
    "metrics": ("data", "metrics_command"), "backup": ("data", "backup"), "restore": ("data", "restore"),
    "generate": ("data", "generate_command"), "template": ("data", "template_command"),
    "holders": ("questions", "holders"), "path": ("questions", "path"),
    "centrality": ("questions", "centrality_command"), "risks": ("questions", "risks"),
    "brokers": ("questions", "brokers_command"), "without": ("questions", "without_command"),
    "communities": ("questions", "communities_command"), "coverage": ("questions", "coverage_command"),
    "criteria": ("criteria", "criteria_command"), "suggest": ("criteria", "suggest_command"),
    "info": ("questions", "info"), "directory": ("directory", "directory"), "report": ("reports", "report_group"),
    "events": ("events", "events_command"), "briefing": ("events", "briefing_command"),
    "attendance": ("events", "attendance_command"), "demo": ("serve", "demo"), "serve": ("serve", "serve"),
    "user": ("users", "user_group"), "export-view": ("share", "export_view"),
}


class LazyCommands(dict):
    """A group's commands by name, each imported from its module when first asked for.

    Listing the names imports nothing; asking for a command, or for them all (`items`,
    `values`), imports their modules.
    """

    def __init__(self, homes: dict[str, tuple[str, str]]):
        super().__init__()
        self._homes = dict(homes)

    def _load(self, name: str) -> None:
        module, attribute = self._homes.pop(name)
        super().__setitem__(name, getattr(import_module(f"{__name__}.{module}"), attribute))

    def __getitem__(self, name: str) -> click.Command:
        if name in self._homes:
            self._load(name)
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default

    def __contains__(self, name: object) -> bool:
        return name in self._homes or super().__contains__(name)

    def __iter__(self) -> Iterator[str]:
        return iter([*super().keys(), *self._homes])

    def __len__(self) -> int:
        return super().__len__() + len(self._homes)

    def keys(self) -> Any:
        return list(self)

    def items(self) -> Any:
        for name in list(self._homes):
            self._load(name)
        return super().items()

    def values(self) -> Any:
        return dict(self.items()).values()


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


main.commands = LazyCommands(COMMANDS)
