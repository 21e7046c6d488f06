"""Generate the events of a synthetic network: a few big conferences, many small meetings, who went.

Events run from three years before `generate.REFERENCE_DATE` to a year after it, never relative
to the clock. Partners and affiliates organise them (ORGANISES), on their issues and in their
region; people go to events of their own organisations, in their region and on their issues more
often than to others (ATTENDS). Attendance at past events is mostly `attended`; at upcoming ones
`registered` or `planned`. Everything is drawn from the generator's own `random.Random`, in list
order, so the rows are the same in any process.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING

from partnergraph.io.generate import (
    COUNTRY_REGION,
    FOUNDATION_NAME,
    REFERENCE_DATE,
    REGIONS,
    Rows,
    connection_row,
    element_row,
    place_name,
    slug,
)
from partnergraph.model import RelType

if TYPE_CHECKING:
    from partnergraph.io.generate import NetworkBuilder

EVENTS_PER_PERSON = 0.05  # 5,000 events at 100,000 people
_CONFERENCE_SHARE = 0.015  # of events; the rest are meetings
_GLOBAL_MONTH = 8  # the movement's own global conference is every August
_PAST_MONTHS, _AHEAD_MONTHS = 36, 12
_UPCOMING_TURNOUT = 0.7  # upcoming events have fewer sign-ups recorded than past ones had people
_REFERENCE = date.fromisoformat(REFERENCE_DATE)

_CONFERENCE_NAMES = ("{place} {issue} Summit {year}", "{issue} Conference {region} {year}",
                     "{place} Open Culture Forum {year}", "{region} Digital Commons Congress {year}",
                     "{host} Annual Conference {year}")
_MEETING_NAMES = ("{issue} roundtable, {place}", "{host} partner meeting", "{issue} workshop, {place}",
                  "Edit-a-thon at {host}", "{host} policy briefing", "{issue} working group, {place}")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")
_PAST_STATUSES = ("attended",) * 17 + ("", "registered")  # a blank status reads as attended once begun
_UPCOMING_STATUSES = ("registered",) * 13 + ("planned",) * 7
_PAST_SOURCES = ("attendance list", "registration list", "badge scan", "event report", "photo", "")
_UPCOMING_SOURCES = ("registration list", "email", "conversation", "")


def default_event_count(people: int) -> int:
    """Return how many events a network of `people` gets unless told: one per twenty people."""
    return int(people * EVENTS_PER_PERSON)


class _Sampler:
    """Draw people from a group in proportion to how active each is (a heavy tail of regulars)."""

    def __init__(self, members: list[int], activity: list[float]):
        self.members = members
        self.cum = list(accumulate(activity[m] for m in members))

    def draw(self, rng: random.Random) -> int | None:
        if not self.members:
            return None
        i = bisect_right(self.cum, rng.random() * self.cum[-1])
        return self.members[min(i, len(self.members) - 1)]


def _month_start(offset: int) -> date:
    month = _REFERENCE.month - 1 + offset
    return date(_REFERENCE.year + month // 12, month % 12 + 1, 1)


class EventBuilder:
    """Add events, their organisers and their attendance to a network the NetworkBuilder has grown."""

    def __init__(self, network: NetworkBuilder, rng: random.Random):
        self.net = network
        self.rng = rng
        people = len(network.contacts)
        self.people = people
        activity = [rng.lognormvariate(0, 1.0) for _ in range(people)]
        by_region: list[list[int]] = [[] for _ in network.regions]
        by_issue: dict[str, list[int]] = {issue_id: [] for issue_id, _, _ in network.issues}
        self.org_people: list[list[int]] = [[] for _ in network.orgs]
        for person, org in enumerate(network.primary):
            by_region[network.org_region[org]].append(person)
            for issue_id in network.orgs[org].issues:
                if issue_id in by_issue:
                    by_issue[issue_id].append(person)
        for person, orgs in enumerate(network.current):
            for org in orgs:
                self.org_people[org].append(person)
        self.by_region = [_Sampler(members, activity) for members in by_region]
        self.by_issue = {issue_id: _Sampler(members, activity) for issue_id, members in by_issue.items()}
        self.anyone = _Sampler(list(range(people)), activity)
        self.elements: Rows = []
        self.connections: Rows = []
        self._names: set[str] = set()  # membership tests only
        self.issue_names = {issue_id: name for issue_id, name, _ in network.issues}
        self.issue_order = [issue_id for issue_id, _, _ in network.issues]

    # -- one event ---------------------------------------------------------------------------

    def _name(self, pattern: str, host: int, issues: tuple[str, ...], start: date) -> str:
        issue = self.issue_names[issues[0]] if issues else "Open knowledge"
        org = self.net.orgs[host]
        text = pattern.format(place=place_name(self.rng), issue=issue, region=org.region, host=org.name,
                              year=start.year)
        if "{year}" not in pattern:
            text += f", {_MONTH_NAMES[start.month - 1]} {start.year}"
        if text in self._names:
            text += f" ({len(self._names) + 1})"
        self._names.add(text)
        return text

    def _issues(self, orgs: list[int], count: int) -> tuple[str, ...]:
        offered = list(dict.fromkeys(i for org in orgs for i in self.net.orgs[org].issues))
        chosen: list[str] = []
        while offered and len(chosen) < count:
            chosen.append(offered.pop(int(self.rng.random() * len(offered))))
        return tuple(sorted(chosen, key=self.issue_order.index))

    def add_event(self, *, conference: bool, host: int, start: date, size: int, global_: bool = False) -> None:
        """Add one event hosted by organisation `host`, its co-organisers and up to `size` attendances."""
        rng, net = self.rng, self.net
        organisers = [host]
        region = net.org_region[host]
        near = [o for o in net.region_orgs[region] if o != host]
        partnered = net.partnered.get(host, [])
        for _ in range(rng.choices((0, 1, 2), weights=(55, 35, 10) if conference else (70, 25, 5))[0]):
            pool = partnered if partnered and rng.random() < 0.5 else near
            if pool:
                other = pool[int(rng.random() * len(pool))]
                if other not in organisers:
                    organisers.append(other)
        issues = self._issues(organisers, 3 if conference else 1 + int(rng.random() * 2))
        pattern = _CONFERENCE_NAMES if conference else _MEETING_NAMES
        name = (f"{FOUNDATION_NAME.replace(' Foundation', '')} Conference {start.year}" if global_
                else self._name(pattern[int(rng.random() * len(pattern))], host, issues, start))
        if global_:
            region_name = list(REGIONS)[int(rng.random() * len(REGIONS))]
            country = REGIONS[region_name][int(rng.random() * len(REGIONS[region_name]))]
        else:
            country = net.orgs[host].country
        days = 2 + int(rng.random() * 3) if conference else (2 if rng.random() < 0.15 else 1)
        end = start + timedelta(days=days - 1)
        event_id = f"ev-{len(self.elements) + 1:05d}"
        self.elements.append(element_row(
            id=event_id, kind="event", name=name, start=start.isoformat(),
            end=end.isoformat() if days > 1 or rng.random() < 0.7 else "",
            country=country, region=COUNTRY_REGION[country], issues=";".join(issues),
            website=f"https://{slug(name)[:50].strip('-')}.example.org" if conference else "",
            public="true" if conference or rng.random() < 0.7 else "false",
            tags="conference" if conference else "meeting",
        ))
        for n, org in enumerate(organisers):
            self.connections.append(connection_row(net.orgs[org].id, event_id, RelType.ORGANISES.value,
                                                   role="host" if n == 0 else "co-organiser"))
        self._attend(event_id, organisers, issues, COUNTRY_REGION[country], start, size, conference, global_)

    def _attend(self, event_id: str, organisers: list[int], issues: tuple[str, ...], region_name: str,
                start: date, size: int, conference: bool, global_: bool) -> None:
        rng, net = self.rng, self.net
        upcoming = start >= _REFERENCE
        if upcoming:
            size = max(1, int(size * _UPCOMING_TURNOUT))
        size = min(size, self.people)
        # Shares of attendees from: the organisers' own people, the region, the event's issues, anywhere.
        shares = (0.05, 0.2, 0.5) if global_ else (0.15, 0.6, 0.8)
        region = self.by_region[list(REGIONS).index(region_name)]
        staff = [p for org in organisers for p in self.org_people[org]]
        chosen: dict[int, str] = {}  # person -> where they came from; insertion-ordered
        for _ in range(4 * size):
            if len(chosen) >= size:
                break
            r = rng.random()
            if r < shares[0] and staff:
                person, origin = staff[int(rng.random() * len(staff))], "staff"
            elif r < shares[1]:
                person, origin = region.draw(rng), "region"
            elif r < shares[2] and issues:
                person, origin = self.by_issue[issues[int(rng.random() * len(issues))]].draw(rng), "issue"
            else:
                person, origin = self.anyone.draw(rng), "anyone"
            if person is not None and person not in chosen:
                chosen[person] = origin
        statuses = _UPCOMING_STATUSES if upcoming else _PAST_STATUSES
        sources = _UPCOMING_SOURCES if upcoming else _PAST_SOURCES
        speaking = 0.03 if conference else 0.1
        append = self.connections.append
        for person, origin in chosen.items():
            r = rng.random()
            if origin == "staff":
                role = "organiser" if r < 0.5 else "speaker" if r < 0.7 else "attendee"
            elif r < speaking:
                role = "speaker"
            elif conference and r < speaking + 0.1 and net.orgs[net.primary[person]].kind == "partner":
                role = "exhibitor"
            else:
                role = "attendee"
            status = statuses[int(rng.random() * len(statuses))]
            source = "programme" if role == "speaker" and not upcoming else sources[int(rng.random() * len(sources))]
            append({
                "from": net.contacts[person]["id"], "to": event_id, "type": RelType.ATTENDS.value, "strength": "",
                "since": "", "until": "", "last_contact": "", "source": source, "role": role, "status": status,
                "issues": "", "notes": "", "primary": "", "first_import": "", "last_import": "",  # CONNECTION_COLUMNS order
            })

    # -- many events -------------------------------------------------------------------------

    def add_events(self, count: int) -> None:
        """Add `count` events: a global conference each August, regional conferences, and meetings."""
        rng, net = self.rng, self.net
        if count <= 0 or not net.orgs:
            return
        conferences = min(count, max(1 if count >= 5 else 0, round(count * _CONFERENCE_SHARE)))
        foundation = next((i for i in net.affiliates if net.orgs[i].type == "foundation"), None)
        plan: list[tuple[int, bool, bool]] = []  # (month offset, conference, global)
        if foundation is not None:
            for offset in range(-_PAST_MONTHS, _AHEAD_MONTHS):
                if _month_start(offset).month == _GLOBAL_MONTH and len(plan) < conferences:
                    plan.append((offset, True, True))
        span = _PAST_MONTHS + _AHEAD_MONTHS
        while len(plan) < count:
            # More events lately than three years ago: the movement grows; about 70% are past.
            offset = -_PAST_MONTHS + int(span * rng.random() ** 0.8)
            plan.append((offset, len(plan) < conferences, False))
        plan.sort(key=lambda item: item[0])  # ids in date order; a stable sort keeps draws in step
        big_cap = max(2, self.people // 3)
        small_cap = max(2, self.people // 10)
        for offset, conference, global_ in plan:
            start = _month_start(offset) + timedelta(days=int(rng.random() * 28))
            if global_:
                host, size = int(foundation or 0), min(3000, big_cap)
            elif conference:
                pool = net.partners if rng.random() < 0.7 and net.partners else net.affiliates
                host = pool[int(rng.random() * len(pool))]
                size = min(int(200 * 12 ** (rng.random() ** 1.5)), big_cap)
            else:
                pool = net.partners if rng.random() < 0.6 and net.partners else net.affiliates
                host = pool[int(rng.random() * len(pool))]
                size = min(10 + int(50 * rng.random() ** 1.3), small_cap)
            self.add_event(conference=conference, host=host, start=start, size=size, global_=global_)
