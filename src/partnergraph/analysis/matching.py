"""Possible duplicates: incoming rows against the store and against each other, and near-duplicate values.

The rules, reasons and thresholds are documented in docs/import-format.md#duplicates. Elements are
compared only within their family (organisations, people, issues). A pair is possibly the same
element when, in this order of strength:

1. their names fold to the same text (`folding.fold`: case, accents, punctuation, a leading
   "the", legal suffixes);
2. they share an email address;
3. they share a website domain (not a shared host such as facebook.com);
4. one is written as the acronym of the other ("EDRi", "European Digital Rights");
5. their folded names are at least `FUZZY_THRESHOLD` % similar (rapidfuzz ratio), unless the
   incoming row has the same folded name as another element or a closer name names another, or
   (events) their numbers differ: "Open Access Week 2025" and "... 2026" are two editions.

Names include aliases. Blocking keeps the cost near-linear: only elements that share a folded
name, an email, a domain, an acronym, a rare word (or a word one letter away from it), or that
sort next to each other by name are compared.

This module also re-exports the names the import pipeline uses: `fold`, `acronym`, `domain`,
`Candidate` and `NameIndex`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy
from rapidfuzz import fuzz, process

from partnergraph.analysis.folding import (
    SHARED_HOSTS,
    Candidate,
    acronym,
    domain,
    family,
    fold,
    initials,
    is_acronym_of,
    looks_like_acronym,
    plain,
)
from partnergraph.analysis.lookup import NameIndex

__all__ = ["Candidate", "NameIndex", "PossibleDuplicate", "acronym", "domain", "find_duplicates", "fold",
           "near_duplicate_values"]

# Folded names at least this similar (rapidfuzz ratio, 0-100) are possibly the same.
FUZZY_THRESHOLD = 90.0
# Vocabulary values at least this similar are near duplicates.
VALUE_THRESHOLD = 88.0
# A word shared by more than this many elements of a family is too common to block on.
RARE_WORD = 40
# Names compared with their neighbours in sorted order (forwards and reversed), to catch typos.
WINDOW = 4

_FOLDED, _EMAIL, _DOMAIN, _ACRONYM, _FUZZY = range(5)


@dataclass(frozen=True)
class PossibleDuplicate:
    """Two elements that may be the same: `incoming` (a row's key) and `existing` (the store's or an earlier row's key)."""

    incoming: str
    existing: str
    existing_name: str
    reason: str
    score: float


@dataclass
class _Record:
    at: int  # position: existing elements first, then incoming rows in file order
    item: Candidate
    incoming: bool
    family: str
    folded: tuple[str, ...]  # of the name and each alias, without repeats
    spelled: tuple[tuple[str, str], ...]  # each name or alias as written, and folded
    domain: str | None
    email: str | None


def _record(at: int, item: Candidate, incoming: bool) -> _Record:
    site = domain(item.website) if item.website else None
    email = item.email.strip().casefold() if item.email and "@" in item.email else None
    spelled = tuple((name, fold(name)) for name in item.names)
    folded = tuple(dict.fromkeys(f for _, f in spelled if f))
    return _Record(at, item, incoming, family(item.kind), folded, spelled,
                   None if site in SHARED_HOSTS else site, email)


def find_duplicates(incoming: Sequence[Candidate], existing: Sequence[Candidate]) -> list[PossibleDuplicate]:
    """Return the possible duplicates among `incoming` and between `incoming` and `existing`, each pair once.

    Within the file, the later row is `incoming` and the earlier one `existing`. An incoming row
    with an existing element's key, or with its exact name and kind, is that element (the import
    updates it): it is in no pair. Pairs come in the order of the incoming rows, then of the others.
    """
    known_keys = {item.key for item in existing}
    known_names = {(item.name, item.kind) for item in existing}
    records = [_record(len(existing) + i, item, True) for i, item in enumerate(incoming)
               if item.key not in known_keys and (item.name, item.kind) not in known_names]
    families = {r.family for r in records}
    records[:0] = [_record(i, item, False) for i, item in enumerate(existing) if family(item.kind) in families]
    best: dict[tuple[int, int], tuple[int, float, str]] = {}

    def note(a: _Record, b: _Record, strength: int, score: float, reason: str) -> None:
        if a is b or a.family != b.family or not (a.incoming or b.incoming):
            return
        if a.item.key == b.item.key or (a.item.name == b.item.name and a.item.kind == b.item.kind):
            return  # the same element: the import treats them as one
        pair = (min(a.at, b.at), max(a.at, b.at))
        found = best.get(pair)
        if found is None or (strength, -score) < (found[0], -found[1]):
            best[pair] = (strength, score, reason)

    def blocks(keyed: dict[str, list[_Record]], strength: int, reason) -> None:
        for members in keyed.values():
            if len(members) > 1:
                for a in members:
                    if a.incoming:  # pairs of two existing elements are none of this import's business
                        for b in members:
                            if b.at < a.at:
                                note(a, b, strength, 1.0, reason(a, b))

    by_folded: dict[str, list[_Record]] = defaultdict(list)
    by_email: dict[str, list[_Record]] = defaultdict(list)
    by_domain: dict[str, list[_Record]] = defaultdict(list)
    for r in records:
        for name in r.folded:
            by_folded[f"{r.family}|{name}"].append(r)
        if r.email:
            by_email[f"{r.family}|{r.email}"].append(r)
        if r.domain:
            by_domain[f"{r.family}|{r.domain}"].append(r)
    blocks(by_folded, _FOLDED, lambda a, b: "same name apart from case/accents/punctuation/legal suffix")
    blocks(by_email, _EMAIL, lambda a, b: "same email")
    blocks(by_domain, _DOMAIN, lambda a, b: f"same website domain {a.domain}")
    _acronyms(records, note)
    at = {r.at: r for r in records}
    _similar(records, at, note)

    chosen = _closest_only(best)
    out = []
    for (i, j), (_, score, reason) in sorted(chosen.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        # The later position is the incoming row (existing elements come first).
        later, earlier = at[j], at[i]
        out.append(PossibleDuplicate(later.item.key, earlier.item.key, earlier.item.name, reason, round(score, 3)))
    return out


def _acronyms(records: list[_Record], note) -> None:
    expansions: dict[str, list[tuple[_Record, str]]] = defaultdict(list)
    shorts: dict[str, list[tuple[_Record, str]]] = defaultdict(list)
    for r in records:
        for name, folded in r.spelled:
            if looks_like_acronym(name):
                word = folded.replace(" ", "")
                for key in {word, word[:-1]}:
                    shorts[f"{r.family}|{key}"].append((r, name))
            found = initials(folded)
            if found is not None and len(found) >= 2:
                expansions[f"{r.family}|{found}"].append((r, name))
    for key, short in shorts.items():
        for a, short_name in short:
            for b, long_name in expansions.get(key, ()):
                if (a.incoming or b.incoming) and is_acronym_of(short_name, long_name):
                    note(a, b, _ACRONYM, 1.0, f"{short_name!r} is the acronym of {long_name!r}")


_NUMBERS = re.compile(r"\d+")


def _similar(records: list[_Record], at: dict[int, _Record], note) -> None:
    """Compare names that share a rare word (or one a letter away) or sort next to each other."""
    first = min((r.at for r in records if r.incoming), default=0)  # existing records come before it
    pairs: set[tuple[int, int]] = set()

    def pair_up(ats: Collection[int]) -> None:
        if len(ats) <= RARE_WORD * 2 and max(ats) >= first:
            for a, b in combinations(sorted(ats), 2):
                if b >= first:
                    pairs.add((a, b))

    for group in _by_family(records):
        words: dict[str, list[int]] = {}
        for r in group:
            for name in r.folded:
                for word in name.split():
                    if len(word) >= 3:
                        found = words.get(word)
                        if found is None:
                            words[word] = [r.at]
                        elif found[-1] != r.at:
                            found.append(r.at)
        rare = {word: ats for word, ats in words.items() if len(ats) <= RARE_WORD}
        # A word one letter away (typo, missing or swapped letter) shares a deletion with it.
        deletions: dict[str, list[int]] = {}
        for word, ats in rare.items():
            if len(ats) > 1:
                pair_up(ats)
            if len(word) >= 4:
                for i in range(len(word)):
                    key = word[:i] + word[i + 1:]
                    found = deletions.get(key)
                    if found is None:
                        deletions[key] = ats
                    else:
                        deletions[key] = found + ats
        for word, ats in deletions.items():
            also = rare.get(word)
            if also is not None:
                ats = ats + also
            if len(ats) > 1:
                ats = set(ats)
                if len(ats) > 1:
                    pair_up(ats)
        for reverse in (False, True):
            order = sorted((name[::-1] if reverse else name, r.at) for r in group for name in r.folded)
            ats = [a for _, a in order]
            for i, a in enumerate(ats):
                for b in ats[i + 1:i + 1 + WINDOW]:
                    if a != b and (a >= first or b >= first):
                        pairs.add((a, b) if a < b else (b, a))
    # Every pair's names side by side, scored in one call (rapidfuzz, in C, on all cores).
    left: list[str] = []
    right: list[str] = []
    owners: list[tuple[int, int]] = []
    for a, b in pairs:
        for x in at[a].folded:
            for y in at[b].folded:
                left.append(x)
                right.append(y)
                owners.append((a, b))
    if not owners:
        return
    scores = process.cpdist(left, right, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, workers=-1)
    best: dict[tuple[int, int], float] = {}
    for i in numpy.flatnonzero(scores >= FUZZY_THRESHOLD).tolist():
        if at[owners[i][0]].family == "event" and _NUMBERS.findall(left[i]) != _NUMBERS.findall(right[i]):
            continue  # another year or edition of a recurring event
        best[owners[i]] = max(best.get(owners[i], 0.0), float(scores[i]))
    for (a, b), score in best.items():
        note(at[a], at[b], _FUZZY, score / 100, f"similar names ({round(score)}%)")


def _by_family(records: list[_Record]) -> list[list[_Record]]:
    groups: dict[str, list[_Record]] = defaultdict(list)
    for r in records:
        groups[r.family].append(r)
    return list(groups.values())


def _closest_only(best: dict[tuple[int, int], tuple[int, float, str]]) -> dict[tuple[int, int], tuple[int, float, str]]:
    """Keep a similar-names pair only when the incoming row has no same folded name and no closer name elsewhere."""
    closest: dict[int, float] = {}
    for (_, later), (strength, score, _) in best.items():
        if strength == _FUZZY:
            closest[later] = max(score, closest.get(later, 0.0))
        elif strength == _FOLDED:
            closest[later] = 2.0  # beyond any similarity: the same name says which element it is
    return {pair: value for pair, value in best.items() if value[0] != _FUZZY or value[1] >= closest[pair[1]]}


def near_duplicate_values(in_use: Collection[str], incoming: Collection[str]) -> list[tuple[str, str, str]]:
    """Return (incoming value, value in use, reason) for incoming values that nearly repeat another.

    For vocabularies (regions, types, tags, issue names): the same apart from case, accents and
    punctuation ("GLAM"/"glam"); one the leading words of the other ("Latin America"/"Latin
    America & Caribbean"); or close spellings. An incoming value is also compared with the
    incoming values before it. A value used exactly as it is is no near duplicate.
    """
    known = list(dict.fromkeys(v for v in in_use if v.strip()))
    exact = set(known)
    out: list[tuple[str, str, str]] = []
    for value in dict.fromkeys(incoming):
        if not value.strip() or value in exact:
            continue
        mine = plain(value)
        for other in known:
            reason = _value_reason(mine, plain(other), value, other)
            if reason is not None:
                out.append((value, other, reason))
                break
        known.append(value)
        exact.add(value)
    return out


def _value_reason(mine: str, theirs: str, value: str, other: str) -> str | None:
    if not mine or not theirs:
        return None
    if mine == theirs:
        return "the same apart from case/accents/punctuation"
    a, b = mine.split(), theirs.split()
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if short and long[:len(short)] == short and (len(short) > 1 or len(short[0]) >= 4):
        inner, outer = (value, other) if short is a else (other, value)
        return f"{inner!r} is the start of {outer!r}"
    score = fuzz.ratio(mine, theirs)
    if min(len(mine), len(theirs)) >= 4 and score >= VALUE_THRESHOLD:
        return f"similar spelling ({round(score)}%)"
    return None
