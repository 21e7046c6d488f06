"""Records that cross the layers: what a write changed, the history of changes, accounts and tokens.

They sit below the store and the services: a store reads and writes them, the services and the
viewer name them, and none of them needs the store layer to do so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from partnergraph.model import Conflict, Connection, Element, Kind, PartnergraphError, RelType

# Called with the number of rows written since the last call, for progress bars.
Progress = Callable[[int], None]


@dataclass(frozen=True)
class WriteStats:
    """What an upsert changed: created and updated rows (unchanged rows count in neither)."""

    elements_created: int = 0
    elements_updated: int = 0
    connections_created: int = 0
    connections_updated: int = 0

    @property
    def changed(self) -> bool:
        return any((self.elements_created, self.elements_updated, self.connections_created, self.connections_updated))


@dataclass(frozen=True)
class Edit:
    """One element or connection as it was before a change and as it is after (None: absent).

    `before` is what the editor saw. A store applies the edit only if the element or connection
    is still exactly `before` (compared inside the write transaction), so two editors of the
    same thing cannot overwrite each other unknowingly: the second one gets a `Conflict`.
    """

    before: Element | Connection | None
    after: Element | Connection | None

    @property
    def target(self) -> tuple[str, ...]:
        """Return ("element", id) or ("connection", from, to, type): what the edit is about."""
        item = self.after if self.after is not None else self.before
        if item is None:
            raise ValueError("an edit needs a before or an after")
        if isinstance(item, Element):
            return ("element", item.id)
        return ("connection", *item.key)

    @property
    def touches(self) -> tuple[str, ...]:
        """Return the ids of the elements this edit is about (for per-element history)."""
        target = self.target
        return target[1:2] if target[0] == "element" else target[1:3]


@dataclass(frozen=True)
class ChangeNote:
    """Who changed the graph, when, how, and on what evidence: the audit entry of a change."""

    author: str
    action: str  # create, update, delete, merge, interaction, revert, import, restore
    at: str  # ISO 8601 UTC time, to the second
    source: str = ""  # provenance: where the information came from
    comment: str = ""
    reverts: int | None = None  # the change a revert undoes
    summary: Mapping[str, Any] = field(default_factory=dict)  # counts, for imports and restores


def note_with_stats(note: ChangeNote, stats: WriteStats) -> ChangeNote:
    """Return the note of an import or restore with what it changed in its summary."""
    summary = {**note.summary, "elements_created": stats.elements_created, "elements_updated": stats.elements_updated,
               "connections_created": stats.connections_created, "connections_updated": stats.connections_updated}
    return replace(note, summary=summary)


@dataclass(frozen=True)
class Change:
    """A recorded change: its number, its note and its edits.

    The number is the store version the change made, in both stores: a reader of version V has
    seen every change up to V, and the changes V+1 to W (if each was recorded) lead to W.
    """

    seq: int
    note: ChangeNote
    edits: list[Edit]

    @property
    def touches(self) -> list[str]:
        """Return the ids of every element the change is about, in first-seen order."""
        return list(dict.fromkeys(i for edit in self.edits for i in edit.touches))


def item_to_json(item: Element | Connection | None) -> dict[str, Any] | None:
    """Return an element or connection as the JSON that history entries keep."""
    if item is None:
        return None
    if isinstance(item, Element):
        return {"id": item.id, "kind": item.kind.value, "name": item.name, "props": item.props}
    return {"from": item.source, "to": item.target, "type": item.type.value, "props": item.props}


def item_from_json(data: Mapping[str, Any] | None) -> Element | Connection | None:
    """Return the element or connection that `item_to_json` wrote."""
    if data is None:
        return None
    if "kind" in data:
        return Element(data["id"], Kind(data["kind"]), data["name"], dict(data["props"]))
    return Connection(data["from"], data["to"], RelType(data["type"]), dict(data["props"]))


def edits_to_json(edits: Sequence[Edit]) -> list[dict[str, Any]]:
    """Return edits as JSON-ready before/after pairs."""
    return [{"before": item_to_json(e.before), "after": item_to_json(e.after)} for e in edits]


def edits_from_json(data: Sequence[Mapping[str, Any]]) -> list[Edit]:
    """Return the edits that `edits_to_json` wrote."""
    return [Edit(item_from_json(d["before"]), item_from_json(d["after"])) for d in data]


def check_edit(edit: Edit) -> None:
    """Raise ValueError unless before and after are about the same thing (and the same kind)."""
    before, after = edit.before, edit.after
    if before is None and after is None:
        raise ValueError("an edit needs a before or an after")
    if before is not None and after is not None:
        if type(before) is not type(after) or Edit(before, None).target != Edit(None, after).target:
            raise ValueError("an edit's before and after must be the same element or connection")
        if isinstance(before, Element) and before.kind is not after.kind:  # type: ignore[union-attr]
            raise ValueError(f"{before.id!r} is {before.kind.slug}: an element's kind cannot change")


def describe_target(edit: Edit) -> str:
    """Return what an edit is about, for messages: 'ana' or 'KNOWS ana - ben'."""
    target = edit.target
    if target[0] == "element":
        return repr(target[1])
    return f"{target[3]} {target[1]!r} -> {target[2]!r}"


def conflict(edit: Edit, current: Element | Connection | None) -> Conflict:
    """Return the Conflict of an edit whose `before` is not the current state `current`."""
    what = describe_target(edit)
    if edit.before is None:
        return Conflict(f"{what} already exists")
    if current is None:
        return Conflict(f"{what} no longer exists; someone deleted it after it was read")
    return Conflict(f"{what} has changed since it was read; reload it and try again")


@dataclass(frozen=True)
class Account:
    """Someone who may sign in to the viewer; `password_hash` is a KDF hash, never a password."""

    name: str
    role: str  # viewer, editor or admin
    password_hash: str
    created: str
    disabled: bool = False


class AccountRefused(PartnergraphError):
    """An account write a store refused inside its transaction: it would leave no enabled admin, or
    create a name that an account has already (compared case-insensitively)."""


def account_refusal(old: Account | None, new: Account | None, enabled_admins: int) -> str | None:
    """Return why replacing `old` by `new` (None: removing it) must not happen, or None.

    `enabled_admins` counts the enabled admins before the write, `old` included. The last enabled
    admin keeps the admin role, stays enabled and is not removed: a team locked out of the viewer
    may have no shell access to add one.
    """
    if old is None or old.role != "admin" or old.disabled or enabled_admins > 1:
        return None
    if new is None:
        what = "remove"
    elif new.disabled:
        what = "disable"
    elif new.role != "admin":
        what = f"make a {new.role} of"
    else:
        return None
    return f"cannot {what} {old.name!r}: it is the last enabled admin; add another admin first"


@dataclass(frozen=True)
class Token:
    """An API token of an account; only the SHA-256 of the token itself is kept."""

    digest: str
    account: str
    label: str
    created: str
