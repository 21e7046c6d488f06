"""Write the import template: a workbook with partner, people, event and attendance lists and the full import format.

Each sheet has header notes (cell comments), drop-downs for kind, type, region, strength and status
(data validation; type and region also take other values) and one example row. Importing the
template unchanged succeeds (docs/import-format.md#the-template).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from partnergraph.io.generate import REGIONS
from partnergraph.model import CONNECTION_COLUMNS, ELEMENT_COLUMNS, PARTNER_STATUSES
from partnergraph.schema import ATTENDANCE_ROLES, ATTENDANCE_STATUSES, KIND_SLUGS, ORGANISATION_TYPES, Kind, RelType

STRENGTH_CHOICES = ("very high", "high", "medium", "low", "very low", "5", "4", "3", "2", "1")
_WRITTEN_BY_IMPORTS = ("first_import", "last_import")

# (header, note, example, drop-down) per column of each list sheet.
PARTNER_SHEET: tuple[tuple[str, str, Any, str | None], ...] = (
    ("Partner", "The organisation's name. Required.", "Open Knowledge Nordic", None),
    ("Type", "What kind of organisation: pick one, or write your own.", "NGO", "type"),
    ("Country", "A country name (Norway) or ISO code (NO).", "Norway", None),
    ("Region", "Pick one, or write your own.", "Europe", "region"),
    ("Issues", "The issues it works on, separated by ; or , (names or ids).", "Open access; Copyright reform", None),
    ("Held by", "Who of us holds the relationship: names, separated by ; , or 'and'.", "Aiko Novak", None),
    ("Contact of record", "The holder accountable for the partnership (one of Held by).", "Aiko Novak", None),
    ("Since", "Since when: 2021, March 2021, 2021-03 or 2021-03-15.", "March 2021", None),
    ("Strength", "How close the holders are: very low .. very high, or 1..5.", "high", "strength"),
    ("Last contact", "When the holders were last in touch (a date).", "2026-10", None),
    ("Status", "active, prospective or dormant (coverage counts active partners).", "active", "status"),
    ("Website", "The organisation's website.", "https://okn.example.org", None),
    ("Notes", "Free text: personal data, never public.", "Met at the Nordic open culture meeting", None),
    ("ID", "Optional: a stable id, if you keep one (no spaces). Leave blank to have one made.",
     "open-knowledge-nordic", None),
)
PEOPLE_SHEET: tuple[tuple[str, str, Any, str | None], ...] = (
    ("Full name", "The person's name. Required.", "Aiko Novak", None),
    ("Organisation", "Where they work or belong: names or ids, separated by ;.", "Wikimedia Example", None),
    ("Role", "Their role there.", "Partnerships lead", None),
    ("Email", "Personal data, never public.", "aiko@example.org", None),
    ("Phone", "Personal data, never public.", "", None),
    ("Country", "A country name or ISO code.", "NO", None),
    ("Since", "Member since (a date).", "2019", None),
    ("Notes", "Free text: personal data, never public.", "", None),
)
EVENT_SHEET: tuple[tuple[str, str, Any, str | None], ...] = (
    ("Event", "The conference's or meeting's name. Required.", "Nordic Open Culture Days", None),
    ("Start", "Its first day: 2027-05-04, 4 May 2027...", "2027-05-04", None),
    ("End", "Its last day (blank: the same day).", "2027-05-05", None),
    ("Place", "A country, or a city and its country (Oslo, Norway).", "Oslo, Norway", None),
    ("Region", "Pick one, or write your own.", "Europe", "region"),
    ("Issues", "What it is about: issues separated by ; or , (names or ids).", "Open access", None),
    ("Organisers", "Who organises it: names or ids separated by ; (a new name is a new partner).",
     "Open Knowledge Nordic", None),
    ("Website", "The event's website.", "", None),
    ("Public", "May it appear in the public directory: yes or no (who attends never does).", "yes", None),
)
ATTENDANCE_SHEET: tuple[tuple[str, str, Any, str | None], ...] = (
    ("Name", "Who: a person's name. Required.", "Aiko Novak", None),
    ("Event", "Which event: its name or id. Required.", "Nordic Open Culture Days", None),
    ("Role", "attendee, speaker, organiser or exhibitor (spoke, host... are read too).", "speaker", "attendance role"),
    ("Status", "attended, registered or planned (went, yes, will go... are read too; no: not there).",
     "registered", "attendance status"),
    ("Source", "Where you know it from: personal data, never public.", "registration list", None),
)
_ELEMENT_NOTES = {"id": "Required: a unique id without spaces.", "kind": "Required: pick one.",
                  "name": "Required.", "issues": "Issue ids, separated by ;.", "member_of": "Organisation ids, separated by ;."}
_ELEMENT_EXAMPLE = {"id": "wikimedia-example", "kind": Kind.AFFILIATE.slug, "name": "Wikimedia Example", "type": "chapter",
                    "country": "NO", "region": "Europe", "public": "true"}
_CONNECTION_NOTES = {"from": "Required: an element id.", "to": "Required: an element id.",
                     "type": "Required: pick one.", "strength": "1 to 5 (KNOWS, HOLDS)."}
_CONNECTION_EXAMPLE = {"from": "wikimedia-example", "to": "open-knowledge-nordic",
                       "type": RelType.PARTNERS_WITH.value, "status": "active", "since": "2021-03"}


def _choices() -> dict[str, tuple[tuple[str, ...], bool]]:
    """Return each drop-down's values and whether other values are allowed."""
    return {
        "kind": (KIND_SLUGS, False),
        "type": (tuple(ORGANISATION_TYPES), True),
        "region": (tuple(REGIONS), True),
        "strength": (STRENGTH_CHOICES, False),
        "status": (PARTNER_STATUSES, False),
        "attendance role": (ATTENDANCE_ROLES, True),  # other words for them are read too
        "attendance status": (ATTENDANCE_STATUSES, True),
        "relationship": (tuple(r.value for r in RelType), False),
    }


def write_template(target: Path | IO[bytes]) -> None:
    """Write the import template workbook to a path or a binary stream."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    workbook.remove(workbook.active)
    choices = _choices()

    def sheet(title: str, columns: list[tuple[str, str, Any, str | None]]) -> None:
        ws = workbook.create_sheet(title)
        for number, (header, note, example, choice) in enumerate(columns, start=1):
            cell = ws.cell(1, number, header)
            cell.font = Font(bold=True)
            cell.comment = Comment(note, "partnergraph")
            if example not in ("", None):
                ws.cell(2, number, example)
            letter = get_column_letter(number)
            ws.column_dimensions[letter].width = max(12, min(40, len(str(example or header)) + 4))
            if choice is not None:
                values, open_ended = choices[choice]
                # An inline list (at most 255 characters): no extra sheet that an import would read.
                rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
                rule.showErrorMessage = not open_ended  # type and region also take values of one's own
                rule.error = f"Pick one of the {choice} values."
                rule.prompt = note
                rule.showInputMessage = True
                ws.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}1000")
        ws.freeze_panes = "A2"

    sheet("Partners", list(PARTNER_SHEET))
    sheet("People", list(PEOPLE_SHEET))
    sheet("Events", list(EVENT_SHEET))
    sheet("Attendance", list(ATTENDANCE_SHEET))
    sheet("Elements", [(c, _ELEMENT_NOTES.get(c, f"Optional: see the import format's column {c}."),
                        _ELEMENT_EXAMPLE.get(c, ""), c if c in ("kind", "type", "region", "status") else None)
                       for c in ELEMENT_COLUMNS if c not in _WRITTEN_BY_IMPORTS])
    sheet("Connections", [(c, _CONNECTION_NOTES.get(c, f"Optional: see the import format's column {c}."),
                           _CONNECTION_EXAMPLE.get(c, ""),
                           "relationship" if c == "type" else "strength" if c == "strength" else None)
                          for c in CONNECTION_COLUMNS if c not in _WRITTEN_BY_IMPORTS])
    workbook.active = 0
    workbook.save(target)
