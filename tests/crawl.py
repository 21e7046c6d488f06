"""Enumerate every GET URL of the viewer from its URL map, for tests that must cover every route.

Routes added later are crawled without touching the tests: path parameters are filled with the
given ids (each choice of an `any(...)`, small numbers for an `int`), and each route is read with
the query strings given (a route ignores parameters it does not take).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import quote

from flask import Flask
from werkzeug.routing import AnyConverter, IntegerConverter, Rule


def _values(converter: object, ids: Sequence[str]) -> list[str]:
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)
    if isinstance(converter, IntegerConverter):
        return ["1", "2", "3"]
    return list(ids)


def get_rules(app: Flask) -> list[Rule]:
    """Return the app's GET routes but static files, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if "GET" in (r.methods or ()) and r.endpoint != "static"),
                  key=lambda r: r.rule)


def paths(rule: Rule, ids: Sequence[str]) -> list[str]:
    """Return the paths of one route with its parameters filled in every combination."""
    found = [""]
    for is_param, part in rule._trace:  # werkzeug keeps the rule's literal parts and parameters in order
        if is_param:
            choices = _values(rule._converters[part], ids)  # no public map from parameter to converter
            found = [p + quote(v, safe="/") for p in found for v in choices]
        elif part != "|":  # the host part
            found = [p + part for p in found]
    return found


def every_url(app: Flask, ids: Sequence[str], *, queries: Iterable[str] = ("",),
              per_element: Iterable[str] = (), param_queries: Iterable[str] = ("",)) -> Iterator[str]:
    """Yield every GET URL: routes without parameters with each query (and each per-element query
    formatted with `id` and `depth`), routes with parameters filled with every id and `param_queries`."""
    queries, per_element, param_queries = list(queries), list(per_element), list(param_queries)
    for rule in get_rules(app):
        for path in paths(rule, ids):
            if rule.arguments:
                yield from (path + q for q in param_queries)
                continue
            yield from (path + q for q in queries)
            for element in ids:
                for template in per_element:
                    for depth in ((1, 2, 3) if "{depth}" in template else (1,)):
                        yield path + template.format(id=quote(element, safe=""), depth=depth)
