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
from partnergraph.analysis.org_types import type_key
from partnergraph.analysis.words import plural
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


def _ties_into(graph: nx.Graph, organisation: str, allowed: set[str]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Return the current ties from `allowed` people into an organisation: (how, person, insider, relation).

    `how` is "holds" (the person holds the relationship; insider is the organisation) or "knows"
    (the person knows `insider`, a member of the organisation). Ended ties (`until`) do not count.
    """
    found = []
    for person in sorted(graph.neighbors(organisation)):
        if person in allowed:
            found.extend(("holds", person, organisation, r) for r in relations(graph, person, organisation, RelType.HOLDS))
    for insider in sorted(members(graph, organisation)):
        for person in sorted(graph.neighbors(insider)):
            if person in allowed and person != insider:
                found.extend(("knows", person, insider, r) for r in relations(graph, person, insider, RelType.KNOWS))
    return [t for t in found if not t[3].get("until")]


def _tie_sentence(graph: nx.Graph, organisation: str, tie: tuple[str, str, str, dict[str, Any]]) -> str:
    how, person, insider, relation = tie
    name = graph.nodes[organisation]["name"]
    if how == "holds":
        return f"{graph.nodes[person]['name']} holds the relationship with {name} (strength {_strength(relation)})"
    return f"{graph.nodes[person]['name']} knows {graph.nodes[insider]['name']} of {name} (strength {_strength(relation)})"


def warm_ties(graph: nx.Graph, organisation: str, *, min_strength: int,
              people: Iterable[str] | None = None) -> list[str]:
    """Return sentences naming the warm ties into `organisation` (from `people` only, when given).

    A tie is warm when someone holds the relationship with at least `min_strength`, or knows a
    member of the organisation that well, and the tie has not ended. Without `people`, anyone who
    is a member of an affiliate counts.
    """
    allowed = set(people) if people is not None else movement_people(graph)
    return [_tie_sentence(graph, organisation, t) for t in _ties_into(graph, organisation, allowed)
            if _strength(t[3]) >= min_strength]


def _listed(sentences: list[str], shown: int = 3) -> str:
    return "; ".join(sentences[:shown]) + (f" and {len(sentences) - shown} more" if len(sentences) > shown else "")


class _Reasons:
    """The reasons of one score: points, why, and whether the data could judge the criterion."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.open_points = 0.0  # what the unknown criteria could still add

    def add(self, criterion: str, points: float, why: str) -> None:
        self.items.append({"criterion": criterion, "points": round(float(points), 6), "why": why, "unknown": False})

    def unknown(self, criterion: str, could_add: float, why: str) -> None:
        self.items.append({"criterion": criterion, "points": 0.0, "why": why, "unknown": True})
        self.open_points += max(float(could_add), 0.0)


def score(graph: nx.Graph, organisation: str, criteria: Criteria, *, affiliate: str | None = None,
          people: set[str] | None = None) -> dict[str, Any]:
    """Return how `organisation` meets the criteria: total score, verdict, veto and one reason per criterion.

    A criterion the data cannot judge scores 0 and is marked `unknown`, its reason asking for the
    data. The verdict is "vetoed", "meets" (at least `approve_at`), "unknown" (below, but the
    unknown criteria could lift it over) or "below". With `affiliate`, issues, region and warm
    ties are judged from that affiliate's side rather than the whole movement's. `people` (the
    movement's people, see `movement_people`) saves recomputing them when scoring many.
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
    whose = graph.nodes[affiliate]["name"] if affiliate else "the movement"
    reasons = _Reasons()

    section = criteria["shared_issues"]
    ours = set().union(*(issues_of(graph, a) for a in affiliates)) if affiliates else set()
    theirs = issues_of(graph, organisation)
    shared = sorted(theirs & ours)
    if not theirs:
        reasons.unknown("shared_issues", section["max_points"],
                        "no issue recorded: link it to the issues it works on (WORKS_ON) to judge this")
    elif not ours:
        reasons.unknown("shared_issues", section["max_points"],
                        f"no issue recorded for {whose}: link its affiliates to their issues to judge this")
    else:
        names = ", ".join(graph.nodes[i]["name"] for i in shared)
        reasons.add("shared_issues", min(section["points_per_issue"] * len(shared), section["max_points"]),
                    f"works on {len(shared)} of {_possessive(whose)} issues" + (f": {names}" if shared else ""))

    section = criteria["values"]
    tags = _tags(graph, organisation)
    aligned = sorted(tags & {t.casefold() for t in section["tags"]})
    if not tags:
        reasons.unknown("values", section["points"],
                        "no tags recorded: tag its values (for example open-access) to judge them")
    else:
        reasons.add("values", section["points"] if aligned else 0.0,
                    f"tagged {', '.join(aligned)}" if aligned else "no free-knowledge value among its tags")

    _advocacy(graph, organisation, criteria["advocacy"], bool(shared), bool(theirs) and bool(ours), reasons)

    section = criteria["regional_presence"]
    region = data.get("region")
    near = sorted(a for a in affiliates if region and graph.nodes[a].get("region") == region and a != organisation)
    if not region:
        reasons.unknown("regional_presence", section["points"], "no region recorded: record its region to judge this")
    elif near:
        reasons.add("regional_presence", section["points"],
                    f"in {region}, like {whose}" if affiliate else f"{plural(len(near), 'affiliate')} in {region}")
    else:
        reasons.add("regional_presence", 0.0,
                    f"no affiliate in {region}" if not affiliate else f"not in {_possessive(whose)} region")

    status = data.get("status")
    if status:
        reasons.add("status", float(criteria["status"].get(status, 0.0)), f"status {status}")
    else:
        best = max((float(v) for v in criteria["status"].values()), default=0.0)
        reasons.unknown("status", best, "no status recorded: record it (active, prospective or dormant) to judge this")

    section = criteria["warm_ties"]
    if affiliate:
        people = members(graph, affiliate)
    _warmth(graph, organisation, section, movement_people(graph) if people is None else people, reasons)

    section = criteria["conflict_of_interest"]
    conflicts = sorted(tags & {t.casefold() for t in section["tags"]})
    reasons.add("conflict_of_interest", section["points"] if conflicts else 0.0,
                f"conflict of interest: tagged {', '.join(conflicts)}" if conflicts else "no conflict of interest listed")

    total = round(sum(r["points"] for r in reasons.items), 6)
    vetoed = bool(conflicts) and bool(section["veto"])
    if vetoed:
        verdict = "vetoed"
    elif total >= criteria.approve_at:
        verdict = "meets"
    elif total + reasons.open_points >= criteria.approve_at:
        verdict = "unknown"
    else:
        verdict = "below"
    return {**node_summary(graph, organisation), "status": status, "score": total,
            "meets_criteria": verdict == "meets", "verdict": verdict, "vetoed": vetoed,
            "unknown": [r["criterion"] for r in reasons.items if r["unknown"]], "reasons": reasons.items}


def _advocacy(graph: nx.Graph, organisation: str, section: dict[str, Any], on_our_issue: bool, issues_known: bool,
              reasons: _Reasons) -> None:
    """Judge whether the organisation's type counts as an advocacy partner (the [advocacy] section)."""
    raw = graph.nodes[organisation].get("type")
    kind = type_key(raw)
    always = {type_key(t) for t in section["types"]}
    conditional = {type_key(t) for t in section["types_on_movement_issue"]}
    if kind is None:
        reasons.unknown("advocacy", section["points"],
                        "no type recorded: record its organisation type (ngo, glam, ...) to judge this")
    elif kind in always:
        reasons.add("advocacy", section["points"], f"{kind}: counts as an advocacy partner")
    elif kind in conditional and on_our_issue:
        reasons.add("advocacy", section["points"], f"{kind} working on the movement's issues: counts as an advocacy partner")
    elif kind in conditional and not issues_known:
        reasons.unknown("advocacy", section["points"],
                        f"{kind} counts as an advocacy partner when it works on the movement's issues: "
                        "record its issues to judge this")
    elif kind in conditional:
        reasons.add("advocacy", 0.0, f"{kind} counts as an advocacy partner only when it works on the movement's issues")
    else:
        reasons.add("advocacy", 0.0, f"{kind} does not count as an advocacy partner (the criteria's advocacy types)")


def _warmth(graph: nx.Graph, organisation: str, section: dict[str, Any], people: set[str], reasons: _Reasons) -> None:
    """Judge the warm ties into the organisation (the [warm_ties] section): holding it beats knowing someone there."""
    least = int(section["min_strength"])
    ties = _ties_into(graph, organisation, people)
    held = [t for t in ties if t[0] == "holds" and _strength(t[3]) >= least]
    known = [t for t in ties if t[0] == "knows" and _strength(t[3]) >= least]
    unmeasured = [t for t in ties if not _strength(t[3])]
    if held:
        reasons.add("warm_ties", section["points"], _listed([_tie_sentence(graph, organisation, t) for t in held]))
    elif known:
        reasons.add("warm_ties", section["knows_points"],
                    _listed([_tie_sentence(graph, organisation, t) for t in known])
                    + "; nobody holds the relationship that warmly")
    elif unmeasured:
        reasons.unknown("warm_ties", section["points"],
                        f"{plural(len(unmeasured), 'tie')} into it without a strength: record how strong "
                        f"{'it is' if len(unmeasured) == 1 else 'they are'} to judge this")
    elif ties:
        reasons.add("warm_ties", 0.0, f"no tie of strength {least} or more")
    else:
        reasons.add("warm_ties", 0.0, "nobody in the movement holds the relationship or knows anyone there "
                                      "(ties that ended do not count)")


def score_all(graph: nx.Graph, criteria: Criteria, *, kind: str = "partner") -> list[dict[str, Any]]:
    """Return the criteria score of every element of `kind` (partners by default), best first."""
    people = movement_people(graph)
    found = [score(graph, n, criteria, people=people) for n, k in graph.nodes(data="kind") if k == kind]
    found.sort(key=lambda s: (-s["score"], s["id"]))
    return found
