"""The demo's partner conferences and meetings: who organised them, who went and who will go.

Events are dated from the first day of the current month, so that the upcoming ones stay upcoming
whenever the demo is built (the rows are the same all month): past ones 2 to 24 months ago,
upcoming ones one to six months ahead. Attendance at past events is `attended`, at upcoming
ones `registered` or `planned`. Two stories the docs tell:

- `GUEST`, an independent researcher with no organisation and no tie, met the network only at a
  past conference (`GUEST_EVENT`): the path to them goes through it and nowhere else;
- at an upcoming conference (`UNHELD_EVENT`) a partner nobody holds (`UNHELD_PARTNER`) is
  present, with people of an affiliate of its region: what the ranking and the briefing point at.

Attendees are drawn from a generator of their own, after the network is built, so that every
other row of the demo stays what it was before events existed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from partnergraph.io.generate import COUNTRY_REGION, Rows, connection_row, element_row, slug
from partnergraph.model import RelType

_SEED = 2026 + 17

# Name, months from the current month, day of that month, days, country, organisers, issues
# (without "issue-"), how many of our people and partner people are there, public.
EVENTS: tuple[tuple[str, int, int, int, str, tuple[str, ...], str, int, bool], ...] = (
    ("Baltic Sea Privacy Forum", -24, 3, 2, "SE", ("Nordic Digital Rights Forum", "Wikimedia Norvaland"),
     "privacy intermediary-liability", 18, True),
    ("Asia Open Data Meetup", -20, 5, 1, "ID", ("Archipelago Open Data Lab", "Wikimedians of Pulau Senja User Group"),
     "open-data", 12, True),
    ("Global Free Knowledge Conference", -16, 12, 3, "ZA", ("Global Free Knowledge Foundation", "Wiki Educators Circle"),
     "copyright-reform open-access access-to-knowledge", 70, True),
    ("Latin American Open Culture Forum", -11, 17, 2, "BR",
     ("Coletivo Cultura Livre do Nordeste", "Wikimedia Serra Azul"), "copyright-reform freedom-of-panorama", 24, True),
    ("Africa Open Access Week", -9, 20, 3, "ZA", ("Ubuntu Open Access Coalition", "Wikimedia Kesra Coast"),
     "open-access open-education", 28, True),
    ("Panorama Freedom Assembly", -5, 8, 2, "BE", ("Panorama Freedom Coalition", "Wikimedia Lindmark"),
     "freedom-of-panorama copyright-reform", 26, True),
    ("Copyright Reform Roundtable", -2, 14, 1, "PT", ("Tagus Institute for Copyright Studies",),
     "copyright-reform", 10, False),
    ("Open Access Europe Conference", 1, 9, 3, "PL", ("Vistula Open Science Initiative", "Wikimedia Dravonia"),
     "open-access text-and-data-mining", 24, True),
    ("Open Education Workshop", 2, 6, 1, "PE", ("Red Andina de Educación Abierta",
                                                "Wikimedians of Puerto Celeste User Group"), "open-education", 10, True),
    ("Pacific Open Access Conference", 3, 15, 2, "FJ", ("Pacific Islands Knowledge Commons",),
     "open-access access-to-knowledge", 18, True),
    ("Free Knowledge Summit", 6, 10, 3, "JP", ("Global Free Knowledge Foundation", "Wikimedia Haruka Islands"),
     "copyright-reform open-access", 36, True),
)
GUEST = "Ilse Demir"
GUEST_EVENT = "Panorama Freedom Assembly"
UNHELD_EVENT = "Pacific Open Access Conference"
UNHELD_PARTNER = "Coral Coast University Press"
UNHELD_AFFILIATE = "Wikimedia Tasman Reach"  # its people plan to go, and meet the partner there
_PAST_SOURCES = ("attendance list", "registration list", "event report")


def event_id(name: str) -> str:
    """Return the id of the demo event named `name`."""
    return f"ev-{slug(name)}"


def _month(today: date, offset: int) -> date:
    month = today.month - 1 + offset
    return date(today.year + month // 12, month % 12 + 1, 1)


def add_events(elements: Rows, connections: Rows, today: date) -> None:
    """Add the demo's events, organisers, guest and attendance to its rows, dated from `today`'s month."""
    rng = random.Random(_SEED)
    ids = {row["name"]: row["id"] for row in elements}
    kinds = {row["id"]: row["kind"] for row in elements}
    issues = {row["id"]: set(row["issues"].split(";")) - {""} for row in elements}
    people_at: dict[str, list[str]] = {}
    home: dict[str, str] = {}  # where each person works: their first membership (the builder adds it first)
    for row in connections:
        if row["type"] == RelType.MEMBER_OF.value and not row["until"]:
            people_at.setdefault(row["to"], []).append(row["from"])
            home.setdefault(row["from"], row["to"])
    region_of = {row["id"]: row["region"] for row in elements}
    people = [row["id"] for row in elements if row["kind"] == "contact" and row["id"] in home]
    guest = element_row(id=f"c-{sum(k == 'contact' for k in kinds.values()) + 1:06d}", kind="contact", name=GUEST,
                        country="BE", region="Europe", role="independent copyright researcher",
                        email="ilse.demir@example.org")
    first = _month(today, 0)
    for name, offset, day, days, country, organisers, topics, size, public in EVENTS:
        start = _month(first, offset) + timedelta(days=day - 1)
        end = start + timedelta(days=days - 1)
        conference = days > 1
        eid = event_id(name)
        region = COUNTRY_REGION[country]
        elements.append(element_row(
            id=eid, kind="event", name=name, start=start.isoformat(), end=end.isoformat(), country=country,
            region=region, issues=";".join(f"issue-{t}" for t in topics.split()), public="true" if public else "false",
            website=f"https://{slug(name)}.example.org" if conference else "", tags="conference" if conference else "meeting"))
        for n, organiser in enumerate(organisers):
            connections.append(connection_row(ids[organiser], eid, RelType.ORGANISES.value,
                                              role="host" if n == 0 else "co-organiser"))
        wanted = {f"issue-{t}" for t in topics.split()}
        pools = [
            [p for org in organisers for p in people_at.get(ids[org], [])],  # the organisers' own people
            [p for p in people if region_of[home[p]] == region and kinds[home[p]] == "affiliate"],
            [p for p in people if region_of[home[p]] == region and kinds[home[p]] == "partner"],
            [p for p in people if issues[home[p]] & wanted],
        ]
        if name == UNHELD_EVENT:  # the unheld partner's people, and an affiliate's, are there
            pools[:0] = [people_at[ids[UNHELD_PARTNER]][:2], people_at[ids[UNHELD_AFFILIATE]][:4]]
        chosen: list[str] = []
        for pool in pools:
            for person in rng.sample(pool, min(len(pool), max(2, size // len(pools)))) if pool else ():
                if person not in chosen and len(chosen) < size:
                    chosen.append(person)
        upcoming = start > today
        for n, person in enumerate(chosen):
            organising = home[person] in {ids[o] for o in organisers}
            role = "organiser" if organising and n < 2 else "speaker" if n % 7 == 3 else "attendee"
            if upcoming:
                status, source = ("registered" if rng.random() < 0.6 else "planned"), "registration list"
            else:
                status, source = "attended", _PAST_SOURCES[int(rng.random() * len(_PAST_SOURCES))]
            connections.append(connection_row(person, eid, RelType.ATTENDS.value, role=role, status=status,
                                              source=source))
        if name == GUEST_EVENT:
            connections.append(connection_row(guest["id"], eid, RelType.ATTENDS.value, role="speaker",
                                              status="attended", source="programme"))
    elements.append(guest)
