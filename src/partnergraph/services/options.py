"""The options of each question: one typed object, checked once, shared by the CLI, the API and the analysis.

Each question (`Questions.path`, `Questions.centrality`, ...) takes one of these frozen
dataclasses. A field with bounds declares them with `bounded`; `Options.__post_init__` checks
every bound and choice when the object is made, so the CLI, the JSON API and the viewer's pages
accept exactly the same values. A bad value raises `InvalidOption` naming the *parameter* (its
field name); the CLI turns that into its flag (`--max-hops`) and the API into its query name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from partnergraph.analysis.attendance_trend import BY as ATTENDANCE_BY
from partnergraph.analysis.centrality import BACKENDS, MEASURES
from partnergraph.analysis.events import WHEN as EVENT_WHEN
from partnergraph.analysis.paths import PATH_TYPES
from partnergraph.analysis.relationships import OVERLOAD, STALE_MONTHS
from partnergraph.analysis.warmth import LUKEWARM, WARM, warmth_meaning
from partnergraph.model import Kind, PartnergraphError, RelType

PATH_K_MAX = 10  # distinct alternatives: beyond ten they stop being genuinely different
PATH_HOPS_MAX = 20  # longer chains are not introductions
GRAPH_DEPTH_MAX = 3  # beyond three steps an ego graph is most of the network
GRAPH_LIMIT_MAX = 2000  # the browser's drawing budget
GRAPH_VIEWS = ("overview", "all")  # the graph view's pictures (docs/viewer.md#the-graph)
SEARCH_LIMIT_MAX = 200
HISTORY_LIMIT_MAX = 500
MEASURE_NAMES = tuple(MEASURES)  # the centrality measures, for choices in the CLI and the viewer
# Names the CLI and the viewer take from here (they import no analysis module).
__all__ = ["ATTENDANCE_BY", "EVENT_WHEN", "LUKEWARM", "MEASURE_NAMES", "PATH_TYPES", "WARM", "warmth_meaning"]


class InvalidOption(PartnergraphError):
    """Raise when an option is out of its bounds; `param` is the option's name (a field name)."""

    def __init__(self, param: str, problem: str):
        self.param, self.problem = param, problem
        super().__init__(f"{param} {problem}")


class ConflictingOptions(InvalidOption):
    """Raise when options that are each valid do not go together; `param` is the one to drop or change."""


def bounded(default: Any, low: float | None = None, high: float | None = None, *, above: bool = False) -> Any:
    """Return a dataclass field with bounds: at least `low` (or above it, with `above`) and at most `high`."""
    return field(default=default, metadata={"low": low, "high": high, "above": above})


def choice(default: Any, choices: tuple[str, ...]) -> Any:
    """Return a dataclass field whose value must be one of `choices` (or None when the default is None)."""
    return field(default=default, metadata={"choices": choices})


def bounds_text(meta: dict[str, Any]) -> str:
    """Return the bounds of a field in words: 'between 1 and 10', 'at least 0', 'above 0'."""
    low, high = meta.get("low"), meta.get("high")
    if meta.get("above"):
        if low == 0 and high is None:
            return "a positive number"
        return f"above {low:g}" if high is None else f"above {low:g} and at most {high:g}"
    if low is not None and high is not None:
        return f"between {low:g} and {high:g}"
    return f"at least {low:g}" if low is not None else f"at most {high:g}"


@dataclass(frozen=True)
class Options:
    """Base of every question's options: checks bounds and choices on creation."""

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            value, meta = getattr(self, spec.name), spec.metadata
            if value is None or not meta:
                continue
            if "choices" in meta and value not in meta["choices"]:
                raise InvalidOption(spec.name, f"must be one of {', '.join(meta['choices'])}, not {value!r}")
            low, high = meta.get("low"), meta.get("high")
            too_low = low is not None and (value <= low if meta.get("above") else value < low)
            if too_low or (high is not None and value > high) or value != value:  # NaN is out of any bounds
                raise InvalidOption(spec.name, f"must be {bounds_text(meta)}")

    @classmethod
    def bounds(cls, name: str) -> dict[str, Any]:
        """Return the bounds (low, high, above) or choices of one field, for forms and help texts."""
        return dict(next(f for f in dataclasses.fields(cls) if f.name == name).metadata)


def _kind(value: str | None, param: str = "kind") -> str | None:
    if not value:
        return None
    try:
        return Kind.parse(value).slug
    except ValueError:
        raise InvalidOption(param, f"must be one of {', '.join(k.slug for k in Kind)}, not {value!r}") from None


def _types(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Return organisation types given once each, blanks dropped (matched against the schema's vocabulary later)."""
    found: list[str] = []
    for value in values:
        text = " ".join(str(value).split())
        if text and text not in found:
            found.append(text)
    return tuple(found)


@dataclass(frozen=True)
class HoldersQuery(Options):
    """Who holds the relationship with a partner."""

    partner: str
    stale_months: int = bounded(STALE_MONTHS, 0)
    today: date | None = None


@dataclass(frozen=True)
class PathQuery(Options):
    """Introduction paths from a person to a person, an organisation, or an issue and/or region.

    See `partnergraph.analysis.paths.introduction_paths` for what each option does.
    """

    source: str
    target: str | None = None
    warm: bool = False
    k: int = bounded(1, 1, PATH_K_MAX)
    max_hops: int | None = bounded(None, 1, PATH_HOPS_MAX)
    avoid: tuple[str, ...] = ()
    types: tuple[str, ...] | None = None
    current: bool = False
    overlap: bool = False
    via_issue: str | None = None
    to_issue: str | None = None
    to_region: str | None = None
    today: date | None = None
    personal: bool = True  # False: the reader may not see personal data (hop sentences leave it out)

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.source:
            raise InvalidOption("source", "is required: who is looking for an introduction")
        if self.target is None and self.to_issue is None and self.to_region is None:
            raise InvalidOption("target", "is required, or to_issue and/or to_region")
        if self.target is not None and (self.to_issue is not None or self.to_region is not None):
            raise ConflictingOptions("target", "is a person or an organisation: ask to_issue and to_region without it")
        known = {r.value for r in RelType}
        for name in self.types or ():
            if name not in known:
                raise InvalidOption("types", f"must name relationship types ({', '.join(sorted(known))}), not {name!r}")


@dataclass(frozen=True)
class CentralityQuery(Options):
    """The top elements by a centrality measure, on the whole graph or a part of it.

    `kind` ranks only that kind; with `induced`, scores are computed on the subgraph of that kind
    alone. `region` and `issue` compute on their subgraph. `weighted` makes strong ties short.
    `types` ranks only organisations of those types (docs/analytics.md#centrality). Issues are
    left out of the ranking unless `include_issues` (or `kind` is issue). With `public`, only
    what the public may see is ranked.
    """

    measure: str = choice("degree", tuple(MEASURES))
    kind: str | None = None
    top: int | None = bounded(10, 1)
    sample: int | None = bounded(None, 1)
    seed: int | None = None
    weighted: bool = False
    region: str | None = None
    issue: str | None = None
    induced: bool = False
    backend: str = choice("auto", BACKENDS)
    public: bool = False
    personal: bool = True  # False: a reader without personal data (anonymous): no attendance in the graph
    types: tuple[str, ...] = ()
    include_issues: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "kind", _kind(self.kind))
        object.__setattr__(self, "types", _types(self.types))
        if self.induced and self.kind is None:
            raise ConflictingOptions("induced", "needs a kind")
        if self.sample is not None and self.measure != "betweenness":
            raise ConflictingOptions("sample", "applies to betweenness only")


@dataclass(frozen=True)
class RisksQuery(Options):
    """Unheld and single-holder partners, overloaded holders, stale ties, dormant partners."""

    stale_months: int = bounded(STALE_MONTHS, 0)
    overload: int = bounded(OVERLOAD, 0)
    today: date | None = None


@dataclass(frozen=True)
class BrokersQuery(Options):
    """Who brokers: structural holes, cut points, bridges, connectors."""

    top: int | None = bounded(10, 1)
    personal: bool = True  # False: a reader without personal data (anonymous): no attendance in the graph


@dataclass(frozen=True)
class CommunitiesQuery(Options):
    """Louvain communities, seeded; with `public`, on the public directory alone."""

    seed: int = bounded(0, 0)
    resolution: float = bounded(1.0, 0, above=True)
    weighted: bool = False
    top: int | None = bounded(None, 1)
    public: bool = False
    personal: bool = True  # False: a reader without personal data (anonymous): no attendance in the graph

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.resolution == float("inf"):
            raise InvalidOption("resolution", "must be a positive number")


@dataclass(frozen=True)
class CoverageQuery(Options):
    """The issue x region matrix of partners with these statuses (and of these `types`, when given), and the gaps."""

    statuses: tuple[str, ...] = ("active",)
    public: bool = False
    types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "types", _types(self.types))


@dataclass(frozen=True)
class CriteriaQuery(Options):
    """One organisation, or every partner, scored against the partnership criteria.

    With `distribution`, the answer also says how the scores spread (`analysis.score_spread`),
    over every one scored (not only the `top`).
    """

    organisation: str | None = None
    criteria_file: Path | None = None
    top: int | None = bounded(None, 1)
    distribution: bool = False


@dataclass(frozen=True)
class SuggestQuery(Options):
    """Prospective partners for an affiliate, ranked by criteria and graph proximity."""

    affiliate: str
    issue: str | None = None
    region: str | None = None
    top: int | None = bounded(10, 1)
    criteria_file: Path | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.affiliate:
            raise InvalidOption("affiliate", "is required: the affiliate looking for partners")


@dataclass(frozen=True)
class MetricsQuery(Options):
    """Every metric of every element: centralities, Burt's measures, community."""

    sample: int | None = bounded(None, 1)
    seed: int | None = None
    community_seed: int = 0
    weighted: bool = False


@dataclass(frozen=True)
class GraphQuery(Options):
    """The nodes and edges around a centre (or the whole graph), filtered and capped, for drawing.

    Above `physics_limit` nodes every node carries x/y from a server layout.
    """

    center: str | None = None
    depth: int = bounded(1, 1, GRAPH_DEPTH_MAX)
    limit: int = bounded(500, 1, GRAPH_LIMIT_MAX)
    kinds: tuple[str, ...] = ()
    issue: str | None = None
    region: str | None = None
    status: str | None = None
    size_by: str | None = choice(None, tuple(MEASURES))
    public: bool = False
    personal: bool = True  # False: a reader without personal data (anonymous): no attendance in the graph
    physics_limit: int = 300
    # "overview": organisations with people folded into the edges (no centre); "all": every
    # element; None: "all", as /api/graph answered before the overview came (docs/json-api.md).
    view: str | None = choice(None, GRAPH_VIEWS)
    type: str | None = None  # an organisation type, read against the vocabulary (schema.canonical_type)

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "kinds", tuple(_kind(k) for k in self.kinds))
        if self.view == "overview" and self.center:
            raise ConflictingOptions("view", "overview has no centre: drop center, or ask view=all")


@dataclass(frozen=True)
class SearchQuery(Options):
    """Elements whose name or id contains `text`, best matches first."""

    text: str
    limit: int = bounded(20, 1, SEARCH_LIMIT_MAX)
    public: bool = False


@dataclass(frozen=True)
class HistoryQuery(Options):
    """A page of recorded changes, newest first: all, or those about one element."""

    element: str | None = None
    limit: int = bounded(50, 1, HISTORY_LIMIT_MAX)
    before: int | None = bounded(None, 1)


@dataclass(frozen=True)
class EventsQuery(Options):
    """Events ranked by value for an affiliate, or by the partners present overall (docs/events.md).

    `when`: only upcoming or only past events as of `today`; `personal`: False for readers who
    may not see attendance (partners then count only by organising, and no one is named).
    """

    affiliate: str | None = None
    when: str | None = choice(None, EVENT_WHEN)
    issue: str | None = None
    region: str | None = None
    today: date | None = None
    stale_months: int = bounded(STALE_MONTHS, 0)
    top: int | None = bounded(None, 1)
    personal: bool = True


@dataclass(frozen=True)
class AttendanceQuery(Options):
    """Our people at partner events per year, by region, affiliate or issue (docs/events.md)."""

    by: str = choice("region", ATTENDANCE_BY)
    from_year: int | None = bounded(None, 1900, 2200)
    today: date | None = None
