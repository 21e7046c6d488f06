"""The `report` commands: a partner's dossier and the risks report, as HTML or Markdown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from partnergraph.cli.common import as_of_option, open_workspace, stale_months_option
from partnergraph.services.reports import FORMATS, PartnerReportQuery, RenderQuery, RisksReportQuery, render

format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True,
                             help="html: one self-contained page with its print style; md: Markdown.")
output_option = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                             help="Write the report to this file (default: print it).")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


@click.group("report")
def report_group() -> None:
    """Print a partner's dossier or the risks report, as HTML (to print or send) or Markdown.

    The CLI user reads as an editor: reports carry personal fields (notes, sources, comments).
    """


@report_group.command("partner")
@click.argument("partner")
@click.option("--from", "source", metavar="AFFILIATE", default=None,
              help="Show the warmest paths from this affiliate's people (default: the affiliates partnering with it).")
@format_option
@output_option
@stale_months_option
@as_of_option
@click.pass_context
def partner(ctx: click.Context, partner: str, source: str | None, fmt: str, output: Path | None,
            stale_months: int, as_of: date | None) -> None:
    """Write the dossier of PARTNER (an id or a name): holders, affiliates, issues, offers, history, paths.

    \b
    partnergraph report partner par-0008 --from aff-0025 -o dossier.html
    partnergraph report partner "Harbour City Open Data Office" --format md
    """
    query = PartnerReportQuery(partner, source=source, today=as_of, stale_months=stale_months)
    text = render(open_workspace(ctx).reports.partner(query), RenderQuery(fmt))
    _write(text, output)


@report_group.command("risks")
@click.option("--for", "affiliate", metavar="AFFILIATE", default=None,
              help="Only this affiliate's partners and people; next steps start from its people.")
@click.option("--overload", type=int, default=5, show_default=True,
              help="A holder of more partnerships than this is overloaded.")
@format_option
@output_option
@stale_months_option
@as_of_option
@click.pass_context
def risks(ctx: click.Context, affiliate: str | None, overload: int, fmt: str, output: Path | None,
          stale_months: int, as_of: date | None) -> None:
    """Write the risks report: partners held by nobody or one person, stale ties, overloaded holders, dormant
    partners, by region, each with a next step.

    \b
    partnergraph report risks -o risks.html
    partnergraph report risks --for aff-0010 --format md
    """
    query = RisksReportQuery(affiliate, today=as_of, stale_months=stale_months, overload=overload)
    text = render(open_workspace(ctx).reports.risks(query), RenderQuery(fmt))
    _write(text, output)
