"""The import command: any shape of file, previewed, duplicates decided, then written all at once or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from partnergraph.cli.common import open_workspace, print_json, progress_bar
from partnergraph.services.imports import (
    DECISIONS,
    ImportOptions,
    UndecidedDuplicates,
    load_mapping,
    read_decisions,
    save_mapping,
)


def _parse_map(entries: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for entry in entries:
        header, sep, target = entry.rpartition("=")
        if not sep or not header.strip() or not target.strip():
            raise click.BadParameter(f"{entry!r}: expected \"Header=field\"", param_hint="--map")
        mapping[header.strip()] = target.strip()
    return mapping


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--map", "map_entries", multiple=True, metavar='"Header=field"',
              help="Read a column as a field (repeatable), e.g. --map \"Follow-up owner=notes\".")
@click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A TOML file of header = field pairs (as --save-mapping writes).")
@click.option("--save-mapping", "save_mapping_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Keep the mapping used in this TOML file, for next time.")
@click.option("--date-order", type=click.Choice(("dmy", "mdy")),
              help="How to read dates like 03/04/2021: day first (dmy) or month first (mdy).")
@click.option("--strict", is_flag=True, help="Treat warnings (such as a column nothing reads) as problems.")
@click.option("--on-duplicate", type=click.Choice(DECISIONS),
              help="Decide every possible duplicate: merge into the existing element, or keep separate.")
@click.option("--decisions", "decisions_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A CSV file deciding possible duplicates one by one: incoming, existing, decision.")
@click.option("--from-affiliate", metavar="AFFILIATE",
              help="The affiliate whose list this is (id or name): recorded as the source of what it states.")
@click.option("--dry-run", is_flag=True, help="Preview: report what would change, write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (docs/import-format.md#preview).")
@click.pass_context
def import_command(ctx: click.Context, path: Path, map_entries: tuple[str, ...], mapping_file: Path | None,
                   save_mapping_file: Path | None, date_order: str | None, strict: bool, on_duplicate: str | None,
                   decisions_file: Path | None, from_affiliate: str | None, dry_run: bool, as_json: bool) -> None:
    """Import a spreadsheet or a file of the import format; all of it or nothing.

    PATH is one of:

    \b
    - a partner list or a people list, as you keep it: a .csv file, or an .xlsx
      workbook with such sheets (headers are recognised: Partner, Held by, Since...);
    - the full format: a folder with elements.csv and connections.csv, a .json file,
      or an .xlsx workbook with sheets Elements and Connections.

    Names may stand for ids; new elements get readable ids. Possible duplicates (in the
    file or against the store) stop the import until decided. If any row is invalid, every
    problem is listed as file:row and nothing changes. Columns and rules:
    docs/import-format.md; `partnergraph template FILE.xlsx` writes a workbook to fill in.
    """
    mapping = load_mapping(mapping_file) if mapping_file else {}
    mapping.update(_parse_map(map_entries))
    options = ImportOptions(mapping=mapping, date_order=date_order, strict=strict, on_duplicate=on_duplicate,
                            decisions=read_decisions(decisions_file) if decisions_file else {},
                            from_affiliate=from_affiliate)
    workspace = open_workspace(ctx)
    plan = workspace.imports.preview(path, options, progress=progress_bar(ctx))
    if save_mapping_file:
        save_mapping(save_mapping_file, plan.report["mapping"])
    report: dict[str, Any] = {**plan.report, "dry_run": dry_run, "applied": False}
    if plan.undecided or dry_run:
        if as_json:
            print_json(report)
        else:
            _print_report(report, path)
            if dry_run:
                click.echo(f"dry run: nothing was written to {workspace.url}")
        if plan.undecided and not dry_run:
            raise UndecidedDuplicates(plan.undecided)
        return
    stats = workspace.imports.apply(plan, workspace.note("import", source=str(path)), progress_bar(ctx)("writing", (
        len(plan.dataset.elements) + len(plan.dataset.connections))))
    report["applied"] = True
    if as_json:
        print_json(report)
        return
    _print_report(report, path)
    click.echo(f"imported {path} into {workspace.url}: "
               f"{stats.elements_created} elements created, {stats.elements_updated} updated; "
               f"{stats.connections_created} connections created, {stats.connections_updated} updated")


def _print_report(report: dict[str, Any], path: Path) -> None:
    """Print the preview for a person: how the file was read, what it changes, what to look at."""
    if report["mapping"]:
        shape = {"partners": "partner list", "people": "people list", "events": "event list",
                 "attendance": "attendance list"}.get(report["shape"], report["shape"])
        click.echo(f"read {path} as {'an' if shape[0] in 'aeiou' else 'a'} {shape}; columns:")
        for header, target in report["mapping"].items():
            click.echo(f"  {header} -> {target}")
    if report["normalised"]:
        click.echo(f"normalised {len(report['normalised'])} values:")
        for entry in report["normalised"][:10]:
            click.echo(f"  {entry.get('where')}: {entry.get('column')} {entry.get('value')!r} -> {entry.get('as')!r}")
        if len(report["normalised"]) > 10:
            click.echo(f"  ... and {len(report['normalised']) - 10} more (--json lists them all)")
    for warning in report["warnings"]:
        click.echo(f"warning: {warning}")
    if report["possible_duplicates"]:
        click.echo("possible duplicates:")
        for pair in report["possible_duplicates"]:
            decided = pair["decision"] or "undecided"
            click.echo(f"  {pair['incoming']!r} ~ {pair['existing_name']} ({pair['existing']}): {pair['reason']} "
                       f"[{decided}]")
    if report["created_ids"]:
        shown = ", ".join(f"{name} = {new_id}" for name, new_id in list(report["created_ids"].items())[:10])
        more = len(report["created_ids"]) - 10
        click.echo(f"new ids: {shown}{f' ... and {more} more' if more > 0 else ''}")
    e, c = report["elements"], report["connections"]
    click.echo(f"elements: {e['new']} new, {e['updated']} updated, {e['unchanged']} unchanged; "
               f"connections: {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged")
