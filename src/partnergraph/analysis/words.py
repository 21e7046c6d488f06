"""Counts in words: "1 partner", "2 partners". The one plural rule of every answer, page and command.

The analysis says its sentences with it; the command line and the viewer's pages reach it
through `partnergraph.services` (the `plural` template filter).
"""

from __future__ import annotations

# Nouns whose plural no rule below makes.
IRREGULAR = {"person": "people", "child": "children", "criterion": "criteria"}


def plural_of(noun: str) -> str:
    """Return the plural of `noun`, inflecting its last word ("more partner" -> "more partners")."""
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last in IRREGULAR:
        return prefix + IRREGULAR[last]
    if last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return prefix + last[:-1] + "ies"
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return prefix + last + "es"
    return prefix + last + "s"


def plural(count: int, noun: str, many: str | None = None) -> str:
    """Return `count` and `noun`, the noun in the plural unless the count is 1 (`many` names an irregular one)."""
    return f"{count} {noun if count == 1 else many or plural_of(noun)}"
