"""The partnership criteria: score partners (and how the scores spread), suggest prospects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from partnergraph.cli.common import json_option, open_workspace, print_json
from partnergraph.cli.tables import render_table
from partnergraph.services import plural
from partnergraph.services.options import CriteriaQuery, SuggestQuery
from partnergraph.services.questions import default_criteria_text

# How each verdict of docs/analytics.md#criteria reads.
VERDICT_WORDS = {"meets": "meets the criteria", "unknown": "not enough data to tell", "below": "below the bar",
                 "vetoed": "vetoed"}
BAR_WIDTH = 40

criteria_option = click.option(
    "--criteria", "criteria_file", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
    help="Partnership criteria (TOML) laid over the defaults; see `partnergraph criteria --print-default`.")


def _print_distribution(result: dict[str, Any]) -> None:
    spread = result["distribution"]
    click.echo(f"criteria: {result['criteria']} (meets them at {result['approve_at']:g} points, no veto); "
               f"{plural(spread['count'], 'partner')} scored")
    for verdict, count in spread["verdicts"].items():
        click.echo(f"  {VERDICT_WORDS[verdict]}: {count}")
    widest = max((bar["count"] for bar in spread["histogram"]), default=1)
    rows = [[f"{bar['score']:g}", bar["count"], "#" * max(1, round(bar["count"] * BAR_WIDTH / widest)),
             ", ".join(f"{n} {VERDICT_WORDS[v]}" for v, n in bar["verdicts"].items())]
            for bar in spread["histogram"]]
    click.echo("how the scores spread:")
    for line in render_table(["Score", "Partners", "", "Verdicts"], rows, right=[True, True, False, False],
                             indent="  "):
        click.echo(line)
    click.echo("what each criterion gave:")
    rows = [[c["criterion"], c["gained"], c["none"], c["lost"], c["unknown"]] for c in spread["criteria"]]
    for line in render_table(["Criterion", "Gave points", "No points", "Took points", "Unknown"], rows,
                             indent="  "):
        click.echo(line)


@click.command("criteria")
@click.argument("organisation", metavar="[ORG]", required=False)
@criteria_option
@click.option("--print-default", is_flag=True, help="Print the documented default criteria file and exit.")
@click.option("--explain-distribution", is_flag=True,
              help="Show how the scores spread: verdicts, a histogram of scores, what each criterion gave.")
@click.option("--top", type=int, default=None, help="Show only the best N partners.")
@json_option
@click.pass_context
def criteria_command(ctx: click.Context, organisation: str | None, criteria_file: Path | None, print_default: bool,
                     explain_distribution: bool, top: int | None, as_json: bool) -> None:
    """Score partners against the partnership criteria, each score with its reasons.

    Without ORG, every partner, best first; with ORG (an id or a name), that organisation.
    An organisation meeting the criteria (score at least approve_at, no veto) is one a small
    group may partner with without asking for approval. Missing data is never a failed
    criterion: it scores as unknown, and the reason asks for the data.

    \b
    partnergraph criteria --explain-distribution
    """
    if print_default:
        click.echo(default_criteria_text(), nl=False)
        return
    result = open_workspace(ctx).questions.criteria(CriteriaQuery(organisation, criteria_file=criteria_file, top=top,
                                                                  distribution=explain_distribution))
    if as_json:
        return print_json(result)
    if explain_distribution:
        return _print_distribution(result)
    click.echo(f"criteria: {result['criteria']} (meets them at {result['approve_at']:g} points, no veto)")
    for r in result["results"]:
        click.echo(f"  {r['score']:g}  {r['name']} ({r['id']}): {VERDICT_WORDS[r['verdict']]}")
        for reason in r["reasons"]:
            if organisation is not None or reason["points"] or reason["unknown"]:
                mark = "  ?" if reason["unknown"] else f"{reason['points']:+g}"
                click.echo(f"      {mark} {reason['criterion']}: {reason['why']}")


@click.command("suggest")
@click.option("--for", "affiliate", required=True, metavar="AFFILIATE", help="The affiliate looking for partners.")
@click.option("--issue", default=None, help="Only organisations working on this issue (id or name).")
@click.option("--region", default=None, help="Only organisations in this region.")
@click.option("--top", type=int, default=10, show_default=True, help="How many to show.")
@criteria_option
@json_option
@click.pass_context
def suggest_command(ctx: click.Context, affiliate: str, issue: str | None, region: str | None, top: int,
                    criteria_file: Path | None, as_json: bool) -> None:
    """Suggest partners an affiliate does not work with yet, ranked and explained.

    The rank adds the partnership criteria (judged from the affiliate's side: its issues, its
    region, its people's warm ties) and graph proximity (Adamic-Adar and common neighbours).
    """
    result = open_workspace(ctx).questions.suggest(SuggestQuery(affiliate, issue=issue, region=region, top=top, criteria_file=criteria_file))
    if as_json:
        return print_json(result)
    click.echo(f"prospective partners for {result['for']['name']}:")
    if not result["suggestions"]:
        click.echo("  none: every matching organisation already partners with it")
    for number, s in enumerate(result["suggestions"], start=1):
        flag = f" ({VERDICT_WORDS[s['verdict']]})" if s["verdict"] in ("vetoed", "meets", "unknown") else ""
        click.echo(f"  {number}. {s['name']} ({s['id']}), {s['region'] or 'no region'}, score {s['rank_score']:.2f}{flag}")
        for why in s["why"]:
            click.echo(f"      - {why}")
