"""Events: which conference to attend, the briefing, the attendance trend, the event page and the Events page.

Each method resolves ids or names on the cached analysis graph (an event by its name, an
affiliate, a person, an issue: `analysis.event_presence.find`, which says "briefing needs an
event, 'x' is a partner" for an element of another kind), calls the analysis and returns
JSON-ready dicts (the shapes of docs/events.md). Attendance is personal data: every answer
here but `ranked(..., personal=False)` and `listing(..., personal=False)` names who attends;
the front ends show them only to signed-in readers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from partnergraph.analysis.attendance_trend import attendance_trend
from partnergraph.analysis.briefing import INTRODUCTIONS, briefing
from partnergraph.analysis.event_presence import find
from partnergraph.analysis.events import event_page, list_events, rank_events
from partnergraph.analysis.graph import node_summary
from partnergraph.io.countries import EVERYDAY_NAMES
from partnergraph.schema import Kind
from partnergraph.services.cache import GraphCache
from partnergraph.services.options import AttendanceQuery, EventsQuery


class Events:
    """The events questions over one store's cached analysis graph."""

    def __init__(self, cache: GraphCache):
        self.cache = cache

    def ranked(self, query: EventsQuery) -> dict[str, Any]:
        """Return `{"for", "as_of", "when", "issue", "region", "events": [...]}`: events ranked by value, with reasons."""
        graph = self.cache.graph()
        today = query.today or date.today()
        affiliate = find(graph, query.affiliate, Kind.AFFILIATE, "events are ranked for an affiliate") if query.affiliate else None
        issue = find(graph, query.issue, Kind.ISSUE, "the issue filter needs an issue") if query.issue else None
        found = rank_events(graph, affiliate=affiliate, when=query.when, issue=issue, region=query.region,
                            today=today, stale_months=query.stale_months, top=query.top, attendance=query.personal)
        return {"for": node_summary(graph, affiliate) if affiliate else None, "as_of": today.isoformat(),
                "when": query.when, "issue": issue, "region": query.region, "events": found}

    def briefing(self, event: str, person: str, as_of: date | None = None, *,
                 introductions: int = INTRODUCTIONS) -> dict[str, Any]:
        """Return whom `person` should meet at `event`, why, and the warmest introduction to each (personal).

        Introductions are searched for the `introductions` people and organisations most worth meeting.
        """
        graph = self.cache.path_graph()
        event_id = find(graph, event, Kind.EVENT, "briefing needs an event")
        person_id = find(graph, person, Kind.CONTACT, "a briefing is for a person (a contact)")
        return briefing(graph, event_id, person_id, today=as_of, countries=EVERYDAY_NAMES, introductions=introductions)

    def attendance(self, by: str = "region", from_year: int | None = None,
                   as_of: date | None = None) -> dict[str, Any]:
        """Return our people at partner events per year and the partners met there, grouped `by`."""
        query = AttendanceQuery(by=by, from_year=from_year, today=as_of)
        return attendance_trend(self.cache.graph(), by=query.by, from_year=query.from_year, today=query.today)

    def event(self, event: str, as_of: date | None = None) -> dict[str, Any]:
        """Return the event page: the event, organisers, our attendees, the partners present and the gaps."""
        graph = self.cache.graph()
        return event_page(graph, find(graph, event, Kind.EVENT, "the event page needs an event"), today=as_of)

    def listing(self, *, issue: str | None = None, region: str | None = None, affiliate: str | None = None,
                as_of: date | None = None, personal: bool = True) -> dict[str, Any]:
        """Return the Events page: `upcoming`, `past` and `undated` events, filtered by issue, region, affiliate."""
        graph = self.cache.graph()
        today = as_of or date.today()
        issue_id = find(graph, issue, Kind.ISSUE, "the issue filter needs an issue") if issue else None
        affiliate_id = find(graph, affiliate, Kind.AFFILIATE, "the affiliate filter needs an affiliate") if affiliate else None
        found = list_events(graph, today=today, issue=issue_id, region=region, affiliate=affiliate_id,
                            attendance=personal)
        return {"as_of": today.isoformat(), "issue": issue_id, "region": region, "affiliate": affiliate_id, **found}
