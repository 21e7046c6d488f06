"""Why each introduction path is where it is in the ranking, in one line (docs/paths.md#ranking).

"warmest: 2 hops, both ties strength 4+, last contact within 5 months". The first part says what
ranks it (fewest hops, or lowest cost with `warm`), the rest the facts that make it warm or cold:
how many hops, the weakest tie's strength, shared organisations, events both attended, the oldest contact. Strengths
and dates are facts (services/privacy.py), so the line says the same to every reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from partnergraph.analysis.paths import Path
from partnergraph.analysis.warmth import month_number
from partnergraph.schema import RelType, types_with_role

_TIES = (RelType.KNOWS.value, RelType.HOLDS.value)  # the relationships with a strength and a last contact
_ATTACHMENTS = types_with_role("attachment")
_ATTENDANCE = types_with_role("attendance")


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def _lead(paths: Sequence[Path], index: int, warm: bool) -> str:
    path = paths[index]
    if warm:
        if index == 0:
            return "warmest"
        return "as warm, longer" if abs(paths[index - 1].cost - path.cost) < 1e-9 else "next warmest"
    as_short = [p for p in paths if p.length == path.length]
    if index == 0:
        return "fewest hops, and the warmest of those" if len(as_short) > 1 else "fewest hops"
    return "as few hops, less warm" if paths[index - 1].length == path.length else "next fewest hops"


def _ties(path: Path) -> list[dict[str, Any]]:
    return [e for hop in path.hops for e in hop.evidence if e.get("type") in _TIES]


def _strength_words(ties: list[dict[str, Any]]) -> str | None:
    strengths = [int(t["strength"]) for t in ties if t.get("strength")]
    if not strengths:
        return None
    weakest = min(strengths)
    level = f"strength {weakest}" if weakest == 5 else f"strength {weakest}+"
    if len(ties) == 1:
        words = f"one tie of {level.rstrip('+')}"
    elif len(ties) == 2:
        words = f"both ties {level}" if len(strengths) == 2 else f"one tie {level}"
    else:
        words = f"all {len(ties)} ties {level}" if len(strengths) == len(ties) else f"{len(strengths)} ties {level}"
    missing = len(ties) - len(strengths)
    return words + (f" ({_plural(missing, 'tie')} without a strength)" if missing and len(ties) > 2 else "")


def _contact_words(ties: list[dict[str, Any]], today: date) -> str | None:
    now = today.year * 12 + today.month - 1
    ages = [now - m for m in (month_number(t.get("last_contact")) for t in ties) if m is not None]
    undated = len(ties) - len(ages)
    parts = []
    if ages:
        oldest = max(ages)
        if oldest <= 0:
            parts.append("last contact this month" if len(ages) == 1 else "every contact this month")
        elif oldest <= 12:
            parts.append(f"last contact within {_plural(oldest, 'month')}" if len(ages) == 1
                         else f"every contact within {_plural(oldest, 'month')}")
        else:
            age = _plural(oldest, "month") if oldest < 24 else _plural(oldest // 12, "year")
            parts.append(f"{'last' if len(ages) == 1 else 'oldest'} contact {age} ago")
    if undated:
        parts.append(f"no contact date on {_plural(undated, 'tie')}")
    return ", ".join(parts) or None


def ranking_reasons(paths: Sequence[Path], *, warm: bool, today: date | None = None) -> list[str]:
    """Return one line per path saying why it ranks where it does, in the order of `paths`.

    `paths` are as `introduction_paths` returned them (best first) with the same `warm`.
    """
    today = today or date.today()
    reasons = []
    for index, path in enumerate(paths):
        ties = _ties(path)
        shared = sum(1 for hop in path.hops if hop.via is not None and hop.type in _ATTACHMENTS)
        events = sum(1 for hop in path.hops if hop.via is not None and hop.type in _ATTENDANCE)
        facts = [_plural(path.length, "hop"), _strength_words(ties),
                 f"through {_plural(shared, 'shared organisation')}" if shared else None,
                 f"through {_plural(events, 'event')} both attended" if events else None, _contact_words(ties, today)]
        reasons.append(f"{_lead(paths, index, warm)}: {', '.join(f for f in facts if f)}")
    return reasons
