"""Partnership criteria: score an organisation against a documented TOML file, with reasons.

The default criteria ship next to this module (`criteria.toml`, which documents every key). A
user's file overrides any of its keys; a missing key keeps the default. `score` returns the total,
whether it meets `approve_at` without a veto, and one reason per criterion.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import networkx as nx

from partnergraph.analysis.graph import node_summary, relations
from partnergraph.model import PartnergraphError, RelType, UnknownNode, WrongKind
from partnergraph.schema import ORGANISATION_SLUGS

ORGANISATION_KINDS = ORGANISATION_SLUGS
_NUMBER = (int, float)


def default_text() -> str:
    """Return the text of the default criteria file shipped with partnergraph."""
    return resources.files("partnergraph.analysis").joinpath("criteria.toml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Criteria:
    """Parsed partnership criteria: the sections of criteria.toml as dicts, and where they came from."""

    settings: dict[str, Any]
    source: str

    @property
    def approve_at(self) -> float:
        return float(self.settings["approve_at"])

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.settings[section]


def _check(value: Any, default: Any, where: str) -> None:
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, _NUMBER):
        ok = isinstance(value, _NUMBER) and not isinstance(value, bool)
    elif isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        expected = {bool: "true or false", list: "a list of strings", dict: "a table"}.get(type(default), "a number")
        raise PartnergraphError(f"{where}: expected {expected}")


def parse_criteria(text: str | None = None, source: str = "criteria.toml") -> Criteria:
    """Return the criteria of TOML `text` laid over the defaults (the defaults alone when None).

    Raises `PartnergraphError` naming `source` and the key for invalid TOML, unknown keys or
    values of the wrong type.
    """
    settings = tomllib.loads(default_text())
    if text is None:
        return Criteria(settings, "default")
    try:
        given = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PartnergraphError(f"{source}: {exc}") from None
    for key, value in given.items():
        if key not in settings:
            raise PartnergraphError(f"{source}: unknown key {key!r} (expected one of {', '.join(settings)})")
        default = settings[key]
        if isinstance(default, dict):
            _check(value, default, f"{source}: [{key}]")
            for inner, inner_value in value.items():
                if inner not in default and key != "status":  # any status name may be given points
                    raise PartnergraphError(f"{source}: unknown key {key}.{inner} (expected one of {', '.join(default)})")
                _check(inner_value, default.get(inner, 0.0), f"{source}: {key}.{inner}")
            settings[key] = {**default, **value}
        else:
            _check(value, default, f"{source}: {key}")
            settings[key] = value
    return Criteria(settings, source)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _tags(graph: nx.Graph, node: str) -> set[str]:
    value = graph.nodes[node].get("tags") or []
    items = value if isinstance(value, list) else str(value).split(";")
    return {str(t).strip().casefold() for t in items if str(t).strip()}


def issues_of(graph: nx.Graph, organisation: str) -> set[str]:
    """Return the issues an organisation works on."""
    return {n for n in graph.neighbors(organisation) if graph.nodes[n]["kind"] == "issue"}


def members(graph: nx.Graph, organisation: str) -> set[str]:
    """Return the people who are members of an organisation (past or present)."""
    return {p for p in graph.neighbors(organisation)
            if graph.nodes[p]["kind"] == "contact" and relations(graph, p, organisation, RelType.MEMBER_OF)}


def movement_people(graph: nx.Graph) -> set[str]:
    """Return the people who are members of an affiliate: the movement's side of a warm tie."""
    return {p for a, k in graph.nodes(data="kind") if k == "affiliate" for p in members(graph, a)}


def _strength(relation: dict[str, Any]) -> int:
    return int(relation.get("strength") or 0)


def warm_ties(graph: nx.Graph, organisation: str, *, min_strength: int,
              people: Iterable[str] | None = None) -> list[str]:
    """Return sentences naming the warm ties into `organisation` (from `people` only, when given).

    A tie is warm when someone holds the relationship with at least `min_strength`, or knows a
    member of the organisation that well. Without `people`, anyone who is a member of an
    affiliate counts.
    """
    allowed = set(people) if people is not None else movement_people(graph)
    found = []
    name = graph.nodes[organisation]["name"]
    for person in sorted(graph.neighbors(organisation)):
        if person not in allowed:
            continue
        for held in relations(graph, person, organisation, RelType.HOLDS):
            if _strength(held) >= min_strength:
                found.append(f"{graph.nodes[person]['name']} holds the relationship with {name} "
                             f"(strength {_strength(held)})")
    for insider in sorted(members(graph, organisation)):
        for person in sorted(graph.neighbors(insider)):
            if person in allowed and person != insider:
                for tie in relations(graph, person, insider, RelType.KNOWS):
                    if _strength(tie) >= min_strength:
                        found.append(f"{graph.nodes[person]['name']} knows {graph.nodes[insider]['name']} "
                                     f"of {name} (strength {_strength(tie)})")
    return found


def score(graph: nx.Graph, organisation: str, criteria: Criteria, *, affiliate: str | None = None,
          people: set[str] | None = None) -> dict[str, Any]:
    """Return how `organisation` meets the criteria: total score, approval, veto and one reason per criterion.

    With `affiliate`, issues, region and warm ties are judged from that affiliate's side rather
    than the whole movement's. `people` (the movement's people, see `movement_people`) saves
    recomputing them when scoring many organisations.
    """
    for node in (organisation, affiliate):
        if node is not None and node not in graph:
            raise UnknownNode(f"no element with id {node!r}")
    if graph.nodes[organisation]["kind"] not in ORGANISATION_KINDS:
        raise WrongKind(f"{organisation!r} is a {graph.nodes[organisation]['kind']}, not an organisation")
    if affiliate is not None and graph.nodes[affiliate]["kind"] != "affiliate":
        raise WrongKind(f"{affiliate!r} is a {graph.nodes[affiliate]['kind']}, not an affiliate")
    data = graph.nodes[organisation]
    affiliates = [affiliate] if affiliate else sorted(n for n, k in graph.nodes(data="kind") if k == "affiliate")
    reasons = []

    def add(criterion: str, points: float, why: str) -> None:
        reasons.append({"criterion": criterion, "points": round(float(points), 6), "why": why})

    section = criteria["shared_issues"]
    ours = set().union(*(issues_of(graph, a) for a in affiliates)) if affiliates else set()
    shared = sorted(issues_of(graph, organisation) & ours)
    names = ", ".join(graph.nodes[i]["name"] for i in shared)
    whose = graph.nodes[affiliate]["name"] if affiliate else "the movement"
    add("shared_issues", min(section["points_per_issue"] * len(shared), section["max_points"]),
        f"works on {len(shared)} of {_possessive(whose)} issues" + (f": {names}" if shared else ""))

    section = criteria["values"]
    aligned = sorted(_tags(graph, organisation) & {t.casefold() for t in section["tags"]})
    add("values", section["points"] if aligned else 0.0,
        f"tagged {', '.join(aligned)}" if aligned else "no free-knowledge value among its tags")

    section = criteria["regional_presence"]
    region = data.get("region")
    near = sorted(a for a in affiliates if region and graph.nodes[a].get("region") == region and a != organisation)
    if not region:
        add("regional_presence", 0.0, "no region recorded")
    elif near:
        add("regional_presence", section["points"],
            f"in {region}, like {whose}" if affiliate else f"{_count(len(near), 'affiliate')} in {region}")
    else:
        add("regional_presence", 0.0, f"no affiliate in {region}" if not affiliate else f"not in {_possessive(whose)} region")

    status = data.get("status")
    points = float(criteria["status"].get(status, 0.0)) if status else 0.0
    add("status", points, f"status {status}" if status else "no status recorded")

    section = criteria["warm_ties"]
    if affiliate:
        people = members(graph, affiliate)
    warm = warm_ties(graph, organisation, min_strength=int(section["min_strength"]), people=people)
    add("warm_ties", section["points"] if warm else 0.0,
        "; ".join(warm[:3]) + (f" and {len(warm) - 3} more" if len(warm) > 3 else "") if warm
        else f"no tie of strength {section['min_strength']} or more")

    section = criteria["conflict_of_interest"]
    conflicts = sorted(_tags(graph, organisation) & {t.casefold() for t in section["tags"]})
    add("conflict_of_interest", section["points"] if conflicts else 0.0,
        f"conflict of interest: tagged {', '.join(conflicts)}" if conflicts else "no conflict of interest listed")

    total = round(sum(r["points"] for r in reasons), 6)
    vetoed = bool(conflicts) and bool(section["veto"])
    return {**node_summary(graph, organisation), "status": status, "score": total,
            "meets_criteria": total >= criteria.approve_at and not vetoed, "vetoed": vetoed, "reasons": reasons}


def score_all(graph: nx.Graph, criteria: Criteria, *, kind: str = "partner") -> list[dict[str, Any]]:
    """Return the criteria score of every element of `kind` (partners by default), best first."""
    people = movement_people(graph)
    found = [score(graph, n, criteria, people=people) for n, k in graph.nodes(data="kind") if k == kind]
    found.sort(key=lambda s: (-s["score"], s["id"]))
    return found
