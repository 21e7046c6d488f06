"""Whether a person went to an event: the one reading of an ATTENDS relationship's status.

An ATTENDS relationship says `attended`, `registered` or `planned` (schema.ATTENDANCE_STATUSES).
A relationship with no status is read by the event's dates: attended once the event has started
by the day asked about, planned before. Only attended attendance makes an introduction hop;
registered and planned say who will go. Paths, event rankings, briefings and the attendance trend
all ask here, so that they never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

ATTENDED = "attended"
PLANNED = "planned"


def attendance_status(relation: Mapping[str, Any], event: Mapping[str, Any], today: date) -> str:
    """Return the status of one ATTENDS relationship as of `today`: attended, registered or planned."""
    status = relation.get("status")
    if status:
        return str(status)
    start = event.get("start")
    return ATTENDED if start and str(start) <= today.isoformat() else PLANNED


def attended(relation: Mapping[str, Any], event: Mapping[str, Any], today: date) -> bool:
    """Return whether an ATTENDS relationship records that the person went (as of `today`)."""
    return attendance_status(relation, event, today) == ATTENDED
