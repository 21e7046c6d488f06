"""Partner conferences: which event to attend (`events`), whom to meet there (`briefing`), the trend (`attendance`)."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from partnergraph.cli.common import json_option, open_workspace, print_json
from partnergraph.cli.tables import render_table
from partnergraph.services.events import INTRODUCTIONS
from partnergraph.services.options import ATTENDANCE_BY, EventsQuery

as_of_option = click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                            callback=lambda ctx, param, value: value.date() if value else None,
                            help="Judge upcoming and past, attendance and staleness as of this date "
                                 "(YYYY-MM-DD; default: today).")


def _dates(event: dict[str, Any]) -> str:
    start, end = event.get("start"), event.get("end")
    if start and end and end != start:
        return f"{start} to {end}"
    return start or end or "no date"


@click.command("events")
@click.option("--upcoming", is_flag=True, help="Only events that have not ended yet.")
@click.option("--past", is_flag=True, help="Only events that have ended.")
@click.option("--for", "affiliate", default=None, metavar="AFFILIATE",
              help="Rank by value for this affiliate: partners on its issues and in its region count more.")
@click.option("--issue", default=None, metavar="ISSUE", help="Only events on this issue (theirs or an organiser's).")
@click.option("--region", default=None, metavar="REGION", help="Only events in this region (name or country code).")
@as_of_option
@json_option
@click.pass_context
def events_command(ctx: click.Context, upcoming: bool, past: bool, affiliate: str | None, issue: str | None,
                   region: str | None, as_of: date | None, as_json: bool) -> None:
    """Rank events by the partners present: which conference is worth attending, with the reasons.

    Each partner present (organising, or with people at the event) counts; more
    when its partnership is held by nobody, by one person, only through stale
    ties, or when it is prospective. With --for, partners on the affiliate's
    issues or in its region count fully, others a quarter. Our people going (or,
    for past events, who went) are listed and add a little.
    The rule: docs/events.md.

    \b
    partnergraph events --upcoming --for "Wikimedia Norvaland"
    partnergraph events --past --region Europe --json
    """
    if upcoming and past:
        raise click.UsageError("give --upcoming or --past, not both")
    when = "upcoming" if upcoming else "past" if past else None
    result = open_workspace(ctx).events.ranked(EventsQuery(affiliate=affiliate, when=when, issue=issue, region=region,
                                                           today=as_of))
    if as_json:
        return print_json(result)
    found = result["events"]
    scope = f" for {result['for']['name']}" if result["for"] else ""
    click.echo(f"{len(found)} {when + ' ' if when else ''}event{'s' if len(found) != 1 else ''}{scope}, "
               f"as of {result['as_of']}, best first")
    if not found:
        return
    rows = [(number, f"{e['score']:.2f}", e["name"], _dates(e), e["region"] or "", len(e["partners"]), len(e["our_people"]))
            for number, e in enumerate(found, start=1)]
    for line in render_table(["#", "Score", "Event", "Dates", "Region", "Partners", "Our people"], rows,
                             right=[True, True, False, False, False, True, True]):
        click.echo(line)
    click.echo("")
    for number, e in enumerate(found, start=1):
        click.echo(f"{number}. {e['name']} ({e['id']}): {'; '.join(e['reasons'])}")


@click.command("briefing")
@click.argument("event")
@click.option("--for", "person", required=True, metavar="PERSON", help="The person going (a contact: id or name).")
@click.option("--introductions", type=click.IntRange(0, 1000), default=INTRODUCTIONS, show_default=True,
              help="Search introductions to this many people and organisations, the most worth meeting first "
                   "(each is a path search: more take longer on a big network).")
@as_of_option
@json_option
@click.pass_context
def briefing_command(ctx: click.Context, event: str, person: str, introductions: int, as_of: date | None,
                     as_json: bool) -> None:
    """Brief PERSON for EVENT: the partner people and organisations there, why they matter, who introduces you.

    Partners come most worth meeting first (held by nobody, by one person, stale, prospective,
    on your issues). For each of their people at the event, the warmest introduction from
    PERSON; other people at the event are preferred as introducers (docs/events.md#the-briefing).

    \b
    partnergraph briefing "Pacific Open Access Conference" --for "Pieter Abiodun"
    """
    result = open_workspace(ctx).events.briefing(event, person, as_of=as_of, introductions=introductions)
    if as_json:
        return print_json(result)
    you, ev = result["for"], result["event"]
    where = f", {ev['region']}" if ev.get("region") else ""
    mine = ", ".join(a["name"] for a in you["affiliates"])
    click.echo(f"Briefing for {you['name']}{' (' + mine + ')' if mine else ''} at {ev['name']} "
               f"({_dates(ev)}{where}), as of {result['as_of']}")
    click.echo(f"you: {you['status'] or 'not registered'}{', ' + you['role'] if you['role'] else ''}")
    if not result["partners"]:
        click.echo("no partners present")
    for number, partner in enumerate(result["partners"], start=1):
        status = f", {partner['status']}" if partner.get("status") else ""
        why = "; ".join(partner["why"]) or "a partner"
        click.echo(f"{number}. {partner['name']} ({partner['id']}{status}): {why}")
        if not partner["people"]:
            click.echo(f"   {_introduction(partner, introductions)}")
        for who in partner["people"]:
            role = ", ".join(x for x in (who.get("role"), who.get("status")) if x)
            click.echo(f"   {who['name']} ({role}): {_introduction(who, introductions)}")


def _introduction(target: dict[str, Any], searched: int) -> str:
    found = target.get("introduction")
    if found is None:
        if target.get("searched") is False:
            return f"introduction not searched (only for the first {searched}: --introductions N for more)"
        return "no introduction"
    if "no_path" in found:
        return f"no introduction: {found['no_path']}"
    names = " -> ".join(n["name"] for n in found["path"]["nodes"])
    return f"{found['say']} ({names})"


@click.command("attendance")
@click.option("--by", type=click.Choice(ATTENDANCE_BY), default="region", show_default=True,
              help="Rows: the event's region, the person's affiliate or the event's issues.")
@click.option("--from", "from_year", type=int, default=None, metavar="YEAR", help="Only events from this year on.")
@as_of_option
@json_option
@click.pass_context
def attendance_command(ctx: click.Context, by: str, from_year: int | None, as_of: date | None, as_json: bool) -> None:
    """Count our people at partner events per year, and the partners met there: the attendance trend.

    Our people are members of an affiliate; a partner event is one a partner organises or its
    people attend. Only attended counts: registered and planned are shown apart
    (docs/events.md#attendance-over-time).

    \b
    partnergraph attendance --by affiliate --from 2023
    """
    result = open_workspace(ctx).events.attendance(by=by, from_year=from_year, as_of=as_of)
    if as_json:
        return print_json(result)
    years = result["years"]
    if not years:
        click.echo("no attendance at partner events recorded")
        return
    click.echo(f"our people who attended partner events (partners met there), by {by}, as of {result['as_of']}")

    def cells(counts: list[dict[str, int]]) -> list[str]:
        return [f"{c['people']} ({c['partners_met']})" for c in counts]

    rows = [(g["name"], *cells(g["counts"])) for g in result["groups"]]
    rows.append(("Total", *cells(result["total"])))
    for line in render_table([by.capitalize(), *map(str, years)], rows):
        click.echo(line)
    planned = [f"{y}: {c['planned']}" for y, c in zip(years, result["total"], strict=True) if c["planned"]]
    if planned:
        click.echo(f"registered or planned, not counted above: {', '.join(planned)}")
