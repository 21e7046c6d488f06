"""Read values as people type them: dates, strengths, yes/no, statuses, attendance, organisation types, countries.

Each reader returns the value in the import format (docs/import-format.md), or raises ValueError
with what is accepted. `Normaliser` applies them to the cells of a list, reports each value it
changed, and collects problems (all or nothing) and warnings. The accepted spellings are listed in
docs/import-format.md#lists-as-you-keep-them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from partnergraph.io.countries import COUNTRY_NAMES
from partnergraph.io.headers import ATTENDANCE, fold
from partnergraph.io.reader import cell_value
from partnergraph.model import COUNTRY_CODES, Location, Problem, parse_date, parse_strength
from partnergraph.schema import ORGANISATION_TYPES, canonical_type

DateOrder = Literal["dmy", "mdy"]
DATES_ACCEPTED = "2021, 2021-03, 2021-03-15, March 2021, 03/2021"
_MONTHS = {fold(name): number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MONTH = r"([A-Za-z]{3,9})\.?"
_YEAR_MONTH_WORDS = re.compile(rf"^{_MONTH},?\s+(\d{{4}})$")  # March 2021, Mar. 2021
_DAY_MONTH_YEAR = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(\d{{4}})$")  # 21 March 2021
_MONTH_DAY_YEAR = re.compile(rf"^{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$")  # March 21, 2021
_MONTH_SLASH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{4})$")  # 03/2021
_NUMERIC_DAY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")  # 03/04/2021, 3.4.2021
_YEAR_FIRST = re.compile(r"^(\d{4})[/.](\d{1,2})(?:[/.](\d{1,2}))?$")  # 2021/03/15
_WITH_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")  # a spreadsheet's datetime


def read_date(value: Any, date_order: DateOrder | None = None) -> str:
    """Return an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD) from the spellings people use, else raise ValueError.

    ``03/04/2021`` is refused as ambiguous unless `date_order` says which comes first; ``25/12/2021``
    is not ambiguous.
    """
    text = " ".join(str(cell_value(value)).split())
    try:
        return parse_date(text)
    except ValueError:
        pass
    found = _read_date(text, date_order)
    if found is None:
        raise ValueError(f"{text!r} is not a date (accepted: {DATES_ACCEPTED})")
    try:
        return parse_date(found)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date (accepted: {DATES_ACCEPTED})") from None


def _month(word: str) -> int | None:
    return _MONTHS.get(fold(word))


def _iso(year: int | str, month: int | str | None, day: int | str | None = None) -> str:
    text = f"{int(year):04d}"
    if month is not None:
        text += f"-{int(month):02d}"
        if day is not None:
            text += f"-{int(day):02d}"
    return text


def _read_date(text: str, date_order: DateOrder | None) -> str | None:
    if m := _WITH_TIME.match(text):
        return m[1]
    if (m := _YEAR_MONTH_WORDS.match(text)) and _month(m[1]):
        return _iso(m[2], _month(m[1]))
    if (m := _DAY_MONTH_YEAR.match(text)) and _month(m[2]):
        return _iso(m[3], _month(m[2]), m[1])
    if (m := _MONTH_DAY_YEAR.match(text)) and _month(m[1]):
        return _iso(m[3], _month(m[1]), m[2])
    if m := _MONTH_SLASH_YEAR.match(text):
        return _iso(m[2], m[1])
    if m := _YEAR_FIRST.match(text):
        return _iso(m[1], m[2], m[3])
    if m := _NUMERIC_DAY.match(text):
        first, second, year = int(m[1]), int(m[2]), m[3]
        if date_order == "dmy":
            return _iso(year, second, first)
        if date_order == "mdy":
            return _iso(year, first, second)
        if first > 12 >= second:
            return _iso(year, second, first)
        if second > 12 >= first:
            return _iso(year, first, second)
        if first == second:
            return _iso(year, first, second)
        raise ValueError(f"{text!r} is ambiguous: day {first} of month {second}, or month {first} day {second}? "
                         f"(give the date order: --date-order dmy or mdy)")
    return None


# A span of days as event lists write it: "2025-03-10 to 2025-03-12", "10–12 March 2025",
# "10 March - 12 March 2025". The first date may leave out what it shares with the second.
_SPAN = re.compile(r"\s+(?:to|until|till)\s+|\s*[–—]\s*|\s+-\s+", re.IGNORECASE)
_DAY_SPAN = re.compile(r"^(\d{1,2})-(\d{1,2})(\s.+)$")  # 10-12 March 2025
SPAN_SEPARATOR = " to "


def read_date_span(value: Any, date_order: DateOrder | None = None) -> str:
    """Return "START to END" (ISO dates) from a span of days as people write it, or one date alone; else raise."""
    text = " ".join(str(cell_value(value)).split())
    if m := _DAY_SPAN.match(text):
        first, last = m[1] + m[3], m[2] + m[3]
    else:
        parts = _SPAN.split(text, maxsplit=1)
        if len(parts) == 1:
            return read_date(text, date_order)
        first, last = parts
    end = read_date(last, date_order)
    shared = last.split()[1:]
    for borrowed in range(len(shared) + 1):  # "10" and "12 March 2025": the first is 10 March 2025
        try:
            start = read_date(" ".join([first, *shared[len(shared) - borrowed:]]), date_order)
            break
        except ValueError as exc:
            if "ambiguous" in str(exc):
                raise
    else:
        raise ValueError(f"{text!r} is not a span of dates (accepted: 2025-03-10 to 2025-03-12, "
                         f"10-12 March 2025, 10 March - 12 March 2025)")
    return f"{start}{SPAN_SEPARATOR}{end}"


_STRENGTH_WORDS = {"very high": 5, "very strong": 5, "high": 4, "strong": 4, "medium": 3, "moderate": 3,
                   "low": 2, "weak": 2, "very low": 1, "very weak": 1}
STRENGTHS_ACCEPTED = "1 to 5, very low/very weak, low/weak, medium/moderate, high/strong, very high/very strong"


def read_strength(value: Any) -> int:
    """Return a tie strength 1..5 from a number or a word (high, weak...), else raise ValueError."""
    word = _STRENGTH_WORDS.get(fold(str(value)))
    if word is not None:
        return word
    try:
        return parse_strength(cell_value(value))
    except ValueError:
        raise ValueError(f"{cell_value(value)!r} is not a strength (accepted: {STRENGTHS_ACCEPTED})") from None


_TRUE, _FALSE = ("yes", "y", "true", "1"), ("no", "n", "false", "0")


def read_bool(value: Any) -> bool:
    """Return a boolean from yes/no, y/n, true/false, 1/0 (any case), else raise ValueError."""
    if isinstance(value, bool):
        return value
    text = fold(str(cell_value(value)))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{cell_value(value)!r} is not yes or no (accepted: yes/no, y/n, true/false, 1/0)")


# Other words for a partner status (compared folded): the import format's statuses are the values.
STATUS_WORDS = {"active": ("current", "ongoing"), "prospective": ("prospect", "potential", "planned"),
                "dormant": ("inactive", "paused", "lapsed", "former", "past")}
_STATUS = {fold(word): status for status, words in STATUS_WORDS.items() for word in (status, *words)}


def read_status(value: Any) -> str:
    """Return a partner status (active, prospective, dormant) from it or another word for it, else raise."""
    found = _STATUS.get(fold(str(cell_value(value))))
    if found is None:
        words = ", ".join(f"{s} ({'/'.join(w)})" for s, w in STATUS_WORDS.items())
        raise ValueError(f"{cell_value(value)!r} is not a partner status (accepted: {words})")
    return found


_COUNTRY = {fold(name): code for code, names in COUNTRY_NAMES.items() for name in names}
_AMBIGUOUS_COUNTRIES = {"congo": "CD or CG", "korea": "KR or KP", "guinea": "GN, GW or GQ"}


def read_country(value: Any) -> str:
    """Return an ISO 3166-1 alpha-2 code from a code (any case), an English country name or a place
    ending in one ("Brussels, Belgium"), else raise."""
    text = str(cell_value(value)).strip()
    if text.upper() in COUNTRY_CODES:
        return text.upper()
    if "," in text and fold(text) not in _COUNTRY:
        last = text.rsplit(",", 1)[1].strip()
        if last.upper() in COUNTRY_CODES or fold(last) in _COUNTRY:
            return read_country(last)
    folded = fold(text)
    if folded in _AMBIGUOUS_COUNTRIES:
        raise ValueError(f"{text!r} names more than one country ({_AMBIGUOUS_COUNTRIES[folded]}): give its ISO code")
    code = _COUNTRY.get(folded)
    if code is None:
        raise ValueError(f"{text!r} is not a country (accepted: an ISO 3166 code such as DE, "
                         f"or an English name such as Germany)")
    return code


# Attendance (an attendance list's role and status columns), compared folded. A role word in the
# past tense says the person went; one in the present tense leaves the status to the event's dates.
ROLE_WORDS = {"attendee": ("attended", "participant", "participated", "delegate", "visitor", "guest", "audience"),
              "speaker": ("spoke", "speaking", "talk", "gave a talk", "presenter", "presented", "panelist",
                          "panellist", "panel", "keynote", "moderator", "moderated"),
              "organiser": ("organizer", "organised", "organized", "host", "hosted", "co organiser", "co organizer"),
              "exhibitor": ("exhibited", "exhibiting", "stand", "booth")}
ATTENDANCE_WORDS = {"attended": ("went", "yes", "y", "x", "present", "was there", "participated", "checked in",
                                 "spoke", "presented", "exhibited", "organised", "organized", "hosted"),
                    "registered": ("signed up", "confirmed", "booked", "ticket", "going"),
                    "planned": ("plan", "planning", "plans to go", "will go", "wants to go", "interested", "maybe",
                                "tentative", "considering")}
NOT_ATTENDING = ("no", "n", "did not go", "didn t go", "did not attend", "no show", "cancelled", "canceled",
                 "declined", "not going", "absent")
ABSENT = "absent"  # what read_attendance_status returns for a row saying the person did not go
_ROLE = {fold(word): role for role, words in ROLE_WORDS.items() for word in (role, *words)}
_ATTENDANCE = {fold(word): status for status, words in ATTENDANCE_WORDS.items() for word in (status, *words)}
_ATTENDANCE.update({fold(word): ABSENT for word in NOT_ATTENDING})


def _accepted(words: Mapping[str, tuple[str, ...]]) -> str:
    return ", ".join(f"{value} ({'/'.join(w[:3])}...)" for value, w in words.items())


def read_attendance_role(value: Any) -> str:
    """Return an attendance role (attendee, speaker, organiser, exhibitor) from it or another word for it, else raise."""
    found = _ROLE.get(fold(str(cell_value(value))))
    if found is None:
        raise ValueError(f"{cell_value(value)!r} is not a role at an event (accepted: {_accepted(ROLE_WORDS)})")
    return found


def read_attendance_status(value: Any) -> str:
    """Return an attendance status (attended, registered, planned), "" for a role word in the present tense
    (the status follows the event's dates), or ABSENT for a word saying the person did not go; else raise."""
    text = fold(str(cell_value(value)))
    found = _ATTENDANCE.get(text)
    if found is not None:
        return found
    if text in _ROLE:
        return ""
    raise ValueError(f"{cell_value(value)!r} is not an attendance status (accepted: {_accepted(ATTENDANCE_WORDS)}; "
                     f"no, did not go, no show, cancelled...: not there)")


LIST_SEPARATORS = re.compile(r"\s*[;\n]\s*")
NAME_LIST_SEPARATORS = re.compile(r"\s*(?:[;,\n]|\band\b|&)\s*", re.IGNORECASE)


def read_list(value: Any, separators: re.Pattern[str] = LIST_SEPARATORS) -> list[str]:
    """Return the non-empty items of a cell split at `separators` (by default `;` and line breaks)."""
    items = value if isinstance(value, list) else separators.split(str(cell_value(value)))
    return [str(item).strip() for item in items if str(item).strip()]


@dataclass
class Normaliser:
    """Read the cells of a list or of the import format, remembering what changed, what failed and what to warn."""

    date_order: DateOrder | None = None
    normalised: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # printed as "file: message"; --strict makes them problems
    _types_warned: set[str] = field(default_factory=set)
    _types: dict[str, str | None] = field(default_factory=dict)  # text -> canonical type (a list repeats them)

    def read(self, where: Location, header: str, target: str, value: Any, shape: str = "") -> Any:
        """Return the cell `value` of column `header` read as `target` (in a list of `shape`), or None after noting a problem."""
        try:
            result = self._read(where, target, value, shape)
        except ValueError as exc:
            column = f"column '{header}'" if header == target else f"column '{header}' ({target})"
            self.problems.append(Problem(where, f"{column}: {exc}", target))
            return None
        shown = cell_value(value)
        if str(result) != str(shown) and not isinstance(result, list) and not isinstance(value, bool):
            self.normalised.append({"where": str(where), "column": header, "value": str(shown), "as": result})
        return result

    def _read(self, where: Location, target: str, value: Any, shape: str) -> Any:
        if shape == ATTENDANCE and target in ("role", "status"):
            return read_attendance_role(value) if target == "role" else read_attendance_status(value)
        if target in ("since", "until", "last_contact", "start", "end"):
            return read_date(value, self.date_order)
        if target == "dates":
            return read_date_span(value, self.date_order)
        if target == "strength":
            return read_strength(value)
        if target in ("public", "primary"):
            return read_bool(value)
        if target == "status":
            return read_status(value)
        if target == "country":
            return read_country(value)
        if target == "type":
            return self._type(where, str(cell_value(value)).strip())
        return value

    def _type(self, where: Location, text: str) -> str:
        if text not in self._types:
            self._types[text] = canonical_type(text)
        found = self._types[text]
        if found is not None:
            return found
        if fold(text) not in self._types_warned:
            self._types_warned.add(fold(text))
            self.warnings.append(Problem(where, f"type {text!r} is not in the vocabulary; kept as written "
                                                f"(the vocabulary: {', '.join(ORGANISATION_TYPES)})", "type"))
        return text


def normalise_full_row(values: Mapping[str, Any], where: Location, normaliser: Normaliser,
                       columns: tuple[str, ...]) -> dict[str, Any]:
    """Return a row of the import format with its `columns` read forgivingly where the strict reading fails.

    A value the model already accepts is kept exactly (so that export, import, export gives the same
    files); only the others go through the normaliser, and are reported.
    """
    out = dict(values)
    for column in columns:
        value = values.get(column)
        if value is None or value == "" or isinstance(value, (list, dict)):
            continue
        try:
            if column == "strength":
                parse_strength(value)
            else:
                parse_date(str(value))
            continue
        except (ValueError, TypeError):
            pass
        read = normaliser.read(where, column, column, value)
        if read is not None:
            out[column] = read
    return out


__all__ = ["ABSENT", "DATES_ACCEPTED", "Normaliser", "normalise_full_row", "read_attendance_role",
           "read_attendance_status", "read_bool", "read_country", "read_date", "read_date_span", "read_list", "read_status",
           "read_strength"]
