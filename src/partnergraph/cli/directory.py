"""`partnergraph directory`: the public directory on the command line, the twin of /api/directory."""

from __future__ import annotations

import click

from partnergraph.cli.common import json_option, open_cold, print_json


@click.command("directory")
@click.option("--region", default=None, metavar="REGION", help="Only partners in this region (e.g. Europe).")
@click.option("--issue", default=None, metavar="ISSUE", help="Only partners working on this issue (an id or a name).")
@click.option("--type", "type_", default=None, metavar="TYPE",
              help="Only partners of this organisation type (e.g. glam, NGO, museum: any spelling of the vocabulary).")
@click.option("--offers", default=None, metavar="OFFER",
              help="Only partners that offer this (e.g. 'legal expertise'), case-insensitively.")
@json_option
@click.pass_context
def directory(ctx: click.Context, region: str | None, issue: str | None, type_: str | None, offers: str | None,
              as_json: bool) -> None:
    """Print the public directory: public partners, what they offer, and which affiliate's team to contact.

    Then the public partner events (public events a public partner or affiliate organises): their
    dates, place, issues and organisers, never who attends.

    Exactly what the public viewer's /directory shows and /api/directory returns (the JSON is
    the same), built from what `export --public` writes: no person, no personal data, no
    organisation not marked public.

    \b
    partnergraph directory --region Europe --type glam
    partnergraph directory --offers "legal expertise" --json
    """
    found = open_cold(ctx).directory(region=region, issue=issue, type=type_, offers=offers)
    if as_json:
        return print_json(found)
    count = len(found["partners"])
    click.echo(f"{count} public partner{'' if count == 1 else 's'}")
    for p in found["partners"]:
        facts = " · ".join(str(v) for v in (p.get("type_label"), p.get("country"), p.get("region"), p.get("status")) if v)
        click.echo(f"{p['name']} ({p['id']}){': ' + facts if facts else ''}")
        if p["offers"]:
            click.echo(f"  offers: {', '.join(p['offers'])}")
        if p["looks_for"]:
            click.echo(f"  looks for: {', '.join(p['looks_for'])}")
        if p["issues"]:
            click.echo(f"  issues: {', '.join(i['name'] for i in p['issues'])}")
        for r in p["routes"]:
            reach = r["email"] or r["url"]
            click.echo(f"  contact: the {r['team']} team of {r['affiliate']['name']} ({r['reason']})"
                       f"{': ' + reach if reach else ''}")
        if not p["routes"]:
            click.echo("  contact: no affiliate holds it yet")
    events = found.get("events", [])
    if events:
        click.echo(f"{len(events)} public partner event{'' if len(events) == 1 else 's'}")
    for e in events:
        when = " to ".join(dict.fromkeys(str(d) for d in (e.get("start"), e.get("end")) if d))
        facts = " · ".join(str(v) for v in (when, e.get("country"), e.get("region")) if v)
        click.echo(f"{e['name']} ({e['id']}){': ' + facts if facts else ''}")
        click.echo(f"  organised by: {', '.join(o['name'] for o in e['organisers'])}")
        if e["issues"]:
            click.echo(f"  issues: {', '.join(i['name'] for i in e['issues'])}")
