"""What the pages and the API share: where web/ is, the workspace, parsing of query parameters."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, g, request

from partnergraph.config import package_root
from partnergraph.model import PartnergraphError, RelType
from partnergraph.schema import KIND_SLUGS
from partnergraph.services import Workspace, redact
from partnergraph.services.accounts import allows
from partnergraph.services.options import (
    CentralityQuery,
    CommunitiesQuery,
    CoverageQuery,
    CriteriaQuery,
    GraphQuery,
    InvalidOption,
)

# templates/ and static/ live in web/ next to cypher/: the repository root in a checkout, the
# package folder in an installed wheel (pyproject's force-include).
WEB_ROOT = package_root() / "web"
KINDS = KIND_SLUGS
MAX_INT = 2**63 - 1  # no whole number the viewer reads means anything beyond 64 bits (nor can a store hold it)


@dataclass
class ViewerState:
    """The app's one workspace and whether it shows only the public directory."""

    ws: Workspace
    public: bool

    @contextmanager
    def workspace(self) -> Iterator[Workspace]:
        """Yield the workspace; requests share it at once (each reads the snapshot it began with)."""
        yield self.ws

    @contextmanager
    def request(self, *, writes: bool) -> Iterator[None]:
        """Serve one request on one analysis snapshot, chosen when it first reads the graph.

        A signed-in editor's request waits for the store's newest version (they see what they
        just saved, whichever worker answers); anyone else's is answered from the current
        snapshot while the next one is prepared. A request that writes reads the newest version
        at every step, so that it reads back what it wrote.
        """
        with self.ws.cache.reading(wait=may_have_written, keep=not writes):
            yield

    def close(self) -> None:
        """Close the store."""
        self.ws.close()


def may_have_written() -> bool:
    """Return whether this request comes from someone who may edit (and so may have just written)."""
    user = getattr(g, "user", None)
    return user is not None and allows(user.role, "editor")


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


# The query parameter that carries each option whose name differs from its field's.
QUERY_NAMES = {"source": "from", "target": "to", "affiliate": "for", "organisation": "org", "size_by": "size",
               "kinds": "kind", "text": "q", "from_year": "from", "today": "as_of"}


def describe_error(exc: PartnergraphError) -> str:
    """Return a user error as the API and pages phrase it: an option by its query parameter's name."""
    if isinstance(exc, InvalidOption):
        return f"{QUERY_NAMES.get(exc.param, exc.param)} {exc.problem}"
    return str(exc)


def int_arg(name: str, default: int | None) -> int | None:
    """Return an integer query parameter, or raise a user error naming it (bounds are the options')."""
    raw = text_arg(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise PartnergraphError(f"{name} must be a whole number, not {raw[:40]!r}") from None
    if not -MAX_INT - 1 <= value <= MAX_INT:
        raise PartnergraphError(f"{name} is out of range (at most 64 bits)")
    return value


def float_arg(name: str, default: float) -> float:
    """Return a number from the query, or raise a user error naming it."""
    raw = text_arg(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise PartnergraphError(f"{name} must be a number, not {raw[:40]!r}") from None
    if not math.isfinite(value):
        raise PartnergraphError(f"{name} must be a finite number, not {raw[:40]!r}")
    return value


def connection_key() -> tuple[str, str, str]:
    """Return a connection's (from, to, type) from the query, or on a POST from the query or the form."""
    # Only a submitted form carries fields; every other verb names the connection in the query.
    values = request.values if request.method == "POST" else request.args
    source, target, rel = (values.get(n, "").strip() for n in ("from", "to", "type"))
    if not (source and target and rel):
        raise PartnergraphError("from, to and type are required")
    try:
        rel = RelType.parse(rel).value
    except ValueError as exc:
        raise PartnergraphError(str(exc)) from None
    return source, target, rel


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


def path_args() -> dict[str, Any]:
    """Return the path finder's fields from the query, as typed (the form shows them back as they are)."""
    types = tuple(t.strip().upper() for value in list_arg("types") for t in value.split(",") if t.strip())
    return {"source": text_arg("from"), "target": text_arg("to"), "warm": bool_arg("warm"),
            "k": int_arg("k", 1), "max_hops": int_arg("max_hops", None), "avoid": tuple(list_arg("avoid")),
            "types": types or None, "current": bool_arg("current"), "overlap": bool_arg("overlap"),
            "via_issue": text_arg("via_issue"), "to_issue": text_arg("to_issue"), "to_region": text_arg("to_region")}


def graph_query(*, public: bool) -> GraphQuery:
    """Return the graph view's options (centre, depth, limit, filters, size) from the query."""
    return GraphQuery(center=text_arg("center"), depth=int_arg("depth", 1), limit=int_arg("limit", 500),
                      kinds=tuple(list_arg("kind")), issue=text_arg("issue"), region=text_arg("region"),
                      status=text_arg("status"), size_by=text_arg("size"), public=public, view=text_arg("view"),
                      type=text_arg("type"), personal=personal_data_allowed())


def communities_query(*, top: int | None = None, public: bool) -> CommunitiesQuery:
    """Return the options of `partnergraph communities` from the query: seed, resolution, weighted, top."""
    return CommunitiesQuery(seed=int_arg("seed", 0), resolution=float_arg("resolution", 1.0),
                            weighted=bool_arg("weighted"), top=int_arg("top", top), public=public,
                            personal=personal_data_allowed())


def coverage_query(*, public: bool) -> CoverageQuery:
    """Return the partner statuses that count as coverage (?status=, repeatable; default active), and ?type=."""
    return CoverageQuery(statuses=tuple(list_arg("status")) or ("active",), types=tuple(list_arg("type")),
                         public=public)


def centrality_query(*, measure: str, top: int, public: bool) -> CentralityQuery:
    """Return the options of `partnergraph centrality` from the query: measure, kind, top, type, include_issues."""
    return CentralityQuery(text_arg("measure", measure) or measure, kind=text_arg("kind"), top=int_arg("top", top),
                           types=tuple(list_arg("type")), include_issues=bool_arg("include_issues"), public=public,
                           personal=personal_data_allowed())


def criteria_query(*, organisation: str | None = None) -> CriteriaQuery:
    """Return the options of `partnergraph criteria` from the query: org, top, distribution (default criteria)."""
    return CriteriaQuery(organisation or text_arg("org"), top=int_arg("top", None), distribution=bool_arg("distribution"))


def suggest_args() -> dict[str, Any]:
    """Return the fields of `partnergraph suggest` from the query: for, issue, region, top."""
    return {"affiliate": text_arg("for"), "issue": text_arg("issue"), "region": text_arg("region"),
            "top": int_arg("top", 10)}
