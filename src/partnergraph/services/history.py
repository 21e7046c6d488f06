"""The history of changes, described for people: who changed what, when, and each field's before and after."""

from __future__ import annotations

from typing import Any

from partnergraph.model import Connection, Element
from partnergraph.records import Change, Edit, item_to_json
from partnergraph.store import GraphStore


def _fields(before: Element | Connection | None, after: Element | Connection | None) -> list[dict[str, Any]]:
    def flat(item: Element | Connection | None) -> dict[str, Any]:
        if item is None:
            return {}
        if isinstance(item, Element):
            return {"name": item.name, **item.props}
        return dict(item.props)

    old, new = flat(before), flat(after)
    names = [n for n in ("name",) if n in old or n in new]
    names += sorted((set(old) | set(new)) - {"name"})
    return [{"field": n, "before": old.get(n), "after": new.get(n)} for n in names if old.get(n) != new.get(n)]


def describe_edit(edit: Edit) -> dict[str, Any]:
    """Return one edit as JSON: what it is about, created/updated/deleted, and each field's before → after."""
    op = "created" if edit.before is None else "deleted" if edit.after is None else "updated"
    item = edit.after if edit.after is not None else edit.before
    entry: dict[str, Any] = {"op": op, "fields": _fields(edit.before, edit.after),
                             "before": item_to_json(edit.before), "after": item_to_json(edit.after)}
    if isinstance(item, Element):
        entry.update({"what": "element", "id": item.id, "kind": item.kind.slug, "name": item.name})
    else:
        assert isinstance(item, Connection)
        entry.update({"what": "connection", "from": item.source, "to": item.target, "type": item.type.value})
    return entry


def describe_change(change: Change) -> dict[str, Any]:
    """Return a change as JSON: who, when, action, source, comment, and every edit with its diff."""
    note = change.note
    return {"seq": change.seq, "author": note.author, "at": note.at, "action": note.action,
            "source": note.source, "comment": note.comment, "reverts": note.reverts,
            "summary": dict(note.summary), "touches": change.touches, "revertible": bool(change.edits),
            "edits": [describe_edit(e) for e in change.edits]}


def history(store: GraphStore, element_id: str | None = None, *, limit: int = 50,
            before: int | None = None) -> dict[str, Any]:
    """Return recorded changes, newest first (all, or those about one element), described for people.

    Each change carries `reverted_by` when a later change on the same page undid it, and `names`
    maps the ids it touches to their names (current, else as last recorded), for labels.
    """
    changes = store.history(element_id, limit=limit, before=before)
    described = [describe_change(c) for c in changes]
    reverted = {d["reverts"]: d["seq"] for d in described if d["reverts"] is not None}
    names: dict[str, str] = {}
    missing: set[str] = set()
    for change in changes:
        for edit in change.edits:
            for item in (edit.after, edit.before):
                if isinstance(item, Element):
                    names.setdefault(item.id, item.name)
    for d in described:
        d["reverted_by"] = reverted.get(d["seq"])
        for element in d["touches"]:
            if element not in names:
                missing.add(element)
    if missing:
        # Each element no change on this page named is read once, however many changes touch it.
        found = {e.id: e.name for e in (store.get(i) for i in sorted(missing)) if e is not None}
        for element in missing:
            names[element] = found.get(element, element)
    more = len(changes) == limit and bool(changes)
    return {"element": element_id, "changes": described, "names": names,
            "next_before": changes[-1].seq if more else None}
