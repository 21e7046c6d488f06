"""What the pages and the API share: where web/ is, the workspace, parsing of query parameters."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app, g, request

from partnergraph.analysis.centrality import MEASURES
from partnergraph.config import package_root
from partnergraph.model import PartnergraphError
from partnergraph.services import Workspace, redact

# templates/ and static/ live in web/ next to cypher/: the repository root in a checkout, the
# package folder in an installed wheel (pyproject's force-include).
WEB_ROOT = package_root() / "web"
KINDS = ("affiliate", "partner", "contact", "issue")
MAX_LIMIT = 2000
MEASURE_NAMES = tuple(MEASURES)


@dataclass
class ViewerState:
    """The app's one workspace and whether it shows only the public directory."""

    ws: Workspace
    public: bool
    lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def workspace(self) -> Iterator[Workspace]:
        """Yield the workspace to one request at a time: its graph cache is not thread-safe."""
        with self.lock:
            yield self.ws

    def close(self) -> None:
        """Close the store."""
        self.ws.close()


def state() -> ViewerState:
    """Return the state of the running app."""
    return current_app.extensions["partnergraph"]


def private_only() -> None:
    """Answer 404 in public mode: people and who-knows-whom are not part of the public directory."""
    if state().public:
        abort(404, description="not available in the public directory")


def personal_data_allowed() -> bool:
    """Return whether this request may see personal data (email, phone, notes): only a signed-in user's.

    The one place that decides it. Never in public mode; otherwise only when sign-in
    (`partnergraph.viewer.auth`) has put the account in `g.user`: anonymous readers of a private
    viewer see people and ties, not how to reach them nor what was noted about them.
    """
    return not state().public and getattr(g, "user", None) is not None


def as_allowed(result: Any) -> Any:
    """Return a workspace result as this request may see it: redacted unless personal data is allowed."""
    return result if personal_data_allowed() else redact(result)


def text_arg(name: str, default: str | None = None) -> str | None:
    """Return a query parameter stripped, or `default` when it is missing or blank."""
    value = request.args.get(name, "")
    return value.strip() or default


def int_arg(name: str, default: int | None, *, low: int = 1, high: int | None = None) -> int | None:
    """Return an integer query parameter within [low, high], or raise a user error naming it."""
    raw = text_arg(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise PartnergraphError(f"{name} must be a whole number, not {raw!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise PartnergraphError(f"{name} must be {bounds}")
    return value


def bool_arg(name: str) -> bool:
    """Return a flag query parameter: present as 1, true, yes or on (a checkbox sends on)."""
    return (text_arg(name) or "").lower() in ("1", "true", "yes", "on")


def list_arg(name: str) -> list[str]:
    """Return a repeatable query parameter, each value also split on ';' (ids never hold one)."""
    found = []
    for value in request.args.getlist(name):
        found.extend(part.strip() for part in value.split(";") if part.strip())
    return found


def choice_arg(name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    """Return a query parameter that must be one of `choices`."""
    value = text_arg(name, default)
    if value is not None and value not in choices:
        raise PartnergraphError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def path_query() -> dict[str, Any]:
    """Return the path finder's parameters from the query (the options of `partnergraph path`)."""
    types = [t.strip().upper() for value in list_arg("types") for t in value.split(",") if t.strip()]
    return {"source": text_arg("from"), "target": text_arg("to"), "warm": bool_arg("warm"),
            "k": int_arg("k", 1, high=10), "max_hops": int_arg("max_hops", None, high=20),
            "avoid": list_arg("avoid"), "types": types or None, "current": bool_arg("current"),
            "overlap": bool_arg("overlap"), "via_issue": text_arg("via_issue"),
            "to_issue": text_arg("to_issue"), "to_region": text_arg("to_region")}


def path_options(query: dict[str, Any]) -> dict[str, Any]:
    """Return the keyword options of `Workspace.path` from a parsed path query."""
    return {name: query[name] for name in ("warm", "k", "max_hops", "avoid", "types", "current", "overlap",
                                            "via_issue", "to_issue", "to_region")}


def graph_query() -> dict[str, Any]:
    """Return the graph view's parameters (centre, depth, limit, filters, size) from the query."""
    kinds = list_arg("kind")
    for kind in kinds:
        if kind.lower() not in KINDS:
            raise PartnergraphError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return {"center": text_arg("center"), "depth": int_arg("depth", 1, high=3),
            "limit": int_arg("limit", 500, high=MAX_LIMIT), "kinds": kinds, "issue": text_arg("issue"),
            "region": text_arg("region"), "status": text_arg("status"),
            "size_by": choice_arg("size", MEASURE_NAMES, None)}


def float_arg(name: str, default: float) -> float:
    """Return a positive number from the query, or raise a user error naming it."""
    raw = text_arg(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise PartnergraphError(f"{name} must be a number, not {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise PartnergraphError(f"{name} must be a positive number")
    return value


def communities_query(top: int | None = None) -> dict[str, Any]:
    """Return the options of `partnergraph communities` from the query: seed, resolution, weighted, top."""
    return {"seed": int_arg("seed", 0, low=0), "resolution": float_arg("resolution", 1.0),
            "weighted": bool_arg("weighted"), "top": int_arg("top", top, high=1000)}


def coverage_statuses() -> tuple[str, ...]:
    """Return the partner statuses that count as coverage (?status=, repeatable; default active)."""
    return tuple(list_arg("status")) or ("active",)


def suggest_query() -> dict[str, Any]:
    """Return the options of `partnergraph suggest` from the query: for, issue, region, top."""
    return {"affiliate": text_arg("for"), "issue": text_arg("issue"), "region": text_arg("region"),
            "top": int_arg("top", 10, high=200)}
