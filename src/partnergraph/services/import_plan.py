"""One import's plan: the rows of a file given ids, their possible duplicates decided, compared with the store.

The steps are those of `services.imports` (its docstring); `Planner` does them over one read of the
store, `_Resolver` gives every row and reference an id. Nothing here writes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from partnergraph.analysis.folding import family, plain
from partnergraph.analysis.lookup import NameIndex
from partnergraph.analysis.matching import Candidate, find_duplicates, near_duplicate_values
from partnergraph.io.sources import SourceRows
from partnergraph.model import (
    Connection,
    Dataset,
    Element,
    ImportFailed,
    Kind,
    Location,
    PartnergraphError,
    Problem,
    RelType,
    Row,
    UnknownNode,
    parse_list,
    validate_dataset,
)
from partnergraph.services.partnership_checks import import_record_problems
from partnergraph.store import GraphStore

DECISIONS = ("merge", "separate")
PROVENANCE = ("first_import", "last_import")
_LIST_PROPS = frozenset(("tags", "aliases", "offers", "looks_for", "issues"))


@dataclass(frozen=True)
class ImportOptions:
    """How to read a file and what to do with its possible duplicates."""

    mapping: Mapping[str, str] = field(default_factory=dict)  # header as written -> field (--map, --mapping)
    date_order: str | None = None  # dmy | mdy: how to read 03/04/2021
    strict: bool = False  # warnings are problems
    on_duplicate: str | None = None  # merge | separate: every undecided pair
    decisions: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (incoming name, existing id) -> decision
    from_affiliate: str | None = None  # the affiliate whose list this is (an id or a name)

    def __post_init__(self) -> None:
        for value in (self.on_duplicate, *self.decisions.values()):
            if value is not None and value not in DECISIONS:
                raise PartnergraphError(f"a decision is merge or separate, not {value!r}")


@dataclass
class ImportPlan:
    """What an import would do: its report (the JSON contract), the data to write and the store version it saw."""

    report: dict[str, Any]
    dataset: Dataset
    version: str
    undecided: list[dict[str, Any]]
    affiliate: str | None = None  # the affiliate whose list this is
    file_name: str = ""
    new: frozenset[Any] = frozenset()  # ids and connection keys the import creates


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in ascii_name).split()
    if not words:  # a name in a script without ASCII letters keeps its own letters
        words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    return "-".join(words)[:60].strip("-") or "element"


_FAMILIES = {group: tuple(k for k in Kind if family(k) == group) for group in dict.fromkeys(map(family, Kind))}


class _Resolver:
    """Ids for the rows of one import: existing elements by id, name or alias (the lookup rules, without
    prefixes: a new name must not match an old one's start); new ones by slug."""

    def __init__(self, existing: Mapping[str, Element], names: NameIndex):
        self.existing = existing
        self.names = names  # of the existing elements
        self.explicit: dict[str, Kind] = {}  # ids the file gives
        self.explicit_names: dict[tuple[str, str], str] = {}  # (family, name key) -> an id the file gives
        self.new: dict[tuple[str, str], str] = {}  # (family, name key) -> provisional id "new:N"
        self.new_rows: dict[str, dict[str, Any]] = {}  # provisional id -> element values
        self.new_where: dict[str, Location] = {}

    def existing_match(self, group: str, name: str) -> list[str]:
        """Return the existing elements of a family ("organisation", "contact", "issue") that `name` names."""
        return self.names.matches(name, _FAMILIES[group], prefix=False)

    def provisional(self, kind: Kind, name: str, where: Location) -> str:
        key = (family(kind), plain(name))
        if key not in self.new:
            pid = f"new:{len(self.new)}"
            self.new[key] = pid
            self.new_rows[pid] = {"kind": kind.slug, "name": name}
            self.new_where[pid] = where
        return self.new[key]

    def reference(self, ref: str, kind: Kind | None, where: Location, problems: list[Problem], column: str) -> str:
        """Return the id (or provisional id) `ref` names; with no `kind` to create, `ref` itself when unknown."""
        ref = ref.strip()
        if ref in self.existing or ref in self.explicit:
            return ref
        for group in [family(kind)] if kind is not None else list(_FAMILIES):
            matches = self.existing_match(group, ref)
            if matches:
                try:
                    return self.names.only(ref, matches)
                except UnknownNode as exc:  # several: the same words as every lookup
                    problems.append(Problem(where, f"column '{column}': {exc}", column))
                    return ref
            given = self.explicit_names.get((group, plain(ref)))
            if given is not None:
                return given
            pid = self.new.get((group, plain(ref)))
            if pid is not None:
                return pid
        return self.provisional(kind, ref, where) if kind is not None else ref


def _kind(text: Any) -> Kind | None:
    try:
        return Kind.parse(str(text))
    except ValueError:
        return None


def _combine(into: dict[str, Any], values: Mapping[str, Any], where: Location, warnings: list[str]) -> None:
    """Add a later row's values about the same element: lists join, a different value is reported and dropped."""
    for column, value in values.items():
        if value in (None, "", []):
            continue
        current = into.get(column)
        if current in (None, "", []):
            into[column] = value
        elif column in _LIST_PROPS or column == "member_of":
            into[column] = list(dict.fromkeys([*parse_list(current), *parse_list(value)]))
        elif str(current).strip() != str(value).strip() and column not in ("id", "kind"):
            warnings.append(f"{where}: {into.get('name', '')!s}: kept {column} {current!r} from an earlier row, "
                            f"not {value!r}")


class Planner:
    """One preview: the steps of the module docstring, over one read of the store."""

    def __init__(self, store: GraphStore, existing: dict[str, Element], version: str, read: SourceRows,
                 options: ImportOptions, graph: Callable[[], nx.Graph] | None = None):
        self.store, self.existing, self.version, self.read, self.options = store, existing, version, read, options
        self.graph = graph  # the store's analysis graph, for the checks that read beyond one row
        self.problems: list[Problem] = []
        self.warnings: list[str] = list(read.warnings)
        # The existing elements as matching sees them: for names (the resolver) and duplicates alike.
        self.known = [self._candidate(e.id, e.to_dict()) for e in existing.values()]
        self.resolver = _Resolver(existing, NameIndex.from_candidates(c for c in self.known if c is not None))
        self.file_name = ""

    def plan(self) -> ImportPlan:
        affiliate = self._affiliate()
        element_values, element_where = self._elements()
        connection_rows = self._connections(affiliate)
        self._add_referenced(element_values, element_where)
        if self.problems:
            raise ImportFailed(sorted(self.problems, key=lambda p: (p.where.file, p.where.line)))
        pairs, final = self._duplicates(element_values)
        ids = self._assign_ids(final)
        element_rows, merged_into = self._element_rows(element_values, element_where, ids)
        connection_rows = [self._substitute_ends(row, ids) for row in connection_rows]
        kinds = {i: e.kind for i, e in self.existing.items()}
        dataset = validate_dataset(element_rows, connection_rows, kinds)
        # One contact of record per partner and affiliate (docs/analytics.md#contact-of-record): the
        # store's graph is read only when the import sets one.
        if self.graph is not None and any(c.props.get("primary") is True for c in dataset.connections):
            problems = import_record_problems(self.graph(), dataset.elements, dataset.connections, element_rows,
                                              connection_rows)
            if problems:
                raise ImportFailed(problems)
        self._merge_into_existing(dataset, merged_into)
        report = self._report(dataset, pairs, ids)
        undecided = [p for p in report["possible_duplicates"] if p["decision"] is None]
        new = frozenset([*(i for i, s in self._element_state.items() if s == "new"),
                         *(k for k, s in self._connection_state.items() if s == "new")])
        return ImportPlan(report, self._changed_only(dataset), self.version, undecided, affiliate,
                          self.file_name, new)

    # -- 1. ids -----------------------------------------------------------------------------

    def _affiliate(self) -> str | None:
        ref = self.options.from_affiliate
        if not ref:
            return None
        matches = [ref] if ref in self.existing else self.resolver.existing_match("organisation", ref)
        matches = [m for m in matches if self.existing[m].kind is Kind.AFFILIATE]
        if len(matches) != 1:
            raise PartnergraphError(f"--from-affiliate: {ref!r} is not {'one' if matches else 'an'} affiliate"
                                    f"{' (' + ', '.join(matches) + ')' if matches else ''}")
        return matches[0]

    def _elements(self) -> tuple[dict[str, dict[str, Any]], dict[str, Location]]:
        """Return the element rows by id (existing, explicit or provisional), rows about one element combined."""
        for row in self.read.element_rows:
            given = str(row.values.get("id") or "").strip()
            kind = _kind(row.values.get("kind", ""))
            if given and kind is not None:
                self.resolver.explicit[given] = kind
                name = str(row.values.get("name") or "")
                self.resolver.explicit_names.setdefault((family(kind), plain(name)), given)
        values: dict[str, dict[str, Any]] = {}
        where: dict[str, Location] = {}
        for row in self.read.element_rows:
            row_values = dict(row.values)
            given = str(row_values.get("id") or "").strip()
            kind = _kind(row_values.get("kind", ""))
            name = str(row_values.get("name") or "").strip()
            if given or kind is None or not name:
                element_id = given or f"row:{row.where}"  # validation names what is missing
            else:
                element_id = self.resolver.reference(name, kind, row.where, self.problems, "name")
                # A list implies its rows' kind: a partner list's row that names an affiliate is about it.
                found = self.existing.get(element_id)
                known = found.kind if found is not None else self.resolver.explicit.get(element_id)
                if known is not None:
                    row_values["kind"] = known.slug
            for column, ref_kind in (("issues", Kind.ISSUE), ("member_of", Kind.PARTNER)):
                if row_values.get(column) not in (None, "", []):
                    refs = parse_list(row_values[column])
                    row_values[column] = [self.resolver.reference(r, ref_kind, row.where, self.problems, column)
                                          for r in refs]
            row_values.pop("id", None)
            if element_id in values:
                _combine(values[element_id], row_values, row.where, self.warnings)
            else:
                values[element_id] = row_values
                where[element_id] = row.where
        return values, where

    def _add_referenced(self, values: dict[str, dict[str, Any]], where: dict[str, Location]) -> None:
        """Add the elements only referenced by name (a new holder, a new issue): a row with their name."""
        for pid, row_values in self.resolver.new_rows.items():
            if pid not in values:
                values[pid] = dict(row_values)
                where[pid] = self.resolver.new_where[pid]

    def _connections(self, affiliate: str | None) -> list[Row]:
        rows: list[Row] = []
        for row in self.read.connection_rows:
            values = dict(row.values)
            ends = {}
            for end in ("from", "to"):
                kind = _kind(values.pop(f"{end}_kind", "") or "")
                ref = str(values.get(end) or "")
                ends[end] = self.resolver.reference(ref, kind, row.where, self.problems, end) if ref else ref
                values[end] = ends[end]
            rows.append(Row(values, row.where))
            if affiliate and str(values.get("type", "")).upper() == RelType.HOLDS.value and ends["from"].startswith("new:"):
                # A new holder in an affiliate's list is one of its people.
                rows.append(Row({"from": ends["from"], "to": affiliate, "type": RelType.MEMBER_OF.value}, row.where))
        # A new element referenced before its row was read may now exist twice (reference, then row).
        return rows

    # -- 2. duplicates ----------------------------------------------------------------------

    def _duplicates(self, values: dict[str, dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """Return the possible duplicates with their decisions, and what each provisional id becomes."""
        incoming = [self._candidate(pid, v) for pid, v in values.items() if pid.startswith("new:")]
        incoming = [c for c in incoming if c is not None]
        families = {family(c.kind) for c in incoming}
        existing = [c for c in self.known if c is not None and family(c.kind) in families]
        names = {pid: v.get("name", "") for pid, v in values.items()}
        final: dict[str, str] = {}
        pairs: list[dict[str, Any]] = []
        for pair in find_duplicates(incoming, existing):
            incoming_name = names.get(pair.incoming, pair.incoming)
            in_file = pair.existing.startswith("new:")
            existing_name = names.get(pair.existing, "") if in_file else self.existing[pair.existing].name
            decision = (self.options.decisions.get((incoming_name, pair.existing))
                        or self.options.decisions.get((incoming_name, existing_name))
                        or self.options.decisions.get((incoming_name, ""))
                        or self.options.on_duplicate)
            pairs.append({"incoming": incoming_name, "existing": pair.existing, "existing_name": existing_name,
                          "reason": pair.reason, "decision": decision, "in_file": in_file})
            if decision == "merge" and pair.incoming not in final:
                final[pair.incoming] = pair.existing
        return pairs, final

    @staticmethod
    def _candidate(key: str, values: Mapping[str, Any]) -> Candidate | None:
        kind = _kind(values.get("kind", ""))
        if kind is None or not values.get("name"):
            return None
        return Candidate(key, kind, str(values["name"]), tuple(parse_list(values.get("aliases") or [])),
                         str(values.get("website") or "") or None, str(values.get("email") or "") or None)

    def _assign_ids(self, final: dict[str, str]) -> dict[str, str]:
        """Return the id of every provisional element: the element it merges into, or a new slug."""
        taken = set(self.existing) | set(self.resolver.explicit)
        ids: dict[str, str] = {}
        for pid, row in self.resolver.new_rows.items():
            if pid in final:
                continue
            base = _slug(row["name"])
            candidate, n = base, 2
            while candidate in taken:
                candidate, n = f"{base}-{n}", n + 1
            taken.add(candidate)
            ids[pid] = candidate

        def target(pid: str, seen: frozenset[str] = frozenset()) -> str:
            nxt = final.get(pid)
            if nxt is None or pid in seen:
                return ids.get(pid, pid)
            return target(nxt, seen | {pid})

        for pid in final:
            ids[pid] = target(pid)
        return ids

    # -- 3. rows with ids -------------------------------------------------------------------

    def _element_rows(self, values: dict[str, dict[str, Any]], where: dict[str, Location],
                      ids: dict[str, str]) -> tuple[list[Row], dict[str, dict[str, Any]]]:
        rows: dict[str, dict[str, Any]] = {}
        first: dict[str, Location] = {}
        merged_into: dict[str, dict[str, Any]] = {}  # existing id -> incoming values merged into it by decision
        for pid, row_values in values.items():
            element_id = ids.get(pid, pid)
            row_values = {**row_values, "id": element_id}
            for column in ("issues", "member_of"):
                if isinstance(row_values.get(column), list):
                    row_values[column] = [ids.get(r, r) for r in row_values[column]]
            if pid.startswith("new:") and element_id in self.existing:
                merged_into.setdefault(element_id, {"aliases": []})["aliases"].append(row_values.get("name", ""))
            if element_id in rows:
                if rows[element_id].get("name") != row_values.get("name"):
                    aliases = parse_list(rows[element_id].get("aliases") or [])
                    rows[element_id]["aliases"] = [*aliases, row_values.get("name", "")]
                row_values = {k: v for k, v in row_values.items() if k != "name"}
                _combine(rows[element_id], row_values, where[pid], self.warnings)
            else:
                rows[element_id] = row_values
                first[element_id] = where[pid]
        return [Row(v, first[i]) for i, v in rows.items()], merged_into

    @staticmethod
    def _substitute_ends(row: Row, ids: dict[str, str]) -> Row:
        values = dict(row.values)
        for end in ("from", "to"):
            values[end] = ids.get(values.get(end, ""), values.get(end, ""))
        return Row(values, row.where)

    def _merge_into_existing(self, dataset: Dataset, merged_into: dict[str, dict[str, Any]]) -> None:
        """Apply the merge rule: an existing element keeps its values, gains the incoming name as an alias."""
        for element in dataset.elements:
            extra = merged_into.get(element.id)
            current = self.existing.get(element.id)
            if extra is None or current is None:
                continue
            for column, value in list(element.props.items()):
                have = current.props.get(column)
                if column in _LIST_PROPS:
                    element.props[column] = list(dict.fromkeys([*parse_list(have or []), *parse_list(value)]))
                elif have not in (None, "") and have != value:
                    self.warnings.append(f"{current.name} ({current.id}): kept {column} {have!r}, "
                                         f"not the incoming {value!r}")
                    element.props[column] = have
            aliases = parse_list(current.props.get("aliases") or []) + parse_list(element.props.get("aliases") or [])
            names = [n for n in extra["aliases"] if n and n != current.name]
            element.props["aliases"] = list(dict.fromkeys([*aliases, *names]))
            element.name = current.name

    # -- 4. the report ----------------------------------------------------------------------

    def _report(self, dataset: Dataset, pairs: list[dict[str, Any]], ids: dict[str, str]) -> dict[str, Any]:
        elements = {"new": 0, "updated": 0, "unchanged": 0}
        self._element_state: dict[str, str] = {}
        for element in dataset.elements:
            state = _state(self.existing.get(element.id), element)
            elements[state] += 1
            self._element_state[element.id] = state
        current = self.store.get_connections(c.key for c in dataset.connections)
        connections = {"new": 0, "updated": 0, "unchanged": 0}
        self._connection_state: dict[tuple[str, str, str], str] = {}
        for conn in dataset.connections:
            state = _state(current.get(conn.key), conn)
            connections[state] += 1
            self._connection_state[conn.key] = state
        created = {self.resolver.new_rows[pid]["name"]: new_id for pid, new_id in ids.items()
                   if new_id not in self.existing and pid in self.resolver.new_rows}
        self._quality_warnings(dataset)
        for pair in pairs:
            if pair["in_file"]:
                pair["existing"] = ids.get(pair["existing"], pair["existing"])
        return {
            "shape": self.read.shape,
            "elements": elements,
            "connections": connections,
            "mapping": dict(self.read.mapping),
            "normalised": list(self.read.normalised),
            "warnings": self.warnings,
            "possible_duplicates": [{k: v for k, v in p.items() if k != "in_file"} for p in pairs],
            "created_ids": created,
        }

    def _quality_warnings(self, dataset: Dataset) -> None:
        no_status = [e.name for e in dataset.elements if e.kind is Kind.PARTNER and not e.props.get("status")
                     and not (self.existing.get(e.id) and self.existing[e.id].props.get("status"))]
        if no_status:
            shown = ", ".join(no_status[:3]) + (f" and {len(no_status) - 3} more" if len(no_status) > 3 else "")
            partners = "partner has" if len(no_status) == 1 else "partners have"
            self.warnings.append(f"{len(no_status)} {partners} no status ({shown}): coverage counts only active "
                                 "partners; add a Status column (active, prospective or dormant)")
        for column in ("region", "type", "tags"):
            in_use = {v for e in self.existing.values() for v in _values(e.props.get(column))}
            incoming = {v for e in dataset.elements for v in _values(e.props.get(column))} - in_use
            for value, known, reason in near_duplicate_values(in_use, incoming):
                self.warnings.append(f"{column} {value!r} nearly duplicates {known!r}, already in use ({reason})")

    def _changed_only(self, dataset: Dataset) -> Dataset:
        """Return what needs writing, with provenance: the new and the updated, not the unchanged."""
        elements = [e for e in dataset.elements if self._element_state[e.id] != "unchanged"]
        connections = [c for c in dataset.connections if self._connection_state[c.key] != "unchanged"]
        return Dataset(elements, connections)


def _values(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return parse_list(value) if isinstance(value, list) else [str(value)]


def _state(current: Element | Connection | None, incoming: Element | Connection) -> str:
    if current is None:
        return "new"
    merged = {**current.props, **{k: v for k, v in incoming.props.items() if k not in PROVENANCE}}
    same_name = not isinstance(current, Element) or current.name == incoming.name  # type: ignore[union-attr]
    return "unchanged" if merged == current.props and same_name else "updated"
