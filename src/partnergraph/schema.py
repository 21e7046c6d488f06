"""The schema: every kind of element and every relationship type, with all that the code needs to know of each.

One table per concept, read by the rest of the code instead of spelling type names:

- `KINDS`: per kind of element, its plural (the URL segment of its pages), help text, form fields
  and whether it is an organisation.
- `RELATIONSHIPS`: per relationship type, the kinds allowed at its two ends, whether it is
  symmetric, its form fields, help text, the verb that explanations use, the sections it makes
  on element pages, the part it plays in introduction paths and its Cypher upsert file.

Readers: `model` (ends, symmetry; it re-exports `Kind`, `RelType`, `ENDPOINTS`), `editing` (form
fields, allowed ends), `analysis.browse` (neighbour sections), `analysis.explain` (verbs),
`analysis.paths`, `analysis.path_index`, `analysis.brokers` and `analysis.graph` (path roles),
the analyses that ask "is this an organisation" (`ORGANISATION_SLUGS`), the edit page template
(symmetry) and `store.neo4j` (Cypher files). `page_sections` gives the element pages' headings.

Adding a relationship type: a member of `RelType`, an entry of `RELATIONSHIPS`, and its
cypher/write/upsert_<type>.cypher. `tests/test_schema.py` checks that it then reaches element
pages, forms, explanations, exports and the Neo4j store.

This module imports nothing of partnergraph, so that every layer may import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Literal


class Kind(StrEnum):
    """The five kinds of element; the value is the node label."""

    AFFILIATE = "Affiliate"
    PARTNER = "Partner"
    CONTACT = "Contact"
    ISSUE = "Issue"
    EVENT = "Event"

    @property
    def slug(self) -> str:
        return self.value.lower()

    @classmethod
    def parse(cls, text: str) -> Kind:
        """Return the kind named by `text`, case-insensitively."""
        found = _KINDS_BY_SLUG.get(text.strip().lower())
        if found is not None:
            return found
        raise ValueError(f"unknown kind {text!r} (expected one of {', '.join(k.slug for k in cls)})")

    @property
    def spec(self) -> KindSpec:
        return KINDS[self]


_KINDS_BY_SLUG = {kind.value.lower(): kind for kind in Kind}


class RelType(StrEnum):
    """The seven relationship types; the value is the relationship type name."""

    MEMBER_OF = "MEMBER_OF"
    KNOWS = "KNOWS"
    HOLDS = "HOLDS"
    PARTNERS_WITH = "PARTNERS_WITH"
    WORKS_ON = "WORKS_ON"
    ORGANISES = "ORGANISES"
    ATTENDS = "ATTENDS"

    @classmethod
    def parse(cls, text: str) -> RelType:
        """Return the type named by `text`, case-insensitively."""
        found = _REL_TYPES_BY_NAME.get(text.strip().upper())
        if found is not None:
            return found
        raise ValueError(f"unknown type {text!r} (expected one of {', '.join(r.value for r in cls)})")

    @property
    def spec(self) -> RelSpec:
        return RELATIONSHIPS[self]

    @property
    def symmetric(self) -> bool:
        return RELATIONSHIPS[self].symmetric


_REL_TYPES_BY_NAME = {rel.value: rel for rel in RelType}


@dataclass(frozen=True)
class KindSpec:
    """What the code needs to know of one kind of element."""

    kind: Kind
    plural: str  # the URL segment of its pages: /affiliates/<id>
    help: str
    fields: tuple[str, ...]  # the properties its form shows, in order (the API accepts any element property)
    organisation: bool = False  # people can be members of it and hold its relationship


# The side of a relationship the element of a page is on: the `from` end, the `to` end, or
# either (a symmetric type).
Side = Literal["from", "to", "either"]
# The part a type plays in introduction paths (analysis/paths.py, analysis/path_index.py):
# - "tie": a hop between two people;
# - "attachment": a person at an organisation; two people pass through it when they were there
#   at overlapping times, and a path reaches an organisation through it;
# - "topic": an organisation works on an issue (questions --to-issue, --via-issue); not a hop;
# - "attendance": a person at an event; two people who both attended it pass through it (a
#   weaker hop than co-membership, weaker still at a big or long-past event); planned or
#   registered attendance makes no hop;
# - None: paths do not read it (and a change to it keeps the path index).
PathRole = Literal["tie", "attachment", "topic", "attendance"]
HOP_ROLES = ("tie", "attachment", "attendance")  # the roles that make hops, in the order PATH_TYPES lists them


@dataclass(frozen=True)
class Section:
    """A group of neighbours on an element page, and under this key in /api/nodes."""

    key: str
    side: Side  # the side of the relationship that the page's element is on
    title: str | None  # the heading on element pages; None: not listed there (shown otherwise)
    titles: Mapping[Kind, str] = field(default_factory=dict)  # headings that differ by the page's kind
    rank: int = 0  # place among a page's sections: lower first, equal ones in table order

    def title_for(self, kind: Kind) -> str | None:
        return self.titles.get(kind, self.title)


@dataclass(frozen=True)
class RelSpec:
    """What the code needs to know of one relationship type."""

    type: RelType
    froms: tuple[Kind, ...]  # kinds allowed at the `from` end
    tos: tuple[Kind, ...]  # kinds allowed at the `to` end
    help: str
    fields: tuple[str, ...]  # the properties its form shows after from and to, in order
    verb: str  # "A <verb> B" in explanations of paths and evidence
    sections: tuple[Section, ...]  # where the other end is listed on an element page
    cypher: str  # the Neo4j store's upsert statement: cypher/<cypher>.cypher
    past_verb: str | None = None  # the verb once the relationship has ended (an `until`)
    symmetric: bool = False  # stored with its ends in sorted order; A-B is B-A
    path: PathRole | None = None
    # How the graph view draws it (docs/viewer.md#the-graph): the line's colour, dashed or not,
    # and which type an edge carrying several is drawn as (the highest `emphasis`).
    colour: str = "#9aa7b4"
    dashes: bool = False
    emphasis: int = 0
    # Personal: the relationship itself is personal data (who attended what), so only signed-in
    # readers see it at all; anonymous and public output leave it out (services/privacy.py).
    personal: bool = False

    @property
    def name(self) -> str:
        return self.type.value

    def verb_for(self, relation: Mapping[str, object]) -> str:
        """Return the verb for one relationship: the past one when it has ended."""
        if self.past_verb is not None and relation.get("until") is not None:
            return self.past_verb
        return self.verb


_KIND_TABLE = (
    KindSpec(Kind.AFFILIATE, "affiliates", "an organisation of the movement (a chapter, user group or thematic organisation)",
             ("name", "type", "country", "region", "website", "public_email", "public", "aliases", "tags", "notes"),
             organisation=True),
    KindSpec(Kind.PARTNER, "partners", "an outside organisation the movement works with",
             ("name", "type", "status", "country", "region", "website", "offers", "looks_for", "public", "aliases",
              "tags", "notes"), organisation=True),
    KindSpec(Kind.CONTACT, "contacts", "a person: a member, staff or a contact at a partner (never public)",
             ("name", "role", "email", "phone", "country", "region", "aliases", "tags", "notes")),
    KindSpec(Kind.ISSUE, "issues", "an advocacy issue, such as copyright or open access",
             ("name", "type", "public", "aliases", "tags", "notes")),
    KindSpec(Kind.EVENT, "events", "a conference or meeting, such as a partner's annual summit",
             ("name", "start", "end", "country", "region", "website", "public", "aliases", "tags", "notes")),
)
KINDS: Mapping[Kind, KindSpec] = MappingProxyType({spec.kind: spec for spec in _KIND_TABLE})
# How the graph view draws each kind (vis-network shapes); colours come from a choice of the reader.
KIND_SHAPES: Mapping[Kind, str] = MappingProxyType({Kind.AFFILIATE: "square", Kind.PARTNER: "diamond", Kind.CONTACT: "dot",
                                                    Kind.ISSUE: "triangle", Kind.EVENT: "star"})
# The colour of each kind when the picture is coloured by kind (the viewer's "Colour by kind", the
# standalone page and the viz attributes of GEXF and GraphML exports).
KIND_COLOURS: Mapping[Kind, str] = MappingProxyType({Kind.AFFILIATE: "#3b6fd8", Kind.PARTNER: "#e07b00",
                                                     Kind.CONTACT: "#1f9d8b", Kind.ISSUE: "#8e5bd8",
                                                     Kind.EVENT: "#e11d48"})
ORGANISATIONS = tuple(spec.kind for spec in _KIND_TABLE if spec.organisation)
KIND_SLUGS = tuple(kind.slug for kind in Kind)  # what the CLI, the API and forms accept as a kind
ORGANISATION_SLUGS = tuple(kind.slug for kind in ORGANISATIONS)  # as the analysis graph's nodes carry kinds

_PERSONAL_TIE_FIELDS = ("strength", "since", "last_contact", "source", "notes")

# Vocabularies (docs/import-format.md#vocabularies): the values pages, filters and the import's
# warnings know. Values outside them are kept as written.
# Organisation types: the canonical value, then other spellings that mean it (compared folded).
ORGANISATION_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "ngo": ("non-governmental organisation", "non-governmental organization", "nonprofit", "non-profit", "charity",
            "association", "civil society"),
    "glam": ("gallery", "library", "archive", "museum", "galleries libraries archives museums"),
    "academic": ("university", "research", "research institute", "school", "college"),
    "government": ("public body", "public authority", "ministry", "agency", "public sector", "igo",
                   "intergovernmental organisation"),
    "coalition": ("network", "alliance", "federation", "umbrella"),
    "company": ("business", "corporation", "firm", "private sector", "startup"),
    "media": ("press", "newspaper", "broadcaster", "publisher"),
    "foundation": ("funder", "grantmaker"),
    "chapter": ("national chapter",),
    "user_group": ("user group", "community group"),
    "thematic_organisation": ("thematic organization", "thematic org"),
})


def _folded(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


_TYPE_SPELLINGS = {_folded(spelling): canonical for canonical, others in ORGANISATION_TYPES.items()
                   for spelling in (canonical, *others)}


def canonical_type(text: str) -> str | None:
    """Return the vocabulary's organisation type that `text` spells (case, spaces and punctuation aside), or None."""
    return _TYPE_SPELLINGS.get(_folded(text))


# How pages, the directory and the CLI name each organisation type of the vocabulary.
TYPE_LABELS: Mapping[str, str] = MappingProxyType({
    "ngo": "NGO", "glam": "GLAM", "academic": "Academic", "government": "Government", "coalition": "Coalition",
    "company": "Company", "media": "Media", "foundation": "Foundation", "chapter": "Chapter",
    "user_group": "User group", "thematic_organisation": "Thematic organisation",
})


def type_label(text: str) -> str:
    """Return the readable label of an organisation type: the vocabulary's, or the text as written."""
    canonical = canonical_type(text)
    return TYPE_LABELS[canonical] if canonical is not None else text.strip()


# Attendance (ATTENDS): the part a person plays at an event, and whether they went. Only
# `attended` makes an introduction hop; `registered` and `planned` say who will go.
ATTENDANCE_ROLES = ("attendee", "speaker", "organiser", "exhibitor")
ATTENDANCE_STATUSES = ("attended", "registered", "planned")

# What a partnership offers, and what a partner looks for: the suggested vocabulary.
OFFERS = ("legal expertise", "policy research", "campaigning", "venues", "events", "data", "training",
          "media access", "funding", "technology", "translation", "networking")

# In this order: element pages and /api/nodes list neighbour sections in it (README: the
# documented key order holders, holds, members, member_of, knows, partners, affiliates, issues,
# organisations), and PATH_TYPES lists tie types, then attachment types, in it.
_REL_TABLE = (
    RelSpec(
        RelType.HOLDS, (Kind.CONTACT,), (Kind.PARTNER,),
        help="a contact holds the relationship with a partner",
        fields=(*_PERSONAL_TIE_FIELDS, "primary"),  # primary: the contact of record
        verb="holds the relationship with",
        # A partner's page shows its holders in a table of their own (relationships.holders).
        sections=(Section("holders", "to", None), Section("holds", "from", "Holds the relationship with")),
        cypher="write/upsert_holds",
        path="attachment",
        colour="#2563eb", emphasis=3,
    ),
    RelSpec(
        RelType.MEMBER_OF, (Kind.CONTACT,), ORGANISATIONS,
        help="a contact works at or is a member of an affiliate or partner",
        fields=("role", "since", "until", "notes"),
        verb="is a member of", past_verb="was a member of",
        sections=(Section("members", "to", "Members", {Kind.PARTNER: "Contacts at this partner"}),
                  Section("member_of", "from", "Member of", rank=-1)),  # first on a person's page
        cypher="write/upsert_member_of",
        path="attachment",
        colour="#9aa7b4", emphasis=2,
    ),
    RelSpec(
        RelType.KNOWS, (Kind.CONTACT,), (Kind.CONTACT,),
        help="a personal tie between two contacts",
        fields=_PERSONAL_TIE_FIELDS,
        verb="knows",
        sections=(Section("knows", "either", "Knows"),),
        cypher="write/upsert_knows",
        symmetric=True,
        path="tie",
        colour="#0f9d58", emphasis=1,
    ),
    RelSpec(
        RelType.PARTNERS_WITH, (Kind.AFFILIATE,), (Kind.PARTNER,),
        help="an affiliate partners with a partner",
        fields=("status", "since", "until", "issues", "notes"),
        verb="partners with",
        sections=(Section("partners", "from", "Partners"), Section("affiliates", "to", "Partnering affiliates")),
        cypher="write/upsert_partners_with",
        colour="#c2410c", emphasis=4,
    ),
    RelSpec(
        RelType.WORKS_ON, (*ORGANISATIONS, Kind.EVENT), (Kind.ISSUE,),
        help="an affiliate, partner or event works on an issue (an event: its topics)",
        fields=("since", "notes"),
        verb="works on",
        sections=(Section("issues", "from", "Issues"), Section("organisations", "to", "Organisations working on it")),
        cypher="write/upsert_works_on",
        path="topic",
        colour="#8e5bd8", dashes=True,
    ),
    RelSpec(
        RelType.ORGANISES, ORGANISATIONS, (Kind.EVENT,),
        help="an affiliate or partner organises an event",
        fields=("role", "notes"),
        verb="organises", past_verb="organised",
        sections=(Section("organisers", "to", "Organisers"), Section("organises", "from", "Organises")),
        cypher="write/upsert_organises",
        colour="#b7791f", emphasis=1,
    ),
    RelSpec(
        RelType.ATTENDS, (Kind.CONTACT,), (Kind.EVENT,),
        help="a contact attended, is registered for or plans to go to an event",
        fields=("role", "status", "source", "notes"),
        verb="attends",
        sections=(Section("attendees", "to", "Attendees"), Section("attends", "from", "Events")),
        cypher="write/upsert_attends",
        path="attendance",
        colour="#d97706", dashes=True,
        personal=True,
    ),
)
RELATIONSHIPS: Mapping[RelType, RelSpec] = MappingProxyType({spec.type: spec for spec in _REL_TABLE})

if set(KINDS) != set(Kind) or set(RELATIONSHIPS) != set(RelType):  # pragma: no cover - a table out of step
    raise ImportError("partnergraph.schema: every Kind and RelType needs exactly one entry in KINDS / RELATIONSHIPS")

# Which kinds each relationship type allows at its two ends.
ENDPOINTS: Mapping[RelType, tuple[tuple[Kind, ...], tuple[Kind, ...]]] = MappingProxyType(
    {spec.type: (spec.froms, spec.tos) for spec in _REL_TABLE})
# The part each type plays in introduction paths, by type name (a plain dict: read in hot loops).
PATH_ROLES: dict[str, PathRole | None] = {spec.name: spec.path for spec in _REL_TABLE}
# The relationship types that are personal data as a whole (never shown to anonymous readers or the public).
PERSONAL_TYPES = tuple(spec.name for spec in _REL_TABLE if spec.personal)
# The types hops of introduction paths may use: ties first, then attachments.
PATH_TYPES = tuple(spec.name for role in HOP_ROLES for spec in _REL_TABLE if spec.path == role)


def edge_styles() -> list[dict[str, object]]:
    """Return how the graph view draws each relationship type, for its script and legend (table order)."""
    return [{"type": spec.name, "label": spec.verb, "colour": spec.colour, "dashes": spec.dashes,
             "emphasis": spec.emphasis} for spec in _REL_TABLE]


def types_with_role(role: PathRole) -> tuple[str, ...]:
    """Return the names of the types that play `role` in introduction paths, in table order."""
    return tuple(spec.name for spec in _REL_TABLE if spec.path == role)


def section_keys() -> dict[tuple[str, bool], str]:
    """Return the section of a neighbour, by (type name, whether the page's element is the `from` end)."""
    found: dict[tuple[str, bool], str] = {}
    for spec in _REL_TABLE:
        for section in spec.sections:
            if section.side in ("from", "either"):
                found[(spec.name, True)] = section.key
            if section.side in ("to", "either"):
                found[(spec.name, False)] = section.key
    return found


SECTIONS = tuple(dict.fromkeys(section.key for spec in _REL_TABLE for section in spec.sections))


def page_sections(kind: Kind) -> tuple[tuple[str, str], ...]:
    """Return the (section key, heading) pairs an element page of `kind` lists, in page order."""
    found: list[tuple[int, int, str, str]] = []
    for position, (spec, section) in enumerate((s, sec) for s in _REL_TABLE for sec in s.sections):
        title = section.title_for(kind)
        ends = (spec.froms if section.side == "from" else spec.tos if section.side == "to"
                else (*spec.froms, *spec.tos))
        if title is not None and kind in ends:
            found.append((section.rank, position, section.key, title))
    return tuple((key, title) for _, _, key, title in sorted(found))


def kind_styles() -> dict[str, dict[str, str]]:
    """Return how pages draw each kind, by slug: its colour, vis-network shape and URL plural.

    The viewer's scripts read this (a JSON block of base.html, web/static/common.js) and the
    stylesheet its colours (`kind_css`), so that kinds are coloured in one place.
    """
    return {kind.slug: {"colour": KIND_COLOURS[kind], "shape": KIND_SHAPES[kind], "plural": KINDS[kind].plural}
            for kind in Kind}


def kind_css() -> str:
    """Return the stylesheet rule giving each kind's colour as a CSS variable (``--affiliate`` ...)."""
    return ":root { " + " ".join(f"--{kind.slug}: {KIND_COLOURS[kind]};" for kind in Kind) + " }\n"
