"""How warm a hop is: the cost of asking for an introduction across one relationship.

A cost is a positive number; lower is warmer. A personal tie (KNOWS) or a held relationship
(HOLDS) costs ``6 - strength``: 1 for the strongest tie (5), 5 for the weakest (1), and 3 when
no strength is recorded. Membership of an organisation costs 1.5 per side, so two colleagues
introduced through their organisation cost 3 in all, like an average personal tie.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

DEFAULT_STRENGTH = 3
MEMBERSHIP_COST = 1.5


def relation_cost(relation: Mapping[str, Any]) -> float:
    """Return the cost of one relationship (a dict with `type` and optional `strength`)."""
    if relation["type"] == "MEMBER_OF":
        return MEMBERSHIP_COST
    return float(6 - int(relation.get("strength") or DEFAULT_STRENGTH))


def edge_cost(relations: Iterable[Mapping[str, Any]]) -> float:
    """Return the cost of the cheapest of the relationships that join two elements."""
    return min(relation_cost(r) for r in relations)
