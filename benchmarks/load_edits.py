"""The edits of benchmarks/load.py's mixed workload (`--mix edits`), and the check that none was lost.

Each client that edits walks its own small story through the editing API with an editor's token,
one step per edit: it creates a contact, ties it to a random person of the network (KNOWS),
changes the contact's role with the `rev` it read (GET, then PATCH), and logs an interaction
with the person it now knows; then starts again with a new contact. Every step works on what the
client itself made, so no two clients race for one `rev`: a 409 would be a real error. Every
answer that acknowledged an edit is kept, and `verify` checks afterwards that each one is in the
store and visible through the viewer's analysis graph.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from partnergraph.config import Settings
from partnergraph.services import Workspace

EDITOR = "load-editor"
EDIT_STEPS = ("create", "tie", "rev", "patch", "interaction")
PROVENANCE = "benchmarks/load.py"


def editor_token(url: str, password: str) -> str:
    """Return a fresh API token of an editor account on the store (made if missing)."""
    with Workspace.open(Settings(db=url, neo4j_password=password)) as ws:
        if ws.accounts.find(EDITOR) is None:
            ws.accounts.create_account(EDITOR, "load-benchmark-editor", "editor")
        return ws.accounts.issue_token(EDITOR, "load benchmark")


@dataclass
class Acknowledged:
    """What the server said it saved: contacts, ties, roles and interactions, by contact id."""

    contacts: dict[str, str] = field(default_factory=dict)  # id -> name
    ties: dict[str, str] = field(default_factory=dict)  # contact -> the person it knows
    roles: dict[str, str] = field(default_factory=dict)  # contact -> its role after the PATCH
    interactions: dict[str, int] = field(default_factory=dict)  # contact -> the strength logged
    changes: list[int] = field(default_factory=list)  # every change number answered

    @classmethod
    def joined(cls, parts: list[Acknowledged]) -> Acknowledged:
        """Return what all the clients acknowledged."""
        done = cls()
        for other in parts:
            done.contacts.update(other.contacts)
            done.ties.update(other.ties)
            done.roles.update(other.roles)
            done.interactions.update(other.interactions)
            done.changes.extend(other.changes)
        return done

    def count(self) -> int:
        """Return how many edits were acknowledged."""
        return len(self.changes)


class EditStory:
    """One client's edits, step by step (see the module's docstring)."""

    def __init__(self, token: str, people: list[str], run: str, client: int, rng: random.Random):
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.people, self.run, self.client, self.rng = people, run, client, rng
        self.step = 0
        self.made = 0
        self.contact: str | None = None
        self.other: str | None = None
        self.rev: str | None = None
        self.done = Acknowledged()

    def next_request(self) -> tuple[str, str, str, bytes | None]:
        """Return the next edit as (label, method, url, body)."""
        label = EDIT_STEPS[self.step]
        if label == "create" or self.contact is None:
            self.made += 1
            self.contact = f"load-{self.run}-{self.client}-{self.made}"
            body = {"element": {"id": self.contact, "kind": "contact",
                                "name": f"Loadtest {self.run} {self.client} {self.made}"}, "provenance": PROVENANCE}
            return "create", "POST", "/api/elements", _json(body)
        if label == "tie":
            self.other = self.rng.choice(self.people)
            body = {"connection": {"from": self.contact, "to": self.other, "type": "KNOWS", "strength": "3"},
                    "provenance": PROVENANCE}
            return "tie", "POST", "/api/connections", _json(body)
        if label == "rev":
            return "rev", "GET", "/api/elements/" + quote(self.contact, safe=""), None
        if label == "patch":
            body = {"element": {"role": f"tester {self.made}"}, "rev": self.rev, "provenance": PROVENANCE}
            return "patch", "PATCH", "/api/elements/" + quote(self.contact, safe=""), _json(body)
        body = {"person": self.contact, "with": self.other, "strength": 4, "note": "load", "provenance": PROVENANCE}
        return "interaction", "POST", "/api/interactions", _json(body)

    def answered(self, label: str, status: int, body: bytes) -> bool:
        """Take the answer of the request `next_request` gave; return whether it succeeded."""
        if status not in (200, 201):
            self.step = 0  # start a new story: this one's next step may depend on what failed
            return False
        data: dict[str, Any] = json.loads(body)
        contact = self.contact
        assert contact is not None
        change = (data.get("change") or {}).get("seq")
        if change is not None:
            self.done.changes.append(int(change))
        if label == "create":
            self.done.contacts[contact] = data["element"]["name"]
        elif label == "tie":
            assert self.other is not None
            self.done.ties[contact] = self.other
        elif label == "rev":
            self.rev = data["rev"]
        elif label == "patch":
            self.done.roles[contact] = data["element"]["role"]
        else:
            self.done.interactions[contact] = 4
        self.step = (self.step + 1) % len(EDIT_STEPS)
        return True


def verify(url: str, password: str, done: Acknowledged, visible: Any) -> list[str]:
    """Return the acknowledged edits missing from the store or from what the viewer answers.

    `visible(contact)` returns the ids the viewer's graph shows around a contact (`/api/graph`,
    as the editor: the newest snapshot), or None when the contact is unknown to it.
    """
    missing: list[str] = []
    started = time.perf_counter()
    with Workspace.open(Settings(db=url, neo4j_password=password)) as ws:
        for seq in done.changes:
            if ws.store.change(seq) is None:
                missing.append(f"change #{seq} is not in the history")
        for contact, name in done.contacts.items():
            try:
                element = ws.editing.element(contact)
            except Exception as exc:  # noqa: BLE001 - reported, whatever it is
                missing.append(f"{contact}: {exc}")
                continue
            if element.name != name:
                missing.append(f"{contact}: named {element.name!r}, not {name!r}")
            if contact in done.roles and element.props.get("role") != done.roles[contact]:
                missing.append(f"{contact}: role {element.props.get('role')!r}, not {done.roles[contact]!r}")
        for contact, other in done.ties.items():
            try:
                tie = ws.editing.connection(contact, other, "KNOWS")
            except Exception as exc:  # noqa: BLE001
                missing.append(f"{contact} KNOWS {other}: {exc}")
                continue
            if contact in done.interactions and str(tie.props.get("strength")) != str(done.interactions[contact]):
                missing.append(f"{contact} KNOWS {other}: strength {tie.props.get('strength')!r} after the interaction")
    for contact in done.contacts:
        shown = visible(contact)
        if shown is None:
            missing.append(f"{contact}: not in the viewer's graph")
        elif contact in done.ties and done.ties[contact] not in shown:
            missing.append(f"{contact}: the viewer's graph lacks its tie to {done.ties[contact]}")
    print(f"checked {done.count()} acknowledged edits ({len(done.contacts)} contacts) in "
          f"{time.perf_counter() - started:.1f} s: {len(missing)} missing", flush=True)
    return missing


def graph_url(contact: str) -> str:
    """Return the viewer's request for the depth-1 graph around a contact."""
    return "/api/graph?" + urlencode({"center": contact, "depth": 1})


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()
