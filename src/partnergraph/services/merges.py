"""Merging duplicates: two elements of the same kind become one, with every connection of both.

A merge is one recorded change like any edit (`partnergraph.services.editing`): the kept
element gets the properties it lacked from the dropped one (lists as unions, ties at their
warmest), the dropped one's connections move to the kept one, and the dropped one goes. A
`MergePlan` shows all of it first, with a `rev` that the merge checks, so that nothing changed
in between goes unnoticed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from partnergraph.model import Conflict, Connection, Element, WrongKind, connection
from partnergraph.records import Change, Edit
from partnergraph.services.edit_checks import (
    PROVENANCE,
    Names,
    ValidationError,
    _apply,
    _earliest,
    _latest,
    _note_text,
    find,
    make_note,
    missing,
    revision,
)
from partnergraph.store import GraphStore

# Properties that hold lists: a merge keeps the union of both elements' values.
LIST_PROPERTIES = frozenset(("tags", "issues"))


def _combine(kept: Mapping[str, Any], dropped: Mapping[str, Any]) -> dict[str, Any]:
    """Return properties of two duplicates: `kept` wins, gaps filled from `dropped`, lists united,
    strength the higher, last contact the later, since the earlier."""
    out = {**dropped, **kept}
    for name in LIST_PROPERTIES:
        if name in kept and name in dropped:
            out[name] = list(dict.fromkeys([*kept[name], *dropped[name]]))
    if "strength" in kept and "strength" in dropped:
        out["strength"] = max(kept["strength"], dropped["strength"])
    if "last_contact" in out:
        out["last_contact"] = _latest(kept.get("last_contact"), dropped.get("last_contact"))
    if "since" in out:
        out["since"] = _earliest(kept.get("since"), dropped.get("since"))
    return out


@dataclass
class MergePlan:
    """What merging `drop` into `keep` does: the preview an editor confirms, and its edits."""

    keep: Element
    drop: Element
    merged: Element
    moved: list[tuple[Connection, Connection]] = field(default_factory=list)  # drop's -> keep's new
    combined: list[tuple[Connection, Connection, Connection]] = field(default_factory=list)  # drop's, keep's, result
    removed: list[Connection] = field(default_factory=list)  # ties between the two, which disappear
    edits: list[Edit] = field(default_factory=list)
    rev: str = ""

    @property
    def filled(self) -> dict[str, tuple[Any, Any]]:
        """Return the properties of `keep` that the merge fills or extends: name -> (before, after)."""
        names = sorted(set(self.keep.props) | set(self.merged.props))
        return {n: (self.keep.props.get(n), self.merged.props.get(n)) for n in names
                if self.keep.props.get(n) != self.merged.props.get(n)}

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as JSON (the API's merge preview)."""
        return {
            "keep": self.keep.to_dict(), "drop": self.drop.to_dict(), "merged": self.merged.to_dict(),
            "moved": [{"from": old.to_dict(), "to": new.to_dict()} for old, new in self.moved],
            "combined": [{"drop": d.to_dict(), "keep": k.to_dict(), "result": r.to_dict()}
                         for d, k, r in self.combined],
            "removed": [c.to_dict() for c in self.removed],
            "filled": {n: {"before": b, "after": a} for n, (b, a) in self.filled.items()},
            "rev": self.rev,
        }


class Merges:
    """Merging duplicate elements of one store: preview (`plan`), then `merge`."""

    def __init__(self, store: GraphStore, names: Names | None = None):
        self.store = store
        self.names = names  # forgiving lookups of keep and drop (services.edit_checks.lookup)

    def plan(self, keep: str, drop: str) -> MergePlan:
        """Return what merging `drop` into `keep` (ids or names, looked up forgivingly; the same kind) would do."""
        errors: dict[str, list[str]] = {}
        kept = find(self.store, keep, self.names)
        dropped = find(self.store, drop, self.names)
        if kept is None:
            errors["keep"] = [missing(self.store, keep, self.names)]
        if dropped is None:
            errors["drop"] = [missing(self.store, drop, self.names)] if drop and str(drop).strip() else ["is required"]
        if kept is not None and dropped is not None:
            if kept.id == dropped.id:
                errors["drop"] = ["is the same element: pick its duplicate"]
            elif kept.kind is not dropped.kind:
                raise WrongKind(f"{dropped.name} is {dropped.kind.slug} and {kept.name} is {kept.kind.slug}: "
                                "only elements of the same kind can be merged")
        if errors:
            raise ValidationError(errors)
        assert kept is not None and dropped is not None
        props = _combine(kept.props, dropped.props)
        merged = Element(kept.id, kept.kind, kept.name, props)
        keep_conns = self.store.connections_of(kept.id)
        drop_conns = self.store.connections_of(dropped.id)
        plan = MergePlan(kept, dropped, merged, rev=revision(kept, dropped, *keep_conns, *drop_conns))
        if merged != kept:
            plan.edits.append(Edit(kept, merged))
        existing = {c.key: c for c in keep_conns}
        for old in drop_conns:
            other = old.target if old.source == dropped.id else old.source
            if other == kept.id:
                plan.removed.append(old)
                plan.edits.append(Edit(old, None))
                continue
            ends = (kept.id, other) if old.source == dropped.id else (other, kept.id)
            new = connection(*ends, old.type, old.props)
            plan.edits.append(Edit(old, None))
            if new.key in existing:
                theirs = existing[new.key]
                result = Connection(theirs.source, theirs.target, theirs.type, _combine(theirs.props, old.props))
                plan.combined.append((old, theirs, result))
                if result != theirs:
                    plan.edits.append(Edit(theirs, result))
            else:
                plan.moved.append((old, new))
                plan.edits.append(Edit(None, new))
        plan.edits.append(Edit(dropped, None))
        return plan

    def merge(self, keep: str, drop: str, *, actor: str, rev: str | None = None,
              source: str = "", comment: str = "") -> Change:
        """Merge the duplicate `drop` into `keep` as one "merge" change, keeping every relationship.

        Every connection of `drop` moves to `keep`; where `keep` has the same one, the two combine
        (keep's values win, gaps are filled from drop's, strength the higher, last contact the
        later, since the earlier). A tie between the two disappears. `keep` gains the properties it
        lacks from `drop`, and their tags are united; then `drop` is deleted. With `rev` (from the
        preview), any change to either since then raises `Conflict`.
        """
        errors: dict[str, list[str]] = {}
        source = _note_text(source, PROVENANCE, errors, required=True)
        comment = _note_text(comment, "comment", errors)
        plan = self.plan(keep, drop)
        if errors:
            raise ValidationError(errors)
        if rev is not None and plan.rev != rev:
            raise Conflict(f"{plan.keep.name} or {plan.drop.name} (or one of their connections) changed since the "
                           "preview; look at the preview again before merging")
        note = make_note(actor, "merge", source, comment,
                     summary={"kept": plan.keep.id, "dropped": plan.drop.id, "moved": len(plan.moved),
                              "combined": len(plan.combined), "removed": len(plan.removed)})
        return _apply(self.store, plan.edits, note)
