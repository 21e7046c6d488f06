"""Write a report (a partner's dossier, the risks report) as a standalone HTML page or as Markdown.

The templates live in web/templates/reports/, beside the viewer's; the viewer's print views
include the same bodies. HTML is autoescaped and carries its print CSS (web/static/print.css)
inlined, so the file needs nothing else. Markdown escapes every value put into it (`md`), so a
name can neither break a table nor become a link or markup.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

FORMATS = ("html", "md")
TEMPLATES = {"partner": "reports/partner", "risks": "reports/risks"}
# What Markdown (CommonMark, GitHub's tables) reads as markup in running text or a table cell.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")


def markdown_text(value: Any) -> str:
    """Return `value` as literal Markdown text on one line: markup characters escaped, newlines as spaces."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def print_css(web: Path) -> str:
    """Return the print style sheet of reports and the viewer (web/static/print.css under `web`)."""
    return (web / "static" / "print.css").read_text(encoding="utf-8")


@cache
def _environment(web: Path, markdown: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(web / "templates")),
        autoescape=not markdown, trim_blocks=markdown, lstrip_blocks=markdown,
        keep_trailing_newline=True)
    env.filters["md"] = markdown_text
    return env


def render(report: dict[str, Any], fmt: str, *, web: Path) -> str:
    """Return `report` (its `report` key names the template) in `fmt`, "html" or "md", from the templates of `web`."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    name = TEMPLATES[report["report"]]
    if fmt == "md":
        return _environment(web, True).get_template(f"{name}.md").render(r=report)
    # The style sheet is the project's own file, not data: it goes in as it is.
    return _environment(web, False).get_template("reports/standalone.html").render(
        r=report, body=f"{name}.html", css=Markup(print_css(web)))
