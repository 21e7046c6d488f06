"""Draw a view as the viewer draws it: each node's colour and size, and the legend.

The viewer's script (web/static/graph.js) colours and sizes nodes in the browser; the files that
carry a picture out of the viewer (the standalone page, GEXF and GraphML `viz` attributes) need the
same picture in Python. These are its rules, in the same order:

- colour by region (the viewer's default): a colour of `PALETTE` per region, in the order regions
  first appear among the nodes, and `NO_REGION` for a node without one; by community (the
  overview's): `PALETTE[community]`; by kind: `schema.KIND_COLOURS`;
- size: vis-network's `value` scaling, linear from the smallest to the largest value of the view
  onto `SIZE_RANGE` pixels (`OVERVIEW_SIZE_RANGE` for the overview), the middle when all are equal.
  A node's value is its score when the view is sized by a measure, else one more than its
  connections in the view (the square root of its links in the overview).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from partnergraph.schema import KIND_COLOURS, KIND_SHAPES, Kind, edge_styles

# Distinct, readable on white, and never a kind's colour (graph.js keeps the same list).
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4",
           "#b2182b", "#4d9221", "#8c510a", "#5e3c99", "#c51b7d", "#01665e")
NO_REGION = "#b8c0c9"
COLOUR_BY = ("region", "kind", "community")
SIZE_RANGE = (6.0, 34.0)
OVERVIEW_SIZE_RANGE = (10.0, 40.0)
LEGEND_COLOURS_MAX = 14  # the viewer's legend lists at most this many colours
_KINDS = {kind.slug: kind for kind in Kind}
_EDGE_STYLES = {style["type"]: style for style in edge_styles()}


def kind_colour(kind: str) -> str:
    """Return the colour of a kind (by its slug)."""
    return KIND_COLOURS[_KINDS[kind]]


def kind_shape(kind: str) -> str:
    """Return the vis-network shape of a kind (by its slug)."""
    return KIND_SHAPES[_KINDS[kind]]


def colours(nodes: Iterable[Mapping[str, Any]], colour_by: str = "region") -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Return each node's colour, and the legend's (label, colour) pairs, colouring by `colour_by`.

    Nodes are the viewer's node summaries (id, kind, region, community...), in the view's order.
    """
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by must be one of {', '.join(COLOUR_BY)}, not {colour_by!r}")
    nodes = list(nodes)
    found: dict[str, str] = {}
    regions: dict[str, str] = {}
    communities: dict[int, str] = {}
    for n in nodes:
        if colour_by == "region":
            region = n.get("region")
            if not region:
                found[n["id"]] = NO_REGION
                continue
            found[n["id"]] = regions.setdefault(region, PALETTE[len(regions) % len(PALETTE)])
        elif colour_by == "community" and n.get("community") is not None:
            found[n["id"]] = communities.setdefault(n["community"], PALETTE[n["community"] % len(PALETTE)])
        else:
            found[n["id"]] = kind_colour(n["kind"])
    if colour_by == "region":
        legend = sorted(regions.items())
    elif colour_by == "community" and communities:
        legend = [(f"community {c + 1}", colour) for c, colour in sorted(communities.items())]
    else:
        legend = [(kind, kind_colour(kind)) for kind in sorted({n["kind"] for n in nodes})]
    return found, legend[:LEGEND_COLOURS_MAX]


def node_values(view: Mapping[str, Any]) -> dict[str, float]:
    """Return the value each node of a view is sized by, as the viewer reckons it."""
    shown: dict[str, int] = {}
    for e in view["edges"]:
        shown[e["from"]] = shown.get(e["from"], 0) + 1
        shown[e["to"]] = shown.get(e["to"], 0) + 1
    overview = view.get("view") == "overview" and not view.get("center")
    values = {}
    for n in view["nodes"]:
        if "score" in n:
            values[n["id"]] = float(n["score"])
        else:
            values[n["id"]] = (math.sqrt(n["degree"]) if overview else shown.get(n["id"], 0)) + 1.0
    return values


def sizes(values: Mapping[str, float], size_range: tuple[float, float] = SIZE_RANGE) -> dict[str, float]:
    """Return the size in pixels of each node: vis-network's linear scaling of `values` onto `size_range`."""
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    smallest, largest = size_range
    scale = {n: 0.5 if high == low else max(0.0, (v - low) / (high - low)) for n, v in values.items()}
    return {n: round(smallest + s * (largest - smallest), 2) for n, s in scale.items()}


def drawn_type(types: Iterable[str]) -> str:
    """Return the type an edge carrying `types` is drawn as: the one the schema emphasises most."""
    types = list(types)
    return max(types, key=lambda t: _EDGE_STYLES.get(t, {"emphasis": -1})["emphasis"]) if types else ""


def edge_style(types: Iterable[str]) -> dict[str, Any]:
    """Return the line an edge is drawn with (colour, dashes, label) from the types it carries."""
    return _EDGE_STYLES.get(drawn_type(types), {"type": "", "label": "", "colour": "#9aa7b4", "dashes": False,
                                               "emphasis": 0})


def draw(view: Mapping[str, Any], colour_by: str = "region") -> dict[str, Any]:
    """Return how a view (the shape of /api/graph) is drawn: per node colour, size and shape; the legend.

    {"nodes": {id: {"colour", "size", "shape"}}, "legend": {"kinds": [(kind, shape)],
    "colour_by", "colours": [(label, colour)], "lines": [edge style]}}.
    """
    found, legend = colours(view["nodes"], colour_by)
    overview = view.get("view") == "overview" and not view.get("center")
    scaled = sizes(node_values(view), OVERVIEW_SIZE_RANGE if overview else SIZE_RANGE)
    nodes = {n["id"]: {"colour": found[n["id"]], "size": scaled[n["id"]], "shape": kind_shape(n["kind"])}
             for n in view["nodes"]}
    kinds = sorted({n["kind"] for n in view["nodes"]})
    drawn = {drawn_type(e["types"]) for e in view["edges"]}
    lines = [style for style in edge_styles() if style["type"] in drawn]
    return {"nodes": nodes, "legend": {"kinds": [(k, kind_shape(k)) for k in kinds], "colour_by": colour_by,
                                       "colours": legend, "lines": lines}}


def rgb(colour: str) -> tuple[int, int, int]:
    """Return the red, green and blue of a `#rrggbb` colour."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def picture(view: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """Return what GEXF and GraphML files carry of a view's picture: per node x, y, r, g, b and size.

    Positions are the view's (the server layout's) with y negated: Gephi's y axis points up, the
    browser's down, so the file opens the right way up. Colours are the kinds' (the viewer's
    "Colour by kind"), sizes the viewer's in pixels (`draw`).
    """
    drawn = draw(view, "kind")["nodes"]
    found = {}
    for n in view["nodes"]:
        red, green, blue = rgb(drawn[n["id"]]["colour"])
        found[n["id"]] = {"x": float(n.get("x", 0.0)), "y": -float(n.get("y", 0.0)) + 0.0, "r": red, "g": green,
                          "b": blue, "size": drawn[n["id"]]["size"]}
    return found
