"""Attendance over time: our people at partner events per year, and the partners met there.

The strategy's "increasing attendance at partner conferences" as a trend table
(docs/events.md#attendance-over-time):

- a **partner event** has a partner present (`event_presence`: organising, or with people at it);
- **our people** are contacts who were members of an affiliate on the event's first day;
- only **attended** counts as attendance (`analysis.attendance`, the one reading of a status):
  `people` counts our distinct people who attended a partner event in that year, `attendances`
  each person at each event; registered or planned attendance is counted apart, in `planned`
  (distinct people), and never as attendance;
- `partners_met` counts the distinct partners present at the partner events that our people of
  that group attended that year.

Rows are by the event's region, by the affiliate of the person (someone in two affiliates counts
in both), or by the event's issues (an event on two issues counts in both); the year is the
event's start.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx

from partnergraph.analysis.attendance import ATTENDED
from partnergraph.analysis.event_presence import memberships, presence
from partnergraph.model import PartnergraphError

BY = ("region", "affiliate", "issue")
NONE_LABELS = {"region": "(no region)", "affiliate": "(no affiliate)", "issue": "(no issue)"}
COUNTS = ("people", "attendances", "partners_met", "planned")


class _Cell:
    __slots__ = ("people", "attendances", "partners", "planned")

    def __init__(self) -> None:
        self.people: set[str] = set()
        self.attendances = 0
        self.partners: set[str] = set()
        self.planned: set[str] = set()

    def counts(self) -> dict[str, int]:
        return {"people": len(self.people), "attendances": self.attendances, "partners_met": len(self.partners),
                "planned": len(self.planned)}


def attendance_trend(graph: nx.Graph, *, by: str = "region", from_year: int | None = None,
                     today: date | None = None) -> dict[str, Any]:
    """Return our people at partner events per year, grouped `by` region, affiliate or issue.

    The answer: `by`, `from_year`, `as_of`, `years` (ascending), `groups` (each `id` (None for
    a region, or for events or people without one), `name`, and `counts`: one dict per year of
    `years` with `people`, `attendances`, `partners_met` and `planned`), most people first, and
    `total` (the same counts over all groups, people and partners counted once).
    """
    if by not in BY:
        raise PartnergraphError(f"by must be one of {', '.join(BY)}, not {by!r}")
    today = today or date.today()
    members = memberships(graph)
    cells: dict[tuple[str | None, int], _Cell] = {}
    totals: dict[int, _Cell] = {}
    names: dict[str | None, str] = {}
    for event, data in graph.nodes(data=True):
        if data.get("kind") != "event" or not data.get("start"):
            continue
        year = int(str(data["start"])[:4])
        if from_year is not None and year < from_year:
            continue
        there = presence(graph, event, today=today, members=members, statuses=True)
        if not there.partners:
            continue
        for attendee in there.ours:
            if by == "affiliate":
                groups: list[str | None] = list(attendee.affiliates)
            elif by == "issue":
                groups = list(there.issues) or [None]
            else:
                region = str(data.get("region") or "").strip()
                groups = [region or None]
            for group in [*groups, "\0total"]:
                cell = totals.setdefault(year, _Cell()) if group == "\0total" else cells.setdefault((group, year), _Cell())
                if group != "\0total" and group not in names:
                    names[group] = _label(graph, by, group)
                if attendee.status == ATTENDED:
                    cell.people.add(attendee.id)
                    cell.attendances += 1
                    cell.partners.update(there.partners)
                else:
                    cell.planned.add(attendee.id)
    years = sorted(totals)
    empty = {name: 0 for name in COUNTS}
    groups_out = []
    for group in names:
        counts = [cells[(group, y)].counts() if (group, y) in cells else dict(empty) for y in years]
        groups_out.append({"id": None if by == "region" else group, "name": names[group], "counts": counts})
    groups_out.sort(key=lambda g: (-sum(c["people"] for c in g["counts"]), g["name"] == NONE_LABELS[by], g["name"]))
    return {"by": by, "from_year": from_year, "as_of": today.isoformat(), "years": years, "groups": groups_out,
            "total": [totals[y].counts() for y in years]}


def _label(graph: nx.Graph, by: str, group: str | None) -> str:
    if group is None:
        return NONE_LABELS[by]
    if by == "region":
        return group
    return str(graph.nodes[group].get("name") or group)
