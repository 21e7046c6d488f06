"""How criteria scores spread: a histogram of the scores and what each criterion gave.

It explains a set of scores (`criteria.score_all`): how many meet the criteria, how many fall
below or lack the data to tell, which scores they have, and per criterion how many gained
points, got none, lost points or could not be judged (docs/analytics.md#criteria).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

VERDICTS = ("meets", "unknown", "below", "vetoed")


def score_spread(scored: list[dict[str, Any]], *, approve_at: float) -> dict[str, Any]:
    """Return the spread of `scored` (results of `criteria.score`): verdict counts, a histogram, per-criterion counts.

    The histogram has one bar per score that occurs, highest first, each with its verdicts.
    """
    verdicts = Counter(s["verdict"] for s in scored)
    by_score: dict[float, Counter[str]] = {}
    for s in scored:
        by_score.setdefault(s["score"], Counter())[s["verdict"]] += 1
    criteria: dict[str, Counter[str]] = {}
    for s in scored:
        for reason in s["reasons"]:
            outcome = ("unknown" if reason.get("unknown") else
                       "gained" if reason["points"] > 0 else "lost" if reason["points"] < 0 else "none")
            criteria.setdefault(reason["criterion"], Counter())[outcome] += 1
    return {
        "approve_at": approve_at,
        "count": len(scored),
        "verdicts": {v: verdicts[v] for v in VERDICTS},
        "histogram": [{"score": value, "count": sum(counts.values()),
                       "verdicts": {v: counts[v] for v in VERDICTS if counts[v]}}
                      for value, counts in sorted(by_score.items(), reverse=True)],
        "criteria": [{"criterion": name, **{o: counts[o] for o in ("gained", "none", "lost", "unknown")}}
                     for name, counts in criteria.items()],
    }
