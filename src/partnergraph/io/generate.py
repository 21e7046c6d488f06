"""Generate synthetic advocacy networks in the import format, for demos, tests and benchmarks.

Everything is drawn from one `random.Random(seed)`, and nothing iterates over a set or depends
on string hashing, so the same arguments give byte-identical rows in any Python process.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from partnergraph.model import CONNECTION_COLUMNS, ELEMENT_COLUMNS, RelType

Rows = list[dict[str, str]]

# Dates are relative to a fixed day, never to the clock, so output does not drift.
REFERENCE_DATE = "2026-11-01"
_FIRST_YEAR = 2005
_REF_MONTH = (2026 - _FIRST_YEAR) * 12 + 10  # index of 2026-11; the last usable month is 2026-10
_EARLIEST = 3 * 12  # 2008-01: nothing in the network is older
_STALE_BEFORE = _REF_MONTH - 12  # months below this index end before 2025-11-01
_MONTHS = tuple(f"{_FIRST_YEAR + i // 12}-{i % 12 + 1:02d}" for i in range(_REF_MONTH))
# Interned day strings: a million ties share ~7,000 date objects instead of owning their own.
_DAYS = tuple(tuple(f"{month}-{day:02d}" for day in range(1, 29)) for month in _MONTHS)

REGIONS: dict[str, tuple[str, ...]] = {
    "Africa": ("NG", "KE", "GH", "ZA", "UG", "TZ", "SN", "CM", "ET", "RW", "CI", "ZM"),
    "Asia": ("IN", "ID", "PH", "BD", "JP", "KR", "NP", "LK", "MY", "TW", "PK", "VN", "SG"),
    "Europe": ("DE", "FR", "GB", "ES", "IT", "PL", "SE", "NL", "UA", "PT", "CZ", "NO", "FI", "AT",
               "RS", "EE", "BE", "IE", "IS"),
    "Latin America & Caribbean": ("BR", "MX", "AR", "CL", "CO", "PE", "UY", "BO", "CU", "JM", "TT"),
    "Middle East & North Africa": ("EG", "MA", "TN", "JO", "LB", "DZ", "IQ", "AE", "OM"),
    "North America": ("US", "CA"),
    "Oceania": ("AU", "NZ", "FJ", "PG", "WS", "TO"),
}
COUNTRY_REGION = {country: region for region, countries in REGIONS.items() for country in countries}
# Roughly where the movement's organisations are; Europe is over-represented, as in reality.
_REGION_WEIGHTS = (15, 18, 30, 14, 8, 9, 6)

# Issue id, name, popularity. Ordered by popularity, so the first n make a sensible smaller set.
ISSUES: tuple[tuple[str, str, int], ...] = (
    ("issue-copyright-reform", "Copyright reform", 10),
    ("issue-open-access", "Open access", 8),
    ("issue-freedom-of-panorama", "Freedom of panorama", 6),
    ("issue-open-education", "Open education", 6),
    ("issue-public-domain", "Public domain", 5),
    ("issue-open-data", "Open data", 5),
    ("issue-access-to-knowledge", "Access to knowledge", 5),
    ("issue-privacy", "Privacy and data protection", 4),
    ("issue-intermediary-liability", "Intermediary liability", 4),
    ("issue-text-and-data-mining", "Text and data mining", 3),
    ("issue-digital-rights", "Digital rights", 3),
    ("issue-net-neutrality", "Net neutrality", 2),
)

FOUNDATION_NAME = "Global Free Knowledge Foundation"
PARTNER_TYPES = ("ngo", "glam", "academic", "government", "coalition", "company")
_PARTNER_TYPE_WEIGHTS = (30, 25, 20, 10, 10, 5)

# Names from many cultures, mixed at random, so that no generated person is a real one.
FIRST_NAMES = (
    "Amara", "Chidi", "Kwame", "Ngozi", "Thandiwe", "Kofi", "Wanjiru", "Tendai", "Abebe", "Fatou",
    "Sipho", "Zawadi", "Emeka", "Aminata", "Jabari", "Nia", "Aiko", "Haruto", "Priya", "Arjun",
    "Mei", "Wei", "Siti", "Rizal", "Ji-woo", "Minh", "Thao", "Ravi", "Ananya", "Farhan", "Yuki",
    "Kavya", "Bao", "Dewi", "Anna", "Lukas", "Sofia", "Matteo", "Ingrid", "Jakub", "Elena",
    "Pieter", "Siobhan", "Mikko", "Zoë", "Tomasz", "Chiara", "Lars", "Ilse", "Oksana", "Dmitri",
    "Camila", "Mateo", "Valentina", "Santiago", "Lucía", "Thiago", "Isabela", "Joaquín", "Renata",
    "Diego", "Ximena", "Gabriel", "Layla", "Omar", "Yasmin", "Karim", "Nour", "Samir", "Rania",
    "Youssef", "Salma", "Tariq", "Amira", "Hassan", "Aroha", "Tane", "Mele", "Sione", "Leilani",
    "Kai", "Jordan", "Avery", "Riley", "Morgan", "Noa", "Elif", "Emre", "Saoirse", "Bjørn",
)
LAST_NAMES = (
    "Okafor", "Mensah", "Abiodun", "Mwangi", "Ndlovu", "Diallo", "Tesfaye", "Banda", "Osei",
    "Kamara", "Nkosi", "Achieng", "Traoré", "Mutua", "Adeyemi", "Boateng", "Tanaka", "Sato",
    "Sharma", "Iyer", "Chen", "Wang", "Nguyen", "Tran", "Kim", "Park", "Rahman", "Santoso",
    "Wijaya", "Reyes", "Perera", "Gupta", "Liu", "Hossain", "Müller", "Rossi", "Novak",
    "Lindqvist", "Kowalski", "de Vries", "O'Brien", "Virtanen", "Dubois", "García", "Fernandes",
    "Horvath", "Petrov", "Jansen", "Nilsson", "Moreau", "Schmidt", "Bianchi", "Silva", "Santos",
    "González", "Rodríguez", "Pereira", "Castillo", "Herrera", "Morales", "Vargas", "Mendoza",
    "Rojas", "Oliveira", "Haddad", "Mansour", "El-Amin", "Khalil", "Nasser", "Saleh", "Farouk",
    "Aziz", "Hamdan", "Benali", "Ngata", "Tuilagi", "Fonoti", "Taufa", "Kealoha", "Walker",
    "Thompson", "Yilmaz", "Demir", "Kelly", "Andersen", "Popescu", "Ivanova", "Kaur", "Singh",
)

# Syllables for fictional place names, so generated organisations never name a real one.
_PLACE_STARTS = (
    "Al", "Bel", "Cor", "Dal", "El", "Fen", "Gal", "Har", "Is", "Kal", "Lor", "Mar", "Nor", "Or",
    "Pel", "Quin", "Ros", "Sel", "Tor", "Ul", "Val", "Wyn", "Zar", "Ama", "Bra", "Cas", "Dun",
    "Esk", "Ira", "Jun", "Kes", "Lum", "Mira", "Nava", "Osa", "Pira", "Sau", "Tala", "Ven", "Yar",
)
_PLACE_ENDS = (
    "ara", "bury", "dale", "en", "field", "gard", "holm", "ia", "ino", "iva", "mont", "ora",
    "port", "sund", "ton", "vale", "via", "wick", "ath", "una", "ova", "ando", "eli", "ika",
    "ombe", "usa", "ay", "mere", "stad", "oria",
)
_AFFILIATE_NAMES = {
    "chapter": ("Wikimedia {}",),
    "user_group": ("Wikimedians of {} User Group", "Wikimedia Community of {} User Group"),
    "thematic_org": ("Wiki Libraries {}", "Free Heritage {}", "Wiki Educators of {}"),
}
_PARTNER_NAMES = {
    "ngo": ("{} Digital Rights Forum", "Open Culture Trust of {}", "{} Free Culture Society",
            "{} Privacy Alliance", "Access to Knowledge {}"),
    "glam": ("{} City Library", "National Archive of {}", "{} Museum of Art",
             "Biblioteca Digital de {}", "{} Heritage Collection", "{} Film Archive"),
    "academic": ("{} Institute of Technology", "{} Law School Clinic", "{} Open Science Lab",
                 "{} College of Arts"),
    "government": ("{} Ministry of Culture", "{} Copyright Office", "{} Data Protection Authority",
                   "{} Education Board"),
    "coalition": ("{} Coalition for Open Access", "{} Open Education Network",
                  "{} Copyright Coalition"),
    "company": ("{} Open Source Cooperative", "{} Media Lab", "{} Publishing House"),
}
_AFFILIATE_ROLES = ("member",) * 10 + ("volunteer",) * 4 + ("board member", "board member",
                    "staff", "staff", "project lead", "chair")
_FOUNDATION_ROLES = ("staff",) * 4 + ("program officer", "policy specialist", "trustee")
_PARTNER_ROLES = {
    "ngo": ("policy officer", "campaigner", "director", "programme manager"),
    "glam": ("librarian", "curator", "archivist", "digital collections manager", "director"),
    "academic": ("professor", "researcher", "lecturer", "librarian"),
    "government": ("official", "policy adviser", "head of unit"),
    "coalition": ("coordinator", "steering committee member", "policy officer"),
    "company": ("product manager", "legal counsel", "chief executive", "engineer"),
}
_TAGS = ("wikidata", "commons", "education", "glam", "policy", "community", "wikisource",
         "research", "photography", "languages")

# Where people met; regional events make regional ties look regional.
_REGIONAL_SOURCES = {
    "Africa": ("WikiIndaba 2023", "WikiIndaba 2019"),
    "Asia": ("ESEAP Conference 2023", "WikiConference India 2023"),
    "Europe": ("CEE Meeting 2024", "WikiCon 2023"),
    "Latin America & Caribbean": ("Iberoconf 2022", "Wikimedia Iberoconf 2024"),
    "Middle East & North Africa": ("WikiArabia 2023", "WikiArabia 2021"),
    "North America": ("WikiConference North America 2023", "WikiConference North America 2019"),
    "Oceania": ("ESEAP Conference 2023", "WikiCon Oceania 2022"),
}
_COLLEAGUE_SOURCES = ("colleague", "colleague", "project work", "email", "chapter meeting",
                      "board meeting", "partner meeting")
_REGION_SOURCES = ("email", "partner meeting", "edit-a-thon", "regional call", "conference")
_GLOBAL_SOURCES = ("Wikimania 2019", "Wikimania 2022", "Wikimania 2023", "Wikimania 2024",
                   "Wikimedia Summit 2024", "mailing list", "email", "video call",
                   "introduction by a colleague")
_HOLD_SOURCES = ("partnership agreement", "event co-organised", "introduction", "email",
                 "partner meeting", "Wikimania 2023", "joint project")
# Strength by how the two people are related: colleagues are closer than conference contacts.
_STRENGTH_CLOSE = ("2", "3", "3", "4", "4", "4", "5", "5")
_STRENGTH_LOOSE = ("1", "1", "2", "2", "2", "3", "3", "4")

# Shape of the KNOWS sampler: share of ties drawn inside an organisation, inside a region.
_P_ORG = 0.6
_P_REGION = 0.3
_STALE_SHARE = 0.2
_AFFILIATE_SHARE = 0.65  # of people whose main organisation is an affiliate
_SECOND_MEMBERSHIP = 0.1


def slug(text: str) -> str:
    """Return `text` as a lower-case ASCII slug of letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def element_row(**values: str) -> dict[str, str]:
    """Return an element row with every import column, blank unless given."""
    row = dict.fromkeys(ELEMENT_COLUMNS, "")
    row.update(values)
    return row


def connection_row(start: str, end: str, rel: str, /, **values: str) -> dict[str, str]:
    """Return a connection row with every import column, blank unless given."""
    row = dict.fromkeys(CONNECTION_COLUMNS, "")
    row.update({"from": start, "to": end, "type": rel}, **values)
    return row


def _pick(rng: random.Random, items: Sequence):
    # Faster than rng.choice for hot loops; weights are expressed by repeating items.
    return items[int(rng.random() * len(items))]


def place_name(rng: random.Random) -> str:
    """Return a fictional place name, so that generated organisations and events never name a real one."""
    return _pick(rng, _PLACE_STARTS) + _pick(rng, _PLACE_ENDS)


def _since_month(rng: random.Random, earliest: int = _EARLIEST) -> int:
    # Squaring-ish the uniform favours recent months: networks grow.
    return _REF_MONTH - 1 - int(rng.random() ** 1.6 * (_REF_MONTH - earliest))


def _day(rng: random.Random, month: int) -> str:
    return _DAYS[month][int(rng.random() * 28)]


def _last_contact(rng: random.Random, since: int) -> str:
    if since < _STALE_BEFORE and rng.random() < _STALE_SHARE:
        month = since + int(rng.random() * (_STALE_BEFORE - since))
    else:
        start = max(since, _STALE_BEFORE)
        month = start + int(rng.random() * (_REF_MONTH - start))
    return _day(rng, month) if rng.random() < 0.85 else _MONTHS[month]


def tie_dates(rng: random.Random) -> tuple[str, str]:
    """Return a (since, last_contact) pair for a KNOWS or HOLDS tie; some are stale."""
    since = _since_month(rng)
    return _MONTHS[since], _last_contact(rng, since)


@dataclass
class Org:
    """An affiliate or partner being built, before it becomes an element row."""

    kind: str  # "affiliate" or "partner"
    name: str
    type: str
    country: str
    issues: tuple[str, ...] = ()
    status: str = ""
    public: str = "true"
    tags: str = ""
    notes: str = ""
    id: str = ""

    @property
    def region(self) -> str:
        return COUNTRY_REGION[self.country]


def pick_issues(rng: random.Random, issue_ids: Sequence[str], weights: Sequence[int], count: int) -> tuple[str, ...]:
    """Return `count` distinct issue ids drawn by popularity, in list order."""
    chosen: list[int] = []
    count = min(count, len(issue_ids))
    while len(chosen) < count:
        i = rng.choices(range(len(issue_ids)), weights=weights)[0]
        if i not in chosen:
            chosen.append(i)
    return tuple(issue_ids[i] for i in sorted(chosen))


class NetworkBuilder:
    """Grow a network step by step: organisations, partnerships, people, holders, ties.

    The generator runs the steps with synthetic organisations; the demo runs them with its
    curated ones and adjusts the result between steps.
    """

    def __init__(self, rng: random.Random, orgs: Sequence[Org], issue_count: int):
        self.rng = rng
        self.issues = ISSUES[:issue_count]
        self.orgs = list(orgs)
        self.affiliates = [i for i, org in enumerate(self.orgs) if org.kind == "affiliate"]
        self.partners = [i for i, org in enumerate(self.orgs) if org.kind == "partner"]
        self.regions = list(REGIONS)
        self.org_region = [self.regions.index(org.region) for org in self.orgs]
        self.region_orgs: list[list[int]] = [[] for _ in self.regions]
        for i, region in enumerate(self.org_region):
            self.region_orgs[region].append(i)
        for prefix, indexes in (("aff", self.affiliates), ("par", self.partners)):
            width = max(4, len(str(len(indexes))))
            for n, i in enumerate(indexes, 1):
                self.orgs[i].id = self.orgs[i].id or f"{prefix}-{n:0{width}d}"
        self.connections: Rows = []
        self.contacts: Rows = []
        self.primary: list[int] = []  # each person's main organisation
        self.circles: list[list[int]] = []  # organisations whose people a person tends to know
        self.current: list[list[int]] = []  # organisations a person belongs to today
        self.partnered: dict[int, list[int]] = {}  # partner -> affiliates partnering with it
        self._names: set[tuple[int, int, int]] = set()  # membership tests only, never iterated

    # -- people -----------------------------------------------------------------------------

    def _name(self, index: int) -> tuple[str, str]:
        rng = self.rng
        for attempt in range(30):
            first, last = int(rng.random() * len(FIRST_NAMES)), int(rng.random() * len(LAST_NAMES))
            # Past the first tries a middle initial keeps names unique in big networks.
            initial = 0 if attempt < 3 else 1 + int(rng.random() * 26)
            if (first, last, initial) not in self._names:
                self._names.add((first, last, initial))
                break
        else:
            initial = -1  # past ~200,000 people the names run out: number them instead
        given, family = FIRST_NAMES[first], LAST_NAMES[last]
        mailbox = f"{slug(given)}.{slug(family)}"
        if initial == 0:
            return f"{given} {family}", mailbox
        if initial < 0:
            return f"{given} {family} {index + 1}", f"{mailbox}.{index + 1}"
        letter = chr(64 + initial)
        return f"{given} {letter}. {family}", f"{slug(given)}.{letter.lower()}.{slug(family)}"

    def _role(self, org: int) -> str:
        org_ = self.orgs[org]
        if org_.kind == "partner":
            return _pick(self.rng, _PARTNER_ROLES.get(org_.type, ("staff",)))
        return _pick(self.rng, _FOUNDATION_ROLES if org_.type == "foundation" else _AFFILIATE_ROLES)

    def add_people(self, count: int) -> None:
        """Add `count` contacts, each a member of one organisation (some of two)."""
        rng = self.rng
        # Heavy-tailed organisation sizes; the foundation is among the biggest.
        weights = [rng.lognormvariate(0, 1.2) for _ in self.orgs]
        for group, share in ((self.affiliates, _AFFILIATE_SHARE), (self.partners, 1 - _AFFILIATE_SHARE)):
            total = sum(weights[i] for i in group) or 1.0
            for i in group:
                weights[i] *= share / total
        for i in self.affiliates:
            if self.orgs[i].type == "foundation":
                weights[i] = 1.2 * max(weights[j] for j in self.affiliates)
        if count >= len(self.orgs):
            # Every organisation gets someone; the rest follow the heavy tail.
            assignment = list(range(len(self.orgs)))
            assignment += rng.choices(range(len(self.orgs)), weights=weights, k=count - len(self.orgs))
            rng.shuffle(assignment)
        else:
            assignment = rng.choices(range(len(self.orgs)), weights=weights, k=count)
        start = len(self.contacts)
        width = max(6, len(str(start + count)))
        for org in assignment:
            index = len(self.contacts)
            name, mailbox = self._name(index)
            role = self._role(org)
            phone = ""
            if rng.random() < 0.3:
                phone = f"+00 {rng.randrange(10, 100)} {rng.randrange(100, 1000)} {rng.randrange(1000, 10000)}"
            home = self.orgs[org]
            self.contacts.append(element_row(
                id=f"c-{index + 1:0{width}d}", kind="contact", name=name, country=home.country,
                region=home.region, email=f"{mailbox}@example.org", phone=phone, role=role,
            ))
            self.primary.append(org)
            self.circles.append([])
            self.current.append([])
            self.add_membership(index, org, role, _MONTHS[_since_month(rng)])
        for index in range(start, len(self.contacts)):
            if rng.random() >= _SECOND_MEMBERSHIP:
                continue
            home = self.primary[index]
            if rng.random() < 0.5:
                other = _pick(rng, self.region_orgs[self.org_region[home]])
            else:
                other = int(rng.random() * len(self.orgs))
            if other in self.circles[index]:
                continue
            if rng.random() < 0.6:
                since = _EARLIEST + int(rng.random() * (_REF_MONTH - 24 - _EARLIEST))
                until = since + 1 + int(rng.random() * (_REF_MONTH - 2 - since))
                self.add_membership(index, other, self._role(other), _MONTHS[since], _MONTHS[until])
            else:
                self.add_membership(index, other, self._role(other), _MONTHS[_since_month(rng)])

    def add_membership(self, person: int, org: int, role: str, since: str, until: str = "") -> None:
        """Add a MEMBER_OF row; a past membership has an `until`."""
        contact = self.contacts[person]["id"]
        self.connections.append(connection_row(
            contact, self.orgs[org].id, RelType.MEMBER_OF.value, role=role, since=since, until=until))
        self.circles[person].append(org)
        if not until:
            self.current[person].append(org)

    # -- organisations --------------------------------------------------------------------------

    def add_partnerships(self) -> None:
        """Add PARTNERS_WITH rows: each partner works with 0-3 affiliates, mostly nearby ones."""
        rng = self.rng
        by_region: list[list[int]] = [[] for _ in self.regions]
        for a in self.affiliates:
            by_region[self.org_region[a]].append(a)
        foundation = [a for a in self.affiliates if self.orgs[a].type == "foundation"]
        for p in self.partners:
            partner = self.orgs[p]
            wanted = rng.choices((0, 1, 2, 3), weights=(10, 50, 30, 10))[0]
            chosen: list[int] = []
            for _ in range(4 * wanted):
                if len(chosen) == wanted:
                    break
                r = rng.random()
                pool = by_region[self.org_region[p]] if r < 0.7 else foundation if r < 0.8 else self.affiliates
                a = _pick(rng, pool or self.affiliates)
                if a not in chosen:
                    chosen.append(a)
            self.partnered[p] = chosen
            for a in chosen:
                status = partner.status or "active"
                since = _since_month(rng, _EARLIEST + 24)
                until = ""
                if status == "dormant" and rng.random() < 0.5:
                    until = _MONTHS[since + int(rng.random() * (_REF_MONTH - since))]
                shared = [i for i in partner.issues if i in self.orgs[a].issues] or list(partner.issues)
                self.connections.append(connection_row(
                    self.orgs[a].id, partner.id, RelType.PARTNERS_WITH.value, status=status,
                    since=_MONTHS[since], until=until, issues=";".join(shared[:2])))

    # -- who holds which partner -----------------------------------------------------------------

    def holder_counts(self) -> list[int]:
        """Return how many people will hold each partner: mostly 1-3, some none."""
        return self.rng.choices((0, 1, 2, 3, 4, 5), weights=(8, 40, 28, 14, 6, 4), k=len(self.partners))

    def add_holds(self, counts: Sequence[int]) -> int:
        """Add HOLDS rows from movement people to partners; return how many were added."""
        rng = self.rng
        movement: list[list[int]] = [[] for _ in self.orgs]  # affiliate -> current members
        by_region: list[list[int]] = [[] for _ in self.regions]
        for person, orgs in enumerate(self.current):
            for org in orgs:
                if self.orgs[org].kind == "affiliate":
                    movement[org].append(person)
            if self.orgs[self.primary[person]].kind == "affiliate":
                by_region[self.org_region[self.primary[person]]].append(person)
        everyone = [p for r in by_region for p in r] or list(range(len(self.contacts)))
        added = 0
        for p, wanted in zip(self.partners, counts, strict=True):
            near = [person for a in self.partnered.get(p, ()) for person in movement[a]]
            pools = [pool for pool in (near, by_region[self.org_region[p]], everyone) if pool]
            holders: list[int] = []
            for _ in range(10 * wanted):
                if len(holders) >= wanted or not pools:
                    break
                r = rng.random()
                pool = pools[0] if r < 0.6 else pools[min(1, len(pools) - 1)] if r < 0.9 else pools[-1]
                person = _pick(rng, pool)
                if person not in holders:
                    holders.append(person)
            for person in holders:
                since, last = tie_dates(rng)
                self.connections.append(connection_row(
                    self.contacts[person]["id"], self.orgs[p].id, RelType.HOLDS.value,
                    strength=_pick(rng, _STRENGTH_CLOSE), since=since, last_contact=last,
                    source=_pick(rng, _HOLD_SOURCES)))
                # Holders get to know the partner's staff.
                self.circles[person].append(p)
            added += len(holders)
        return added

    # -- personal ties -----------------------------------------------------------------------

    def add_knows(self, count: int) -> None:
        """Add `count` KNOWS rows: heavy-tailed degrees, clustered by organisation and region."""
        n = len(self.contacts)
        if count > n * (n - 1) // 2:
            raise ValueError(f"{n} people cannot have {count} distinct KNOWS ties")
        if count == 0:
            return
        rng = self.rng
        rand = rng.random
        weight = [rng.lognormvariate(0, 1.0) for _ in range(n)]
        everyone = list(range(n))
        groups_org: list[list[int]] = [[] for _ in self.orgs]
        groups_region: list[list[int]] = [[] for _ in self.regions]
        for person, orgs in enumerate(self.circles):
            for org in orgs:
                groups_org[org].append(person)
            groups_region[self.org_region[self.primary[person]]].append(person)

        def sampler(members: list[int]) -> tuple[list[int], list[float], float]:
            cum = list(accumulate(weight[m] for m in members)) if members else [0.0]
            return members, cum, cum[-1]

        by_org = [sampler(m) for m in groups_org]
        by_region = [sampler(m) for m in groups_region]
        anywhere = sampler(everyone)
        region_of = [self.org_region[org] for org in self.primary]
        seen: set[int] = set()  # pair keys, only tested for membership
        edges: list[tuple[int, int, bool]] = []
        attempts, limit = 0, 20 * count + 10_000
        while len(edges) < count and attempts < limit:
            batch = rng.choices(everyone, cum_weights=anywhere[1], k=min(65_536, 2 * (count - len(edges)) + 16))
            for a in batch:
                attempts += 1
                r = rand()
                if r < _P_ORG:
                    circles = self.circles[a]
                    org = circles[0] if len(circles) == 1 or rand() < 0.7 else _pick(rng, circles)
                    members, cum, total = by_org[org]
                elif r < _P_ORG + _P_REGION:
                    members, cum, total = by_region[region_of[a]]
                else:
                    members, cum, total = anywhere
                b = members[min(bisect_right(cum, rand() * total), len(members) - 1)]
                if a == b:
                    continue
                key = a * n + b if a < b else b * n + a
                if key in seen:
                    continue
                seen.add(key)
                edges.append((a, b, r < _P_ORG) if a < b else (b, a, r < _P_ORG))
                if len(edges) == count:
                    break
        if len(edges) < count:
            # Nearly complete graphs starve the sampler: finish from the pairs still free.
            free = [(a, b) for a in range(n) for b in range(a + 1, n) if a * n + b not in seen]
            rng.shuffle(free)
            edges.extend((a, b, False) for a, b in free[: count - len(edges)])
        ids = [c["id"] for c in self.contacts]
        regions = self.regions
        append = self.connections.append
        for a, b, close in edges:
            since = _since_month(rng)
            if close:
                strength, source = _pick(rng, _STRENGTH_CLOSE), _pick(rng, _COLLEAGUE_SOURCES)
            elif region_of[a] == region_of[b] and rand() < 0.5:
                strength = _pick(rng, _STRENGTH_LOOSE)
                source = _pick(rng, _REGIONAL_SOURCES[regions[region_of[a]]])
            else:
                strength = _pick(rng, _STRENGTH_LOOSE)
                source = _pick(rng, _GLOBAL_SOURCES if rand() < 0.5 else _REGION_SOURCES)
            append({
                "from": ids[a], "to": ids[b], "type": RelType.KNOWS.value, "strength": strength,
                "since": _MONTHS[since] if rand() < 0.9 else "", "until": "",
                "last_contact": _last_contact(rng, since) if rand() < 0.95 else "",
                "source": source if rand() < 0.9 else "", "role": "", "status": "", "issues": "",
                "notes": "", "primary": "", "first_import": "", "last_import": "",  # as CONNECTION_COLUMNS, in order
            })

    # -- output -------------------------------------------------------------------------------

    def rows(self) -> tuple[Rows, Rows]:
        """Return (element rows, connection rows) in the import format."""
        elements = [element_row(id=issue_id, kind="issue", name=name) for issue_id, name, _ in self.issues]
        for org in self.orgs:
            elements.append(element_row(
                id=org.id, kind=org.kind, name=org.name, type=org.type, country=org.country,
                region=org.region, website=f"https://{slug(org.name)[:50].strip('-')}.example.org",
                status=org.status, public=org.public, tags=org.tags, notes=org.notes,
                issues=";".join(org.issues),
            ))
        return elements + self.contacts, self.connections


def _synthetic_orgs(rng: random.Random, affiliates: int, partners: int, issue_count: int, seed: int) -> list[Org]:
    issue_ids = [issue_id for issue_id, _, _ in ISSUES[:issue_count]]
    issue_weights = [weight for _, _, weight in ISSUES[:issue_count]]
    regions = list(REGIONS)
    used: set[str] = set()  # membership tests only

    def name(patterns: Sequence[str]) -> str:
        for _ in range(50):
            place = place_name(rng)
            text = _pick(rng, patterns).format(place)
            if text not in used:
                break
        else:
            text = f"{text} {len(used) + 1}"
        used.add(text)
        return text

    def country() -> str:
        region = rng.choices(regions, weights=_REGION_WEIGHTS)[0]
        return _pick(rng, REGIONS[region])

    def tags() -> str:
        return ";".join(sorted({_pick(rng, _TAGS) for _ in range(int(rng.random() * 3))}))

    orgs = [Org("affiliate", FOUNDATION_NAME, "foundation", "US",
                pick_issues(rng, issue_ids, issue_weights, 5),
                notes=f"Synthetic network generated by partnergraph (seed {seed})")]
    for _ in range(affiliates - 1):
        kind = rng.choices(("chapter", "user_group", "thematic_org"), weights=(33, 57, 10))[0]
        orgs.append(Org("affiliate", name(_AFFILIATE_NAMES[kind]), kind, country(),
                        pick_issues(rng, issue_ids, issue_weights, 1 + int(rng.random() * 4)), tags=tags()))
    for _ in range(partners):
        kind = rng.choices(PARTNER_TYPES, weights=_PARTNER_TYPE_WEIGHTS)[0]
        orgs.append(Org(
            "partner", name(_PARTNER_NAMES[kind]), kind, country(),
            pick_issues(rng, issue_ids, issue_weights, 1 + int(rng.random() * 3)),
            status=rng.choices(("active", "prospective", "dormant"), weights=(80, 12, 8))[0],
            public="true" if rng.random() < 0.9 else "false", tags=tags(),
        ))
    return orgs


def generate_network(people: int, ties: int, *, seed: int = 0, events: int | None = None) -> tuple[Rows, Rows]:
    """Generate a synthetic network of `people` contacts and `ties` KNOWS plus HOLDS rows.

    Organisations scale sub-linearly with people (about 30 affiliates and 80 partners at 400
    people, 300 and 1,900 at 100,000). `events` (default: one per twenty people) adds events,
    their organisers and their attendance (io/generate_events.py) from a random stream of their
    own, so the rest of the network is the same with or without them. Raises ValueError if the
    ties cannot fit.
    """
    from partnergraph.io.generate_events import EventBuilder, default_event_count  # it builds on this module

    if people < 0 or ties < 0 or (events is not None and events < 0):
        raise ValueError("people, ties and events must not be negative")
    rng = random.Random(seed)
    affiliates = max(3, round(2.5 * people ** 0.42))
    partners = max(3, round(2.4 * people ** 0.58))
    issue_count = min(len(ISSUES), max(4, round(4 * math.log10(max(people, 1)))))
    builder = NetworkBuilder(rng, _synthetic_orgs(rng, affiliates, partners, issue_count, seed), issue_count)
    builder.add_partnerships()
    builder.add_people(people)
    counts = builder.holder_counts()
    # HOLDS take at most half the ties, so small requests are still mostly personal ties.
    cap = ties // 2
    while sum(counts) > cap:
        i = int(rng.random() * len(counts))
        counts[i] = max(0, counts[i] - 1)
    holds = builder.add_holds(counts)
    builder.add_knows(ties - holds)
    elements, connections = builder.rows()
    events_builder = EventBuilder(builder, random.Random(f"events-{seed}"))
    events_builder.add_events(default_event_count(people) if events is None else events)
    return elements + events_builder.elements, connections + events_builder.connections

