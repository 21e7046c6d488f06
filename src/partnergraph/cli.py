"""The `partnergraph` command line: parse, call services, print. Nothing else lives here."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import click

from partnergraph import accounts, config
from partnergraph.analysis.centrality import MEASURES
from partnergraph.analysis.criteria import default_text as default_criteria_text
from partnergraph.analysis.paths import PATH_TYPES
from partnergraph.io.export import FORMATS
from partnergraph.io.metrics import METRIC_FORMATS
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
    stats = workspace.import_path(path, progress=_progress_bar(ctx), note=workspace.note("import", source=str(path)))
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


as_of_option = click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                            callback=lambda ctx, param, value: value.date() if value else None,
                            help="Judge recency and staleness as of this date (YYYY-MM-DD; default: today).")
stale_months_option = click.option("--stale-months", type=click.IntRange(min=0), default=12, show_default=True,
                                   help="A tie or hold with no contact for longer than this is stale.")


@main.command()
@click.argument("partner")
@stale_months_option
@as_of_option
@json_option
@click.pass_context
def holders(ctx: click.Context, partner: str, stale_months: int, as_of: date | None, as_json: bool) -> None:
    """Show who holds the relationship with PARTNER (an id or exact name), warmest first.

    Warns when the partnership hangs on one person, or only on ties gone stale.
    """
    result = _workspace(ctx).holders(partner, today=as_of, stale_months=stale_months)
    if as_json:
        return _print_json(result)
    status = f", {result['partner']['status']}" if result["partner"].get("status") else ""
    click.echo(f"{result['partner']['name']} ({result['partner']['id']}{status})")
    for h in result["holders"]:
        affiliates = ", ".join(a["name"] for a in h["affiliates"]) or "no affiliate"
        ended = f", ended {h['until']}" if h["until"] else ""
        stale = " [stale]" if h["stale"] else ""
        click.echo(f"  {h['name']} ({h['id']}) strength {h['strength'] or '?'}, since {h['since'] or '?'}{ended}, "
                   f"last contact {h['last_contact'] or '?'}; {affiliates}{stale}")
    for warning in result["warnings"]:
        click.echo(f"  warning: {warning}")


def _types(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    found = [t.strip().upper() for t in value.split(",") if t.strip()]
    unknown = [t for t in found if t not in PATH_TYPES]
    if unknown or not found:
        raise click.BadParameter(f"expected a comma-separated list of {', '.join(PATH_TYPES)}")
    return found


@main.command()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="[TO]", required=False)
@click.option("--warm", is_flag=True,
              help="Rank by warmth (tie strength and recent contact) instead of by number of hops.")
@click.option("-k", "k", type=click.IntRange(min=1), default=1, show_default=True,
              help="How many alternatives; they share no one but the two ends (see --overlap).")
@click.option("--overlap", is_flag=True, help="Let alternatives share people (Yen's k shortest paths).")
@click.option("--max-hops", type=click.IntRange(min=1), default=None, help="Longest acceptable path.")
@click.option("--avoid", multiple=True, metavar="ID", help="Do not pass this person or organisation (repeatable).")
@click.option("--types", callback=_types, default=None, metavar="T1,T2",
              help="Relationship types to use, of KNOWS, HOLDS, MEMBER_OF (default: all three).")
@click.option("--current", is_flag=True, help="Use only ties and memberships that have not ended.")
@click.option("--via-issue", default=None, metavar="ISSUE", help="Prefer introducers who work on this issue.")
@click.option("--to-issue", default=None, metavar="ISSUE",
              help="Instead of TO: anyone at a partner working on this issue.")
@click.option("--to-region", default=None, metavar="REGION",
              help="Instead of TO: anyone at a partner in this region (name or country code).")
@as_of_option
@json_option
@click.pass_context
def path(ctx: click.Context, source: str, target: str | None, warm: bool, k: int, overlap: bool,
         max_hops: int | None, avoid: tuple[str, ...], types: list[str] | None, current: bool,
         via_issue: str | None, to_issue: str | None, to_region: str | None, as_of: date | None, as_json: bool) -> None:
    """Find introduction paths from FROM to TO (ids or exact names).

    TO may be a person, or an organisation: then any of its members or anyone who holds its
    relationship will do. Or leave TO out and ask a question: --to-issue open-access
    --to-region Africa. Two people are connected through an organisation only if they were
    there at the same time. Every hop says why it holds.

    \b
    partnergraph path ana "Creative Commons" --warm -k 3
    partnergraph path ana --to-issue open-access --to-region Africa --current
    """
    if target is None and to_issue is None and to_region is None:
        raise click.UsageError("give TO, or --to-issue and/or --to-region")
    result = _workspace(ctx).path(source, target, warm=warm, k=k, max_hops=max_hops, avoid=avoid, types=types,
                                  current=current, via_issue=via_issue, to_issue=to_issue, to_region=to_region,
                                  overlap=overlap, today=as_of)
    if as_json:
        return _print_json(result)
    if not result["paths"]:
        click.echo(f"no path: {result['reason']}")
        return
    for number, p in enumerate(result["paths"], start=1):
        names = " -> ".join(n["name"] for n in p["nodes"])
        click.echo(f"path {number}: {p['length']} hop{'s' if p['length'] != 1 else ''}, cost {p['cost']:g}: {names}")
        for hop in p["hops"]:
            click.echo(f"  - {hop['why']}")


@main.command("centrality")
@click.option("--measure", type=click.Choice(tuple(MEASURES)), default="degree", show_default=True)
@click.option("--kind", type=click.Choice(KINDS, case_sensitive=False), default=None,
              help="Rank only elements of this kind (scores are computed on the whole graph unless --induced).")
@click.option("--induced", is_flag=True,
              help="Compute on the subgraph of --kind elements alone (e.g. people and their personal ties).")
@click.option("--region", default=None, metavar="REGION",
              help="Compute on the subgraph of elements in this region (e.g. Africa).")
@click.option("--issue", default=None, metavar="ISSUE",
              help="Compute on the organisations working on this issue (id or name) and their people.")
@click.option("--weighted", is_flag=True,
              help="Use tie strength: a strong tie is a short distance (betweenness, closeness) "
                   "and a heavy weight (degree, pagerank, eigenvector).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many to show.")
@click.option("--sample", type=click.IntRange(min=1), default=None, metavar="K",
              help="Approximate betweenness from K sampled sources (faster on large graphs).")
@click.option("--seed", type=int, default=None, help="Random seed for --sample.")
@json_option
@click.pass_context
def centrality_command(ctx: click.Context, measure: str, kind: str | None, induced: bool, region: str | None,
                       issue: str | None, weighted: bool, top: int, sample: int | None, seed: int | None,
                       as_json: bool) -> None:
    """Rank elements by centrality: who is central, who brokers between groups.

    Betweenness runs on a compiled kernel (igraph) on large graphs, with NetworkX's definition
    and normalisation.
    """
    result = _workspace(ctx).centrality(measure, kind=kind, top=top, sample=sample, seed=seed, weighted=weighted,
                                        region=region, issue=issue, induced=induced)
    if as_json:
        return _print_json(result)
    flags = [f for f, on in (("weighted", weighted), ("approximate", result["approximate"])) if on]
    where = [f"{k} {v}" for k, v in (("region", region), ("issue", result["scope"]["issue"])) if v]
    if induced:
        where.append(f"{result['kind']}s only")
    scope_text = f" on {result['scope']['nodes']} elements ({', '.join(where)})" if where else ""
    click.echo(f"{measure} centrality{' (' + ', '.join(flags) + ')' if flags else ''}{scope_text}")
    for r in result["results"]:
        click.echo(f"  {r['score']:.6f}  {r['name']} ({r['kind']}, {r['id']})")


@main.command()
@stale_months_option
@click.option("--overload", type=click.IntRange(min=0), default=5, show_default=True,
              help="A person holding more partnerships than this is overloaded.")
@as_of_option
@json_option
@click.pass_context
def risks(ctx: click.Context, stale_months: int, overload: int, as_of: date | None, as_json: bool) -> None:
    """List partnerships at risk: held by nobody or one person, overloaded holders, stale ties, dormant partners."""
    result = _workspace(ctx).risks(today=as_of, stale_months=stale_months, overload=overload)
    if as_json:
        return _print_json(result)
    click.echo(f"partners nobody holds: {len(result['unheld_partners'])}")
    for p in result["unheld_partners"]:
        click.echo(f"  {p['name']} ({p['id']})")
    click.echo(f"partners held by one person: {len(result['single_holder_partners'])}")
    for p in result["single_holder_partners"]:
        click.echo(f"  {p['name']} ({p['id']}): {p['holder']['name']}")
    click.echo(f"people holding more than {overload} partnerships: {len(result['overloaded_holders'])}")
    for h in result["overloaded_holders"]:
        click.echo(f"  {h['name']} ({h['id']}): {h['holds']} partnerships, {len(h['held_by_them_alone'])} held by them alone")
    click.echo(f"ties without contact for over {stale_months} months: {len(result['stale_ties'])}")
    for t in result["stale_ties"][:20]:
        click.echo(f"  {t['from']['name']} - {t['to']['name']} ({t['type']}), last contact {t['last_contact']}")
    if len(result["stale_ties"]) > 20:
        click.echo(f"  ... and {len(result['stale_ties']) - 20} more (use --json for all)")
    click.echo(f"dormant partners: {len(result['dormant_partners'])}")
    for p in result["dormant_partners"]:
        click.echo(f"  {p['name']} ({p['id']}): {p['reason']}")


@main.command("brokers")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many of each to show.")
@json_option
@click.pass_context
def brokers_command(ctx: click.Context, top: int, as_json: bool) -> None:
    """Show who brokers: structural holes, people the network splits without, fragile ties, connectors.

    Effective size and constraint are Burt's; a cut point is a person whose absence splits the
    network (with the partners each affiliate would no longer reach); a bridge is a tie whose
    loss does; connectors tie several regions or issues together.
    """
    result = _workspace(ctx).brokers(top=top)
    if as_json:
        return _print_json(result)
    click.echo("structural holes (largest effective size, lowest constraint):")
    for h in result["structural_holes"]:
        click.echo(f"  {h['name']} ({h['id']}): effective size {h['effective_size']:.2f}, constraint {h['constraint']:.3f}")
    click.echo(f"people the network splits without: {len(result['cut_points'])} shown")
    for c in result["cut_points"]:
        click.echo(f"  {c['name']} ({c['id']}): cuts off {c['cut_off_partners']} partners, {c['cut_off_elements']} elements")
        click.echo(f"    {c['why']}")
    click.echo(f"ties the network splits without: {len(result['bridges'])} shown")
    for b in result["bridges"]:
        partners = ", ".join(p["name"] for p in b["cut_off_partners"][:5]) or "no partner"
        click.echo(f"  {b['from']['name']} - {b['to']['name']} ({', '.join(b['types'])}): cuts off "
                   f"{b['cut_off_elements']} elements on {b['cut_off_side']['name']}'s side; {partners}")
    for what in ("regions", "issues"):
        click.echo(f"people connecting {what}:")
        for c in result["connectors"][what]:
            names = c[what] if what == "regions" else [i["name"] for i in c[what]]
            click.echo(f"  {c['name']} ({c['id']}): {', '.join(names)}")


@main.command("without")
@click.argument("element")
@json_option
@click.pass_context
def without_command(ctx: click.Context, element: str, as_json: bool) -> None:
    """Show what the network would lose without ELEMENT: the partners each affiliate could no longer reach."""
    result = _workspace(ctx).without(element)
    if as_json:
        return _print_json(result)
    name = result["element"]["name"]
    if not result["unreachable"]:
        click.echo(f"without {name}, every affiliate still reaches every partner it reached before")
    for entry in result["unreachable"]:
        partners = ", ".join(p["name"] for p in entry["partners"])
        click.echo(f"without {name}, {entry['affiliate']['name']} no longer reaches: {partners}")


@main.command("communities")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same communities.")
@click.option("--resolution", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="Above 1 favours smaller communities, below 1 larger ones.")
@click.option("--weighted", is_flag=True, help="Stronger ties count more.")
@click.option("--top", type=click.IntRange(min=1), default=None, help="Show only the largest N communities.")
@json_option
@click.pass_context
def communities_command(ctx: click.Context, seed: int, resolution: float, weighted: bool, top: int | None,
                        as_json: bool) -> None:
    """Find communities (Louvain) and summarise each: size, regions, issues, main organisations."""
    result = _workspace(ctx).communities(seed=seed, resolution=resolution, weighted=weighted, top=top)
    if as_json:
        return _print_json(result)
    click.echo(f"{result['count']} communities, modularity {result['modularity']:.3f}")
    for c in result["communities"]:
        regions = ", ".join(f"{r['region']} {r['count']}" for r in c["regions"]) or "no region"
        issues = ", ".join(i["name"] for i in c["issues"]) or "no issue"
        main_orgs = ", ".join(o["name"] for o in c["main_organisations"]) or "no organisation"
        click.echo(f"  {c['community']}: {c['size']} elements; regions: {regions}; issues: {issues}; main: {main_orgs}")


@main.command("coverage")
@click.option("--status", "statuses", multiple=True, default=("active",), show_default=True,
              help="Partner statuses that count as coverage (repeatable).")
@json_option
@click.pass_context
def coverage_command(ctx: click.Context, statuses: tuple[str, ...], as_json: bool) -> None:
    """Show the issue x region matrix of active partners, and the gaps where there is none."""
    result = _workspace(ctx).coverage(statuses=statuses)
    if as_json:
        return _print_json(result)
    regions = result["regions"]
    counts = {(c["issue"], c["region"]): c["count"] for c in result["matrix"]}
    width = max([len(i["name"]) for i in result["issues"]] + [5])
    click.echo(" " * width + "  " + "  ".join(r[:12].rjust(12) for r in regions))
    for issue in result["issues"]:
        cells = "  ".join(str(counts[(issue["id"], r)]).rjust(12) for r in regions)
        click.echo(f"{issue['name'].ljust(width)}  {cells}")
    click.echo(f"gaps (no {'/'.join(result['statuses'])} partner): {len(result['gaps'])}")
    for gap in result["gaps"]:
        here = ", ".join(a["name"] for a in gap["affiliates_here"])
        click.echo(f"  {gap['issue']['name']} in {gap['region']}" + (f" (affiliates here: {here})" if here else ""))


criteria_option = click.option(
    "--criteria", "criteria_file", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
    help="Partnership criteria (TOML) laid over the defaults; see `partnergraph criteria --print-default`.")


@main.command("criteria")
@click.argument("organisation", metavar="[ORG]", required=False)
@criteria_option
@click.option("--print-default", is_flag=True, help="Print the documented default criteria file and exit.")
@click.option("--top", type=click.IntRange(min=1), default=None, help="Show only the best N partners.")
@json_option
@click.pass_context
def criteria_command(ctx: click.Context, organisation: str | None, criteria_file: Path | None, print_default: bool,
                     top: int | None, as_json: bool) -> None:
    """Score partners against the partnership criteria, each score with its reasons.

    Without ORG, every partner, best first; with ORG (an id or exact name), that organisation.
    An organisation meeting the criteria (score at least approve_at, no veto) is one a small
    group may partner with without asking for approval.
    """
    if print_default:
        click.echo(default_criteria_text(), nl=False)
        return
    result = _workspace(ctx).criteria(organisation, criteria_file=criteria_file)
    if top is not None:
        result["results"] = result["results"][:top]
    if as_json:
        return _print_json(result)
    click.echo(f"criteria: {result['criteria']} (meets them at {result['approve_at']:g} points, no veto)")
    for r in result["results"]:
        verdict = "vetoed" if r["vetoed"] else ("meets the criteria" if r["meets_criteria"] else "below the bar")
        click.echo(f"  {r['score']:g}  {r['name']} ({r['id']}): {verdict}")
        for reason in r["reasons"]:
            if organisation is not None or reason["points"]:
                click.echo(f"      {reason['points']:+g} {reason['criterion']}: {reason['why']}")


@main.command("suggest")
@click.option("--for", "affiliate", required=True, metavar="AFFILIATE", help="The affiliate looking for partners.")
@click.option("--issue", default=None, help="Only organisations working on this issue (id or name).")
@click.option("--region", default=None, help="Only organisations in this region.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many to show.")
@criteria_option
@json_option
@click.pass_context
def suggest_command(ctx: click.Context, affiliate: str, issue: str | None, region: str | None, top: int,
                    criteria_file: Path | None, as_json: bool) -> None:
    """Suggest partners an affiliate does not work with yet, ranked and explained.

    The rank adds the partnership criteria (judged from the affiliate's side: its issues, its
    region, its people's warm ties) and graph proximity (Adamic-Adar and common neighbours).
    """
    result = _workspace(ctx).suggest(affiliate, issue=issue, region=region, top=top, criteria_file=criteria_file)
    if as_json:
        return _print_json(result)
    click.echo(f"prospective partners for {result['for']['name']}:")
    if not result["suggestions"]:
        click.echo("  none: every matching organisation already partners with it")
    for number, s in enumerate(result["suggestions"], start=1):
        flag = " (vetoed)" if s["vetoed"] else (" (meets the criteria)" if s["meets_criteria"] else "")
        click.echo(f"  {number}. {s['name']} ({s['id']}), {s['region'] or 'no region'}, score {s['rank_score']:.2f}{flag}")
        for why in s["why"]:
            click.echo(f"      - {why}")


@main.command("metrics")
@click.option("--format", "fmt", type=click.Choice(METRIC_FORMATS), required=True,
              help="csv or json: one row per element; graphml or gexf: the graph with metrics as node attributes.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, help="File to write.")
@click.option("--sample", type=click.IntRange(min=1), default=None, metavar="K",
              help="Approximate betweenness from K sampled sources (large graphs).")
@click.option("--seed", type=int, default=None, help="Random seed for --sample.")
@click.option("--community-seed", type=int, default=0, show_default=True, help="Random seed for the communities.")
@click.option("--weighted", is_flag=True, help="Use tie strength (a strong tie is a short distance).")
@click.pass_context
def metrics_command(ctx: click.Context, fmt: str, output: Path, sample: int | None, seed: int | None,
                    community_seed: int, weighted: bool) -> None:
    """Export every metric of every element: centralities, constraint, effective size, community.

    GraphML and GEXF carry them as node attributes, so Gephi can size and colour by them.
    """
    result = _workspace(ctx).export_metrics(fmt, output, sample=sample, seed=seed, community_seed=community_seed,
                                            weighted=weighted)
    click.echo(f"wrote {', '.join(result['columns'])} of {result['elements']} elements to {output}")


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


def _serve(settings: config.Settings, host: str, port: int, public: bool) -> None:
    from partnergraph.viewer import create_app, serve

    app = create_app(settings, public=public)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    click.echo(f"viewer of {settings.db}{' (public directory only)' if public else ''}: "
               f"http://{shown}:{port}/  (Ctrl+C to stop)")
    if not public:
        click.echo("anyone who can reach it may read; sign in to change anything" if settings.anonymous_read
                   else "reading needs an account (or --anonymous-read)")
        if not settings.anonymous_read and not app.extensions["partnergraph"].ws.store.list_accounts():
            click.echo("no account yet: partnergraph user add NAME --role admin", err=True)
    serve(app, host, port)


host_option = click.option("--host", default="127.0.0.1", show_default=True,
                           help="Address to listen on (0.0.0.0 for every interface).")
port_option = click.option("--port", type=click.IntRange(min=0, max=65535), default=5000, show_default=True,
                           help="Port to listen on.")


@main.command()
@click.option("--no-serve", is_flag=True, help="Only load the demo; do not start the viewer.")
@host_option
@port_option
@click.pass_context
def demo(ctx: click.Context, no_serve: bool, host: str, port: int) -> None:
    """Load the demo network (fictional organisations, synthetic people), show what to ask, open the viewer."""
    workspace = _workspace(ctx)
    element_rows, connection_rows = demo_rows()
    stats = workspace.import_rows(element_rows, connection_rows,
                                  note=workspace.note("import", source="partnergraph demo network"))
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
    if not no_serve:
        # Fictional data on this machine: readable without signing in; editing still needs an account.
        click.echo("to edit in the viewer: partnergraph user add NAME --role editor, then sign in")
        _serve(replace(ctx.obj, anonymous_read=True), host, port, public=False)


@main.command()
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


# -- accounts -------------------------------------------------------------------------------------


@main.group("user")
def user_group() -> None:
    """Manage the accounts that sign in to the viewer, and their API tokens.

    Roles: viewer (reads), editor (also changes the graph), admin (also manages accounts).
    """


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        line = click.get_text_stream("stdin").readline()
        password = line[:-1] if line.endswith("\n") else line
        if password.endswith("\r"):
            password = password[:-1]
        if not password:
            raise PartnergraphError("no password on standard input")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True, err=True)
    return accounts.check_password(password)


password_stdin_option = click.option("--password-stdin", is_flag=True,
                                     help="Read the password from the first line of standard input (for scripts).")


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True, help="What the account may do.")
@password_stdin_option
@click.pass_context
def user_add(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Add an account NAME with a ROLE; the password is asked for (never given as an argument)."""
    accounts.check_name(name)
    workspace = _workspace(ctx)
    if workspace.store.get_account(name) is not None:  # before asking for a password in vain
        raise PartnergraphError(f"an account named {name!r} exists already")
    account = accounts.create_account(workspace.store, name, _read_password(password_stdin), role)
    click.echo(f"added {account.name} ({account.role}) to {workspace.store.url}")


@user_group.command("list")
@json_option
@click.pass_context
def user_list(ctx: click.Context, as_json: bool) -> None:
    """List the accounts: name, role, whether disabled, and the labels of their API tokens."""
    store = _workspace(ctx).store
    found = [{"name": a.name, "role": a.role, "disabled": a.disabled, "created": a.created,
              "tokens": [{"label": t.label, "created": t.created} for t in store.list_tokens(a.name)]}
             for a in store.list_accounts()]
    if as_json:
        return _print_json({"accounts": found})
    if not found:
        click.echo("no accounts: partnergraph user add NAME --role admin")
    for a in found:
        tokens = ", ".join(t["label"] for t in a["tokens"]) or "none"
        click.echo(f"{a['name']}  {a['role']}{'  (disabled)' if a['disabled'] else ''}  since {a['created'][:10]}"
                   f"  tokens: {tokens}")


@user_group.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(accounts.ROLES))
@click.pass_context
def user_set_role(ctx: click.Context, name: str, role: str) -> None:
    """Give account NAME another ROLE (takes effect on its next request)."""
    account = accounts.set_role(_workspace(ctx).store, name, role)
    click.echo(f"{account.name} is now {account.role}")


@user_group.command("passwd")
@click.argument("name")
@password_stdin_option
@click.pass_context
def user_passwd(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a new password for account NAME; its open sessions end."""
    store = _workspace(ctx).store
    accounts.get(store, name)  # before asking for a password in vain
    accounts.set_password(store, name, _read_password(password_stdin))
    click.echo(f"new password set for {name}; its sessions have ended")


@user_group.command("disable")
@click.argument("name")
@click.pass_context
def user_disable(ctx: click.Context, name: str) -> None:
    """Disable account NAME: no sign-in, its sessions end, its API tokens stop working."""
    accounts.disable(_workspace(ctx).store, name)
    click.echo(f"disabled {name}")


@user_group.command("enable")
@click.argument("name")
@click.pass_context
def user_enable(ctx: click.Context, name: str) -> None:
    """Enable account NAME again."""
    accounts.enable(_workspace(ctx).store, name)
    click.echo(f"enabled {name}")


@user_group.command("remove")
@click.argument("name")
@click.pass_context
def user_remove(ctx: click.Context, name: str) -> None:
    """Delete account NAME and its API tokens."""
    accounts.remove(_workspace(ctx).store, name)
    click.echo(f"removed {name} and its API tokens")


@user_group.command("token")
@click.argument("name")
@click.option("--label", default=accounts.DEFAULT_LABEL, show_default=True, help="What the token is for.")
@click.pass_context
def user_token(ctx: click.Context, name: str, label: str) -> None:
    """Issue an API token for account NAME and print it once (only its SHA-256 is kept).

    Scripts send it as `Authorization: Bearer TOKEN`; it acts with the account's role.
    """
    secret = accounts.issue_token(_workspace(ctx).store, name, label)
    click.echo(f"API token {label!r} for {name} (shown once; keep it secret):", err=True)
    click.echo(secret)


@user_group.command("revoke")
@click.argument("name")
@click.option("--label", default=None, help="Revoke only the token with this label (default: all of NAME's).")
@click.pass_context
def user_revoke(ctx: click.Context, name: str, label: str | None) -> None:
    """Revoke the API tokens of account NAME (or only the one labelled --label)."""
    count = accounts.revoke_tokens(_workspace(ctx).store, name, label)
    click.echo(f"revoked {count} token{'s' if count != 1 else ''} of {name}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, file: Path) -> None:
    """Write the whole graph to FILE (JSON with its schema and a SHA-256 of its content).

    The graph is read in one transaction, so a backup taken while others write is consistent.
    """
    header = _workspace(ctx).backup(file)
    click.echo(f"backed up {header['elements']} elements and {header['connections']} connections "
               f"to {file} (sha256 {header['sha256'][:16]}...)")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the store's content.")
@click.pass_context
def restore(ctx: click.Context, file: Path, yes: bool) -> None:
    """Replace everything in the store with the graph in backup FILE.

    The file's hash is checked before anything is written, the replacement is one transaction,
    and the store's content is hashed again afterwards. A backup from a newer partnergraph is
    refused.
    """
    workspace = _workspace(ctx)
    if not yes:
        click.confirm(f"replace everything in {workspace.store.url} with {file}?", abort=True, err=True)
    header = workspace.restore(file, progress=_progress_bar(ctx), note=workspace.note("restore", source=str(file)))
    click.echo(f"restored {header['elements']} elements and {header['connections']} connections "
               f"from {file} into {workspace.store.url} (sha256 verified)")


@main.command("generate")
@click.option("--people", type=click.IntRange(min=1), required=True, help="Number of people (contacts).")
@click.option("--ties", type=click.IntRange(min=0), required=True, help="Number of personal ties and held relationships.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same network.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Folder to write.")
def generate_command(people: int, ties: int, seed: int, output: Path) -> None:
    """Write a synthetic network in the import format (elements.csv, connections.csv)."""
    counts = generate(people, ties, seed, output)
    click.echo(f"wrote {counts['elements']} elements and {counts['connections']} connections to {output}")
