"""Forgiving lookups: an element by its id, its name in any case or accents, an alias or a unique prefix.

The one rule for finding an element from what someone typed (docs/cli.md, docs/json-api.md#errors),
used by the analysis graph (`partnergraph.analysis.graph.resolve`) and so by every question, page,
API route and edit form. In turn:

1. the exact id;
2. the exact name, case- and accent-insensitive (`folding.plain`);
3. an alias (the element column `aliases`), compared the same way;
4. a unique prefix of a name or an alias.

Several elements at one step is an error that lists them with their ids; nothing at any step is
an error that suggests the three closest names ("did you mean").
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from partnergraph.analysis.folding import Candidate, plain
from partnergraph.model import UnknownNode
from partnergraph.schema import Kind

# Names shown in an error about an ambiguous reference.
SHOWN = 5
# A suggestion must be at least this similar (rapidfuzz ratio, 0-100) to be worth showing.
SUGGEST_CUTOFF = 65.0
# How much a match with the beginning of a name counts against one with the whole name.
START_WEIGHT = 0.95
# A prefix is looked at up to this many entries; more is reported as "more than" that.
PREFIX_SCAN = 1000
_END = "\U0010ffff"


class NameIndex:
    """The names and aliases of a set of elements, for forgiving lookups; updated in place by `add`/`discard`."""

    def __init__(self) -> None:
        self._items: dict[str, Candidate] = {}
        self._names: dict[str, list[str]] = {}  # plain name -> keys, sorted
        self._aliases: dict[str, list[str]] = {}  # plain alias -> keys, sorted
        self._sorted: list[tuple[str, str]] = []  # (plain name or alias, key), for prefixes
        self._choices: tuple[list[str], list[str]] | None = None  # for `closest`, made when first asked
        self._shared = False  # a `copy`: lists of keys are another index's until changed
        self._owned: set[tuple[int, str]] = set()

    @classmethod
    def from_candidates(cls, items: Iterable[Candidate]) -> NameIndex:
        """Return the index of `items` (elements as matching sees them)."""
        index = cls()
        entries: list[tuple[str, str]] = []
        for item in items:
            index._items[item.key] = item
            for text, table in index._entries(item):
                table.setdefault(text, []).append(item.key)
                entries.append((text, item.key))
        for table in (index._names, index._aliases):
            for keys in table.values():
                keys.sort()
        entries.sort()
        index._sorted = entries
        return index

    def to_arrays(self) -> dict[str, list[str] | list[int]]:
        """Return the index as flat lists of text and of numbers (for a file), as `from_arrays` reads them back."""
        items = sorted(self._items.values(), key=lambda item: item.key)
        at = {item.key: number for number, item in enumerate(items)}
        aliases = [alias for item in items for alias in item.aliases]
        # One entry per place in the sorted list, which holds a text twice when it is both an
        # element's name and one of its aliases: first as the name, then as the alias.
        entries: list[tuple[str, str, int]] = []
        for text, key in self._sorted:
            again = bool(entries) and entries[-1][:2] == (text, key)
            table = 1 if again or key not in self._names.get(text, ()) else 0
            entries.append((text, key, table))
        return {
            "keys": [item.key for item in items],
            "kinds": [item.kind.value for item in items],
            "names": [item.name for item in items],
            "alias_counts": [len(item.aliases) for item in items],
            "aliases": aliases,
            "entry_texts": [text for text, _, _ in entries],
            "entry_items": [at[key] for _, key, _ in entries],
            "entry_tables": [table for _, _, table in entries],
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, Sequence[Any]]) -> NameIndex:
        """Return the index `to_arrays` gave, read in place: nothing is folded or sorted again.

        Each lookup reads the few entries it needs (by bisection), so a large index is ready
        at once; `add` and `discard` are for an index made by `from_candidates`.
        """
        index = cls()
        kept = _Kept(arrays)
        index._items = kept  # type: ignore[assignment]
        index._names, index._aliases = _Table(kept, 0), _Table(kept, 1)  # type: ignore[assignment]
        index._sorted = kept.entries  # type: ignore[assignment]
        return index

    def _entries(self, item: Candidate) -> list[tuple[str, dict[str, list[str]]]]:
        found = [(plain(item.name), self._names)]
        found += [(text, self._aliases) for text in dict.fromkeys(plain(a) for a in item.aliases) if text]
        return [(text, table) for text, table in found if text]

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def copy(self) -> NameIndex:
        """Return an index with the same entries that `add` and `discard` can change without touching this one."""
        other = NameIndex()
        other._items = dict(self._items)
        # The lists of keys per name are shared until `add` or `discard` changes one (`_own`).
        other._names, other._aliases = dict(self._names), dict(self._aliases)
        other._shared = True
        other._sorted = list(self._sorted)
        other._choices = self._choices  # never changed in place: replaced (by None) on a change
        return other

    def _own(self, table: dict[str, list[str]], text: str) -> list[str] | None:
        """Return the keys of `text` in `table`, as a list of this index's own (copied if shared)."""
        keys = table.get(text)
        if keys is not None and self._shared and (id(table), text) not in self._owned:
            keys = table[text] = list(keys)
            self._owned.add((id(table), text))
        return keys

    def add(self, item: Candidate) -> None:
        """Add an element, or replace the one with its key."""
        self.discard(item.key)
        self._items[item.key] = item
        for text, table in self._entries(item):
            keys = self._own(table, text)
            if keys is None:
                keys = table[text] = []
                self._owned.add((id(table), text))
            bisect.insort(keys, item.key)
            bisect.insort(self._sorted, (text, item.key))
        self._choices = None

    def discard(self, key: str) -> None:
        """Remove the element with this key, if there is one."""
        item = self._items.pop(key, None)
        if item is None:
            return
        for text, table in self._entries(item):
            keys = self._own(table, text) or []
            if key in keys:
                keys.remove(key)
                if not keys:
                    del table[text]
            at = bisect.bisect_left(self._sorted, (text, key))
            if at < len(self._sorted) and self._sorted[at] == (text, key):
                del self._sorted[at]
        self._choices = None

    def describe(self, key: str) -> str:
        """Return "Name (id)", as errors list elements."""
        return f"{self._items[key].name} ({key})"

    def lookup(self, ref: str, kinds: Collection[Kind] | None = None, *, prefix: bool = True) -> str:
        """Return the key of the one element `ref` names (id, name, alias, unique prefix), or raise `UnknownNode`.

        `kinds` restricts every step to elements of those kinds; without `prefix` a beginning of
        a name is not enough (for files, where a name that is new must not match an old one's start).
        """
        found, more = self._match(ref, kinds, prefix)
        if found:
            return self.only(ref, found, more=more)
        suggestions = self.closest(ref, kinds=kinds)
        hint = f"; did you mean: {', '.join(map(self.describe, suggestions))}?" if suggestions else ""
        raise UnknownNode(f"no element with id or name {ref!r}{hint}")

    def matches(self, ref: str, kinds: Collection[Kind] | None = None, *, prefix: bool = True) -> list[str]:
        """Return the keys `ref` names at the first step of `lookup` that names any ([] for none), without suggestions.

        For callers that treat "none" as news rather than an error: an import, whose new names
        create elements.
        """
        return self._match(ref, kinds, prefix)[0]

    def _match(self, ref: str, kinds: Collection[Kind] | None, prefix: bool) -> tuple[list[str], bool]:
        def allowed(keys: Iterable[str]) -> list[str]:
            return [k for k in keys if kinds is None or self._items[k].kind in kinds]

        text = ref.strip()
        if text in self._items and allowed([text]):
            return [text], False
        wanted = plain(text)
        if not wanted:
            return [], False
        for table in (self._names, self._aliases):
            found = allowed(table.get(wanted, ()))
            if found:
                return found, False
        return self._prefixed(wanted, allowed) if prefix else ([], False)

    def _prefixed(self, wanted: str, allowed) -> tuple[list[str], bool]:
        start = bisect.bisect_left(self._sorted, (wanted,))
        stop = bisect.bisect_left(self._sorted, (wanted + _END,))
        window = self._sorted[start:min(stop, start + PREFIX_SCAN)]
        return allowed(dict.fromkeys(key for _, key in window)), stop - start > PREFIX_SCAN

    def only(self, ref: str, keys: list[str], *, more: bool = False) -> str:
        """Return the one key `ref` matched, or raise `UnknownNode` listing them ("'x' names 3 elements: ...")."""
        if len(keys) == 1 and not more:
            return keys[0]
        count = f"more than {len(keys)}" if more else str(len(keys))
        shown = ", ".join(self.describe(k) for k in keys[:SHOWN]) + (", ..." if len(keys) > SHOWN or more else "")
        raise UnknownNode(f"{ref!r} names {count} elements: {shown}; use an id")

    def closest(self, ref: str, n: int = 3, *, kinds: Collection[Kind] | None = None) -> list[str]:
        """Return the keys of the `n` elements whose names or aliases are closest to `ref`, closest first.

        Close is the better of two similarities (rapidfuzz ratio, in C over all names): to the whole
        name, and (a little less) to its beginning as long as `ref`, since people type the start
        of a name. Only names at least `SUGGEST_CUTOFF` similar count, so nonsense gets none.
        """
        # Imported here: a lookup that finds its element (most of them) never loads them.
        import numpy
        from rapidfuzz import fuzz, process

        wanted = plain(ref)
        if not wanted or n <= 0 or not self._sorted:
            return []
        if self._choices is None:
            self._choices = ([text for text, _ in self._sorted], [key for _, key in self._sorted])
        texts, keys = self._choices
        whole = process.cdist([wanted], texts, scorer=fuzz.ratio, workers=-1)[0]
        starts = process.cdist([wanted], [t[:len(wanted)] for t in texts], scorer=fuzz.ratio, workers=-1)[0]
        scores = numpy.maximum(whole, starts * START_WEIGHT)
        found: dict[str, None] = {}
        for at in numpy.argsort(-scores, kind="stable").tolist():
            if scores[at] < SUGGEST_CUTOFF:
                break
            key = keys[at]
            if kinds is None or self._items[key].kind in kinds:
                found[key] = None
                if len(found) == n:
                    break
        return list(found)


class _Kept(Mapping[str, Candidate]):
    """The elements of an index kept as arrays (`NameIndex.to_arrays`), by key: a mapping read by bisection."""

    def __init__(self, arrays: Mapping[str, Sequence[Any]]):
        self.keys, self.kinds, self.names = arrays["keys"], arrays["kinds"], arrays["names"]
        self.aliases = arrays["aliases"]
        starts = [0]
        for count in map(int, arrays["alias_counts"]):
            starts.append(starts[-1] + count)
        self.alias_starts = starts
        self.entries = _Entries(arrays["entry_texts"], list(map(int, arrays["entry_items"])), self.keys)
        self.tables = list(map(int, arrays["entry_tables"]))
        self._kinds = {kind.value: kind for kind in Kind}

    def _at(self, key: object) -> int | None:
        at = bisect.bisect_left(self.keys, key)
        return at if at < len(self.keys) and self.keys[at] == key else None

    def __getitem__(self, key: str) -> Candidate:
        at = self._at(key)
        if at is None:
            raise KeyError(key)
        aliases = tuple(self.aliases[self.alias_starts[at]:self.alias_starts[at + 1]])
        return Candidate(key, self._kinds[self.kinds[at]], self.names[at], aliases)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._at(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)


class _Entries(Sequence[tuple[str, str]]):
    """The sorted (text, key) entries of a kept index."""

    def __init__(self, texts: Sequence[str], items: Sequence[int], keys: Sequence[str]):
        self.texts, self.items, self.keys = texts, items, keys

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, at: Any) -> Any:
        if isinstance(at, slice):
            return [self[i] for i in range(*at.indices(len(self)))]
        return (self.texts[at], self.keys[self.items[at]])


class _Table(Mapping[str, list[str]]):
    """The names (0) or the aliases (1) of a kept index: text -> keys, read by bisection."""

    def __init__(self, kept: _Kept, table: int):
        self.kept, self.table = kept, table

    def __getitem__(self, text: str) -> list[str]:
        entries, tables = self.kept.entries, self.kept.tables
        at = bisect.bisect_left(entries, (text,))
        found = []
        while at < len(entries) and entries.texts[at] == text:
            if tables[at] == self.table:
                found.append(entries.keys[entries.items[at]])
            at += 1
        if not found:
            raise KeyError(text)
        return found

    def __iter__(self) -> Iterator[str]:
        entries, tables = self.kept.entries, self.kept.tables
        return iter(dict.fromkeys(entries.texts[at] for at in range(len(entries)) if tables[at] == self.table))

    def __len__(self) -> int:
        return sum(1 for _ in self)
