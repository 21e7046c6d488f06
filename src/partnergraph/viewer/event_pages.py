"""The events pages and their JSON API: the Events page, the briefing, the attendance chart (docs/viewer.md#events).

The event page itself is the element page of an event (`pages.element`, which adds the
partners present and the gaps for signed-in readers). Attendance is personal data: anonymous
readers of a private viewer get the events and their organisers, ranked without anyone's
attendance; briefings, the event's people and the attendance trend need a signed-in reader; the
public viewer has none of these pages (its directory lists the public partner events).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, jsonify, render_template

from partnergraph.model import PartnergraphError
from partnergraph.services.options import ATTENDANCE_BY, EVENT_WHEN, EventsQuery
from partnergraph.viewer.auth import require_role
from partnergraph.viewer.charts import line_chart
from partnergraph.viewer.common import (
    choice_arg,
    describe_error,
    int_arg,
    personal_data_allowed,
    private_only,
    state,
    text_arg,
)

event_pages = Blueprint("events", __name__)
event_api = Blueprint("event_api", __name__)
WHEN_CHOICES = (*EVENT_WHEN, "all")
CHART_GROUPS = 6  # the chart draws the total and this many groups (most people first); the table has all


def date_arg(name: str) -> date | None:
    """Return a date from the query (YYYY-MM-DD), or None; a user error naming the parameter otherwise."""
    raw = text_arg(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise PartnergraphError(f"{name} must be a date (YYYY-MM-DD), not {raw[:40]!r}") from None


def _events(affiliate: str | None) -> dict[str, Any]:
    """Return the Events page's answer: ranked for an affiliate, else listed upcoming and past."""
    personal = personal_data_allowed()
    when = choice_arg("when", WHEN_CHOICES, "upcoming" if affiliate else "all")
    issue, region, today = text_arg("issue"), text_arg("region"), date_arg("as_of")
    with state().workspace() as ws:
        if affiliate:
            return ws.events.ranked(EventsQuery(affiliate=affiliate, when=None if when == "all" else when, issue=issue,
                                                region=region, today=today, top=int_arg("top", None),
                                                personal=personal))
        found = ws.events.listing(issue=issue, region=region, as_of=today, personal=personal)
    if when != "all":
        found = {**found, **{key: [] for key in (*EVENT_WHEN, "undated") if key != when}}
    return found


# -- pages ------------------------------------------------------------------------------------------


@event_pages.get("/events")
def events() -> Any:
    """Show the Events page: upcoming and past events, filtered; with ?for=AFFILIATE, ranked with reasons."""
    private_only()  # the public directory lists the public partner events
    affiliate = text_arg("for")
    found = error = None
    try:
        found = _events(affiliate)
    except PartnergraphError as exc:  # shown beside the form, which keeps what was chosen
        error = describe_error(exc)
    with state().workspace() as ws:
        facets = ws.browse.facets()
        affiliates = ws.browse.affiliates()
    return render_template("events.html", found=found, error=error, facets=facets, affiliates=affiliates,
                           query={"for": affiliate, "when": text_arg("when") or ("upcoming" if affiliate else "all"),
                                  "issue": text_arg("issue"), "region": text_arg("region"), "as_of": text_arg("as_of")},
                           when_choices=WHEN_CHOICES, personal=personal_data_allowed())


@event_pages.get("/events/<node_id>/briefing")
@require_role("viewer")  # whom to meet and who introduces whom: people's attendance throughout
def briefing(node_id: str) -> Any:
    """Show the printable briefing: whom ?for=PERSON should meet at the event, why, and who introduces them."""
    person = text_arg("for")
    found = error = None
    with state().workspace() as ws:
        event = ws.events.event(node_id, as_of=date_arg("as_of"))
        if person:
            try:
                found = ws.events.briefing(node_id, person, as_of=date_arg("as_of"))
            except PartnergraphError as exc:  # shown beside the form, which keeps what was typed
                error = describe_error(exc)
    return render_template("briefing.html", event=event, briefing=found, error=error, person=person)


@event_pages.get("/analytics/attendance")
@require_role("viewer")  # counts per affiliate and year can single a person out
def attendance() -> Any:
    """Show attendance at partner events per year as a chart (inline SVG) beside its table."""
    by = choice_arg("by", ATTENDANCE_BY, "region") or "region"
    with state().workspace() as ws:
        found = ws.events.attendance(by=by, from_year=int_arg("from", None), as_of=date_arg("as_of"))
    # The chart draws years up to the one asked about: a year still to come has only planned
    # attendance, which the table shows; drawn as a fall to 0 it would read as a decline.
    shown = sum(1 for year in found["years"] if year <= int(found["as_of"][:4]))
    series = [("all our people", [c["people"] for c in found["total"][:shown]])]
    series += [(g["name"], [c["people"] for c in g["counts"][:shown]]) for g in found["groups"][:CHART_GROUPS]]
    chart = line_chart(found["years"][:shown], series)
    return render_template("analytics_attendance.html", found=found, chart=chart, by=by, choices=ATTENDANCE_BY)


# -- the JSON API -----------------------------------------------------------------------------------


@event_api.get("/events")
def api_events() -> Any:
    """Return events listed (upcoming, past, undated) or, with ?for=AFFILIATE, ranked with reasons.

    ?for=&when=upcoming|past|all&issue=&region=&as_of=YYYY-MM-DD&top=N. Readers who may not see
    attendance get it without: partners count by organising, and no one is named.
    """
    private_only()
    return jsonify(_events(text_arg("for")))


@event_api.get("/events/<path:node_id>")
@require_role("viewer")
def api_event(node_id: str) -> Any:
    """Return the event page: the event, organisers, our attendees, the partners present and the gaps."""
    with state().workspace() as ws:
        return jsonify(ws.events.event(node_id, as_of=date_arg("as_of")))


@event_api.get("/events/<node_id>/briefing")
@require_role("viewer")
def api_briefing(node_id: str) -> Any:
    """Return the briefing for ?for=PERSON at an event (the CLI's `briefing --json`)."""
    person = text_arg("for")
    if not person:
        raise PartnergraphError("for is required: the person the briefing is for")
    with state().workspace() as ws:
        return jsonify(ws.events.briefing(node_id, person, as_of=date_arg("as_of")))


@event_api.get("/attendance")
@require_role("viewer")
def api_attendance() -> Any:
    """Return our people at partner events per year: ?by=region|affiliate|issue&from=YEAR&as_of= (the CLI's `attendance --json`)."""
    by = choice_arg("by", ATTENDANCE_BY, "region") or "region"
    with state().workspace() as ws:
        return jsonify(ws.events.attendance(by=by, from_year=int_arg("from", None), as_of=date_arg("as_of")))
