"""Data in and out: import, export, metrics, backup, restore, generate."""

from __future__ import annotations

from pathlib import Path

import click

from partnergraph.cli.common import open_workspace, progress_bar
from partnergraph.services import generate
from partnergraph.services.data import EXPORT_FORMATS as FORMATS
from partnergraph.services.data import METRIC_FORMATS, write_template
from partnergraph.services.options import MetricsQuery

layout_option = click.option(
    "--layout/--no-layout", default=None,
    help="GraphML and GEXF: carry the viewer's positions, kind colours and sizes for Gephi (default: on for GEXF).")


@click.command("template")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def template_command(file: Path) -> None:
    """Write an .xlsx workbook to fill in and import: partner, people, event and attendance lists, and the full format.

    Its headers carry notes, kind, type, region, strength and status have drop-downs, and each
    sheet has one example row; importing it unchanged succeeds. See "The template" in
    docs/import-format.md.

    \b
    partnergraph template partners.xlsx
    """
    write_template(file)
    click.echo(f"wrote the import template to {file}: sheets Partners, People, Events, Attendance, Elements, Connections")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="File to write (a folder for csv).")
@click.option("--public", is_flag=True, help="Only what may be published: no people, no personal data.")
@layout_option
@click.pass_context
def export_command(ctx: click.Context, fmt: str, output: Path, public: bool, layout: bool | None) -> None:
    """Export the graph as JSON (lossless), GraphML or GEXF (Gephi), or CSV (import format).

    GEXF (and GraphML with --layout) carry the viewer's picture: each element's position, colour
    and size, so Gephi opens the graph as the viewer draws it.
    """
    counts = open_workspace(ctx).data.export(fmt, output, public=public, layout=layout)
    click.echo(f"wrote {counts['elements']} elements and {counts['connections']} connections to {output}")



@click.command("metrics")
@click.option("--format", "fmt", type=click.Choice(METRIC_FORMATS), required=True,
              help="csv or json: one row per element; graphml or gexf: the graph with metrics as node attributes.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, help="File to write.")
@click.option("--sample", type=int, default=None, metavar="K",
              help="Approximate betweenness from K sampled sources (large graphs).")
@click.option("--seed", type=int, default=None, help="Random seed for --sample.")
@click.option("--community-seed", type=int, default=0, show_default=True, help="Random seed for the communities.")
@click.option("--weighted", is_flag=True, help="Use tie strength (a strong tie is a short distance).")
@layout_option
@click.pass_context
def metrics_command(ctx: click.Context, fmt: str, output: Path, sample: int | None, seed: int | None,
                    community_seed: int, weighted: bool, layout: bool | None) -> None:
    """Export every metric of every element: centralities, constraint, effective size, community.

    GraphML and GEXF carry them as node attributes, so Gephi can size and colour by them.
    """
    result = open_workspace(ctx).data.export_metrics(
        fmt, output, MetricsQuery(sample=sample, seed=seed, community_seed=community_seed, weighted=weighted),
        layout=layout)
    click.echo(f"wrote {', '.join(result['columns'])} of {result['elements']} elements to {output}")



@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, file: Path) -> None:
    """Write the whole graph to FILE (JSON with its schema and a SHA-256 of its content).

    The graph is read in one transaction, so a backup taken while others write is consistent.
    """
    header = open_workspace(ctx).data.backup(file)
    click.echo(f"backed up {header['elements']} elements and {header['connections']} connections "
               f"to {file} (sha256 {header['sha256'][:16]}...)")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the store's content.")
@click.pass_context
def restore(ctx: click.Context, file: Path, yes: bool) -> None:
    """Replace everything in the store with the graph in backup FILE.

    The file's hash is checked before anything is written, the replacement lands whole or not
    at all, and the store's content is hashed again afterwards. A backup from a newer partnergraph is
    refused.
    """
    workspace = open_workspace(ctx)
    if not yes:
        click.confirm(f"replace everything in {workspace.url} with {file}?", abort=True, err=True)
    header = workspace.data.restore(file, progress=progress_bar(ctx), note=workspace.note("restore", source=str(file)))
    click.echo(f"restored {header['elements']} elements and {header['connections']} connections "
               f"from {file} into {workspace.url} (sha256 verified)")


@click.command("generate")
@click.option("--people", type=click.IntRange(min=1), required=True, help="Number of people (contacts).")
@click.option("--ties", type=click.IntRange(min=0), required=True, help="Number of personal ties and held relationships.")
@click.option("--events", type=click.IntRange(min=0), default=None,
              help="Number of events (conferences and meetings, with organisers and attendance) [default: people / 20].")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same network.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Folder to write.")
def generate_command(people: int, ties: int, events: int | None, seed: int, output: Path) -> None:
    """Write a synthetic network in the import format (elements.csv, connections.csv).

    Events run from three years before 2026-11-01 to a year after: a few big conferences
    (hundreds to 3,000 attendees) and many small meetings (10 to 60), organised by partners and
    affiliates; past attendance is mostly attended, upcoming registered or planned. The rest of
    the network is the same whatever --events says.
    """
    counts = generate(people, ties, seed, output, events=events)
    click.echo(f"wrote {counts['elements']} elements and {counts['connections']} connections to {output} "
               f"({counts['events']} events, {counts['attendances']} attendances)")
