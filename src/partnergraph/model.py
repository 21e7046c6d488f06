"""The data model: kinds of element, relationship types, their properties and validation.

Everything that enters a store passes through `validate_dataset`, which turns raw rows (from a
CSV folder, a JSON file, a workbook or the generator) into typed `Element` and `Connection`
objects, or raises `ImportFailed` listing every problem as ``file:line: message``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Kinds and relationship types are described in partnergraph.schema; importing them from here works too.
from partnergraph.schema import ATTENDANCE_ROLES, ATTENDANCE_STATUSES
from partnergraph.schema import ENDPOINTS as ENDPOINTS
from partnergraph.schema import KINDS as KINDS
from partnergraph.schema import ORGANISATIONS as ORGANISATIONS
from partnergraph.schema import RELATIONSHIPS as RELATIONSHIPS
from partnergraph.schema import Kind as Kind
from partnergraph.schema import RelType as RelType


class PartnergraphError(Exception):
    """Raise for a user error: the CLI prints its message on one line and exits 1."""


class UnknownNode(PartnergraphError):
    """Raise when an id or name matches no element."""


class NoPath(PartnergraphError):
    """Raise when two elements are not connected under the given constraints."""


class WrongKind(PartnergraphError):
    """Raise when an element is of a kind the question does not apply to."""


class StoreError(PartnergraphError):
    """Raise when a store cannot be opened or reached."""


class StoreUnavailable(StoreError):
    """Raise when a store's server cannot be reached now; the same request may work later."""


class Conflict(PartnergraphError):
    """Raise when an edit was based on a state that someone else has changed since."""


class Location(NamedTuple):
    """Where a row came from: a file and its 1-based line (header is line 1 in CSV)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """One invalid thing in an import, printed as ``file:line: message``."""

    where: Location
    message: str
    column: str | None = None  # the column (form field) at fault, when there is one

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ImportFailed(PartnergraphError):
    """Raise when an import has problems; nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"import failed with {len(problems)} {noun}; nothing was changed")


# Column names of the import format (docs/import-format.md), in the order exports write them.
ELEMENT_COLUMNS = (
    "id", "kind", "name", "type", "country", "region", "website", "status", "public",
    "tags", "notes", "email", "phone", "role", "issues", "member_of",
    "aliases", "offers", "looks_for", "public_email", "first_import", "last_import", "start", "end",
)
CONNECTION_COLUMNS = (
    "from", "to", "type", "strength", "since", "until", "last_contact", "source", "role",
    "status", "issues", "notes", "primary", "first_import", "last_import",
)
ELEMENT_PROPERTIES = tuple(c for c in ELEMENT_COLUMNS if c not in ("id", "kind", "name", "issues", "member_of"))
CONNECTION_PROPERTIES = tuple(c for c in CONNECTION_COLUMNS if c not in ("from", "to", "type"))
_LIST_COLUMNS = frozenset(("tags", "issues", "member_of", "aliases", "offers", "looks_for"))
_ELEMENT_PROPERTY_SET = frozenset(ELEMENT_PROPERTIES)
_CONNECTION_PROPERTY_SET = frozenset(CONNECTION_PROPERTIES)
PARTNER_STATUSES = ("active", "prospective", "dormant")

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ID = re.compile(r"^[^\s;]{1,200}$")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# ISO 3166-1 alpha-2 codes, officially assigned.
COUNTRY_CODES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK
""".split())


def parse_date(text: str) -> str:
    """Return `text` if it is an ISO 8601 date (``2021``, ``2021-03`` or ``2021-03-15``), else raise."""
    m = _DATE.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if m[2] is None:
        return text.strip()
    year, month, day = int(m[1]), int(m[2]), m[3]
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} has no month {month}")
    if day is not None:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        last = 29 if month == 2 and leap else (28 if month == 2 else _DAYS[month - 1])
        if not 1 <= int(day) <= last:
            raise ValueError(f"{text!r} has no day {int(day)}")
    return text.strip()


def parse_strength(value: Any) -> int:
    """Return a tie strength as an int from 1 to 5, else raise."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number from 1 to 5") from None
    if not 1 <= number <= 5 or number != int(number):
        raise ValueError(f"{value!r} is out of range (a whole number from 1 to 5)")
    return int(number)


def parse_country(text: str) -> str:
    """Return an ISO 3166-1 alpha-2 country code in upper case, else raise."""
    code = text.strip().upper()
    if code not in COUNTRY_CODES:
        raise ValueError(f"{text!r} is not an ISO 3166 alpha-2 code")
    return code


def parse_bool(value: Any) -> bool:
    """Return a boolean from true/false, yes/no, 1/0."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "y", "1"):
        return True
    if text in ("false", "no", "n", "0"):
        return False
    raise ValueError(f"{value!r} is not true or false")


def parse_list(value: Any) -> list[str]:
    """Return a list of non-empty strings from a list or a ``;``-separated string."""
    items = value if isinstance(value, list) else str(value).split(";")
    return [str(item).strip() for item in items if str(item).strip()]


def parse_email(text: str) -> str:
    """Return `text` if it looks like an email address (something@host), else raise."""
    address = text.strip()
    local, at, host = address.rpartition("@")
    if not at or not local or "." not in host or any(c.isspace() for c in address):
        raise ValueError(f"{text!r} is not an email address")
    return address


_ELEMENT_PARSERS = {
    "country": parse_country,
    "public": parse_bool,
    "tags": parse_list,
    "aliases": parse_list,
    "offers": parse_list,
    "looks_for": parse_list,
    "public_email": parse_email,
    "start": parse_date,
    "end": parse_date,
}
_CONNECTION_PARSERS = {
    "strength": parse_strength,
    "since": parse_date,
    "until": parse_date,
    "last_contact": parse_date,
    "issues": parse_list,
    "primary": parse_bool,
}
_BOOLEAN_COLUMNS = frozenset(("public", "primary"))


@dataclass
class Element:
    """A node: an affiliate, partner, contact or issue."""

    id: str
    kind: Kind
    name: str
    props: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the element as a flat, JSON-ready dict in the import format."""
        return {"id": self.id, "kind": self.kind.slug, "name": self.name, **self.props}


@dataclass
class Connection:
    """A relationship between two elements; a symmetric one (KNOWS) is stored with its ends in sorted order."""

    source: str
    target: str
    type: RelType
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.target, self.type.value)

    def to_dict(self) -> dict[str, Any]:
        """Return the connection as a flat, JSON-ready dict in the import format."""
        return {"from": self.source, "to": self.target, "type": self.type.value, **self.props}


def connection(source: str, target: str, rel: RelType, props: dict[str, Any] | None = None) -> Connection:
    """Return a connection, putting a symmetric relationship's ends in canonical order."""
    if rel.symmetric and target < source:
        source, target = target, source
    return Connection(source, target, rel, dict(props or {}))


class Row(NamedTuple):
    """A raw row of the import format and where it came from."""

    values: Mapping[str, Any]
    where: Location


@dataclass
class Dataset:
    """Validated elements and connections, ready for a store."""

    elements: list[Element]
    connections: list[Connection]


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _parse_props(row: Row, columns: frozenset[str], parsers: dict, problems: list[Problem]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    # Walk the row's own cells (most are empty) rather than every known column.
    for column, value in row.values.items():
        if column not in columns or value == "" or _blank(value):
            continue
        parser = parsers.get(column)
        try:
            parsed = parser(_capped(_scalar(value, column), column)) if parser else _text(_scalar(value, column), _CAPS.get(column, TEXT_MAX))
        except ValueError as exc:
            problems.append(Problem(row.where, f"column '{column}': {exc}", column))
            continue
        if parsed != []:  # an empty list is no value: store nothing, so that exports round-trip
            props[column] = parsed
    return props


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters XML 1.0 forbids (besides the control characters above): lone surrogates, U+FFFE, U+FFFF.
# One of them in a store would break every GraphML and GEXF export, so they are refused at input.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")

# Field length caps, in characters (docs/security.md#bounded-input): ids are capped by `_ID`.
ID_MAX = 200
NAME_MAX = 300
NOTES_MAX = 200_000
TEXT_MAX = 10_000  # every other text cell, and a list cell (tags, issues, member_of) as a whole
_CAPS = {"id": ID_MAX, "name": NAME_MAX, "notes": NOTES_MAX}


def _scalar(value: Any, column: str) -> Any:
    # JSON and workbooks bring numbers, booleans and nested values; only lists of text (for
    # list columns) and scalars are data of this model.
    if isinstance(value, dict) or (isinstance(value, list) and column not in _LIST_COLUMNS):
        raise ValueError(f"expected a single value, got {type(value).__name__}")
    if isinstance(value, float) and value != value:
        raise ValueError("NaN is not a value")
    if isinstance(value, bool) and column not in _BOOLEAN_COLUMNS:
        raise ValueError(f"expected text or a number, got {str(value).lower()}")
    if isinstance(value, list):
        return [_text(item) for item in value]
    if isinstance(value, (int, float)) and column not in ("strength",):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return value


def _text(value: Any, limit: int = TEXT_MAX) -> str:
    """Return `value` as stripped text of at most `limit` characters; control characters (other than
    tab/newline) and characters XML 1.0 forbids are refused."""
    if isinstance(value, (dict, list)):
        raise ValueError(f"expected a single value, got {type(value).__name__}")
    text = str(value).strip()
    if len(text) > limit:
        raise ValueError(f"is {len(text):,} characters long; at most {limit:,} are allowed")
    if _CONTROL.search(text):
        raise ValueError("contains a control character")
    bad = _NOT_XML.search(text)
    if bad:
        raise ValueError(f"contains U+{ord(bad.group()):04X}, a character XML 1.0 forbids")
    return text


def checked_text(value: Any, column: str) -> str:
    """Return `value` as the stripped text an import accepts in `column` (its length cap, no control
    characters nor characters XML 1.0 forbids), else raise ValueError."""
    return _text(value, _CAPS.get(column, TEXT_MAX))


def _capped(value: Any, column: str) -> Any:
    """Return `value` after checking its length and characters, as the value a parser receives."""
    if isinstance(value, list):
        if sum(len(str(item)) for item in value) > TEXT_MAX:
            raise ValueError(f"holds more than {TEXT_MAX:,} characters")
        return [_text(item) for item in value]
    if isinstance(value, str):
        _text(value, _CAPS.get(column, TEXT_MAX))
    return value


def _before(later: str | None, earlier: str | None) -> bool:
    """Return whether date `later` is before `earlier`, compared at the coarser of their precisions
    (2021-03 is not before 2021-03-15)."""
    if not later or not earlier:
        return False
    common = min(len(later), len(earlier))
    return later[:common] < earlier[:common]


def validate_dataset(
    element_rows: Iterable[Row],
    connection_rows: Iterable[Row],
    existing_kinds: Mapping[str, Kind] | None = None,
) -> Dataset:
    """Check raw rows and return typed elements and connections, or raise `ImportFailed`.

    `existing_kinds` maps ids already in the store to their kind, so that connections may
    refer to them and a re-import may not change an element's kind.
    """
    existing_kinds = existing_kinds or {}
    problems: list[Problem] = []
    elements: dict[str, Element] = {}
    first_seen: dict[str, Location] = {}
    derived: list[tuple[Row, str, str, RelType]] = []

    for row in element_rows:
        values = row.values
        missing = [c for c in ("id", "kind", "name") if _blank(values.get(c))]
        if missing:
            problems.append(Problem(row.where, f"missing required column value: {', '.join(missing)}", missing[0]))
            continue
        try:
            column = "id"
            element_id = _text(_scalar(values[column], column), ID_MAX)
            column = "name"
            name = _text(_scalar(values[column], column), NAME_MAX)
        except ValueError as exc:
            problems.append(Problem(row.where, f"column '{column}': {exc}", column))
            continue
        if not _ID.match(element_id):
            problems.append(Problem(row.where, f"id {element_id!r} may not contain spaces or ';'", "id"))
            continue
        try:
            kind = Kind.parse(_text(values["kind"], 100))  # capped: a refused value is echoed in the problem
        except ValueError as exc:
            problems.append(Problem(row.where, f"column 'kind': {exc}", "kind"))
            continue
        if element_id in first_seen:
            problems.append(Problem(row.where, f"duplicate id {element_id!r} (first at {first_seen[element_id]})", "id"))
            continue
        first_seen[element_id] = row.where
        if existing_kinds.get(element_id, kind) is not kind:
            problems.append(Problem(row.where, f"id {element_id!r} already exists as {_a(existing_kinds[element_id].slug)}", "id"))
            continue
        props = _parse_props(row, _ELEMENT_PROPERTY_SET, _ELEMENT_PARSERS, problems)
        if kind is Kind.PARTNER and props.get("status") and props["status"].lower() not in PARTNER_STATUSES:
            problems.append(Problem(row.where, f"column 'status': {props['status']!r} is not one of {', '.join(PARTNER_STATUSES)}", "status"))
        if _before(props.get("end"), props.get("start")):
            problems.append(Problem(row.where, f"end {props['end']} is before start {props['start']}", "end"))
        elements[element_id] = Element(element_id, kind, name, props)
        for column, rel in (("issues", RelType.WORKS_ON), ("member_of", RelType.MEMBER_OF)):
            if not _blank(values.get(column)):
                for target in parse_list(values[column]):
                    derived.append((row, element_id, target, rel))

    def kind_of(element_id: str) -> Kind | None:
        element = elements.get(element_id)
        return element.kind if element else existing_kinds.get(element_id)

    def check_ends(row: Row, source: str, target: str, rel: RelType) -> bool:
        ok = True
        allowed_from, allowed_to = ENDPOINTS[rel]
        for end, element_id, allowed in (("from", source, allowed_from), ("to", target, allowed_to)):
            kind = kind_of(element_id)
            if kind is None:
                problems.append(Problem(row.where, f"{rel.value} {end} unknown id {element_id!r}", end))
                ok = False
            elif kind not in allowed:
                names = " or ".join(_a(k.slug) for k in allowed)
                problems.append(Problem(row.where, f"{rel.value} {end} {element_id!r} must be {names}, not {_a(kind.slug)}", end))
                ok = False
        if ok and source == target:
            problems.append(Problem(row.where, f"{rel.value} connects {source!r} to itself", "to"))
            ok = False
        return ok

    connections: dict[tuple[str, str, str], Connection] = {}
    explicit: dict[tuple[str, str, str], Location] = {}
    for row in connection_rows:
        values = row.values
        missing = [c for c in ("from", "to", "type") if _blank(values.get(c))]
        if missing:
            problems.append(Problem(row.where, f"missing required column value: {', '.join(missing)}", missing[0]))
            continue
        try:
            rel = RelType.parse(_text(values["type"], 100))  # capped: a refused value is echoed in the problem
        except ValueError as exc:
            problems.append(Problem(row.where, f"column 'type': {exc}", "type"))
            continue
        try:
            column = "from"
            source = _text(_scalar(values[column], column), ID_MAX)
            column = "to"
            target = _text(_scalar(values[column], column), ID_MAX)
        except ValueError as exc:
            problems.append(Problem(row.where, f"column '{column}': {exc}", column))
            continue
        before = len(problems)
        props = _parse_props(row, _CONNECTION_PROPERTY_SET, _CONNECTION_PARSERS, problems)
        # Compare at the coarser of the two precisions: 2021-03 is not before 2021-03-15.
        if _before(props.get("until"), props.get("since")):
            problems.append(Problem(row.where, f"until {props['until']} is before since {props['since']}", "until"))
        if rel is RelType.ATTENDS:
            for column, allowed in (("role", ATTENDANCE_ROLES), ("status", ATTENDANCE_STATUSES)):
                if props.get(column):
                    props[column] = props[column].lower()
                    if props[column] not in allowed:
                        problems.append(Problem(row.where, f"column '{column}': {values[column]!r} is not one of {', '.join(allowed)}", column))
        if "primary" in props and rel is not RelType.HOLDS:
            problems.append(Problem(row.where, f"column 'primary': only a HOLDS tie has a contact of record, not {rel.value}", "primary"))
        if not check_ends(row, source, target, rel) or len(problems) > before:
            continue
        conn = connection(source, target, rel, props)
        if conn.key in explicit:
            problems.append(Problem(row.where, f"duplicate {rel.value} from {source!r} to {target!r} (first at {explicit[conn.key]})"))
            continue
        explicit[conn.key] = row.where
        connections[conn.key] = conn

    # Columns `issues` and `member_of` create plain relationships; an explicit row wins.
    for row, source, target, rel in derived:
        if check_ends(row, source, target, rel):
            conn = connection(source, target, rel)
            connections.setdefault(conn.key, conn)

    if problems:
        problems.sort(key=lambda p: (p.where.file, p.where.line))
        raise ImportFailed(problems)
    return Dataset(list(elements.values()), list(connections.values()))
