"""The questions: who holds a partnership, paths, centrality, risks, brokers, communities, criteria."""

from __future__ import annotations

from datetime import date

import click

from partnergraph.cli.common import (
    KINDS,
    as_of_option,
    json_option,
    open_cold,
    open_workspace,
    print_json,
    stale_months_option,
    type_option,
)
from partnergraph.cli.tables import render_table
from partnergraph.services import plural
from partnergraph.services.options import MEASURE_NAMES as MEASURES
from partnergraph.services.options import (
    PATH_TYPES,
    BrokersQuery,
    CentralityQuery,
    CommunitiesQuery,
    CoverageQuery,
    HoldersQuery,
    PathQuery,
    RisksQuery,
)


@click.command("holders")
@click.argument("partner")
@stale_months_option
@as_of_option
@json_option
@click.pass_context
def holders(ctx: click.Context, partner: str, stale_months: int, as_of: date | None, as_json: bool) -> None:
    """Show who holds the relationship with PARTNER (an id or a name), warmest first.

    PARTNER may be a name in any case, an alias or a unique beginning of a name. Warns when the
    partnership hangs on one person, or only on ties gone stale.
    """
    result = open_cold(ctx).holders(HoldersQuery(partner, today=as_of, stale_months=stale_months))
    if as_json:
        return print_json(result)
    status = f", {result['partner']['status']}" if result["partner"].get("status") else ""
    click.echo(f"{result['partner']['name']} ({result['partner']['id']}{status})")
    for h in result["holders"]:
        affiliates = ", ".join(a["name"] for a in h["affiliates"]) or "no affiliate"
        ended = f", ended {h['until']}" if h["until"] else ""
        stale = " [stale]" if h["stale"] else ""
        click.echo(f"  {h['name']} ({h['id']}) strength {h['strength'] or '?'}, since {h['since'] or '?'}{ended}, "
                   f"last contact {h['last_contact'] or '?'}; {affiliates}{stale}")
    for c in result["contact_of_record"]:
        click.echo(f"  contact of record{' for ' + c['affiliate'] if c['affiliate'] else ''}: {c['name']} ({c['id']})")
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


@click.command("path")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="[TO]", required=False)
@click.option("--warm", is_flag=True,
              help="Rank by warmth (tie strength and recent contact) instead of by number of hops.")
@click.option("-k", "k", type=int, default=1, show_default=True,
              help="How many alternatives; they share no one but the two ends (see --overlap).")
@click.option("--overlap", is_flag=True, help="Let alternatives share people (Yen's k shortest paths).")
@click.option("--max-hops", type=int, default=None, help="Longest acceptable path.")
@click.option("--avoid", multiple=True, metavar="ID", help="Do not pass this person or organisation (repeatable).")
@click.option("--types", callback=_types, default=None, metavar="T1,T2",
              help="Relationship types to use, of KNOWS, HOLDS, MEMBER_OF, ATTENDS (default: all four).")
@click.option("--current", is_flag=True,
              help="Use only ties and memberships that have not ended (and no event attended).")
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
    """Find introduction paths from FROM to TO (ids or names: any case, an alias or a unique beginning).

    TO may be a person, or an organisation: then any of its members or anyone who holds its
    relationship will do. Or leave TO out and ask a question: --to-issue issue-open-access
    --to-region Africa. Two people are connected through an organisation only if they were
    there at the same time, and through an event only if both attended it. Every hop says why
    it holds; every path says how warm it is (warm, lukewarm or cold, from its cost:
    docs/paths.md#warmth-in-words) and why it ranks where it does.

    \b
    partnergraph path c-000153 par-0001 --warm -k 3
    partnergraph path c-000153 --to-issue issue-open-access --to-region Africa --current
    """
    if target is None and to_issue is None and to_region is None:
        raise click.UsageError("give TO, or --to-issue and/or --to-region")
    result = open_cold(ctx).path(PathQuery(source, target, warm=warm, k=k, max_hops=max_hops, avoid=avoid, types=types,
                                  current=current, via_issue=via_issue, to_issue=to_issue, to_region=to_region,
                                  overlap=overlap, today=as_of))
    if as_json:
        return print_json(result)
    if not result["paths"]:
        click.echo(f"no path: {result['reason']}")
        return
    for number, p in enumerate(result["paths"], start=1):
        names = " -> ".join(n["name"] for n in p["nodes"])
        click.echo(f"path {number}: {p['length']} hop{'s' if p['length'] != 1 else ''}, {p['warmth']} (cost {p['cost']:g}): "
                   f"{names}")
        click.echo(f"  {p['rank_reason']}")
        for hop in p["hops"]:
            click.echo(f"  - {hop['why']}")


@click.command("centrality")
@click.option("--measure", type=click.Choice(tuple(MEASURES)), default="degree", show_default=True)
@click.option("--kind", type=click.Choice(KINDS, case_sensitive=False), default=None,
              help="Rank only elements of this kind (scores are computed on the whole graph unless --induced).")
@click.option("--induced", is_flag=True,
              help="Compute on the subgraph of --kind elements alone (e.g. people and their personal ties).")
@click.option("--region", default=None, metavar="REGION",
              help="Compute on the subgraph of elements in this region (e.g. Africa).")
@click.option("--issue", default=None, metavar="ISSUE",
              help="Compute on the organisations working on this issue (id or name) and their people.")
@type_option
@click.option("--include-issues", is_flag=True,
              help="Rank issues too (left out by default: nobody can ask a topic for an introduction).")
@click.option("--weighted", is_flag=True,
              help="Use tie strength: a strong tie is a short distance (betweenness, closeness) "
                   "and a heavy weight (degree, pagerank, eigenvector).")
@click.option("--top", type=int, default=10, show_default=True, help="How many to show.")
@click.option("--sample", type=int, default=None, metavar="K",
              help="Approximate betweenness from K sampled sources (faster on large graphs).")
@click.option("--seed", type=int, default=None, help="Random seed for --sample.")
@json_option
@click.pass_context
def centrality_command(ctx: click.Context, measure: str, kind: str | None, induced: bool, region: str | None,
                       issue: str | None, types: tuple[str, ...], include_issues: bool, weighted: bool, top: int,
                       sample: int | None, seed: int | None, as_json: bool) -> None:
    """Rank elements by centrality: who is central, who brokers between groups.

    Issues are left out of the ranking unless --include-issues. Betweenness runs on a compiled
    kernel (igraph) on large graphs, with NetworkX's definition and normalisation.

    \b
    partnergraph centrality --measure betweenness --type glam
    """
    result = open_workspace(ctx).questions.centrality(CentralityQuery(
        measure, kind=kind, top=top, sample=sample, seed=seed, weighted=weighted, region=region, issue=issue,
        induced=induced, types=types, include_issues=include_issues))
    if as_json:
        return print_json(result)
    flags = [f for f, on in (("weighted", weighted), ("approximate", result["approximate"])) if on]
    where = [f"{k} {v}" for k, v in (("region", region), ("issue", result["scope"]["issue"])) if v]
    if induced:
        where.append(f"{result['kind']}s only")
    if result["types"]:
        where.append("type " + " or ".join(result["types"]))
    scope_text = f" on {result['scope']['nodes']} elements ({', '.join(where)})" if where else ""
    click.echo(f"{measure} centrality{' (' + ', '.join(flags) + ')' if flags else ''}{scope_text}")
    for r in result["results"]:
        click.echo(f"  {r['score']:.6f}  {r['name']} ({r['kind']}, {r['id']})")


@click.command("risks")
@stale_months_option
@click.option("--overload", type=int, default=5, show_default=True,
              help="A person holding more partnerships than this is overloaded.")
@as_of_option
@json_option
@click.pass_context
def risks(ctx: click.Context, stale_months: int, overload: int, as_of: date | None, as_json: bool) -> None:
    """List partnerships at risk: held by nobody or one person, overloaded holders, stale ties, dormant partners,
    partners with no contact of record, and contacts of record gone stale or ended."""
    result = open_workspace(ctx).questions.risks(RisksQuery(today=as_of, stale_months=stale_months, overload=overload))
    if as_json:
        return print_json(result)
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
    click.echo(f"partners with no contact of record: {len(result['no_contact_of_record'])}")
    for p in result["no_contact_of_record"]:
        click.echo(f"  {p['name']} ({p['id']})")
    click.echo(f"contacts of record gone stale or ended: {len(result['lapsed_contacts_of_record'])}")
    for c in result["lapsed_contacts_of_record"]:
        when = f"ended {c['until']}" if c["reason"] == "ended" else f"last contact {c['last_contact']}"
        click.echo(f"  {c['partner']['name']} ({c['partner']['id']}): {c['contact']['name']} ({c['contact']['id']}), {when}")


@click.command("brokers")
@click.option("--top", type=int, default=10, show_default=True, help="How many of each to show.")
@json_option
@click.pass_context
def brokers_command(ctx: click.Context, top: int, as_json: bool) -> None:
    """Show who brokers: structural holes, people the network splits without, fragile ties, connectors.

    Effective size and constraint are Burt's; a cut point is a person whose absence splits the
    network (with the partners each affiliate would no longer reach); a bridge is a tie whose
    loss does; connectors tie several regions or issues together.
    """
    result = open_workspace(ctx).questions.brokers(BrokersQuery(top=top))
    if as_json:
        return print_json(result)
    click.echo("structural holes (largest effective size, lowest constraint):")
    for h in result["structural_holes"]:
        click.echo(f"  {h['name']} ({h['id']}): effective size {h['effective_size']:.2f}, constraint {h['constraint']:.3f}")
    click.echo(f"people the network splits without: {len(result['cut_points'])} shown")
    for c in result["cut_points"]:
        click.echo(f"  {c['name']} ({c['id']}): {_loss(c['cut_off_partners'], c['affiliates_affected'])}, "
                   f"{plural(c['cut_off_elements'], 'element')} cut off")
        click.echo(f"    {c['why']}")
    click.echo(f"ties the network splits without: {len(result['bridges'])} shown")
    for b in result["bridges"]:
        click.echo(f"  {b['from']['name']} - {b['to']['name']} ({', '.join(b['types'])}): "
                   f"{_loss(b['partners_lost'], b['affiliates_affected'])}, "
                   f"{plural(b['cut_off_elements'], 'element')} cut off on {b['cut_off_side']['name']}'s side")
        click.echo(f"    {b['why']}")
    for what in ("regions", "issues"):
        click.echo(f"people connecting {what}:")
        for c in result["connectors"][what]:
            names = c[what] if what == "regions" else [i["name"] for i in c[what]]
            click.echo(f"  {c['name']} ({c['id']}): {', '.join(names)}")


def _loss(partners: int, affiliates: int) -> str:
    """Return the counts of a broker's loss as the sentence below them says it."""
    if not partners:
        return "cuts off no partner"
    return f"cuts off {plural(partners, 'partner')} from {plural(affiliates, 'affiliate')}"


@click.command("without")
@click.argument("element")
@json_option
@click.pass_context
def without_command(ctx: click.Context, element: str, as_json: bool) -> None:
    """Show what the network would lose without ELEMENT: the partners each affiliate could no longer reach."""
    result = open_workspace(ctx).questions.without(element)
    if as_json:
        return print_json(result)
    name = result["element"]["name"]
    if not result["unreachable"]:
        click.echo(f"without {name}, every affiliate still reaches every partner it reached before")
    for entry in result["unreachable"]:
        partners = ", ".join(p["name"] for p in entry["partners"])
        click.echo(f"without {name}, {entry['affiliate']['name']} no longer reaches: {partners}")


@click.command("communities")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same communities.")
@click.option("--resolution", type=float, default=1.0, show_default=True,
              help="Above 1 favours smaller communities, below 1 larger ones.")
@click.option("--weighted", is_flag=True, help="Stronger ties count more.")
@click.option("--top", type=int, default=None, help="Show only the largest N communities.")
@json_option
@click.pass_context
def communities_command(ctx: click.Context, seed: int, resolution: float, weighted: bool, top: int | None,
                        as_json: bool) -> None:
    """Find communities (Louvain) and summarise each: size, regions, issues, main organisations."""
    result = open_workspace(ctx).questions.communities(CommunitiesQuery(seed=seed, resolution=resolution, weighted=weighted, top=top))
    if as_json:
        return print_json(result)
    click.echo(f"{result['count']} communities, modularity {result['modularity']:.3f}")
    for c in result["communities"]:
        regions = ", ".join(f"{r['region']} {r['count']}" for r in c["regions"]) or "no region"
        issues = ", ".join(i["name"] for i in c["issues"]) or "no issue"
        main_orgs = ", ".join(o["name"] for o in c["main_organisations"]) or "no organisation"
        click.echo(f"  {c['community']}: {c['size']} elements; regions: {regions}; issues: {issues}; main: {main_orgs}")


@click.command("coverage")
@click.option("--status", "statuses", multiple=True, default=("active",), show_default=True,
              help="Partner statuses that count as coverage (repeatable).")
@type_option
@json_option
@click.pass_context
def coverage_command(ctx: click.Context, statuses: tuple[str, ...], types: tuple[str, ...], as_json: bool) -> None:
    """Show the issue x region matrix of active partners, and the gaps where there is none.

    \b
    partnergraph coverage --type glam --type ngo
    """
    result = open_workspace(ctx).questions.coverage(CoverageQuery(statuses=statuses, types=types))
    if as_json:
        return print_json(result)
    regions = result["regions"]
    counts = {(c["issue"], c["region"]): c["count"] for c in result["matrix"]}
    rows = [[issue["name"], *(counts[(issue["id"], r)] for r in regions)] for issue in result["issues"]]
    for line in render_table(["Issue", *regions], rows):
        click.echo(line)
    of = f" of type {' or '.join(result['types'])}" if result["types"] else ""
    click.echo(f"gaps (no {'/'.join(result['statuses'])} partner{of}): {len(result['gaps'])}")
    for gap in result["gaps"]:
        here = ", ".join(a["name"] for a in gap["affiliates_here"])
        click.echo(f"  {gap['issue']['name']} in {gap['region']}" + (f" (affiliates here: {here})" if here else ""))


@click.command("info")
@json_option
@click.pass_context
def info(ctx: click.Context, as_json: bool) -> None:
    """Show which store is used and how many elements and connections it holds."""
    answers = open_cold(ctx)
    counts = answers.counts()
    if as_json:
        return print_json({"store": answers.url, "counts": counts})
    click.echo(f"store: {answers.url}")
    for name, n in counts.items():
        click.echo(f"  {name}: {n}")

