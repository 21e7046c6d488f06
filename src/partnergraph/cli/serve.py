"""The viewer: serve, and demo (load the demo network, show what to ask, serve)."""

from __future__ import annotations

import shlex
from dataclasses import replace

import click

from partnergraph import config
from partnergraph.cli.common import open_workspace
from partnergraph.services import DEMO_AFFILIATE, Workspace, demo_rows
from partnergraph.services.options import CentralityQuery, EventsQuery, RisksQuery


def _serve(settings: config.Settings, host: str, port: int, public: bool) -> None:
    from partnergraph.viewer import create_app, serve

    # The viewer knows where it listens: on this machine alone, a per-run sign-in key is enough.
    settings = replace(settings, listen_host=host)
    app = create_app(settings, public=public)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    click.echo(f"viewer of {settings.db}{' (public directory only)' if public else ''}: "
               f"http://{shown}:{port}/  (Ctrl+C to stop)")
    if not public:
        click.echo("anyone who can reach it may read; sign in to change anything" if settings.anonymous_read
                   else "reading needs an account (or --anonymous-read)")
        if not settings.anonymous_read and not app.extensions["partnergraph"].ws.accounts.list_accounts():
            click.echo("no account yet: partnergraph user add NAME --role admin", err=True)
    serve(app, host, port)


host_option = click.option("--host", default="127.0.0.1", show_default=True,
                           help="Address to listen on (0.0.0.0 for every interface).")
port_option = click.option("--port", type=click.IntRange(min=0, max=65535), default=5000, show_default=True,
                           help="Port to listen on.")


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Only load the demo; do not start the viewer.")
@host_option
@port_option
@click.pass_context
def demo(ctx: click.Context, no_serve: bool, host: str, port: int) -> None:
    """Load the demo network (fictional organisations, synthetic people), show what to ask, open the viewer."""
    workspace = open_workspace(ctx)
    element_rows, connection_rows = demo_rows()
    stats = workspace.data.import_rows(element_rows, connection_rows,
                                  note=workspace.note("import", source="partnergraph demo network"))
    counts = workspace.questions.overview()
    click.echo(f"demo network loaded into {workspace.url} "
               f"({stats.elements_created} elements and {stats.connections_created} connections new): "
               f"{counts['Affiliate']} affiliates, {counts['Partner']} partners, {counts['Contact']} people, "
               f"{counts['Issue']} issues")
    top = workspace.questions.centrality(CentralityQuery("betweenness", kind="contact", top=3))["results"]
    click.echo("brokers (betweenness): " + ", ".join(f"{r['name']} ({r['id']})" for r in top))
    risks_found = workspace.questions.risks(RisksQuery())
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
    _conferences(workspace, db)
    if not no_serve:
        # Fictional data on this machine: readable without signing in; editing still needs an account.
        click.echo("to edit in the viewer: partnergraph user add NAME --role editor, then sign in")
        _serve(replace(ctx.obj, anonymous_read=True), host, port, public=False)


@click.command("serve")
@host_option
@port_option
@click.option("--public", is_flag=True, help="Show only the public directory: no people, no personal data.")
@click.option("--anonymous-read", is_flag=True,
              help="Let visitors read without signing in (changes still need an editor account). "
                   "Default: $PARTNERGRAPH_ANONYMOUS_READ, else off.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, public: bool, anonymous_read: bool) -> None:
    """Start the viewer: search, a page per element, the graph, the path finder, analytics.

    Visitors sign in with an account (see `partnergraph user`), unless --anonymous-read.
    """
    settings: config.Settings = ctx.obj
    if anonymous_read:
        settings = replace(settings, anonymous_read=True)
    _serve(settings, host, port, public=public or settings.public)


def _conferences(workspace: Workspace, db: str) -> None:
    """Say which partner conferences the demo holds, and how to ask which is worth attending."""
    upcoming = workspace.events.ranked(EventsQuery(affiliate=DEMO_AFFILIATE, when="upcoming"))["events"]
    past = workspace.events.ranked(EventsQuery(when="past"))["events"]
    click.echo(f"partner conferences: {len(upcoming)} upcoming, {len(past)} past")
    if not upcoming:
        return
    first = upcoming[0]
    click.echo(f"  partnergraph{db} events --upcoming --for {shlex.quote(DEMO_AFFILIATE)}   # worth the trip, best first")
    if first["our_people"]:
        person = first["our_people"][0]["name"]
        click.echo(f"  partnergraph{db} briefing {shlex.quote(first['name'])} --for {shlex.quote(person)}")
    click.echo(f"  partnergraph{db} attendance --by region                # our people at partner events per year")
