"""Sharing a view: `export-view`, one standalone HTML page of what the graph page shows."""

from __future__ import annotations

from pathlib import Path

import click

from partnergraph.cli.common import KINDS, open_workspace
from partnergraph.model import PartnergraphError
from partnergraph.services.options import MEASURE_NAMES, GraphQuery
from partnergraph.services.sharing import COLOUR_BY


@click.command("export-view")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The HTML file to write.")
@click.option("--center", default=None, metavar="ID", help="Show this element's network (an id or a name).")
@click.option("--depth", type=int, default=1, show_default=True, help="Steps from --center: 1 to 3.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS, case_sensitive=False),
              help="Show only elements of this kind (repeatable); --center is always shown.")
@click.option("--issue", default=None, metavar="ISSUE", help="Only elements working on this issue (and issues).")
@click.option("--region", default=None, metavar="REGION", help="Only elements in this region.")
@click.option("--status", default=None, metavar="STATUS", help="Only partners of this status.")
@click.option("--type", "type_", default=None, metavar="TYPE", help="Only organisations of this type.")
@click.option("--overview", is_flag=True,
              help="The overview of organisations, people folded into the lines between them (no --center).")
@click.option("--public", is_flag=True, help="Only the public directory: no people, no personal data.")
@click.option("--limit", type=int, default=500, show_default=True, help="At most this many elements, best connected first.")
@click.option("--size", "size_by", type=click.Choice(MEASURE_NAMES), default=None,
              help="Size elements by this centrality (default: their connections in the view).")
@click.option("--colour", "colour_by", type=click.Choice(COLOUR_BY), default=None,
              help="Colour elements by region, kind or (in the overview) community; default as the graph page "
                   "opens the view: the overview by region, others by kind.")
@click.pass_context
def export_view(ctx: click.Context, output: Path, center: str | None, depth: int, kinds: tuple[str, ...],
                issue: str | None, region: str | None, status: str | None, type_: str | None, overview: bool,
                public: bool, limit: int, size_by: str | None, colour_by: str | None) -> None:
    """Write one HTML file of a view of the graph that opens offline: the graph page's picture, clickable.

    The same nodes, lines, colours, legend, sizes and positions as the graph page with the same
    options; clicking an element shows its details. It holds what you may see as an editor (contact
    details and notes included); with --public, only the public directory. See docs/viewer.md.

    \b
    partnergraph export-view -o nordic.html --center Nordic --depth 2
    partnergraph export-view -o overview.html --overview --public
    """
    if overview and center:
        raise PartnergraphError("--overview shows the whole network: drop --center, or drop --overview")
    query = GraphQuery(center=center, depth=depth, limit=limit, kinds=tuple(k.lower() for k in kinds), issue=issue,
                       region=region, status=status, type=type_, size_by=size_by, public=public,
                       view="overview" if overview else "all")
    shown = open_workspace(ctx).sharing.write_view(output, query, personal=not public, colour_by=colour_by)
    click.echo(f"wrote {shown['nodes']} elements and {shown['edges']} connections to {output}")
