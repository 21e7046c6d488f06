"""What readers who may not see personal data get: the one list of private fields, and the rules.

Two audiences: anonymous readers of a private viewer see the graph without personal facts
(`redact`), and the public (the public directory, `--public` exports and statistics) sees only
public organisations and issues, never a person (`public_view`). Every other module asks here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from partnergraph.model import Connection, Element, Kind

# Properties of an element that are personal or may name people: never shown to the public or
# to anonymous readers.
PRIVATE_ELEMENT_PROPERTIES = ("email", "phone", "notes")
# Free text on a relationship may name people or private circumstances.
PRIVATE_CONNECTION_PROPERTIES = ("notes", "source")
# What anonymous readers of a private viewer may not see, at any depth: how to reach a person and
# free-text notes. (They do see who knows whom, and how a tie came about: its `source`.)
PERSONAL_FIELDS = frozenset(("email", "phone", "notes"))


def redact(result: Any) -> Any:
    """Return a copy of a result without personal data: no email, phone or notes at any depth.

    The one redaction for readers who are not signed in. It works on the JSON-like results of
    the services (dicts and lists), where these names are only ever properties of an element or
    a relationship, or the `field` of a history entry's before/after. Notes go whatever they are
    on: free text about an organisation or a tie may name people.
    """
    if isinstance(result, dict):
        return {k: redact(v) for k, v in result.items() if k not in PERSONAL_FIELDS}
    if isinstance(result, (list, tuple)):
        return [redact(v) for v in result
                if not (isinstance(v, dict) and v.get("field") in PERSONAL_FIELDS)]
    return result


def is_public(element: Element) -> bool:
    """Return whether an element may be published: a public organisation, or an issue not marked private."""
    if element.kind is Kind.CONTACT:
        return False
    return element.props.get("public", element.kind is Kind.ISSUE) is True


def public_view(elements: Iterable[Element], connections: Iterable[Connection]) -> tuple[list[Element], list[Connection]]:
    """Return only what may be published: public organisations and issues, no people, no private text.

    Contacts are people and never appear. Affiliates and partners appear only when marked
    `public`; issues are topics and appear unless marked `public: false`.
    """
    kept = [Element(e.id, e.kind, e.name, {k: v for k, v in e.props.items() if k not in PRIVATE_ELEMENT_PROPERTIES})
            for e in elements if is_public(e)]
    ids = {e.id for e in kept}
    links = [Connection(c.source, c.target, c.type,
                        {k: v for k, v in c.props.items() if k not in PRIVATE_CONNECTION_PROPERTIES})
             for c in connections if c.source in ids and c.target in ids]
    return kept, links


def public_ranking(results: list[dict[str, Any]], shown: Iterable[str], top: int | None) -> list[dict[str, Any]]:
    """Return ranked results (each with an "id") cut to those the public may see, then to `top`."""
    visible = set(shown)
    kept = [r for r in results if r["id"] in visible]
    return kept[:top] if top else kept
