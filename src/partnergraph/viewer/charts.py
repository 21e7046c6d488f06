"""Charts drawn by the server: the geometry of an inline SVG line chart, computed from the numbers.

No script and no CDN: the template draws the SVG from what `line_chart` returns, with
presentation attributes only (the Content-Security-Policy allows no inline style).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Distinct, readable on white; the first is the total's.
SERIES_COLOURS = ("#1d2733", "#3b6fd8", "#e07b00", "#1f9d8b", "#8e5bd8", "#e11d48", "#66a61e", "#a6761d")
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36


def _ticks(top: int) -> list[int]:
    # Whole numbers only (people are counted), at most six of them.
    step = max(1, -(-top // 5))
    return list(range(0, top + step, step))


def line_chart(labels: Sequence[Any], series: Sequence[tuple[str, Sequence[int]]]) -> dict[str, Any]:
    """Return the geometry of a line chart: one line per (name, values) over `labels`, with axes and ticks.

    Each line has its `name`, `colour`, the SVG `points` and each point's `x`, `y`, `value` and
    `label` (for a title); `x_ticks` and `y_ticks` place the axes' labels.
    """
    top = max([v for _, values in series for v in values] + [1])
    ticks = _ticks(top)
    high = ticks[-1]
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(labels)

    def x(i: int) -> float:
        return round(LEFT + (inner_w * i / (count - 1) if count > 1 else inner_w / 2), 1)

    def y(value: int) -> float:
        return round(TOP + inner_h * (1 - value / high), 1)

    lines = []
    for n, (name, values) in enumerate(series):
        points = [{"x": x(i), "y": y(v), "value": v, "label": labels[i]} for i, v in enumerate(values)]
        lines.append({"name": name, "colour": SERIES_COLOURS[n % len(SERIES_COLOURS)], "dashed": n == 0,
                      "points": points, "path": " ".join(f"{p['x']},{p['y']}" for p in points)})
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "bottom": HEIGHT - BOTTOM, "lines": lines,
            "x_ticks": [{"x": x(i), "label": label} for i, label in enumerate(labels)],
            "y_ticks": [{"y": y(t), "label": t} for t in ticks]}
