"""A chapter brings the partner list it keeps: previewed, duplicates caught and decided, provenance kept (both stores)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SMALL, Cli, file_digest
from partnergraph.services import Workspace

# A chapter's sheet as it is kept: its own headers, a blank row, a month in words, a strength in words,
# an issue spelled in lower case, a column nothing reads, holders by name.
CHAPTER_SHEET = """Partner,Type,Country,Region,Issues,Held by,Since,Strength,Last contact,Notes,Follow-up owner
Digital Freedom League,NGO,Germany,Europe,copyright reform,Ana Lima,March 2021,high,2026-10,met at re:publica,Ben
Open Archive Berlin,Museum,DE,Europe,Open access; Privacy,Ben Okoro and Greta Holm,2019,medium,,,

Creative Commons,ngo,US,North America,copyright reform,Ana Lima,2020-05,4,2026-09,,
"""

# Another chapter names some of the same partners differently.
SECOND_SHEET = """Organisation,Status,Relationship holder,Website,Topics
Digital Freedom League e.V.,active,Cai Chen,https://dfl.example.org,Copyright reform
CC,active,Cai Chen,https://creativecommons.org/,
Brand New Partner,prospective,Cai Chen,,Open access
"""


@pytest.fixture
def chapter(cli: Cli, tmp_path: Path) -> tuple[Cli, Path]:
    """Return the CLI on the small network, and the chapter's sheet as a CSV file."""
    assert cli("import", str(SMALL)).exit_code == 0
    sheet = tmp_path / "wmde-partners.csv"
    sheet.write_text(CHAPTER_SHEET, encoding="utf-8")
    return cli, sheet


def report_of(result) -> dict:
    return json.loads(result.output)


def test_a_chapter_previews_its_partner_sheet_and_nothing_is_written(chapter, db_url: str):
    cli, sheet = chapter
    before = cli("export", "--format", "json", "-o", str(sheet.with_suffix(".before.json")))
    assert before.exit_code == 0
    result = cli("import", str(sheet), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    report = report_of(result)
    assert set(report) >= {"elements", "connections", "mapping", "normalised", "warnings", "possible_duplicates",
                           "created_ids"}
    assert report["mapping"]["Partner"] == "name" and report["mapping"]["Held by"] == "holders"
    # Two partners and one new person are created; Creative Commons and Ana Lima are recognised by name.
    assert set(report["created_ids"]) >= {"Digital Freedom League", "Open Archive Berlin", "Greta Holm"}
    assert "Creative Commons" not in report["created_ids"] and "Ana Lima" not in report["created_ids"]
    assert "copyright reform" not in report["created_ids"]  # the issue "Copyright reform", matched case-insensitively
    assert any("Follow-up owner" in w for w in report["warnings"])
    assert any(n["value"] == "March 2021" and n["as"] == "2021-03" for n in report["normalised"])
    assert any(str(n["value"]).lower() == "high" and str(n["as"]) == "4" for n in report["normalised"])
    assert report["elements"]["new"] >= 3 and report["possible_duplicates"] == []
    after = cli("export", "--format", "json", "-o", str(sheet.with_suffix(".after.json")))
    assert after.exit_code == 0
    assert sheet.with_suffix(".before.json").read_text() == sheet.with_suffix(".after.json").read_text()


def test_a_chapter_imports_its_sheet_and_asks_who_holds_a_partner(chapter):
    cli, sheet = chapter
    result = cli("import", str(sheet), "--from-affiliate", "Wikimedia Deutschland")
    assert result.exit_code == 0, result.output
    assert "Follow-up owner" in result.output  # the warning is printed, not swallowed
    holders = cli("holders", "Digital Freedom League", "--json")
    assert holders.exit_code == 0, holders.output
    names = {h["name"] for h in json.loads(holders.output)["holders"]}
    assert names == {"Ana Lima"}
    archive = json.loads(cli("holders", "open archive berlin", "--json").output)
    assert {h["name"] for h in archive["holders"]} == {"Ben Okoro", "Greta Holm"}


def test_the_same_list_imported_again_creates_nothing(chapter):
    cli, sheet = chapter
    assert cli("import", str(sheet)).exit_code == 0
    again = cli("import", str(sheet), "--json")
    assert again.exit_code == 0, again.output
    report = report_of(again)
    assert report["elements"]["new"] == 0 and report["connections"]["new"] == 0
    assert report["elements"]["updated"] == 0 and report["created_ids"] == {}


def test_provenance_names_the_chapter_its_file_and_who_imported_it(chapter, db_url: str):
    cli, sheet = chapter
    assert cli("import", str(sheet), "--from-affiliate", "wmde").exit_code == 0
    with Workspace.open(__import__("conftest").settings_for(db_url)) as ws:
        league = ws.editing.lookup("Digital Freedom League")
        assert league.props["first_import"].startswith("Wikimedia Deutschland's partner list (wmde-partners.csv)")
        assert league.props["first_import"] == league.props["last_import"]
        # A new holder of the chapter's list is one of its people.
        greta = ws.editing.lookup("Greta Holm")
        assert any(c.target == "wmde" and c.type.value == "MEMBER_OF" for c in ws.editing.connections_of(greta.id))
        change = ws.store.history()[0]
        assert change.note.action == "import" and change.note.summary.get("affiliate") == "wmde"


def test_a_second_chapters_list_stops_on_possible_duplicates_and_writes_nothing(chapter, tmp_path: Path, db_url: str):
    cli, sheet = chapter
    assert cli("import", str(sheet)).exit_code == 0
    second = tmp_path / "wmfr.csv"
    second.write_text(SECOND_SHEET, encoding="utf-8")
    before = file_digest(Path(db_url.removeprefix("sqlite:///"))) if db_url.startswith("sqlite") else None
    result = cli("import", str(second))
    assert result.exit_code == 1
    assert "possible duplicate" in result.output and "--on-duplicate" in result.output
    assert "Traceback" not in result.output
    if before is not None:
        assert file_digest(Path(db_url.removeprefix("sqlite:///"))) == before
    preview = report_of(cli("import", str(second), "--dry-run", "--json"))
    pairs = {(p["incoming"], p["existing_name"]) for p in preview["possible_duplicates"]}
    assert ("Digital Freedom League e.V.", "Digital Freedom League") in pairs
    assert ("CC", "Creative Commons") in pairs
    assert all(p["reason"] for p in preview["possible_duplicates"])


def test_merging_adds_facts_keeps_existing_values_and_remembers_the_other_name(chapter, tmp_path: Path, db_url: str):
    cli, sheet = chapter
    assert cli("import", str(sheet)).exit_code == 0
    second = tmp_path / "wmfr.csv"
    second.write_text(SECOND_SHEET, encoding="utf-8")
    result = cli("import", str(second), "--on-duplicate", "merge", "--json")
    assert result.exit_code == 0, result.output
    report = report_of(result)
    assert "Brand New Partner" in report["created_ids"]
    assert "CC" not in report["created_ids"] and "Digital Freedom League e.V." not in report["created_ids"]
    with Workspace.open(__import__("conftest").settings_for(db_url)) as ws:
        league = ws.editing.lookup("Digital Freedom League")
        assert "Digital Freedom League e.V." in league.props["aliases"]
        assert league.props["website"] == "https://dfl.example.org"  # a new fact is added
        assert league.props["status"] == "active"
        cc = ws.editing.element("cc")
        assert "CC" in cc.props["aliases"] and cc.name == "Creative Commons"
        # The alias now finds it, and a later import uses it without asking.
    assert json.loads(cli("holders", "CC", "--json").output)["partner"]["id"] == "cc"
    again = report_of(cli("import", str(second), "--dry-run", "--json"))
    assert again["possible_duplicates"] == [] and again["created_ids"] == {}


def test_decisions_file_decides_pairs_one_by_one(chapter, tmp_path: Path, db_url: str):
    cli, sheet = chapter
    assert cli("import", str(sheet)).exit_code == 0
    second = tmp_path / "wmfr.csv"
    second.write_text(SECOND_SHEET, encoding="utf-8")
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("incoming,existing,decision\nCC,cc,merge\n"
                         "Digital Freedom League e.V.,Digital Freedom League,separate\n", encoding="utf-8")
    result = cli("import", str(second), "--decisions", str(decisions), "--json")
    assert result.exit_code == 0, result.output
    report = report_of(result)
    assert "Digital Freedom League e.V." in report["created_ids"] and "CC" not in report["created_ids"]
    bad = tmp_path / "bad.csv"
    bad.write_text("incoming,existing,decision\nCC,cc,perhaps\n", encoding="utf-8")
    refused = cli("import", str(second), "--decisions", str(bad))
    assert refused.exit_code == 1 and "bad.csv:2" in refused.output and "Traceback" not in refused.output


def test_an_unreadable_value_names_the_file_row_header_and_what_is_accepted(chapter, tmp_path: Path):
    cli, _ = chapter
    sheet = tmp_path / "broken.csv"
    sheet.write_text("Partner,Held by,Since\nGood Org,Ana Lima,2020\nBad Org,Ana Lima,soon\n", encoding="utf-8")
    result = cli("import", str(sheet))
    assert result.exit_code == 1
    assert "broken.csv:3" in result.output and "Since" in result.output and "soon" in result.output
    assert "Traceback" not in result.output
    assert cli("holders", "Good Org").exit_code == 1  # all or nothing


def test_mapping_is_printed_saved_and_reused(chapter, tmp_path: Path):
    cli, sheet = chapter
    saved = tmp_path / "mapping.toml"
    result = cli("import", str(sheet), "--map", "Follow-up owner=tags", "--save-mapping", str(saved), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Follow-up owner -> tags" in result.output and saved.exists()
    reused = report_of(cli("import", str(sheet), "--mapping", str(saved), "--dry-run", "--json"))
    assert reused["mapping"]["Follow-up owner"] == "tags"
    assert not any("Follow-up owner" in w for w in reused["warnings"])
    strict = cli("import", str(sheet), "--strict")
    assert strict.exit_code == 1 and "Follow-up owner" in strict.output


def test_partners_without_a_status_are_warned_about(chapter):
    cli, sheet = chapter
    report = report_of(cli("import", str(sheet), "--dry-run", "--json"))
    assert any("no status" in w and "coverage counts only active" in w for w in report["warnings"])


def test_an_export_read_back_is_unchanged_and_keeps_its_provenance(chapter, tmp_path: Path):
    cli, sheet = chapter
    assert cli("import", str(sheet), "--from-affiliate", "wmde").exit_code == 0
    exported = tmp_path / "all.json"
    assert cli("export", "--format", "json", "-o", str(exported)).exit_code == 0
    report = report_of(cli("import", str(exported), "--json"))
    assert report["elements"] == {"new": 0, "updated": 0, "unchanged": report["elements"]["unchanged"]}
    assert report["connections"]["new"] == 0 and report["connections"]["updated"] == 0


def test_a_partner_list_row_naming_an_affiliate_is_about_that_affiliate(chapter, tmp_path: Path):
    cli, _ = chapter
    sheet = tmp_path / "list.csv"
    sheet.write_text("Partner,Region\nWikimedia Deutschland,Europe\n", encoding="utf-8")
    report = report_of(cli("import", str(sheet), "--dry-run", "--json"))
    assert report["created_ids"] == {} and report["elements"]["new"] == 0
    # Holding a relationship is with a partner: a holder of an affiliate is a problem of that row.
    sheet.write_text("Partner,Held by\nWikimedia Deutschland,Ana Lima\n", encoding="utf-8")
    refused = cli("import", str(sheet))
    assert refused.exit_code == 1 and "list.csv:2" in refused.output and "affiliate" in refused.output


def test_the_template_imports_unchanged_and_again_changes_nothing(cli: Cli, tmp_path: Path):
    assert cli("import", str(SMALL)).exit_code == 0
    template = tmp_path / "template.xlsx"
    assert cli("template", str(template)).exit_code == 0
    first = cli("import", str(template), "--json")
    assert first.exit_code == 0, first.output
    report = report_of(first)
    assert report["shape"] == "lists" and report["elements"]["new"] >= 3 and report["possible_duplicates"] == []
    again = report_of(cli("import", str(template), "--json"))
    assert again["elements"]["new"] == 0 and again["connections"]["new"] == 0
