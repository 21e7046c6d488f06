"""The `partnergraph` command line: parse, call services, print. Nothing else lives here."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from partnergraph import config
from partnergraph.analysis.centrality import MEASURES
from partnergraph.io.export import FORMATS
from partnergraph.model import ImportFailed, PartnergraphError
from partnergraph.services import Workspace, demo_rows, generate
from partnergraph.store import Progress

# Below this many rows an import is quick enough that a progress bar would only flicker.
PROGRESS_THRESHOLD = 20_000
KINDS = ("affiliate", "partner", "contact", "issue")


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
        except PartnergraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            # The reader (e.g. `| head`) went away: stop quietly, as Python's docs advise.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)


def _workspace(ctx: click.Context) -> Workspace:
    settings: config.Settings = ctx.obj
    workspace = Workspace.open(settings)
    ctx.call_on_close(workspace.close)
    return workspace


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _progress_bar(ctx: click.Context) -> Callable[[str, int], Progress | None]:
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


@click.group(cls=PartnergraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="URL", default=None,
              help="Store: a file path or sqlite:///PATH (embedded, default ./partnergraph.db), "
                   "or neo4j:// / bolt:// for Neo4j. Default: $PARTNERGRAPH_DB.")
@click.version_option(package_name="partnergraph")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """Explore who knows whom across an advocacy network: partners, affiliates, contacts, issues.

    Start with `partnergraph demo`, or `partnergraph import FOLDER` to load your own directory.
    """
    ctx.obj = config.from_env().with_db(db)


@main.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, path: Path) -> None:
    """Import a CSV folder (elements.csv, connections.csv), a .json file or an .xlsx workbook.

    All or nothing: if any row is invalid, every problem is listed as file:line and the store
    is left unchanged. Importing the same data again changes nothing.
    """
    workspace = _workspace(ctx)
    stats = workspace.import_path(path, progress=_progress_bar(ctx))
    click.echo(f"imported {path} into {workspace.store.url}: "
               f"{stats.elements_created} elements created, {stats.elements_updated} updated; "
               f"{stats.connections_created} connections created, {stats.connections_updated} updated")


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="File to write (a folder for csv).")
@click.option("--public", is_flag=True, help="Only what may be published: no people, no personal data.")
@click.pass_context
def export_command(ctx: click.Context, fmt: str, output: Path, public: bool) -> None:
    """Export the graph as JSON (lossless), GraphML or GEXF (Gephi), or CSV (import format)."""
    counts = _workspace(ctx).export(fmt, output, public=public)
    click.echo(f"wrote {counts['elements']} elements and {counts['connections']} connections to {output}")


@main.command()
@click.argument("partner")
@json_option
@click.pass_context
def holders(ctx: click.Context, partner: str, as_json: bool) -> None:
    """Show who holds the relationship with PARTNER (an id or exact name)."""
    result = _workspace(ctx).holders(partner)
    if as_json:
        return _print_json(result)
    click.echo(f"{result['partner']['name']} ({result['partner']['id']})")
    for h in result["holders"]:
        affiliates = ", ".join(a["name"] for a in h["affiliates"]) or "no affiliate"
        click.echo(f"  {h['name']} ({h['id']}) strength {h['strength'] or '?'}, since {h['since'] or '?'}, "
                   f"last contact {h['last_contact'] or '?'}; {affiliates}")
    for warning in result["warnings"]:
        click.echo(f"  warning: {warning}")


@main.command()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--warm", is_flag=True, help="Rank by warmth (tie strength) instead of hop count.")
@click.option("-k", "k", type=click.IntRange(min=1), default=1, show_default=True, help="How many alternative paths.")
@click.option("--max-hops", type=click.IntRange(min=1), default=None, help="Longest acceptable path.")
@click.option("--avoid", multiple=True, metavar="ID", help="Do not pass through this element (repeatable).")
@json_option
@click.pass_context
def path(ctx: click.Context, source: str, target: str, warm: bool, k: int, max_hops: int | None,
         avoid: tuple[str, ...], as_json: bool) -> None:
    """Find introduction paths from FROM to TO (ids or exact names).

    TO may be a person, or an organisation: then any of its members or anyone who holds its
    relationship will do. Every hop says why it holds.
    """
    result = _workspace(ctx).path(source, target, warm=warm, k=k, max_hops=max_hops, avoid=avoid)
    if as_json:
        return _print_json(result)
    if not result["paths"]:
        click.echo(f"no path: {result['reason']}")
        return
    for number, p in enumerate(result["paths"], start=1):
        names = " -> ".join(n["name"] for n in p["nodes"])
        click.echo(f"path {number}: {p['length']} hops, cost {p['cost']:g}: {names}")
        for hop in p["hops"]:
            click.echo(f"  - {hop['why']}")


@main.command("centrality")
@click.option("--measure", type=click.Choice(tuple(MEASURES)), default="degree", show_default=True)
@click.option("--kind", type=click.Choice(KINDS, case_sensitive=False), default=None,
              help="Rank only elements of this kind (scores are computed on the whole graph).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many to show.")
@click.option("--sample", type=click.IntRange(min=1), default=None, metavar="K",
              help="Approximate betweenness from K sampled sources (faster on large graphs).")
@click.option("--seed", type=int, default=None, help="Random seed for --sample.")
@json_option
@click.pass_context
def centrality_command(ctx: click.Context, measure: str, kind: str | None, top: int, sample: int | None,
                       seed: int | None, as_json: bool) -> None:
    """Rank elements by centrality: who is central, who brokers between groups."""
    result = _workspace(ctx).centrality(measure, kind=kind, top=top, sample=sample, seed=seed)
    if as_json:
        return _print_json(result)
    flag = " (approximate)" if result["approximate"] else ""
    click.echo(f"{measure} centrality{flag}")
    for r in result["results"]:
        click.echo(f"  {r['score']:.6f}  {r['name']} ({r['kind']}, {r['id']})")


@main.command()
@click.option("--stale-months", type=click.IntRange(min=0), default=12, show_default=True,
              help="A tie with no contact for longer than this is stale.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge staleness as of this date (default: today).")
@json_option
@click.pass_context
def risks(ctx: click.Context, stale_months: int, as_of: Any, as_json: bool) -> None:
    """List partners held by nobody or by one person, and ties gone stale."""
    today: date | None = as_of.date() if as_of else None
    result = _workspace(ctx).risks(today=today, stale_months=stale_months)
    if as_json:
        return _print_json(result)
    click.echo(f"partners nobody holds: {len(result['unheld_partners'])}")
    for p in result["unheld_partners"]:
        click.echo(f"  {p['name']} ({p['id']})")
    click.echo(f"partners held by one person: {len(result['single_holder_partners'])}")
    for p in result["single_holder_partners"]:
        click.echo(f"  {p['name']} ({p['id']}): {p['holder']['name']}")
    click.echo(f"ties without contact for over {stale_months} months: {len(result['stale_ties'])}")
    for t in result["stale_ties"][:20]:
        click.echo(f"  {t['from']['name']} - {t['to']['name']} ({t['type']}), last contact {t['last_contact']}")
    if len(result["stale_ties"]) > 20:
        click.echo(f"  ... and {len(result['stale_ties']) - 20} more (use --json for all)")


@main.command()
@json_option
@click.pass_context
def info(ctx: click.Context, as_json: bool) -> None:
    """Show which store is used and how many elements and connections it holds."""
    workspace = _workspace(ctx)
    counts = workspace.overview()
    if as_json:
        return _print_json({"store": workspace.store.url, "counts": counts})
    click.echo(f"store: {workspace.store.url}")
    for name, n in counts.items():
        click.echo(f"  {name}: {n}")


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Load the demo network (fictional organisations, synthetic people) and show what to ask."""
    workspace = _workspace(ctx)
    element_rows, connection_rows = demo_rows()
    stats = workspace.import_rows(element_rows, connection_rows)
    counts = workspace.overview()
    click.echo(f"demo network loaded into {workspace.store.url} "
               f"({stats.elements_created} elements and {stats.connections_created} connections new): "
               f"{counts['Affiliate']} affiliates, {counts['Partner']} partners, {counts['Contact']} people, "
               f"{counts['Issue']} issues")
    top = workspace.centrality("betweenness", kind="contact", top=3)["results"]
    click.echo("brokers (betweenness): " + ", ".join(f"{r['name']} ({r['id']})" for r in top))
    risks_found = workspace.risks()
    single = risks_found["single_holder_partners"]
    click.echo(f"partners held by one person: {len(single)}; by nobody: {len(risks_found['unheld_partners'])}")
    db = "" if ctx.obj.db == config.DEFAULT_DB else f" --db {ctx.obj.db}"
    click.echo("try:")
    if single and top:
        partner = single[0]
        click.echo(f"  partnergraph{db} holders {partner['id']}          # who holds {partner['name']}")
        click.echo(f"  partnergraph{db} path {top[0]['id']} {partner['id']} --warm -k 3")
    click.echo(f"  partnergraph{db} centrality --measure betweenness --kind contact")
    click.echo(f"  partnergraph{db} risks")


@main.command("generate")
@click.option("--people", type=click.IntRange(min=1), required=True, help="Number of people (contacts).")
@click.option("--ties", type=click.IntRange(min=0), required=True, help="Number of personal ties and held relationships.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same network.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Folder to write.")
def generate_command(people: int, ties: int, seed: int, output: Path) -> None:
    """Write a synthetic network in the import format (elements.csv, connections.csv)."""
    counts = generate(people, ties, seed, output)
    click.echo(f"wrote {counts['elements']} elements and {counts['connections']} connections to {output}")
