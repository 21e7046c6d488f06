"""Tables on the terminal: one renderer for every table the commands print; it never cuts a header.

A header longer than its column wraps onto more lines at its spaces (a single word wider than the
column widens it), so "Latin America & Caribbean" reads whole however narrow the numbers below.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

# A column is at least this wide before its header wraps: narrow numbers under long region names.
WRAP_AT = 12


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, right: Sequence[bool] | None = None,
                 wrap: int = WRAP_AT, indent: str = "") -> list[str]:
    """Return the lines of a table: headers (wrapped, never cut) over rows, columns two spaces apart.

    `right` says per column whether it is right-aligned (numbers); by default every column but the
    first is. The first column never wraps its header: it is as wide as its longest cell.
    """
    count = len(headers)
    right = list(right) if right is not None else [False] + [True] * (count - 1)
    cells = [[str(c) for c in row] for row in rows]
    widths = []
    for i, header in enumerate(headers):
        longest_cell = max((len(row[i]) for row in cells), default=0)
        longest_word = max((len(w) for w in header.split()), default=0)
        limit = len(header) if i == 0 else max(wrap, longest_cell)
        widths.append(max(longest_cell, longest_word, min(len(header), limit)))
    wrapped = [textwrap.wrap(h, widths[i], break_long_words=False) or [""] for i, h in enumerate(headers)]
    height = max(len(w) for w in wrapped)
    lines = []
    for level in range(height):
        parts = []
        for i, words in enumerate(wrapped):
            text = words[level - (height - len(words))] if level >= height - len(words) else ""  # bottom-aligned
            parts.append(text.rjust(widths[i]) if right[i] else text.ljust(widths[i]))
        lines.append(indent + "  ".join(parts).rstrip())
    for row in cells:
        parts = [c.rjust(widths[i]) if right[i] else c.ljust(widths[i]) for i, c in enumerate(row)]
        lines.append(indent + "  ".join(parts).rstrip())
    return lines
