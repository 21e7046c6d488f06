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

**Recency** adds ``RECENCY_WEIGHT * (1 - 0.5 ** (months / HALF_LIFE_MONTHS))``: nothing for a
contact this month, 1.5 after a year, 2.25 after two, approaching 3 for contact long ago. A tie's
months count from its last contact (or its end, if it ended and no contact is recorded); a tie
with neither costs as if last used a year ago (``UNKNOWN_RECENCY``). A membership that continues
adds nothing; one that ended adds the recency of its end, on each side.
"""

from __future__ import annotations

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
