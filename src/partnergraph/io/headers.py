"""Recognise a list's columns: the table of header synonyms, the shape of a sheet, and saved mappings.

The synonym table is the contract of docs/import-format.md#lists-as-you-keep-them (the page's
table is checked against `SYNONYMS` by tests/test_lists.py). Headers are compared folded: case,
accents, spaces and punctuation aside, so "Relationship-Owner", "relationship owner" and
"RELATIONSHIP  OWNER" are one header.
"""

from __future__ import annotations

import json
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from partnergraph.model import PartnergraphError

PARTNERS = "partners"
PEOPLE = "people"
EVENTS = "events"
ATTENDANCE = "attendance"
SHAPES = (PARTNERS, PEOPLE, EVENTS, ATTENDANCE)  # a tie between shapes goes to the earlier
SHAPE_LABELS = {PARTNERS: "partner list", PEOPLE: "people list", EVENTS: "event list", ATTENDANCE: "attendance list"}
IGNORE = "-"  # --map 'Header=-': the column is deliberately not imported (no warning)


@lru_cache(maxsize=1 << 16)  # a list repeats its values (types, holders, strengths): fold each once
def fold(text: str) -> str:
    """Return `text` folded for comparison: accents, case, punctuation and repeated spaces aside."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


@dataclass(frozen=True)
class Synonyms:
    """The headers that mean one field of a list, in the shapes of list it applies to."""

    field: str  # what --map names; the import format's column where there is one
    meaning: str
    headers: tuple[str, ...]  # preferred first: of two columns meaning one field, the earlier synonym wins
    shapes: tuple[str, ...] = (PARTNERS, PEOPLE)


SYNONYMS: tuple[Synonyms, ...] = (
    Synonyms("id", "the element's id, when the list keeps one (else names are the references)",
             ("id", "identifier"), (PARTNERS, PEOPLE, EVENTS)),
    Synonyms("name", "the organisation's name", ("partner name", "organisation name", "organization name",
             "organisation", "organization", "partner", "name", "org"), (PARTNERS,)),
    Synonyms("name", "the person's name", ("full name", "person", "contact name", "person name", "contact", "name"),
             (PEOPLE,)),
    Synonyms("name", "the event's name", ("event", "event name", "conference", "conference name", "meeting",
             "event title", "title", "name"), (EVENTS,)),
    Synonyms("name", "the name of the person who attended, is registered or plans to go",
             ("full name", "person", "attendee", "participant", "delegate", "contact name", "person name", "contact",
              "name"), (ATTENDANCE,)),
    Synonyms("event", "the event attended, by name or id", ("event", "event name", "conference", "conference name",
             "meeting"), (ATTENDANCE,)),
    Synonyms("member_of", "the organisation(s) the person works at or belongs to (a membership each)",
             ("organisation", "organization", "organisations", "organizations", "organisation(s)",
              "organization(s)", "employer", "affiliation", "affiliations", "member of", "works at"),
             (PEOPLE, ATTENDANCE)),
    Synonyms("type", "the organisation's type, read against the vocabulary",
             ("type", "category", "kind of organisation", "kind of organization", "organisation type",
              "organization type", "sector"), (PARTNERS,)),
    Synonyms("country", "a country name or ISO code", ("country", "country code"), (PARTNERS, PEOPLE)),
    Synonyms("country", "where the event is: a country name or code, or a place ending in one (Brussels, Belgium)",
             ("country", "country code", "place", "location", "venue"), (EVENTS,)),
    Synonyms("region", "a region", ("region", "world region"), (PARTNERS, PEOPLE, EVENTS)),
    Synonyms("issues", "the issues it works on (an event: its topics), by name or id", ("issues", "issue", "topics",
             "topic", "focus areas", "focus area", "themes", "theme"), (PARTNERS, EVENTS)),
    Synonyms("holders", "who holds the relationship (one HOLDS tie each)",
             ("held by", "holders", "holder", "relationship holder", "relationship holders", "our contact",
              "our contacts", "contact person", "relationship owner", "relationship manager"), (PARTNERS,)),
    Synonyms("contact_of_record", "the holder who is the contact of record (HOLDS primary: true)",
             ("contact of record", "primary contact", "main contact", "lead contact"), (PARTNERS,)),
    Synonyms("organisers", "who organises the event, by name or id (an ORGANISES tie each; a new name is a partner)",
             ("organisers", "organiser", "organizers", "organizer", "organiser(s)", "organizer(s)", "organised by",
              "organized by", "host", "hosts", "hosted by"), (EVENTS,)),
    Synonyms("since", "since when (the holders' ties; a person's membership)",
             ("since", "start", "started", "start date", "partner since", "member since"), (PARTNERS, PEOPLE)),
    Synonyms("until", "until when (a person's membership)", ("until", "end", "ended", "end date"), (PEOPLE,)),
    Synonyms("start", "the event's first day", ("start", "start date", "date", "from", "begins", "starts",
             "first day"), (EVENTS,)),
    Synonyms("end", "the event's last day", ("end", "end date", "to", "until", "ends", "last day"), (EVENTS,)),
    Synonyms("dates", "the event's days in one cell (10-12 March 2025): its start and end", ("dates", "when",
             "date range"), (EVENTS,)),
    Synonyms("strength", "how strong the holders' ties are", ("strength", "closeness", "relationship strength",
             "tie strength"), (PARTNERS,)),
    Synonyms("last_contact", "when the holders were last in touch", ("last contact", "last contacted",
             "last meeting", "last contact date", "last met"), (PARTNERS,)),
    Synonyms("source", "how the holders' ties came about", ("source", "how we met"), (PARTNERS,)),
    Synonyms("source", "where the attendance is known from", ("source", "how we know"), (ATTENDANCE,)),
    Synonyms("website", "the organisation's or event's website", ("website", "web", "url", "web site", "homepage"),
             (PARTNERS, EVENTS)),
    Synonyms("email", "an email address (personal data)", ("email", "e mail", "email address"), (PARTNERS, PEOPLE, ATTENDANCE)),
    Synonyms("phone", "a phone number (personal data)", ("phone", "telephone", "phone number", "mobile"),
             (PARTNERS, PEOPLE, ATTENDANCE)),
    Synonyms("role", "the person's role (on each membership)", ("role", "position", "job title", "title"), (PEOPLE,)),
    Synonyms("role", "the part the person plays: attendee, speaker, organiser or exhibitor (spoke: speaker)",
             ("role", "attended as", "participation", "as"), (ATTENDANCE,)),
    Synonyms("status", "the partnership's status: active, prospective or dormant",
             ("status", "partner status", "partnership status"), (PARTNERS,)),
    Synonyms("status", "whether they went: attended, registered or planned (yes, went: attended; will go: planned)",
             ("status", "attendance", "attended", "attending", "going", "registration", "rsvp"), (ATTENDANCE,)),
    Synonyms("notes", "free text (personal data)", ("notes", "note", "comments", "comment", "remarks"),
             (PARTNERS, PEOPLE, EVENTS, ATTENDANCE)),
    Synonyms("aliases", "other names: an acronym, an old name", ("aliases", "alias", "also known as", "aka",
             "other names", "acronym"), (PARTNERS, PEOPLE, EVENTS)),
    Synonyms("offers", "what the partner offers", ("offers", "offer", "what they offer"), (PARTNERS,)),
    Synonyms("looks_for", "what the partner looks for", ("looks for", "looking for", "what they look for",
             "needs"), (PARTNERS,)),
    Synonyms("public_email", "a role address meant to be public", ("public email", "general email"), (PARTNERS,)),
    Synonyms("tags", "tags", ("tags", "tag", "labels", "keywords"), (PARTNERS, PEOPLE, EVENTS)),
    Synonyms("public", "may it appear in the public directory (yes/no)", ("public", "published"), (PARTNERS, EVENTS)),
)

# The fields of a shape, and what each folded header means in it.
FIELDS: dict[str, tuple[str, ...]] = {
    shape: tuple(dict.fromkeys(s.field for s in SYNONYMS if shape in s.shapes)) for shape in SHAPES}
_BY_HEADER: dict[str, dict[str, tuple[str, int]]] = {shape: {} for shape in SHAPES}
for _synonyms in SYNONYMS:
    for _shape in _synonyms.shapes:
        for _rank, _header in enumerate((*_synonyms.headers, _synonyms.field)):
            _BY_HEADER[_shape].setdefault(fold(_header), (_synonyms.field, _rank))
# What tells the shapes apart. A partner list and a people list: the fields that only one of the
# two has. An event list: its dates and organisers, and a name column that names an event.
_ONLY = {shape: set(FIELDS[shape]) - set(FIELDS[other]) for shape, other in ((PARTNERS, PEOPLE), (PEOPLE, PARTNERS))}
_ONLY[EVENTS] = {"start", "end", "dates", "organisers"}
_OTHER_NAMES = {h for s in SYNONYMS if s.field == "name" and EVENTS not in s.shapes for h in map(fold, s.headers)}
_REQUIRED = {ATTENDANCE: {"name", "event"}}  # an attendance list names a person and an event on each row
@dataclass
class Columns:
    """What each column of a sheet is read as, in one shape."""

    shape: str
    fields: dict[int, str]  # column index -> field
    unknown: list[int]  # indices of headers no field matches
    shadowed: list[tuple[int, int]]  # (index, index of the column already read as that field)
    ignored: list[int]  # mapped to IGNORE


def columns(header: list[str], shape: str, mapping: Mapping[str, str]) -> Columns:
    """Return what each header means in `shape`; a `mapping` entry (header as written -> field) wins over the table."""
    mapped = {fold(k): v for k, v in mapping.items()}
    chosen: dict[str, tuple[int, int]] = {}  # field -> (rank, index); mapped columns rank -1
    unknown, ignored, shadowed = [], [], []
    for index, text in enumerate(header):
        if not text:
            continue
        folded = fold(text)
        if folded in mapped:
            target, rank = mapped[folded], -1
            if target == IGNORE:
                ignored.append(index)
                continue
        elif folded in _BY_HEADER[shape]:
            target, rank = _BY_HEADER[shape][folded]
        else:
            unknown.append(index)
            continue
        if target in chosen and chosen[target][0] <= rank:
            shadowed.append((index, chosen[target][1]))
            continue
        if target in chosen:
            shadowed.append((chosen[target][1], index))
        chosen[target] = (rank, index)
    return Columns(shape, {index: target for target, (_, index) in chosen.items()}, unknown, shadowed, ignored)


def recognise(header: list[str], mapping: Mapping[str, str]) -> Columns | None:
    """Return the columns of the shape the header says (a partner, people, event or attendance list), or None.

    A sheet with a person column and an event column is an attendance list. Otherwise it is a list
    of the shapes whose name column it has; when several fit (a "Name" column), the shape with more
    columns of its own wins (an event list: start, end, organisers, and a name column such as
    "Event"), and a tie goes to the partner list, then the people list.
    """
    found = {shape: columns(header, shape, mapping) for shape in SHAPES}
    fitting = [c for c in found.values() if _REQUIRED.get(c.shape, {"name"}) <= set(c.fields.values())]
    if not fitting:
        return None
    if found[ATTENDANCE] in fitting:
        return found[ATTENDANCE]

    def score(c: Columns) -> int:
        own = len(set(c.fields.values()) & _ONLY[c.shape])
        if c.shape == EVENTS:
            name = next(i for i, f in c.fields.items() if f == "name")
            own += fold(header[name]) not in _OTHER_NAMES
        return own

    return max(fitting, key=lambda c: (score(c), -SHAPES.index(c.shape)))


def expected_headers() -> str:
    """Return what a list's header must have, for the problem of a sheet that is no list."""
    names = {shape: next(s for s in SYNONYMS if s.field == "name" and shape in s.shapes).headers
             for shape in (PARTNERS, PEOPLE, EVENTS)}
    event = next(s for s in SYNONYMS if s.field == "event").headers
    return (f"a partner list has a column {_either(names[PARTNERS][:5])}; a people list has a column "
            f"{_either(names[PEOPLE][:5])}; an event list has a column {_either(names[EVENTS][:5])}; "
            f"an attendance list has a person column and a column {_either(event[:3])}")


def _either(names: Iterable[str]) -> str:
    quoted = [f"'{n.title()}'" for n in names]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def check_mapping(mapping: Mapping[str, str]) -> None:
    """Raise PartnergraphError naming an entry whose field no list has."""
    known = {f for shape in SHAPES for f in FIELDS[shape]} | {IGNORE}
    for header, target in mapping.items():
        if not str(header).strip():
            raise PartnergraphError(f"mapping {header!r}={target!r}: the header is empty")
        if target not in known:
            raise PartnergraphError(f"mapping '{header}={target}': unknown field {target!r} "
                                    f"(fields: {', '.join(sorted(known - {IGNORE}))}, or {IGNORE} to skip the column)")


def load_mapping(path: Path) -> dict[str, str]:
    """Return the mapping kept in a TOML file (a table `[mapping]` of "header" = "field")."""
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PartnergraphError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PartnergraphError(f"{path}: not readable ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise PartnergraphError(f"{path}: not valid TOML ({exc})") from None
    table = document.get("mapping")
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise PartnergraphError(f'{path}: expected a table [mapping] of "header" = "field" lines')
    check_mapping(table)
    return dict(table)


def save_mapping(path: Path, mapping: Mapping[str, str]) -> None:
    """Write `mapping` as TOML that `load_mapping` reads back (JSON strings are TOML basic strings)."""
    lines = ["# partnergraph: which column of a list is which field (docs/import-format.md#lists-as-you-keep-them)",
             "[mapping]"]
    lines += [f"{_toml_string(k)} = {_toml_string(v)}" for k, v in mapping.items()]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _toml_string(text: str) -> str:
    # JSON escapes every control character TOML forbids, except DEL.
    return json.dumps(str(text), ensure_ascii=False).replace("\x7f", "\\u007f")


def synonym_table() -> str:
    """Return the synonym table as the Markdown table docs/import-format.md shows (a test keeps them equal)."""
    lines = ["| field | lists | headers that mean it | meaning |", "|---|---|---|---|"]
    for s in SYNONYMS:
        headers = ", ".join(f"`{h}`" for h in s.headers)
        shapes = ", ".join(SHAPE_LABELS[shape].removesuffix(" list") for shape in s.shapes)
        lines.append(f"| `{s.field}` | {shapes} | {headers} | {s.meaning} |")
    return "\n".join(lines)
