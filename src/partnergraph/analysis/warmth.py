"""How warm a hop is: the cost of asking for an introduction across one relationship.

Every cost is at least 1 and lower is warmer, so the warmth of a path is the sum of its hops.
A cost has two parts: how close the relationship is, and how recently it was used.

- **A personal tie (KNOWS)**, or **a held relationship (HOLDS)**: ``6 - strength``, so 1 for the
  strongest tie (5) and 5 for the weakest (1); 3 when no strength is recorded.
- **Co-membership**: two people who were members of the same organisation at overlapping times
  know each other through it. Each side costs ``MEMBERSHIP_SIDE`` (1.25), 2.5 in all: about as
  warm as a good personal tie.
- **A holder and a member**: someone who holds a partner's relationship can reach that partner's
  people; the holder's side costs the HOLDS tie, the member's side ``MEMBERSHIP_SIDE``.
- **Arriving at an organisation**: a member of it costs ``MEMBER_ARRIVAL`` (1); someone who holds
  its relationship costs the HOLDS tie.
- **Co-attendance**: two people who both attended the same event (`analysis.attendance.attended`)
  may have met there: ``ATTENDANCE_BASE`` (3, weaker than co-membership's 2.5) plus
  ``EVENT_SIZE_WEIGHT`` (1.5) for every tenfold of attendees beyond ``SMALL_EVENT`` (10): two of
  30 have probably met (+0.7), two of 3,000 probably not (+3.7). Then the recency of the event's
  end (its start when it has no end; as if a year ago when it has no date). `co_attendance_cost`
  is the whole hop; the path index splits it in half between the two sides.

**Recency** adds ``RECENCY_WEIGHT * (1 - 0.5 ** (months / HALF_LIFE_MONTHS))``: nothing for a
contact this month, 1.5 after a year, 2.25 after two, approaching 3 for contact long ago. A tie's
months count from its last contact (or its end, if it ended and no contact is recorded); a tie
with neither costs as if last used a year ago (``UNKNOWN_RECENCY``). A membership that continues
adds nothing; one that ended adds the recency of its end, on each side.

**In words** (docs/paths.md#warmth-in-words): a path's total cost is said as `warm` (at most
`WARM`, 5: about two good, recent ties), `lukewarm` (at most `LUKEWARM`, 9) or `cold` (above:
four or more hops, or weak or long-unused ties). `warmth_word` is the one mapping; the viewer,
the JSON (`"warmth"`) and the CLI's text all use it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from partnergraph.schema import RelType

# Plain strings, as the analysis graph's relations carry them: compared in hot loops.
_HOLDS, _MEMBER_OF = RelType.HOLDS.value, RelType.MEMBER_OF.value
DEFAULT_STRENGTH = 3
MEMBERSHIP_SIDE = 1.25
MEMBER_ARRIVAL = 1.0
RECENCY_WEIGHT = 3.0
HALF_LIFE_MONTHS = 12.0
UNKNOWN_RECENCY = 1.5
# Co-attendance: the hop's base cost, the size from which an event starts to count as big, and
# what each tenfold of attendees beyond it adds (two of thousands have probably never met).
ATTENDANCE_BASE = 3.0
SMALL_EVENT = 10
EVENT_SIZE_WEIGHT = 1.5
# The warmth scale of a path's total cost: the highest cost each word covers (lower is warmer).
WARM = 5.0
LUKEWARM = 9.0
WARMTH_WORDS = ("warm", "lukewarm", "cold")


def month_number(day: str | None) -> int | None:
    """Return an ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as a count of months, or None; a year alone is its January."""
    if not day:
        return None
    return int(day[:4]) * 12 + (int(day[5:7]) - 1 if len(day) >= 7 else 0)


def recency(months: float) -> float:
    """Return the penalty for a relationship last used `months` months ago."""
    return RECENCY_WEIGHT * (1.0 - 0.5 ** (max(months, 0.0) / HALF_LIFE_MONTHS))


def tie_cost(relation: Mapping[str, Any], today: date) -> float:
    """Return the cost of a KNOWS or HOLDS tie: closeness plus recency of its last contact."""
    closeness = 6 - int(relation.get("strength") or DEFAULT_STRENGTH)
    last = month_number(relation.get("last_contact")) or month_number(relation.get("until"))
    if last is None:
        return closeness + UNKNOWN_RECENCY
    return closeness + recency(today.year * 12 + today.month - 1 - last)


def membership_recency(relation: Mapping[str, Any], today: date) -> float:
    """Return the recency penalty of a membership: none while it lasts, growing after it ends."""
    end = month_number(relation.get("until"))
    if end is None:
        return 0.0
    return recency(today.year * 12 + today.month - 1 - end)


def side_cost(relation: Mapping[str, Any], today: date) -> float:
    """Return one side's share of passing through an organisation (membership or HOLDS)."""
    if relation["type"] == _HOLDS:
        return tie_cost(relation, today)
    return MEMBERSHIP_SIDE + membership_recency(relation, today)


def arrival_cost(relation: Mapping[str, Any], today: date) -> float:
    """Return the cost of the last hop, from a member or holder to their organisation."""
    if relation["type"] == _HOLDS:
        return tie_cost(relation, today)
    return MEMBER_ARRIVAL + membership_recency(relation, today)


def event_size_cost(attended: int) -> float:
    """Return what an event's size adds to a co-attendance hop: nothing up to SMALL_EVENT, then per tenfold."""
    return EVENT_SIZE_WEIGHT * math.log10(max(attended, SMALL_EVENT) / SMALL_EVENT)


def co_attendance_cost(attended: int, event: Mapping[str, Any], today: date) -> float:
    """Return the cost of a hop between two people who both attended `event`, of `attended` people in all.

    The base, the event's size and the recency of its end (or start); an event with no date
    costs as if a year ago. An event still under way adds no recency.
    """
    last = month_number(event.get("end")) or month_number(event.get("start"))
    ago = UNKNOWN_RECENCY if last is None else recency(today.year * 12 + today.month - 1 - last)
    return ATTENDANCE_BASE + event_size_cost(attended) + ago


def relation_cost(relation: Mapping[str, Any]) -> float:
    """Return a relationship's length by closeness alone (no recency), for weighted measures.

    A KNOWS or HOLDS tie is ``6 - strength`` long (3 when unknown); a membership ``1.5``.
    """
    if relation["type"] == _MEMBER_OF:
        return 1.5
    return float(6 - int(relation.get("strength") or DEFAULT_STRENGTH))


def edge_cost(relations: Iterable[Mapping[str, Any]]) -> float:
    """Return the length of the shortest of the relationships that join two elements."""
    return min(relation_cost(r) for r in relations)


def warmth_word(cost: float) -> str:
    """Return the word for a path's total cost: warm (up to WARM), lukewarm (up to LUKEWARM) or cold."""
    if cost <= WARM:
        return "warm"
    if cost <= LUKEWARM:
        return "lukewarm"
    return "cold"


def warmth_meaning(cost: float) -> str:
    """Return what a path's cost means, in one line: the number, its word and the scale."""
    return (f"cost {cost:g}: {warmth_word(cost)} (warm up to {WARM:g}, lukewarm up to {LUKEWARM:g}, cold above; "
            "each hop costs 1 for a close tie in touch this month, about 3.5 for a good tie last used a year ago, "
            "more for weak or older ones)")
