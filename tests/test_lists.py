"""Reading spreadsheets as chapters keep them: partner lists, people lists, forgiving values, the template.

Reading is pure io (one store is enough); importing the template and year-only dates runs on both stores.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from conftest import ROOT, SMALL, Cli
from partnergraph.io import headers
from partnergraph.io.reader import read_rows
from partnergraph.io.sources import ReadOptions, SourceRows, load_mapping, read_source, save_mapping
from partnergraph.io.values import read_bool, read_country, read_date, read_status, read_strength
from partnergraph.model import ImportFailed, Location, PartnergraphError, Row, parse_date, validate_dataset
from partnergraph.services import Workspace
from partnergraph.services.data import write_template
from partnergraph.services.options import HoldersQuery

CHAPTER_SHEET = """\
,,,,,,,,,,
Partner,Type,Country,Region,Issues,Held by,Since,Strength,Last contact,Notes,Follow-up owner
Nordic Digital Rights Forum,NGO,Norway,Europe,"Copyright reform; Open access",Aiko Novak and Jon Berg,March 2021,high,2026-10,Met in Oslo,Jon
,,,,,,,,,,
Museum of Things,Museum,de,Europe,Open access,"Jon Berg, Sara Lind",2019,3,25/12/2025,,
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, options: ReadOptions | None = None) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        read_source(path, options or ReadOptions())
    return [str(p) for p in failure.value.problems]


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def values(rows: list[Row]) -> list[dict[str, Any]]:
    return [dict(r.values) for r in rows]


# -- a chapter's partner list ----------------------------------------------------------------------


def test_a_chapters_partner_list_reads_as_partners_with_their_holders(tmp_path: Path):
    read = read_source(write(tmp_path / "sheet.csv", CHAPTER_SHEET))
    assert read.shape == "partners"
    assert values(read.element_rows) == [
        {"id": "", "kind": "partner", "name": "Nordic Digital Rights Forum", "type": "ngo", "country": "NO",
         "region": "Europe", "issues": ["Copyright reform", "Open access"], "notes": "Met in Oslo"},
        {"id": "", "kind": "partner", "name": "Museum of Things", "type": "glam", "country": "DE", "region": "Europe",
         "issues": ["Open access"]},
    ]
    holds = {"type": "HOLDS", "from_kind": "contact", "to_kind": "partner"}
    assert values(read.connection_rows) == [
        {"from": "Aiko Novak", "to": "Nordic Digital Rights Forum", **holds, "strength": 4, "since": "2021-03",
         "last_contact": "2026-10"},
        {"from": "Jon Berg", "to": "Nordic Digital Rights Forum", **holds, "strength": 4, "since": "2021-03",
         "last_contact": "2026-10"},
        {"from": "Jon Berg", "to": "Museum of Things", **holds, "strength": 3, "since": "2019",
         "last_contact": "2025-12-25"},
        {"from": "Sara Lind", "to": "Museum of Things", **holds, "strength": 3, "since": "2019",
         "last_contact": "2025-12-25"},
    ]
    # The header is on line 2 (a blank row above it); the blank row between partners is skipped.
    assert [str(r.where) for r in read.element_rows] == [f"{tmp_path}/sheet.csv:3", f"{tmp_path}/sheet.csv:5"]
    assert read.mapping == {"Partner": "name", "Type": "type", "Country": "country", "Region": "region",
                            "Issues": "issues", "Held by": "holders", "Since": "since", "Strength": "strength",
                            "Last contact": "last_contact", "Notes": "notes"}
    assert {"where": f"{tmp_path}/sheet.csv:3", "column": "Since", "value": "March 2021", "as": "2021-03"} \
        in read.normalised
    assert {"where": f"{tmp_path}/sheet.csv:3", "column": "Strength", "value": "high", "as": 4} in read.normalised
    assert read.warnings == [f"{tmp_path}/sheet.csv: column 'Follow-up owner' is not imported (no field matches it; "
                             "--map 'Follow-up owner=FIELD' imports it)"]


def test_the_contact_of_record_is_the_primary_holder_and_a_holder_even_when_not_listed(tmp_path: Path):
    sheet = write(tmp_path / "p.csv", "Organisation,Our contact,Main contact\nA,Ann; Bo,bo\nB,Ann,Cy\n")
    ties = values(read_source(sheet).connection_rows)
    assert [(t["from"], t["to"], t.get("primary")) for t in ties] == [
        ("Ann", "A", None), ("Bo", "A", True), ("Ann", "B", None), ("Cy", "B", True)]


def test_an_unknown_column_is_a_problem_when_strict(tmp_path: Path):
    sheet = write(tmp_path / "sheet.csv", CHAPTER_SHEET)
    assert problems(sheet, ReadOptions(strict=True)) == [
        f"{sheet}:2: column 'Follow-up owner' is not imported (no field matches it; "
        "--map 'Follow-up owner=FIELD' imports it)"]


def test_a_mapping_imports_a_column_and_wins_over_the_table(tmp_path: Path):
    sheet = write(tmp_path / "sheet.csv", CHAPTER_SHEET)
    read = read_source(sheet, ReadOptions(mapping={"follow-up OWNER": "source", "Notes": "-"}, strict=True))
    assert read.mapping["Follow-up owner"] == "source" and read.mapping["Notes"] == "-"
    assert read.connection_rows[0].values["source"] == "Jon"
    assert "notes" not in read.element_rows[0].values
    assert read.warnings == []
    # Region read as tags: the mapping wins over the synonym table.
    read = read_source(sheet, ReadOptions(mapping={"Region": "tags"}))
    assert read.element_rows[0].values["tags"] == ["Europe"] and "region" not in read.element_rows[0].values


def test_a_mapping_names_only_known_fields_and_says_when_it_matches_nothing(tmp_path: Path):
    sheet = write(tmp_path / "sheet.csv", CHAPTER_SHEET)
    with pytest.raises(PartnergraphError, match=r"mapping 'Owner=boss': unknown field 'boss' \(fields: "):
        read_source(sheet, ReadOptions(mapping={"Owner": "boss"}))
    read = read_source(sheet, ReadOptions(mapping={"Budget": "notes"}))
    assert f"{sheet}: mapping 'Budget=notes' matches no column" in read.warnings


def test_a_saved_mapping_reads_back(tmp_path: Path):
    mapping = {"Follow-up owner": "holders", 'Odd "header" \\ é\x7f': "-", "Name": "name"}
    save_mapping(tmp_path / "m.toml", mapping)
    assert load_mapping(tmp_path / "m.toml") == mapping


def test_a_bad_mapping_file_is_one_clear_error(tmp_path: Path):
    with pytest.raises(PartnergraphError, match=r"m.toml: not valid TOML \(.*line 1"):
        load_mapping(write(tmp_path / "m.toml", "[mapping\n"))
    with pytest.raises(PartnergraphError, match=r'expected a table \[mapping\] of "header" = "field" lines'):
        load_mapping(write(tmp_path / "m.toml", 'Owner = "holders"\n'))
    with pytest.raises(PartnergraphError, match="unknown field 'boss'"):
        load_mapping(write(tmp_path / "m.toml", '[mapping]\nOwner = "boss"\n'))
    with pytest.raises(PartnergraphError, match="no such file"):
        load_mapping(tmp_path / "missing.toml")


# -- headers ---------------------------------------------------------------------------------------


def _shape_sheet(synonyms: headers.Synonyms, header: str) -> tuple[str, list[str]]:
    """Return a shape the synonym applies to and a header row that is that shape and has `header`."""
    if headers.PARTNERS in synonyms.shapes:
        return headers.PARTNERS, ([header, "Type"] if synonyms.field == "name" else ["Partner name", header])
    if headers.PEOPLE in synonyms.shapes:
        return headers.PEOPLE, ([header, "Role"] if synonyms.field == "name" else ["Full name", "Employer", header]
                                if synonyms.field != "member_of" else ["Full name", header])
    if headers.EVENTS in synonyms.shapes:
        return headers.EVENTS, ([header, "Start date", "End date"] if synonyms.field == "name" else ["Event", header])
    return headers.ATTENDANCE, ([header, "Event"] if synonyms.field == "name" else ["Full name", header]
                                if synonyms.field == "event" else ["Full name", "Event", header])


@pytest.mark.parametrize("synonyms", headers.SYNONYMS, ids=lambda s: f"{s.field}-{'-'.join(s.shapes)}")
def test_every_synonym_reads_as_its_field_whatever_its_case_spaces_punctuation_and_accents(synonyms):
    for header in synonyms.headers:
        for written in (header, header.upper(), f"  {header.title()}: ", header.replace(" ", "-"),
                        header.replace("a", "á").replace("e", "ë")):
            shape, row = _shape_sheet(synonyms, written)
            if synonyms.field == "role" or (synonyms.field == "name" and shape == headers.PEOPLE):
                row = [*row, "Organisation"] if synonyms.field == "name" else row
            found = headers.recognise(row, {})
            assert found is not None and found.shape == shape, (written, row)
            assert found.fields.get(row.index(written)) == synonyms.field, (written, row)


def test_the_issues_synonyms_named_by_the_issue_are_in_the_table():
    wanted = {
        "name": "organisation organization partner partner name name".split(" ") + ["partner name"],
        "type": ["type", "category", "kind of organisation"],
        "issues": ["issues", "topics", "focus areas", "themes"],
        "holders": ["held by", "holder", "relationship holder", "our contact", "contact person", "relationship owner"],
        "since": ["since", "start", "started"],
        "strength": ["strength", "closeness", "relationship strength"],
        "last_contact": ["last contact", "last contacted", "last meeting"],
        "website": ["website", "web", "url"],
        "notes": ["notes", "comments"],
    }
    table = {(s.field, h) for s in headers.SYNONYMS for h in s.headers}
    for target, names in wanted.items():
        assert all((target, n) in table for n in names), target
    people = {h for s in headers.SYNONYMS if headers.PEOPLE in s.shapes for h in s.headers}
    assert {"person", "full name", "contact", "organisation", "employer", "affiliation"} <= people
    for target in ("country", "region", "email", "phone", "role", "status", "aliases", "offers", "looks_for",
                   "public_email", "contact_of_record"):
        assert any(s.field == target for s in headers.SYNONYMS), target


def test_a_plain_name_column_is_a_people_list_when_it_has_organisations_and_roles():
    assert headers.recognise(["Name", "Organisation", "Role", "Email"], {}).shape == headers.PEOPLE
    assert headers.recognise(["Name", "Type", "Country"], {}).shape == headers.PARTNERS
    assert headers.recognise(["Partner", "Contact", "Strength"], {}).shape == headers.PARTNERS
    assert headers.recognise(["Budget", "Owner"], {}) is None


def test_two_columns_of_one_field_read_the_preferred_one_and_warn_of_the_other(tmp_path: Path):
    read = read_source(write(tmp_path / "s.csv", "Name,Partner name\nEDRi,European Digital Rights\n"))
    assert read.element_rows[0].values["name"] == "European Digital Rights"
    assert read.warnings == [f"{tmp_path}/s.csv: column 'Name' is not imported (column 'Partner name' is read as "
                             "name; --map 'Name=FIELD' imports it as another field)"]


def test_the_synonym_table_in_the_docs_is_the_one_in_the_code():
    assert headers.synonym_table() in (ROOT / "docs" / "import-format.md").read_text(encoding="utf-8")


# -- values ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "read"), [
    ("2019", "2019"), ("2021-03", "2021-03"), ("2021-03-15", "2021-03-15"), ("March 2021", "2021-03"),
    ("mar 2021", "2021-03"), ("Sept. 2021", "2021-09"), ("21 March 2021", "2021-03-21"), ("1st Mar 2021", "2021-03-01"),
    ("March 21, 2021", "2021-03-21"), ("03/2021", "2021-03"), ("3/2021", "2021-03"), ("2021/03/15", "2021-03-15"),
    ("25/12/2021", "2021-12-25"), ("12/25/2021", "2021-12-25"), ("04/04/2021", "2021-04-04"),
    ("2021-03-15 00:00:00", "2021-03-15"), (date(2021, 3, 15), "2021-03-15"), (2019, "2019"),
])
def test_dates_are_read_as_people_write_them(written, read):
    assert read_date(written) == read


def test_a_day_and_month_that_could_be_either_need_the_date_order():
    with pytest.raises(ValueError, match=r"'03/04/2021' is ambiguous: day 3 of month 4, or month 3 day 4\? "
                                         r"\(give the date order: --date-order dmy or mdy\)"):
        read_date("03/04/2021")
    assert read_date("03/04/2021", "dmy") == "2021-04-03"
    assert read_date("03/04/2021", "mdy") == "2021-03-04"
    with pytest.raises(ValueError, match="not a real date"):
        read_date("25/12/2021", "mdy")


@pytest.mark.parametrize("written", ["soon", "2021-13", "31 February 2021", "Marchember 2021", "21/2021/3"])
def test_what_is_not_a_date_says_what_is(written):
    with pytest.raises(ValueError, match=r"is not a (real )?date \(accepted: 2021, 2021-03, 2021-03-15, March 2021, "
                                         r"03/2021\)"):
        read_date(written)


def test_the_model_accepts_a_year_and_compares_it_at_the_coarser_precision():
    assert parse_date("2019") == "2019"
    rows = [Row({"id": "a", "kind": "contact", "name": "A"}, Location("e", 2)),
            Row({"id": "b", "kind": "contact", "name": "B"}, Location("e", 3))]
    ok = validate_dataset(rows, [Row({"from": "a", "to": "b", "type": "KNOWS", "since": "2021", "until": "2021-03"},
                                     Location("c", 2))])
    assert ok.connections[0].props == {"since": "2021", "until": "2021-03"}
    with pytest.raises(ImportFailed, match="1 problem") as failure:
        validate_dataset(rows, [Row({"from": "a", "to": "b", "type": "KNOWS", "since": "2021-03", "until": "2020"},
                                    Location("c", 2))])
    assert str(failure.value.problems[0]) == "c:2: until 2020 is before since 2021-03"


@pytest.mark.parametrize(("written", "read"), [
    ("very high", 5), ("Very Strong", 5), ("high", 4), ("STRONG", 4), ("medium", 3), ("moderate", 3), ("low", 2),
    ("weak", 2), ("very low", 1), ("very  weak", 1), ("1", 1), ("5", 5), (4, 4), (4.0, 4), ("3.0", 3)])
def test_strengths_are_words_or_numbers(written, read):
    assert read_strength(written) == read


@pytest.mark.parametrize("written", ["6", "0", "2.5", "close"])
def test_a_strength_out_of_range_says_what_is_accepted(written):
    with pytest.raises(ValueError, match=rf"'{re.escape(written)}' is not a strength \(accepted: 1 to 5, very low"):
        read_strength(written)


@pytest.mark.parametrize(("written", "read"), [
    ("yes", True), ("Y", True), ("TRUE", True), ("1", True), (True, True), (1, True),
    ("no", False), ("n", False), ("False", False), ("0", False), (False, False)])
def test_booleans_are_yes_or_no(written, read):
    assert read_bool(written) is read
    with pytest.raises(ValueError, match=r"'maybe' is not yes or no \(accepted: yes/no, y/n, true/false, 1/0\)"):
        read_bool("maybe")


def test_statuses_are_case_folded_and_other_words_for_them_read():
    assert [read_status(w) for w in ("Active", "ACTIVE", "prospect", "Inactive", "dormant")] == [
        "active", "active", "prospective", "dormant", "dormant"]
    with pytest.raises(ValueError, match=r"'friendly' is not a partner status \(accepted: active"):
        read_status("friendly")


@pytest.mark.parametrize(("written", "read"), [
    ("NO", "NO"), ("no", "NO"), ("Norway", "NO"), ("norway", "NO"), ("United Kingdom", "GB"), ("UK", "GB"),
    ("USA", "US"), ("Côte d'Ivoire", "CI"), ("Cote d'Ivoire", "CI"), ("South Korea", "KR"), ("Kosovo", "XK"),
    ("Germany", "DE"), ("  Brazil ", "BR")])
def test_countries_are_names_or_codes(written, read):
    assert read_country(written) == read


def test_a_country_that_is_two_or_none_is_a_problem():
    with pytest.raises(ValueError, match=r"'Congo' names more than one country \(CD or CG\): give its ISO code"):
        read_country("Congo")
    with pytest.raises(ValueError, match=r"'Narnia' is not a country \(accepted: an ISO 3166 code such as DE"):
        read_country("Narnia")


def test_types_read_against_the_vocabulary_and_an_unknown_one_is_kept_with_one_warning(tmp_path: Path):
    sheet = write(tmp_path / "t.csv", "Partner,Category\nA,University\nB,Think tank\nC,think-tank\nD,NGO\n")
    read = read_source(sheet)
    assert [r.values["type"] for r in read.element_rows] == ["academic", "Think tank", "think-tank", "ngo"]
    assert read.warnings == [f"{sheet}: type 'Think tank' is not in the vocabulary; kept as written (the "
                             "vocabulary: ngo, glam, academic, government, coalition, company, media, foundation, "
                             "chapter, user_group, thematic_organisation)"]


def test_a_list_with_unreadable_values_is_refused_whole_naming_row_header_value_and_what_is_accepted(tmp_path):
    sheet = write(tmp_path / "sheet.csv",
                  "Partner,Since,Relationship strength,Public,Status\nA,soon,close,maybe,friendly\nB,2020,4,yes,Active\n")
    assert problems(sheet) == [
        f"{sheet}:2: column 'Since' (since): 'soon' is not a date (accepted: 2021, 2021-03, 2021-03-15, March 2021, "
        "03/2021)",
        f"{sheet}:2: column 'Relationship strength' (strength): 'close' is not a strength (accepted: 1 to 5, very "
        "low/very weak, low/weak, medium/moderate, high/strong, very high/very strong)",
        f"{sheet}:2: column 'Public' (public): 'maybe' is not yes or no (accepted: yes/no, y/n, true/false, 1/0)",
        f"{sheet}:2: column 'Status' (status): 'friendly' is not a partner status (accepted: active (current/ongoing), "
        "prospective (prospect/potential/planned), dormant (inactive/paused/lapsed/former/past))",
    ]


def test_ambiguous_dates_in_a_list_need_the_date_order(tmp_path: Path):
    sheet = write(tmp_path / "s.csv", "Partner,Held by,Since\nA,Ann,03/04/2021\n")
    assert problems(sheet) == [f"{sheet}:2: column 'Since' (since): '03/04/2021' is ambiguous: day 3 of month 4, or "
                               "month 3 day 4? (give the date order: --date-order dmy or mdy)"]
    assert read_source(sheet, ReadOptions(date_order="dmy")).connection_rows[0].values["since"] == "2021-04-03"
    assert read_source(sheet, ReadOptions(date_order="mdy")).connection_rows[0].values["since"] == "2021-03-04"


# -- people lists and workbooks --------------------------------------------------------------------


def test_a_people_list_gives_contacts_and_their_memberships(tmp_path: Path):
    sheet = write(tmp_path / "people.csv", "Full name,Affiliations,Job title,E-mail,Since\n"
                                           "Aiko Novak,Wikimedia Norvaland; Nordic Forum,Lead,aiko@example.org,2019\n"
                                           "Jon Berg,,,,\n")
    read = read_source(sheet)
    assert read.shape == "people"
    assert values(read.element_rows) == [
        {"id": "", "kind": "contact", "name": "Aiko Novak", "email": "aiko@example.org"},
        {"id": "", "kind": "contact", "name": "Jon Berg"}]
    member = {"from": "Aiko Novak", "type": "MEMBER_OF", "from_kind": "contact", "to_kind": "partner",
              "role": "Lead", "since": "2019"}
    assert values(read.connection_rows) == [{**member, "to": "Wikimedia Norvaland"}, {**member, "to": "Nordic Forum"}]


def test_a_workbook_of_two_list_sheets_reads_both_and_names_sheets_in_problems(tmp_path: Path):
    book = workbook(tmp_path / "book.xlsx", {
        "Partners 2026": [[None], ["Partner name", "Kind of organisation", "Held by", "Last meeting"],
                          ["EDRi", "coalition", "Aiko Novak", date(2026, 10, 2)]],
        "Our people": [["Person", "Employer", "Role"], ["Aiko Novak", "Wikimedia Norvaland", "Board"]],
    })
    read = read_source(book)
    assert read.shape == "lists"
    assert [(r.values["kind"], r.values["name"], str(r.where)) for r in read.element_rows] == [
        ("partner", "EDRi", f"{book}[Partners 2026]:3"), ("contact", "Aiko Novak", f"{book}[Our people]:2")]
    assert [(r.values["type"], r.values["from"], r.values["to"]) for r in read.connection_rows] == [
        ("HOLDS", "Aiko Novak", "EDRi"), ("MEMBER_OF", "Aiko Novak", "Wikimedia Norvaland")]
    assert read.connection_rows[0].values["last_contact"] == "2026-10-02"
    book = workbook(tmp_path / "bad.xlsx", {"Partners 2026": [["Partner", "Strength"], *[["x", 3]] * 5, ["y", 9]]})
    assert problems(book) == [f"{book}[Partners 2026]:7: column 'Strength' (strength): '9' is not a strength "
                              "(accepted: 1 to 5, very low/very weak, low/weak, medium/moderate, high/strong, "
                              "very high/very strong)"]


def test_a_sheet_that_is_no_list_is_a_problem_naming_it_and_the_headers_expected(tmp_path: Path):
    book = workbook(tmp_path / "book.xlsx", {"Budget": [["Item", "Cost"], ["Venue", 300]]})
    assert problems(book) == [
        f"{book}[Budget]:1: not a partner, people, event or attendance list: a partner list has a column "
        "'Partner Name', 'Organisation Name', 'Organization Name', 'Organisation' or 'Organization'; a people list "
        "has a column 'Full Name', 'Person', 'Contact Name', 'Person Name' or 'Contact'; an event list has a column "
        "'Event', 'Event Name', 'Conference', 'Conference Name' or 'Meeting'; an attendance list has a person column "
        "and a column 'Event', 'Event Name' or 'Conference' (headers found: 'Item', 'Cost')"]
    sheet = write(tmp_path / "budget.csv", "Item,Cost\nVenue,300\n")
    assert problems(sheet)[0].startswith(f"{sheet}:1: not a partner, people, event or attendance list: a partner list has")
    assert problems(sheet)[0].endswith("(headers found: 'Item', 'Cost')")


def test_beside_the_import_format_another_sheet_is_a_warning_not_a_problem(tmp_path: Path):
    book = workbook(tmp_path / "book.xlsx", {
        "Elements": [["id", "kind", "name"], ["a", "contact", "A"]],
        "Connections": [["from", "to", "type", "since", "strength"]],
        "Legend": [["Colour", "Meaning"], ["red", "urgent"]]})
    read = read_source(book)
    assert read.shape == "full" and values(read.element_rows) == [{"id": "a", "kind": "contact", "name": "A"}]
    assert read.warnings == [f"{book}: sheet 'Legend' is not a partner, people, event or attendance list; it is not imported"]
    book = workbook(tmp_path / "both.xlsx", {
        "Elements": [["id", "kind", "name"], ["a", "contact", "A"]],
        "Connections": [["from", "to", "type", "since"], ["a", "b", "KNOWS", "soon"]],
        "Partners": [["Partner", "Strength"], ["P", "huge"]]})
    assert [p.split(": column")[0] for p in problems(book)] == [f"{book}[Connections]:2", f"{book}[Partners]:2"]


# -- the import format -----------------------------------------------------------------------------


def test_the_import_format_reads_as_before(tmp_path: Path):
    read = read_source(SMALL)
    elements, connections = read_rows(SMALL)
    assert read.shape == "full" and read.mapping == {} and read.normalised == [] and read.warnings == []
    assert values(read.element_rows) == values(elements) and values(read.connection_rows) == values(connections)
    assert [r.where for r in read.connection_rows] == [r.where for r in connections]


def test_the_import_format_reads_forgiving_dates_and_strengths_and_reports_them(tmp_path: Path):
    folder = tmp_path / "net"
    folder.mkdir()
    write(folder / "elements.csv", "id,kind,name\na,contact,A\nb,contact,B\n")
    write(folder / "connections.csv", "from,to,type,since,strength\na,b,KNOWS,March 2021,strong\n")
    read = read_source(folder)
    assert values(read.connection_rows) == [{"from": "a", "to": "b", "type": "KNOWS", "since": "2021-03",
                                             "strength": 4}]
    assert read.normalised == [
        {"where": f"{folder}/connections.csv:2", "column": "since", "value": "March 2021", "as": "2021-03"},
        {"where": f"{folder}/connections.csv:2", "column": "strength", "value": "strong", "as": 4}]
    write(folder / "connections.csv", "from,to,type,since\na,b,KNOWS,soon\n")
    assert problems(folder) == [f"{folder}/connections.csv:2: column 'since': 'soon' is not a date (accepted: 2021, "
                                "2021-03, 2021-03-15, March 2021, 03/2021)"]


def test_a_single_elements_csv_reads_as_the_import_format(tmp_path: Path):
    read = read_source(write(tmp_path / "elements.csv", "id,kind,name\na,contact,A\n"))
    assert read.shape == "full" and values(read.element_rows) == [{"id": "a", "kind": "contact", "name": "A"}]


# -- hostile cells ---------------------------------------------------------------------------------


def test_csv_formulas_written_by_an_export_read_back_as_text(tmp_path: Path):
    sheet = write(tmp_path / "s.csv", "Partner,Notes\n'=HYPERLINK(\"x\"),'+1 call\n'tis fine,ok\n")
    assert [(r.values["name"], r.values["notes"]) for r in read_source(sheet).element_rows] == [
        ('=HYPERLINK("x")', "+1 call"), ("'tis fine", "ok")]


def test_hostile_cells_are_refused_with_the_models_caps(tmp_path: Path):
    sheet = write(tmp_path / "s.csv", f"Partner,Notes,Region\nA\x01B,ok,x\n{'n' * 301},{'x' * 200_000},y\n"
                                      f"C,{'x' * 200_001},z\nD,,{'r' * 10_001}\n")
    assert problems(sheet) == [
        f"{sheet}:2: column 'Partner' (name): contains a control character",
        f"{sheet}:3: column 'Partner' (name): is 301 characters long; at most 300 are allowed",
        f"{sheet}:4: column 'Notes' (notes): is 200,001 characters long; at most 200,000 are allowed",
        f"{sheet}:5: column 'Region' (region): is 10,001 characters long; at most 10,000 are allowed",
    ]


def test_a_row_without_a_name_is_a_problem_and_a_headerless_column_a_warning(tmp_path: Path):
    sheet = write(tmp_path / "s.csv", "Partner,Type,\nA,ngo,\n,ngo,\nB,,stray\n")
    assert problems(sheet) == [f"{sheet}:3: column 'Partner' (name): is empty; every row needs a name"]
    sheet = write(tmp_path / "s.csv", "Partner,Type,\nA,ngo,\nB,,stray\n")
    assert read_source(sheet).warnings == [f"{sheet}: column C has no header; its cells are not imported"]


# -- the template ----------------------------------------------------------------------------------


def resolve(read: SourceRows) -> tuple[list[Row], list[Row]]:
    """Give every row an id and every reference an id: a trivial stand-in for the import's name resolution."""
    ids: dict[str, str] = {}
    elements: list[Row] = []

    def add(values: dict[str, Any], where: Location) -> str:
        element_id = values.get("id") or re.sub(r"\W+", "-", values["name"].casefold()).strip("-")
        if element_id in ids:  # a later row about the same element (an attendance list's person)
            return element_id
        ids.setdefault(element_id, element_id)
        ids.setdefault(values["name"].casefold(), element_id)
        elements.append(Row({**values, "id": element_id}, where))
        return element_id

    for row in read.element_rows:
        add(dict(row.values), row.where)

    def ref(text: str, kind: str, where: Location) -> str:
        found = ids.get(text) or ids.get(text.casefold())
        return found or add({"kind": kind, "name": text}, where)

    for row in list(elements):
        values = dict(row.values)
        for column, kind in (("issues", "issue"), ("member_of", "partner")):
            if values.get(column):
                values[column] = [ref(n, kind, row.where) for n in values[column]]
        elements[elements.index(row)] = Row(values, row.where)
    connections = []
    for row in read.connection_rows:
        values = dict(row.values)
        from_kind, to_kind = values.pop("from_kind", "contact"), values.pop("to_kind", "partner")
        values["from"], values["to"] = ref(values["from"], from_kind, row.where), ref(values["to"], to_kind, row.where)
        connections.append(Row(values, row.where))
    return elements, connections


def test_the_template_has_every_sheet_notes_drop_downs_and_examples(tmp_path: Path):
    write_template(tmp_path / "template.xlsx")
    book = load_workbook(tmp_path / "template.xlsx")
    assert book.sheetnames == ["Partners", "People", "Events", "Attendance", "Elements", "Connections"]
    for sheet in book.worksheets:
        assert all(cell.comment is not None for cell in sheet[1]), sheet.title
        assert sheet.max_row == 2, sheet.title  # one example row
    validated = {sheet.title: {sheet.cell(1, min(r.min_col for r in v.sqref.ranges)).value: v.formula1
                               for v in sheet.data_validations.dataValidation} for sheet in book.worksheets}
    assert set(validated["Partners"]) == {"Type", "Region", "Strength", "Status"}
    assert set(validated["Elements"]) == {"kind", "type", "region", "status"}
    assert set(validated["Connections"]) == {"type", "strength"}
    assert validated["Elements"]["kind"] == '"affiliate,partner,contact,issue,event"'
    assert validated["Partners"]["Status"] == '"active,prospective,dormant"'
    assert validated["Attendance"] == {"Role": '"attendee,speaker,organiser,exhibitor"',
                                       "Status": '"attended,registered,planned"'}
    with pytest.raises(PartnergraphError, match="the template is an .xlsx workbook"):
        write_template(tmp_path / "template.csv")


def test_importing_the_template_unchanged_succeeds(workspace: Workspace, tmp_path: Path):
    write_template(tmp_path / "template.xlsx")
    read = read_source(tmp_path / "template.xlsx", ReadOptions(strict=True))
    assert read.shape == "lists" and read.warnings == []
    elements, connections = resolve(read)
    stats = workspace.data.import_rows(elements, connections)
    assert stats.elements_created == 6  # the affiliate, the partner, the person (also the holder), two issues, the event
    snapshot = workspace.store.snapshot()
    names = {e.id: e.name for e in snapshot.elements}
    assert names["open-knowledge-nordic"] == "Open Knowledge Nordic" and names["aiko-novak"] == "Aiko Novak"
    ties = {(c.source, c.target, c.type.value): c.props for c in snapshot.connections}
    assert ties[("aiko-novak", "open-knowledge-nordic", "HOLDS")] == {
        "strength": 4, "since": "2021-03", "last_contact": "2026-10", "primary": True}
    assert ties[("aiko-novak", "wikimedia-example", "MEMBER_OF")] == {"role": "Partnerships lead", "since": "2019"}
    assert ("wikimedia-example", "open-knowledge-nordic", "PARTNERS_WITH") in ties
    assert ("open-knowledge-nordic", "open-access", "WORKS_ON") in ties
    assert ties[("aiko-novak", "nordic-open-culture-days", "ATTENDS")] == {
        "role": "speaker", "status": "registered", "source": "registration list"}
    assert ("open-knowledge-nordic", "nordic-open-culture-days", "ORGANISES") in ties


def test_a_year_alone_imports_and_the_analyses_read_it(workspace: Workspace, tmp_path: Path):
    sheet = write(tmp_path / "s.csv", "Partner,Held by,Since,Last contact,Strength\nForum,Ann,2019,2020,high\n")
    workspace.data.import_rows(*resolve(read_source(sheet)))
    found = workspace.questions.holders(HoldersQuery(partner="forum", today=date(2021, 1, 15)))
    assert [(h["id"], h["since"], h["last_contact"], h["months_since_contact"]) for h in found["holders"]] == [
        ("ann", "2019", "2020", 12)]


def test_the_template_command_writes_the_workbook(tmp_path: Path):
    cli = Cli(str(tmp_path / "graph.db"))
    done = cli("template", str(tmp_path / "t.xlsx"))
    assert done.exit_code == 0 and "wrote the import template" in done.output
    assert load_workbook(tmp_path / "t.xlsx").sheetnames == ["Partners", "People", "Events", "Attendance", "Elements", "Connections"]
    done = cli("template", str(tmp_path / "t.txt"))
    assert done.exit_code == 1 and done.output.count("\n") == 1 and "Traceback" not in done.output


def test_import_help_lists_the_shapes_and_points_to_the_docs(tmp_path: Path):
    text = Cli(str(tmp_path / "graph.db"))("import", "--help").output
    assert "partner list" in text and "people list" in text and "docs/import-format.md" in text
    assert "partnergraph template FILE.xlsx" in text


def test_an_editor_downloads_the_template_from_the_import_page(editor_client):
    page = editor_client.get("/edit/import").get_data(as_text=True)
    assert 'href="/edit/import/template.xlsx"' in page and "Download template" in page
    got = editor_client.get("/edit/import/template.xlsx")
    assert got.status_code == 200 and got.mimetype.endswith("spreadsheetml.sheet")
    assert got.data[:2] == b"PK" and "attachment" in got.headers["Content-Disposition"]
    head = editor_client.head("/edit/import/template.xlsx")
    assert head.status_code == 200 and head.data == b""
